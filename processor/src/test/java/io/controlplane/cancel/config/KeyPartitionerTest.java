package io.controlplane.cancel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class KeyPartitionerTest {

    private static int partition(KeyPartitioner partitioner, String key, int partitions) {
        return partitioner.partition(key.getBytes(StandardCharsets.UTF_8), partitions);
    }

    @Test
    void murmur2PlacesKeysAsKafkasJavaProducerDoes() {
        assertThat(partition(KeyPartitioner.MURMUR2, "exec-1", 6)).isEqualTo(4);
        assertThat(partition(KeyPartitioner.MURMUR2, "exec-2", 6)).isEqualTo(1);
        assertThat(partition(KeyPartitioner.MURMUR2, "run-9", 6)).isEqualTo(2);
        assertThat(partition(KeyPartitioner.MURMUR2, "exec-1", 3)).isEqualTo(1);
        for (int i = 0; i < 2_000; i++) {
            byte[] key = ("execution-" + i).getBytes(StandardCharsets.UTF_8);
            int partitions = 1 + i % 13;
            assertThat(KeyPartitioner.MURMUR2.partition(key, partitions))
                    .isEqualTo(BuiltInPartitioner.partitionForKey(key, partitions));
        }
    }

    /** Values from zlib.crc32; LibrdkafkaPartitionerIT checks the same function against librdkafka itself. */
    @Test
    void crc32PlacesKeysAsLibrdkafkasDefaultPartitionerDoes() {
        assertThat(partition(KeyPartitioner.CRC32, "exec-1", 6))
                .isEqualTo(398_769_369L % 6)
                .isEqualTo(3);
        assertThat(partition(KeyPartitioner.CRC32, "run-9", 6))
                .isEqualTo(615_981_265L % 6)
                .isEqualTo(1);
        assertThat(partition(KeyPartitioner.CRC32, "exec-1", 3)).isEqualTo(0);
        assertThat(partition(KeyPartitioner.CRC32, "", 6)).isEqualTo(0);
    }

    @Test
    void crc32IsTakenAsUnsigned() {
        // CRC32("exec-2") = 2395860323 > 2^31: as a signed int it would give a negative remainder.
        assertThat(partition(KeyPartitioner.CRC32, "exec-2", 6))
                .isEqualTo(2_395_860_323L % 6)
                .isEqualTo(5);
        assertThat(partition(KeyPartitioner.CRC32, "exec-3", 6))
                .isEqualTo(4_190_821_877L % 6)
                .isEqualTo(5);
    }

    @Test
    void theTwoPartitionersDisagreeOnMostKeys() {
        long disagreeing = IntStream.range(0, 600)
                .filter(i -> partition(KeyPartitioner.MURMUR2, "execution-" + i, 6)
                        != partition(KeyPartitioner.CRC32, "execution-" + i, 6))
                .count();
        assertThat(disagreeing).isBetween(400L, 600L);
    }

    @Test
    void cancelPartitionerIsMurmur2UnlessSetToCrc32() {
        assertThat(new CancelProcessorConfig(Map.of()).partitioner()).isEqualTo(KeyPartitioner.MURMUR2);
        assertThat(new CancelProcessorConfig(Map.of(CancelProcessorConfig.PARTITIONER, "crc32")).partitioner())
                .isEqualTo(KeyPartitioner.CRC32);
        assertThat(new CancelProcessorConfig(Map.of(CancelProcessorConfig.PARTITIONER, "CRC32")).partitioner())
                .isEqualTo(KeyPartitioner.CRC32);
    }

    @Test
    void cancelPartitionerRefusesAnyOtherValue() {
        assertThatThrownBy(() -> new CancelProcessorConfig(Map.of(CancelProcessorConfig.PARTITIONER, "consistent")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContainingAll("cancel.partitioner", "MURMUR2", "CRC32");
    }
}
