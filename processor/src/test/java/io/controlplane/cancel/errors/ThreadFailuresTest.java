package io.controlplane.cancel.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.serde.SchemaRegistryUnavailableException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class ThreadFailuresTest {

    private final ThreadFailures failures = new ThreadFailures(3);

    private static StreamsException failedOn(String topic, int partition, long offset) {
        return new StreamsException(
                "Exception caught in process. taskId=0_" + partition
                        + ", processor=cancel-commands, topic=" + topic + ", partition=" + partition + ", offset="
                        + offset
                        + ", stacktrace=java.lang.IllegalStateException: broken\n\tat Somewhere",
                new IllegalStateException("broken"));
    }

    @Test
    void threadFailingOnTheSameRecordIsReplacedUntilTheBudgetIsSpentThenTheProcessorStops() {
        assertThat(failures.handle(failedOn("commands", 1, 7))).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(failures.handle(failedOn("commands", 1, 7))).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(failures.handle(failedOn("commands", 1, 7)))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(failures.replacements()).isEqualTo(2);
    }

    @Test
    void failuresOnDifferentRecordsDoNotAddUp() {
        for (int offset = 0; offset < 10; offset++) {
            assertThat(failures.handle(failedOn("commands", 0, offset)))
                    .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        }
    }

    @Test
    void registryOutageIsWaitedOutHoweverOftenItRecurs() {
        StreamsException outage = new StreamsException(
                "Deserialization exception handler is set to fail",
                new SchemaRegistryUnavailableException("Schema registry at http://127.0.0.1:1 is unreachable"));
        for (int i = 0; i < 20; i++) {
            assertThat(failures.handle(outage)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        }
        assertThat(failures.replacements()).isEqualTo(20);
    }

    @Test
    void sameFailureWithoutAPositionRepeatedAlsoStops() {
        failures.handle(new OutOfMemoryError("Java heap space"));
        failures.handle(new OutOfMemoryError("Java heap space"));
        assertThat(failures.handle(new OutOfMemoryError("Java heap space")))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void positionIsReadFromKafkaStreamsOwnMessage() {
        assertThat(ThreadFailures.position(new StreamsException("wrapped", failedOn("run-states", 2, 41))))
                .hasValue("run-states-2@41");
        assertThat(ThreadFailures.position(new IllegalStateException("no position")))
                .isEmpty();
    }
}
