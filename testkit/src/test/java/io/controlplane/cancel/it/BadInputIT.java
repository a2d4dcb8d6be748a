package io.controlplane.cancel.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.TestRecords;
import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.StreamsProperties;
import io.controlplane.cancel.decision.CancelPolicy;
import io.controlplane.cancel.it.support.CancelTraffic;
import io.controlplane.cancel.it.support.InProcessProcessor;
import io.controlplane.cancel.it.support.InProcessProcessor.SettingsChange;
import io.controlplane.cancel.it.support.Outcomes;
import io.controlplane.cancel.it.support.ProcessorMetrics;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.topology.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Input that is not a cancel command, on a real broker under exactly_once_v2: each bad record is
 * kept whole on the dead-letter queue (or rejected, if it is a command), and the valid command right
 * behind it on the same partition is still decided.
 */
class BadInputIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String TENANT = "acme";
    /**
     * "1 MB": about as large as a value gets through a producer left at its defaults
     * (max.request.size 1 MiB, which also counts the record's own framing) to a topic left at the
     * broker's default (message.max.bytes, 1 MiB + 12). Its dead letter (plus error headers) and its
     * rejection (plus code and message) are then larger than the input topic takes.
     */
    private static final int ONE_MEGABYTE = 1024 * 1024 - 128;

    @RegisterExtension
    @Order(1)
    static final RealBroker broker = RealBroker.shared();

    @RegisterExtension
    @Order(2)
    static final InProcessProcessor processor = InProcessProcessor.startedBeforeAll(
                    broker, SettingsChange.notFoundGrace(Duration.ofSeconds(1)))
            .seededWith(traffic -> {
                traffic.grant("alice", List.of("admin"), List.of(TENANT));
                for (String run : List.of(
                        "run-garbage", "run-unknown-id", "run-wrong-schema", "run-big-value", "run-big-reason")) {
                    traffic.runState(run, TENANT, RunStatus.RUNNING, 1);
                }
            });

    private static Topics topics;
    private static ProcessorMetrics metrics;
    private static CancelTraffic traffic;
    private static Outcomes outcomes;
    private static Set<String> streamThreads;

    @BeforeAll
    static void readOutcomes() {
        // where the dead-letter queue of a TopologyTestDriver falls short: under exactly_once_v2
        assertThat(StreamsProperties.from(processor.settings()))
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        topics = processor.topics();
        metrics = processor.metrics();
        traffic = processor.traffic();
        outcomes = processor.outcomes();
        streamThreads = metrics.streamThreads();
    }

    @AfterAll
    static void stop() {
        if (outcomes != null) {
            outcomes.close();
        }
    }

    /** Running, and on the threads it started with: none died and was replaced along the way. */
    @AfterEach
    void processorIsStillRunning() {
        assertThat(metrics.state()).isEqualTo(KafkaStreams.State.RUNNING.name());
        assertThat(metrics.streamThreads()).isEqualTo(streamThreads);
    }

    @Test
    void garbageBytesAreDeadLetteredWholeWithWhereTheyCameFrom() throws Exception {
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);

        ConsumerRecord<String, byte[]> dead = deadLetterOf(sendRaw("run-garbage", garbage));
        assertThat(header(dead, "__streams.errors.exception"))
                .isEqualTo("io.controlplane.cancel.serde.UndecodableRecordException");
        assertThat(header(dead, "__streams.errors.message")).contains("starts with byte 0x6e, not the magic byte");
        // the record's fault, not the code's: no frames to fill in, print and ship for it
        assertThat(header(dead, "__streams.errors.stacktrace"))
                .startsWith("io.controlplane.cancel.serde.UndecodableRecordException")
                .doesNotContain("\tat ");
        assertThat(dead.key()).isEqualTo("run-garbage");
        assertThat(dead.value()).isEqualTo(garbage);
        validCommandBehindItIsDecided("run-garbage");
    }

    @Test
    void unknownSchemaIdIsDeadLettered() throws Exception {
        byte[] unknownId = ByteBuffer.allocate(13)
                .put((byte) 0)
                .putInt(987_654)
                .putLong(42L)
                .array();

        ConsumerRecord<String, byte[]> dead = deadLetterOf(sendRaw("run-unknown-id", unknownId));
        assertThat(header(dead, "__streams.errors.message")).contains("Unknown schema id 987654");
        assertThat(dead.value()).isEqualTo(unknownId);
        validCommandBehindItIsDecided("run-unknown-id");
    }

    @Test
    void recordOfAnotherSchemaIsNotTakenForACommand() throws Exception {
        // What a producer wiring the wrong serde writes: a valid, registered Avro record, but a RunState.
        byte[] runState = topics.runStates
                .valueSerde()
                .serializer()
                .serialize(
                        topics.commands.name(),
                        TestRecords.runState("run-wrong-schema", TENANT, RunStatus.RUNNING, 2L, Instant.now()));

        ConsumerRecord<String, byte[]> dead = deadLetterOf(sendRaw("run-wrong-schema", runState));
        assertThat(header(dead, "__streams.errors.message"))
                .contains(
                        "io.controlplane.cancel.avro.RunState",
                        "cannot be read as io.controlplane.cancel.avro.CancelCommand");
        assertThat(dead.value()).isEqualTo(runState);
        assertThat(outcomes.rejections).noneMatch(r -> "run-wrong-schema".equals(r.getExecutionId()));
        validCommandBehindItIsDecided("run-wrong-schema");
    }

    @Test
    void oneMegabyteOfGarbageIsDeadLetteredWhole() throws Exception {
        byte[] big = new byte[ONE_MEGABYTE];
        Arrays.fill(big, (byte) 'x');

        ConsumerRecord<String, byte[]> dead = deadLetterOf(sendRaw("run-big-value", big));
        assertThat(dead.value()).isEqualTo(big);
        assertThat(header(dead, "__streams.errors.message")).contains("starts with byte 0x78");
        validCommandBehindItIsDecided("run-big-value");
    }

    @Test
    void oneMegabyteReasonIsRejectedWithTheReasonCutInTheCopyOfTheCommand() throws Exception {
        CancelCommand command = TestRecords.command(
                "bad-big-reason", "run-big-reason", "alice", "r".repeat(ONE_MEGABYTE - 100), Instant.now());
        byte[] value = topics.commands.valueSerde().serializer().serialize(topics.commands.name(), command);
        assertThat(value.length).isBetween(ONE_MEGABYTE - 100, ONE_MEGABYTE);
        sendRaw("run-big-reason", value);

        assertThat(outcomes.awaitUntil(
                        () -> !outcomes.rejectionsOf("bad-big-reason").isEmpty(), TIMEOUT))
                .isTrue();
        CancelRejection rejection = outcomes.rejectionsOf("bad-big-reason").get(0);
        assertThat(rejection.getCode()).isEqualTo(RejectionCode.INVALID_COMMAND);
        assertThat(rejection.getMessage()).contains("its reason has " + (ONE_MEGABYTE - 100) + " characters");
        assertThat(rejection.getTraceId()).isEqualTo("trace-bad-big-reason");
        assertThat(rejection.getCommand().getReason()).isEqualTo("r".repeat(CancelPolicy.MAX_REASON_LENGTH));
        validCommandBehindItIsDecided("run-big-reason");
    }

    @Test
    void garbageRunStateIsDeadLetteredAndTheRunsNextStateIsUsed() throws Exception {
        byte[] garbage = "{\"status\":\"RUNNING\"}".getBytes(StandardCharsets.UTF_8);
        RecordMetadata sent = traffic.raw(topics.runStates.name(), "run-garbage-state", garbage)
                .get();

        ConsumerRecord<String, byte[]> dead = deadLetterOf(sent);
        assertThat(header(dead, "__streams.errors.topic")).isEqualTo(topics.runStates.name());
        assertThat(dead.value()).isEqualTo(garbage);
        traffic.runState("run-garbage-state", TENANT, RunStatus.RUNNING, 1);
        validCommandBehindItIsDecided("run-garbage-state");
    }

    private static RecordMetadata sendRaw(String key, byte[] value) throws Exception {
        Future<RecordMetadata> sent = traffic.raw(topics.commands.name(), key, value);
        traffic.flush();
        return sent.get();
    }

    /** The one dead letter for the record sent, carrying its key and where it was read from. */
    private static ConsumerRecord<String, byte[]> deadLetterOf(RecordMetadata sent) {
        assertThat(outcomes.awaitUntil(() -> outcomes.deadLetters.stream().anyMatch(d -> isFrom(d, sent)), TIMEOUT))
                .as("dead letter for %s", sent)
                .isTrue();
        List<ConsumerRecord<String, byte[]>> dead =
                outcomes.deadLetters.stream().filter(d -> isFrom(d, sent)).toList();
        assertThat(dead).hasSize(1);
        assertThat(header(dead.get(0), "__streams.errors.topic")).isEqualTo(sent.topic());
        return dead.get(0);
    }

    private static boolean isFrom(ConsumerRecord<String, byte[]> deadLetter, RecordMetadata sent) {
        return sent.topic().equals(header(deadLetter, "__streams.errors.topic"))
                && String.valueOf(sent.partition()).equals(header(deadLetter, "__streams.errors.partition"))
                && String.valueOf(sent.offset()).equals(header(deadLetter, "__streams.errors.offset"));
    }

    /** A valid command after the bad record, on the same partition: decided, so nothing got stuck. */
    private static void validCommandBehindItIsDecided(String executionId) {
        String commandId = "after-" + executionId;
        traffic.cancel(commandId, executionId, "alice");
        traffic.flush();
        assertThat(outcomes.awaitUntil(
                        () -> !outcomes.cancellationsOf(commandId).isEmpty(), TIMEOUT))
                .as("cancellation by %s", commandId)
                .isTrue();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
