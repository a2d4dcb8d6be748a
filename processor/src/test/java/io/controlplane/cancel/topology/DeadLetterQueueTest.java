package io.controlplane.cancel.topology;

import static io.controlplane.cancel.topology.CancelDriver.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Input that cannot be decoded or trusted is kept on the dead-letter queue, and processing goes on. */
class DeadLetterQueueTest {

    /*
     * At least once here only because TopologyTestDriver drops what the deserialization handler sends
     * under exactly_once_v2 (it is sent while the record is enqueued, outside the transactions the
     * driver commits). The real-broker tests check the dead-letter queue under exactly_once_v2.
     */
    private final CancelDriver cancel = new CancelDriver(Map.of(
            StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
            StreamsConfig.AT_LEAST_ONCE,
            CancelProcessorConfig.UNSAFE_ALLOW_PROCESSING_GUARANTEE,
            true));

    @AfterEach
    void close() {
        cancel.close();
    }

    private List<TestRecord<String, byte[]>> deadLetters() {
        return cancel.read(cancel.topics.dlq, new ByteArrayDeserializer());
    }

    private static String header(TestRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void garbageBytesAndAnUnknownSchemaIdGoToTheDeadLetterQueueAndAValidCommandIsStillDecided() {
        cancel.admin("alice");
        cancel.runState("run-1", RunStatus.RUNNING, 1);
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
        byte[] unknownSchemaId =
                ByteBuffer.allocate(9).put((byte) 0).putInt(987_654).putInt(42).array();

        cancel.sendRaw("run-1", garbage);
        cancel.sendRaw("run-1", unknownSchemaId);
        cancel.cancel("run-1", "alice");

        List<TestRecord<String, byte[]>> dead = deadLetters();
        assertThat(dead).hasSize(2);
        assertThat(dead.get(0).value()).isEqualTo(garbage);
        assertThat(dead.get(0).key()).isEqualTo("run-1");
        assertThat(header(dead.get(0), "__streams.errors.topic")).isEqualTo(cancel.topics.commands.name());
        assertThat(header(dead.get(0), "__streams.errors.message")).isNotBlank();
        assertThat(dead.get(1).value()).isEqualTo(unknownSchemaId);
        assertThat(header(dead.get(1), "__streams.errors.message")).contains("987654");
        assertThat(cancel.changes()).hasSize(1);
    }

    @Test
    void runStateKeyedByAnotherExecutionGoesToTheDeadLetterQueue() {
        cancel.runStateRecord(
                "run-2", new RunState("run-1", TENANT, RunStatus.RUNNING, 1L, CancelDriver.START, null, null));
        cancel.admin("alice");
        cancel.cancel("run-2", "alice");
        cancel.runState("run-2", RunStatus.RUNNING, 1);

        List<TestRecord<String, byte[]>> dead = deadLetters();
        assertThat(dead).hasSize(1);
        assertThat(header(dead.get(0), "__streams.errors.message")).contains("keyed 'run-2'", "'run-1'");
        assertThat(cancel.changes()).hasSize(1);
    }
}
