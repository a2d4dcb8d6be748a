package io.controlplane.cancel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.client.RunStateEvent;
import io.controlplane.cancel.client.SkippedRecord;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.serde.InMemorySchemaRegistry;
import io.controlplane.cancel.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RecordLinesTest {

    private final String scope = "record-lines-" + UUID.randomUUID();
    private final Topics topics =
            new Topics(new CancelProcessorConfig(Map.of("schema.registry.url", "mock://" + scope)));

    @AfterEach
    void dropRegistry() {
        InMemorySchemaRegistry.dropScope(scope);
    }

    private static ConsumerRecord<byte[], byte[]> record(
            String topic, String key, byte[] value, RecordHeaders headers) {
        return new ConsumerRecord<>(
                topic,
                2,
                17,
                0L,
                TimestampType.CREATE_TIME,
                -1,
                value == null ? -1 : value.length,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value,
                headers,
                Optional.empty());
    }

    @Test
    void cancellationLineSaysRunTenantVersionActorCommandAndReason() {
        RunStateChange change = new RunStateChange(
                "run-1",
                "acme",
                RunStatus.CANCELLED,
                RunStatus.RUNNING,
                Instant.parse("2026-11-25T18:00:00.123Z"),
                "alice",
                "stuck",
                "c-1",
                4L,
                "trace-1",
                null,
                null,
                false);
        assertThat(RecordLines.lineOf(new RunStateEvent.Cancelled(change)))
                .isEqualTo("CANCELLED 'run-1' (tenant 'acme', was RUNNING, now version 4) by 'alice' at "
                        + "2026-11-25T18:00:00.123Z, command 'c-1': stuck");
    }

    @Test
    void aGracefulCancelsLinesSayCancellingThenWhetherItWasEscalated() {
        RunStateChange cancelling = new RunStateChange(
                "run-1",
                "acme",
                RunStatus.CANCELLING,
                RunStatus.RUNNING,
                Instant.parse("2026-11-25T18:00:00.123Z"),
                "alice",
                null,
                "c-1",
                4L,
                "trace-1",
                null,
                null,
                false);
        RunStateChange forced = RunStateChange.newBuilder(cancelling)
                .setStatus(RunStatus.CANCELLED)
                .setPreviousStatus(RunStatus.CANCELLING)
                .setCancelledAt(Instant.parse("2026-11-25T18:02:00.123Z"))
                .setVersion(5L)
                .setEscalated(true)
                .build();
        assertThat(RecordLines.lineOf(new RunStateEvent.Cancelling(cancelling)))
                .isEqualTo("CANCELLING 'run-1' (tenant 'acme', was RUNNING, now version 4) by 'alice' at "
                        + "2026-11-25T18:00:00.123Z, command 'c-1'");
        assertThat(RecordLines.lineOf(new RunStateEvent.Cancelled(forced)))
                .isEqualTo("CANCELLED 'run-1' (tenant 'acme', was CANCELLING, now version 5) by 'alice' at "
                        + "2026-11-25T18:02:00.123Z, command 'c-1', escalated");
    }

    @Test
    void rejectionLineSaysItsCodeAndMessageOnOneLine() {
        CancelRejection rejection = CancelRejection.newBuilder()
                .setCommandId("c-2")
                .setExecutionId("run-2")
                .setCancelledBy("bob")
                .setCode(RejectionCode.UNAUTHORIZED)
                .setMessage("bob may not\ncancel")
                .setRejectedAt(Instant.now())
                .build();
        assertThat(RecordLines.lineOf(new RunStateEvent.Rejected(rejection)))
                .isEqualTo("REJECTED UNAUTHORIZED 'run-2': bob may not\\u000acancel (command 'c-2') by bob");
    }

    @Test
    void deadLetterShowsWhereAndWhyButNeverItsValueOrAuthorization() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("authorization", "Bearer secret-token".getBytes(StandardCharsets.UTF_8));
        headers.add("__streams.errors.exception", "org.apache.kafka.common.errors.SerializationException".getBytes());
        headers.add("__streams.errors.message", "Unknown magic byte!".getBytes());
        headers.add("__streams.errors.stacktrace", "at Foo.bar(Foo.java:1)\nat ...".getBytes());
        headers.add("__streams.errors.topic", "controlplane.execution.cancel.commands".getBytes());
        headers.add("__streams.errors.partition", "1".getBytes());
        headers.add("__streams.errors.offset", "99".getBytes());
        byte[] value = "SECRET-VALUE-BYTES".getBytes(StandardCharsets.UTF_8);

        String line = RecordLines.deadLetterLineOf(record(topics.dlq, "run-3", value, headers));

        assertThat(line)
                .isEqualTo("DEAD LETTER " + topics.dlq + "[2]@17 key 'run-3' (18 bytes)"
                        + " topic=controlplane.execution.cancel.commands partition=1 offset=99"
                        + " exception=org.apache.kafka.common.errors.SerializationException"
                        + " message=Unknown magic byte!");
        assertThat(line)
                .doesNotContain("secret-token")
                .doesNotContain("SECRET-VALUE")
                .doesNotContain("Foo.bar");
    }

    @Test
    void undecodableOutcomeIsSaidToBeOneNeverAStackTrace() {
        byte[] junk = {0, 0, 0, 0, 42, 1, 2, 3};
        RuntimeException undecodable = catchThrowableOfType(
                RuntimeException.class,
                () -> topics.rejections.valueSerde().deserializer().deserialize(topics.rejections.name(), junk));
        String line = RecordLines.lineOf(
                new SkippedRecord(topics.rejections.name(), 2, 17, "k\u001b[2J", junk.length, undecodable));
        assertThat(line)
                .startsWith("UNDECODABLE " + topics.rejections.name() + "[2]@17 key 'k\\u001b[2J' (8 bytes): ")
                .doesNotContain("\n");
    }

    @Test
    void outcomeWithoutAValueIsSaidToBeEmpty() {
        assertThat(RecordLines.lineOf(new SkippedRecord(topics.runStateChanges.name(), 1, 5, "run-4", 0, null)))
                .isEqualTo("EMPTY " + topics.runStateChanges.name() + "[1]@5 key 'run-4'");
    }
}
