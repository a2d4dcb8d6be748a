package io.controlplane.cancel.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.config.KeyPartitioner;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExecutionPartitionerTest {

    @Test
    void reKeyedCommandGoesWhereTheConfiguredPartitionerPutsItsExecutionId() {
        // CRC32("exec-2") % 6 = 5, murmur2: 1 (see KeyPartitionerTest)
        assertThat(new ExecutionPartitioner<>(KeyPartitioner.CRC32).partitions("t", "exec-2", null, 6))
                .contains(Set.of(5));
        assertThat(new ExecutionPartitioner<>(KeyPartitioner.MURMUR2).partitions("t", "exec-2", null, 6))
                .contains(Set.of(1));
    }

    @Test
    void noKeyLeavesThePlacementToKafkaStreams() {
        assertThat(new ExecutionPartitioner<>(KeyPartitioner.CRC32).partitions("t", null, null, 6))
                .isEqualTo(Optional.empty());
    }
}
