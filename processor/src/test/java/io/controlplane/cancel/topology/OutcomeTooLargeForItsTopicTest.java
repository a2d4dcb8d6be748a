package io.controlplane.cancel.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.StreamsProperties;
import io.controlplane.cancel.errors.OutputTooLargeException;
import io.controlplane.cancel.errors.RecordSizeLimits;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An outcome its topic would refuse is never sent (the broker's refusal would abort the transaction
 * and meet the same input on every retry): its input is dead-lettered, and the next input is decided.
 */
class OutcomeTooLargeForItsTopicTest {

    /** The run-state-changes topic takes just too little for any cancellation; rejections fit as usual. */
    private static final int TIGHT_LIMIT = OutputTooLargeException.ROOM_FOR_KEY_AND_FRAMING + 40;

    private final CancelDriver cancel = new CancelDriver(Map.of(
            // at least once: see DeadLetterQueueTest on why the driver needs it to show dead letters
            StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
            StreamsConfig.AT_LEAST_ONCE,
            CancelProcessorConfig.UNSAFE_ALLOW_PROCESSING_GUARANTEE,
            true,
            RecordSizeLimits.CONFIG,
            RecordSizeLimits.of(
                    StreamsProperties.MAX_PRODUCED_RECORD_BYTES,
                    Map.of("controlplane.execution.run-state-changes", TIGHT_LIMIT))));

    @AfterEach
    void close() {
        cancel.close();
    }

    @Test
    void anOutcomeItsTopicWouldRefuseDeadLettersItsInputAndTheNextInputIsDecided() {
        cancel.admin("alice");
        cancel.runState("run-1", RunStatus.RUNNING, 1);
        cancel.cancel("run-1", "alice");
        cancel.cancel("run-1", "nobody-granted");

        assertThat(cancel.changes()).isEmpty();
        List<TestRecord<String, byte[]>> dead = cancel.read(cancel.topics.dlq, new ByteArrayDeserializer());
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).key()).isEqualTo("run-1");
        assertThat(header(dead.get(0), "__streams.errors.exception"))
                .isEqualTo(OutputTooLargeException.class.getName());
        assertThat(header(dead.get(0), "__streams.errors.topic")).isEqualTo(cancel.topics.commands.name());
        assertThat(cancel.rejections()).as("the command after it is decided").hasSize(1);
    }

    private static String header(TestRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
