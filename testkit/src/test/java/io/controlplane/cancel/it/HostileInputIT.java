package io.controlplane.cancel.it;

import static io.controlplane.cancel.it.support.HostileBench.ADMIN;
import static io.controlplane.cancel.it.support.HostileBench.DECIDED_WITHIN;
import static io.controlplane.cancel.it.support.HostileBench.MAX_DEAD_LETTER_BYTES;
import static io.controlplane.cancel.it.support.HostileBench.PARTITIONS;
import static io.controlplane.cancel.it.support.HostileBench.TENANT;
import static io.controlplane.cancel.it.support.HostileBench.header;
import static io.controlplane.cancel.it.support.HostileBench.keyOn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.decision.RunStateValidation;
import io.controlplane.cancel.it.support.HostileBench;
import io.controlplane.cancel.it.support.Outcomes;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.testkit.FramedRecords;
import io.controlplane.cancel.testkit.RecordMutator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 7's acceptance test: what a producer with write access to the input topics can write, on a
 * real broker and registry, against the packaged processor at a 256 MB heap under exactly_once_v2.
 * Each case writes its hostile records (on every partition where the record allows), then valid
 * cancels on every partition, which must all be CANCELLED; then the processor must still run, have
 * consumed everything (lag 0), not be replacing failed threads, and have written only dead letters
 * that fit. The cases share one processor; a case that fails may leave it stuck, so the next case
 * then starts a processor of its own on fresh topics and does not fail for the same reason.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputIT {

    /** A small container's heap: the bounds must hold well below it. */
    private static final String HEAP = "256m";

    private static final long SEED = Long.getLong("hostile.fuzz.seed", 20_261_125L);
    private static final int FUZZ_RECORDS = 5_000;
    private static final int FUZZ_RUNS = 20;
    private static final Duration FUZZ_ACCOUNTED_WITHIN = Duration.ofSeconds(90);
    private static final String SECRET = "secret-token";
    private static final Path LOGS = Path.of("target", "it-logs", "HostileInputIT");
    /** The statuses a cancel is carried out in (RunStatus.avsc); the processor's own rules are not the test's. */
    private static final Set<RunStatus> CANCELLABLE = EnumSet.of(
            RunStatus.PENDING,
            RunStatus.QUEUED,
            RunStatus.RUNNING,
            RunStatus.WAITING,
            RunStatus.AWAITING_APPROVAL,
            RunStatus.PAUSED);

    private static final Set<RunStatus> TERMINAL =
            EnumSet.of(RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED, RunStatus.ABORTED);
    /** What the processor throws, for its processing-exception handler to dead-letter, on a run state it refuses. */
    private static final String INVALID_RUN_STATE = "io.controlplane.cancel.topology.InvalidRunStateException";

    @RegisterExtension
    static final RealBroker broker = RealBroker.sharedWithApicurio();

    private static HostileBench bench;
    private static int generation;
    /** Set while a case runs and cleared when it passed: a failed case may have left the processor stuck. */
    private static boolean suspect;

    @BeforeAll
    static void clearLogsAndSaySeed() throws Exception {
        Utils.delete(LOGS.toFile());
        System.out.println("HostileInputIT: fuzz seed " + SEED + " (replay with -Dhostile.fuzz.seed=" + SEED + ")");
    }

    @AfterAll
    static void stopBench() throws Exception {
        if (bench != null) {
            bench.close();
        }
    }

    @BeforeEach
    void aProcessorNoEarlierCaseLeftStuck() throws Exception {
        if (bench == null || suspect || !bench.processor.isAlive()) {
            if (bench != null) {
                bench.close();
            }
            bench = HostileBench.start(broker, ++generation, HEAP, LOGS);
            bench.validCancelsOnEveryPartitionAreDecided("warm-up");
        }
        suspect = true;
    }

    @Test
    @Order(1)
    void nullValueCommandsAreDeadLettered() throws Exception {
        List<RecordMetadata> sent = new ArrayList<>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            sent.add(bench.raw
                    .send(new ProducerRecord<>(
                            bench.topics.commands.name(), partition, utf8(keyOn("null-value", partition)), null))
                    .get());
        }

        bench.validCancelsOnEveryPartitionAreDecided("null-value");
        sent.forEach(bench::deadLetterOf);
        passed();
    }

    @Test
    @Order(2)
    void unkeyedCommandsWithA600KilobyteExecutionIdAreRejectedWithoutRepartitioning() throws Exception {
        for (int partition = 0; partition < PARTITIONS; partition++) {
            CancelCommand command = new CancelCommand(
                    "huge-execution-" + partition,
                    "e".repeat(600 * 1024),
                    ADMIN,
                    "hostile",
                    Instant.now(),
                    "huge-execution-" + partition,
                    CancelMode.FORCE,
                    null,
                    null);
            bench.raw
                    .send(new ProducerRecord<>(bench.topics.commands.name(), partition, null, encode(command)))
                    .get();
        }

        bench.validCancelsOnEveryPartitionAreDecided("huge-execution-id");
        for (int partition = 0; partition < PARTITIONS; partition++) {
            assertThat(bench.rejectionTraced("huge-execution-" + partition).getCode())
                    .isEqualTo(RejectionCode.INVALID_COMMAND);
        }
        assertThat(bench.repartitionedRecords())
                .as("records written to a repartition topic")
                .isZero();
        passed();
    }

    @Test
    @Order(3)
    void runStatesWhoseKeyAndExecutionIdDifferAt400KilobytesEachAreDeadLetteredWithinTheLimit() throws Exception {
        List<RecordMetadata> sent = new ArrayList<>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            RunState state =
                    new RunState("x".repeat(400 * 1024), TENANT, RunStatus.RUNNING, 1L, Instant.now(), null, null);
            byte[] value =
                    bench.topics.runStates.valueSerde().serializer().serialize(bench.topics.runStates.name(), state);
            sent.add(bench.raw
                    .send(new ProducerRecord<>(
                            bench.topics.runStates.name(), partition, utf8("k".repeat(400 * 1024)), value))
                    .get());
        }

        bench.validCancelsOnEveryPartitionAreDecided("huge-run-state");
        for (RecordMetadata record : sent) {
            assertThat(HostileBench.sizeOf(bench.deadLetterOf(record))).isLessThanOrEqualTo(MAX_DEAD_LETTER_BYTES);
        }
        passed();
    }

    @Test
    @Order(4)
    void fourMegabyteCompressedCommandsAreDeadLetteredCutWithTheirOriginalSizesAndHash() throws Exception {
        byte[] block = new byte[1024];
        new Random(SEED).nextBytes(block);
        block[0] = 'x';
        byte[] value = new byte[4 * 1024 * 1024];
        for (int at = 0; at < value.length; at += block.length) {
            System.arraycopy(block, 0, value, at, block.length);
        }
        Map<String, RecordMetadata> sent = new LinkedHashMap<>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            String key = keyOn("four-megabytes", partition);
            sent.put(
                    key,
                    bench.raw
                            .send(new ProducerRecord<>(bench.topics.commands.name(), partition, utf8(key), value))
                            .get());
        }

        bench.validCancelsOnEveryPartitionAreDecided("four-megabytes");
        String sha256 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
        sent.forEach((key, record) -> {
            ConsumerRecord<String, byte[]> dead = bench.deadLetterOf(record);
            assertThat(HostileBench.sizeOf(dead)).isLessThanOrEqualTo(MAX_DEAD_LETTER_BYTES);
            assertThat(header(dead, "cancel.dlq.cut")).isEqualTo("true");
            assertThat(header(dead, "cancel.dlq.original.key.bytes")).isEqualTo(String.valueOf(utf8(key).length));
            assertThat(header(dead, "cancel.dlq.original.value.bytes")).isEqualTo(String.valueOf(value.length));
            assertThat(header(dead, "cancel.dlq.original.value.sha256")).isEqualToIgnoringCase(sha256);
            assertThat(dead.value())
                    .as("the first part of the value")
                    .isNotEmpty()
                    .isEqualTo(Arrays.copyOf(value, dead.value().length));
        });
        passed();
    }

    @Test
    @Order(5)
    void negativeZeroFarPastAndFarFutureRecordTimestampsDecideNothing() throws Exception {
        long year1971 = ZonedDateTime.of(1971, 6, 1, 0, 0, 0, 0, ZoneOffset.UTC)
                .toInstant()
                .toEpochMilli();
        long year2100 = ZonedDateTime.of(2100, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)
                .toInstant()
                .toEpochMilli();
        Map<String, Long> timestamps = new LinkedHashMap<>();
        timestamps.put("negative", -1L);
        timestamps.put("zero", 0L);
        timestamps.put("year-1971", year1971);
        timestamps.put("year-2100", year2100);
        // The broker's default takes create times up to a year ahead only; a broker set to take more must
        // not let the producer's clock decide anything either.
        bench.alterTopicConfig(
                bench.topics.commands.name(),
                TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG,
                String.valueOf(Long.MAX_VALUE));
        List<String> commandIds = new ArrayList<>();
        for (Map.Entry<String, Long> timestamp : timestamps.entrySet()) {
            for (int partition = 0; partition < PARTITIONS; partition++) {
                String executionId = keyOn("timestamp-" + timestamp.getKey(), partition);
                String commandId = "timestamp-" + timestamp.getKey() + "-" + partition;
                bench.traffic.runState(executionId, TENANT, RunStatus.RUNNING, 1);
                bench.traffic.flush();
                byte[] command = encode(new CancelCommand(
                        commandId,
                        executionId,
                        ADMIN,
                        "timestamps",
                        Instant.now(),
                        commandId,
                        CancelMode.FORCE,
                        null,
                        null));
                Future<RecordMetadata> sent = timestamp.getValue() < 0
                        ? bench.raw.sendWithNegativeTimestamp(
                                bench.topics.commands.name(), partition, utf8(executionId), command)
                        : bench.raw.send(new ProducerRecord<>(
                                bench.topics.commands.name(),
                                partition,
                                timestamp.getValue(),
                                utf8(executionId),
                                command));
                assertThat(sent.get().timestamp())
                        .as("timestamp the broker took")
                        .isEqualTo(timestamp.getValue());
                commandIds.add(commandId);
            }
        }

        bench.validCancelsOnEveryPartitionAreDecided("timestamps");
        bench.outcomes.awaitUntil(
                () -> commandIds.stream()
                        .allMatch(id -> !bench.outcomes.cancellationsOf(id).isEmpty()),
                DECIDED_WITHIN);
        assertThat(commandIds)
                .as("commands CANCELLED whatever their record timestamp")
                .allMatch(id -> !bench.outcomes.cancellationsOf(id).isEmpty());
        passed();
    }

    @Test
    @Order(6)
    void elevenByteCommandsClaimingA2GibCommandIdAreDeadLettered() throws Exception {
        byte[] value = FramedRecords.commandClaimingHugeCommandId(bench.commandSchemaId);
        assertThat(value).hasSize(11);
        List<RecordMetadata> sent = new ArrayList<>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            sent.add(bench.raw
                    .send(new ProducerRecord<>(
                            bench.topics.commands.name(), partition, utf8(keyOn("claims-2-gib", partition)), value))
                    .get());
        }

        bench.validCancelsOnEveryPartitionAreDecided("claims-2-gib");
        sent.forEach(bench::deadLetterOf);
        passed();
    }

    @Test
    @Order(7)
    void aGrantWhoseRolesClaim2GibItemsRevokesThatActorsGrant() throws Exception {
        String mallory = keyOn("mallory", 0);
        bench.traffic.grant(mallory, List.of("admin"), List.of("*"));
        await("mallory's admin grant in force")
                .atMost(DECIDED_WITHIN)
                .until(() -> bench.decisionOnACancelBy(mallory).equals("CANCELLED"));

        bench.raw
                .send(new ProducerRecord<>(
                        bench.topics.operators.name(),
                        0,
                        utf8(mallory),
                        FramedRecords.grantClaimingHugeRoles(bench.grantSchemaId, mallory)))
                .get();
        // Grants of one partition are read in order: once a later grant there is in force, so is the bad one.
        String marker = keyOn("marker", 0);
        bench.traffic.grant(marker, List.of("admin"), List.of("*"));
        await("a later grant on the same partition in force")
                .atMost(DECIDED_WITHIN)
                .until(() -> bench.decisionOnACancelBy(marker).equals("CANCELLED"));

        assertThat(bench.decisionOnACancelBy(mallory)).isEqualTo(RejectionCode.UNAUTHORIZED.name());
        assertThat(deadLettersFrom(bench.written(), bench.topics.operators.name()))
                .as("grants dead-lettered")
                .isEmpty();
        bench.validCancelsOnEveryPartitionAreDecided("claims-2-gib-roles");
        passed();
    }

    @Test
    @Order(8)
    void idsWithControlCharactersAreRejectedAsInvalid() throws Exception {
        List<String> traceIds = new ArrayList<>();
        for (char control : new char[] {'\u0000', '\u001f', '\u007f'}) {
            String hex = String.format("%02x", (int) control);
            String runOfOthers = keyOn("control-" + hex + "-run", control % PARTITIONS);
            bench.traffic.runState(runOfOthers, TENANT, RunStatus.RUNNING, 1);
            Map<String, CancelCommand> commands = Map.of(
                    "commandId",
                            new CancelCommand(
                                    "control-" + control + "-command",
                                    runOfOthers,
                                    ADMIN,
                                    "control characters",
                                    Instant.now(),
                                    "control-commandId-" + hex,
                                    CancelMode.FORCE,
                                    null,
                                    null),
                    "executionId",
                            new CancelCommand(
                                    "control-execution-" + hex,
                                    "control-" + control + "-run",
                                    ADMIN,
                                    "control characters",
                                    Instant.now(),
                                    "control-executionId-" + hex,
                                    CancelMode.FORCE,
                                    null,
                                    null),
                    "cancelledBy",
                            new CancelCommand(
                                    "control-by-" + hex,
                                    runOfOthers,
                                    ADMIN + control,
                                    "control characters",
                                    Instant.now(),
                                    "control-cancelledBy-" + hex,
                                    CancelMode.FORCE,
                                    null,
                                    null));
            bench.traffic.flush();
            commands.values().forEach(command -> bench.traffic.command(command.getExecutionId(), command));
            commands.values().forEach(command -> traceIds.add(command.getTraceId()));
        }
        bench.traffic.flush();

        bench.validCancelsOnEveryPartitionAreDecided("control-characters");
        for (String traceId : traceIds) {
            assertThat(bench.rejectionTraced(traceId).getCode()).as(traceId).isEqualTo(RejectionCode.INVALID_COMMAND);
        }
        passed();
    }

    @Test
    @Order(9)
    void idsThatWouldCollideUnderANulSeparatorAreBothRejectedAndDisturbNothing() throws Exception {
        bench.traffic.runState("collide-a", TENANT, RunStatus.RUNNING, 1);
        bench.traffic.flush();
        CancelCommand first = new CancelCommand(
                "collide-c",
                "collide-a\u0000b",
                ADMIN,
                "collision",
                Instant.now(),
                "collide-first",
                CancelMode.FORCE,
                null,
                null);
        CancelCommand second = new CancelCommand(
                "b\u0000collide-c",
                "collide-a",
                ADMIN,
                "collision",
                Instant.now(),
                "collide-second",
                CancelMode.FORCE,
                null,
                null);
        bench.traffic.command(first.getExecutionId(), first);
        bench.traffic.command(second.getExecutionId(), second);
        bench.traffic.cancel("collide-after", "collide-a", ADMIN);
        bench.traffic.flush();

        bench.validCancelsOnEveryPartitionAreDecided("collision");
        assertThat(bench.rejectionTraced("collide-first").getCode()).isEqualTo(RejectionCode.INVALID_COMMAND);
        assertThat(bench.rejectionTraced("collide-second").getCode()).isEqualTo(RejectionCode.INVALID_COMMAND);
        bench.outcomes.awaitUntil(
                () -> !bench.outcomes.cancellationsOf("collide-after").isEmpty(), DECIDED_WITHIN);
        assertThat(bench.outcomes.cancellationsOf("collide-after"))
                .as("the valid cancel of run collide-a")
                .hasSize(1);
        passed();
    }

    /**
     * Decodable commands (CANCELLED, rejected as UNAUTHORIZED) and undecodable ones (dead-lettered),
     * each carrying an authorization header: no outcome, rejection or dead letter carries it, nor the
     * processor's log. Outputs are read whole, headers included, once the processor has consumed all.
     */
    @Test
    @Order(10)
    void anAuthorizationHeaderNeverReachesAnOutcomeARejectionADeadLetterOrTheLog() throws Exception {
        List<String> cancelled = new ArrayList<>();
        List<String> unauthorized = new ArrayList<>();
        List<RecordMetadata> undecodable = new ArrayList<>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            String executionId = keyOn("credentials-run", partition);
            bench.traffic.runState(executionId, TENANT, RunStatus.RUNNING, 1);
            bench.traffic.flush();
            String cancel = "credentials-cancel-" + partition;
            String refused = "credentials-unauthorized-" + partition;
            bench.raw
                    .send(withCredentials(
                            partition,
                            executionId,
                            encode(new CancelCommand(
                                    cancel,
                                    executionId,
                                    ADMIN,
                                    "credentials",
                                    Instant.now(),
                                    cancel,
                                    CancelMode.FORCE,
                                    null,
                                    null))))
                    .get();
            bench.raw
                    .send(withCredentials(
                            partition,
                            executionId,
                            encode(new CancelCommand(
                                    refused,
                                    executionId,
                                    "no-grant",
                                    "credentials",
                                    Instant.now(),
                                    refused,
                                    CancelMode.FORCE,
                                    null,
                                    null))))
                    .get();
            undecodable.add(bench.raw
                    .send(withCredentials(partition, keyOn("credentials", partition), utf8("not avro")))
                    .get());
            cancelled.add(cancel);
            unauthorized.add(refused);
        }

        bench.validCancelsOnEveryPartitionAreDecided("credentials");
        bench.outcomes.awaitUntil(
                () -> cancelled.stream()
                                .allMatch(id ->
                                        !bench.outcomes.cancellationsOf(id).isEmpty())
                        && unauthorized.stream()
                                .allMatch(id -> !bench.outcomes.rejectionsOf(id).isEmpty()),
                DECIDED_WITHIN);
        HostileBench.Written written = bench.written();
        assertThat(written.cancellations())
                .extracting(RunStateChange::getCommandId)
                .as("commands with credentials CANCELLED")
                .containsAll(cancelled);
        assertThat(written.rejections())
                .filteredOn(rejection -> unauthorized.contains(rejection.getCommandId()))
                .extracting(CancelRejection::getCode)
                .as("commands with credentials by an actor without a grant")
                .hasSize(unauthorized.size())
                .containsOnly(RejectionCode.UNAUTHORIZED);
        assertThat(undecodable)
                .as("undecodable commands with credentials dead-lettered")
                .allMatch(
                        sent -> written.deadLettersOf(HostileBench.source(sent)).size() == 1);
        assertThat(written.records())
                .as("outcomes, rejections and dead letters carrying an authorization header or the secret")
                .filteredOn(record -> Arrays.stream(record.headers().toArray())
                                .anyMatch(header -> header.key().equalsIgnoreCase("authorization"))
                        || carriesTheSecret(record))
                .isEmpty();
        assertThat(bench.logContains(SECRET))
                .as("processor log contains the secret")
                .isFalse();
        passed();
    }

    /**
     * Mutated commands, each accounted for on its own: an undecodable one as the one dead letter of its
     * offset, one that still decodes as the one rejection or cancellation with its commandId and traceId
     * (a command that decodes is decided, whatever it says, never dead-lettered); and no outcome is left
     * over. Every base command has an id of its own (128 random bits) and a traceId of its own, so no
     * mutation turns one into a duplicate of another, and a duplicate outcome cannot hide a lost one.
     */
    @Test
    @Order(11)
    void fuzzedCommandsAreEachDeadLetteredOrDecidedOnce() throws Exception {
        RecordMutator mutator = new RecordMutator(SEED + 1);
        for (int run = 0; run < FUZZ_RUNS; run++) {
            bench.traffic.runState("fuzz-run-" + run, TENANT, RunStatus.RUNNING, 1);
        }
        bench.traffic.flush();
        Map<TopicPartition, Long> before = bench.outputEnds();
        List<Future<RecordMetadata>> sending = new ArrayList<>();
        List<Optional<CancelCommand>> decoded = new ArrayList<>();
        for (int i = 0; i < FUZZ_RECORDS; i++) {
            String executionId = "fuzz-run-" + i % FUZZ_RUNS;
            CancelCommand base = new CancelCommand(
                    "fuzz-" + mutator.randomId(),
                    executionId,
                    ADMIN,
                    "fuzz",
                    Instant.ofEpochMilli(Instant.now().toEpochMilli()),
                    "fuzz-" + i,
                    // the mode present and absent (both FORCE): mutations reach either branch
                    i % 2 == 0 ? CancelMode.FORCE : null,
                    null,
                    null);
            byte[] value = mutator.mutate(todays(
                    FramedRecords.command(
                            bench.commandSchemaId,
                            base.getCommandId(),
                            base.getExecutionId(),
                            base.getCancelledBy(),
                            base.getReason(),
                            base.getRequestedAt().toEpochMilli(),
                            base.getTraceId(),
                            base.getMode(),
                            base.getGraceMs(),
                            null),
                    encode(base)));
            sending.add(bench.raw.send(
                    new ProducerRecord<>(bench.topics.commands.name(), fuzzedKey(mutator, executionId), value)));
            decoded.add(FramedRecords.decoded(CancelCommand.class, bench.commandSchemaId, value));
        }
        List<String> sources = sources(sending);
        // Records that decode alike (e.g. both lost commandId and traceId) are told apart by neither:
        // their outcomes are counted together.
        Map<Identity, List<Integer>> alike = new LinkedHashMap<>();
        for (int i = 0; i < FUZZ_RECORDS; i++) {
            int record = i;
            decoded.get(i)
                    .ifPresent(command -> alike.computeIfAbsent(Identity.of(command), id -> new ArrayList<>())
                            .add(record));
        }

        bench.validCancelsOnEveryPartitionAreDecided("fuzzed-commands");
        // Either ending will do here (which one it ought to be is checked record by record below, also
        // when some never came: those checks then name them).
        bench.outcomes.awaitUntil(
                () -> {
                    Map<String, Long> deadLetters = deadLetterCounts(bench.outcomes.deadLetters);
                    Map<Identity, Long> outcomes =
                            outcomeCounts(bench.outcomes.cancellations.stream(), bench.outcomes.rejections.stream());
                    return IntStream.range(0, FUZZ_RECORDS)
                            .allMatch(i -> deadLetters.containsKey(sources.get(i))
                                    || decoded.get(i)
                                            .map(command -> outcomes.containsKey(Identity.of(command)))
                                            .orElse(false));
                },
                FUZZ_ACCOUNTED_WITHIN);
        HostileBench.Written written = bench.written().since(before);
        Map<String, Long> deadLetters = deadLetterCounts(written.deadLetters());
        Map<Identity, Long> outcomes = outcomeCounts(written.cancellations().stream(), written.rejections().stream());
        outcomes.keySet()
                .removeIf(identity -> String.valueOf(identity.commandId()).startsWith("valid-"));
        System.out.printf(
                "HostileInputIT: %d fuzzed commands: %d undecodable, %d dead letters, %d outcomes%n",
                FUZZ_RECORDS,
                decoded.stream().filter(Optional::isEmpty).count(),
                deadLetters.values().stream().mapToLong(Long::longValue).sum(),
                outcomes.values().stream().mapToLong(Long::longValue).sum());
        for (int i = 0; i < FUZZ_RECORDS; i++) {
            assertThat(deadLetters.getOrDefault(sources.get(i), 0L))
                    .as("dead letters of fuzzed command %s (%s), decoded as %s", i, sources.get(i), decoded.get(i))
                    .isEqualTo(decoded.get(i).isEmpty() ? 1 : 0);
        }
        alike.forEach((identity, records) -> assertThat(outcomes.getOrDefault(identity, 0L))
                .as("outcomes of the fuzzed commands %s, decoded as %s", records, identity)
                .isEqualTo(records.size()));
        assertThat(outcomes.keySet())
                .as("outcomes no fuzzed command accounts for")
                .allMatch(alike::containsKey);
        passed();
    }

    /**
     * Mutated run states, from records of today's schema: each undecodable one is dead-lettered once;
     * each that decodes is dead-lettered once (as an invalid run state) if its key and ids make it one,
     * and otherwise is not, and is stored or ignored as a newer or older version. What each run holds in
     * the end is then checked by a cancel of it, against the same rules applied here record by record.
     */
    @Test
    @Order(12)
    void fuzzedRunStatesAreEachStoredIgnoredOrDeadLetteredForTheirInput() throws Exception {
        RecordMutator mutator = new RecordMutator(SEED + 2);
        List<Future<RecordMetadata>> sending = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<Optional<RunState>> decoded = new ArrayList<>();
        for (int i = 0; i < FUZZ_RECORDS; i++) {
            String executionId = "fuzz-state-" + i % FUZZ_RUNS;
            RunState base = new RunState(
                    executionId,
                    TENANT,
                    RunStatus.RUNNING,
                    (long) i,
                    Instant.ofEpochMilli(Instant.now().toEpochMilli()),
                    // the optional field too, present and absent
                    i % 2 == 0 ? null : "fuzz-parent-" + i % FUZZ_RUNS,
                    null);
            byte[] value = mutator.mutate(todays(
                    FramedRecords.runState(
                            bench.runStateSchemaId,
                            base.getExecutionId(),
                            base.getTenantId(),
                            base.getStatus(),
                            base.getVersion(),
                            base.getUpdatedAt().toEpochMilli(),
                            base.getParentExecutionId(),
                            base.getDeadlineAt() == null
                                    ? null
                                    : base.getDeadlineAt().toEpochMilli()),
                    bench.topics.runStates.valueSerde().serializer().serialize(bench.topics.runStates.name(), base)));
            byte[] key = mutator.oneIn(20) ? mutator.randomBytes(32) : utf8(executionId);
            sending.add(bench.raw.send(new ProducerRecord<>(bench.topics.runStates.name(), key, value)));
            // as the processor reads keys
            keys.add(new String(key, StandardCharsets.UTF_8));
            decoded.add(FramedRecords.decoded(RunState.class, bench.runStateSchemaId, value));
        }
        List<RecordMetadata> sent = new ArrayList<>();
        bench.raw.flush();
        for (Future<RecordMetadata> record : sending) {
            sent.add(record.get());
        }

        bench.validCancelsOnEveryPartitionAreDecided("fuzzed-run-states");
        HostileBench.Written written = bench.written();
        Map<String, Long> deadLetters = deadLetterCounts(written.deadLetters());
        Map<String, RunState> held = new TreeMap<>();
        int invalid = 0;
        for (int i : byPartitionAndOffset(sent)) {
            String source = HostileBench.source(sent.get(i));
            if (decoded.get(i).isEmpty()) {
                assertThat(deadLetters.getOrDefault(source, 0L))
                        .as("dead letters of undecodable run state %s (%s)", i, source)
                        .isEqualTo(1);
                continue;
            }
            RunState state = decoded.get(i).get();
            Optional<String> problem = RunStateValidation.problem(keys.get(i), state);
            assertThat(deadLetters.getOrDefault(source, 0L))
                    .as("dead letters of run state %s (%s): %s, %s", i, source, state, problem)
                    .isEqualTo(problem.isPresent() ? 1 : 0);
            if (problem.isPresent()) {
                invalid++;
                assertThat(header(written.deadLettersOf(source).get(0), "__streams.errors.exception"))
                        .as("why run state %s (%s) was dead-lettered", i, source)
                        .isEqualTo(INVALID_RUN_STATE);
            } else if (replaces(held.get(keys.get(i)), state)) {
                held.put(keys.get(i), state);
            }
        }
        System.out.printf(
                "HostileInputIT: %d fuzzed run states: %d undecodable, %d invalid, %d runs held%n",
                FUZZ_RECORDS, decoded.stream().filter(Optional::isEmpty).count(), invalid, held.size());
        assertThat(held.values())
                .as("runs that are the parent of another fuzzed run: cancelling one would cancel both")
                .noneMatch(state -> held.containsKey(String.valueOf(state.getParentExecutionId())));

        List<String> runs = IntStream.range(0, FUZZ_RUNS)
                .mapToObj(run -> "fuzz-state-" + run)
                .toList();
        for (String run : runs) {
            bench.traffic.cancel("check-" + run, run, ADMIN);
        }
        bench.traffic.flush();
        bench.outcomes.awaitUntil(
                () -> runs.stream()
                        .allMatch(run -> !bench.outcomes
                                        .cancellationsOf("check-" + run)
                                        .isEmpty()
                                || !bench.outcomes.rejectionsOf("check-" + run).isEmpty()),
                DECIDED_WITHIN);
        for (String run : runs) {
            assertThat(decision(bench.outcomes, "check-" + run))
                    .as("a cancel of %s, after its fuzzed run states", run)
                    .isEqualTo(expectedDecision(held.get(run)));
        }
        passed();
    }

    /** Mutated grants are never dead-lettered (a bad grant revokes), and grants written after them work. */
    @Test
    @Order(13)
    void fuzzedGrantsAreNeverDeadLetteredAndLaterGrantsTakeEffect() throws Exception {
        RecordMutator mutator = new RecordMutator(SEED + 3);
        List<Future<RecordMetadata>> sending = new ArrayList<>();
        for (int i = 0; i < FUZZ_RECORDS; i++) {
            String actorId = "fuzz-actor-" + i % FUZZ_RUNS;
            List<String> roles = List.of("viewer");
            List<String> tenants = List.of(TENANT);
            byte[] value = mutator.mutate(todays(
                    FramedRecords.grant(bench.grantSchemaId, actorId, roles, tenants),
                    bench.topics
                            .operators
                            .valueSerde()
                            .serializer()
                            .serialize(bench.topics.operators.name(), new OperatorGrant(actorId, roles, tenants))));
            sending.add(bench.raw.send(new ProducerRecord<>(bench.topics.operators.name(), utf8(actorId), value)));
        }
        sources(sending);

        for (int partition = 0; partition < PARTITIONS; partition++) {
            String lateAdmin = keyOn("late-admin", partition);
            bench.traffic.grant(lateAdmin, List.of("admin"), List.of("*"));
            await("a grant written after the fuzzed ones in force")
                    .atMost(DECIDED_WITHIN)
                    .until(() -> bench.decisionOnACancelBy(lateAdmin).equals("CANCELLED"));
        }
        bench.validCancelsOnEveryPartitionAreDecided("fuzzed-grants");
        assertThat(deadLettersFrom(bench.written(), bench.topics.operators.name()))
                .as("grants dead-lettered")
                .isEmpty();
        passed();
    }

    private static void passed() throws Exception {
        bench.settled();
        suspect = false;
    }

    /**
     * Mostly the run's own key; sometimes none (to be re-keyed), sometimes random bytes. (Only commands:
     * the compacted run-state and grant topics refuse records without a key.)
     */
    private static byte[] fuzzedKey(RecordMutator mutator, String executionId) {
        if (mutator.oneIn(10)) {
            return null;
        }
        return mutator.oneIn(20) ? mutator.randomBytes(32) : utf8(executionId);
    }

    /** A decodable command's commandId and traceId, as its outcome copies them. */
    private record Identity(String commandId, String traceId) {

        static Identity of(CancelCommand command) {
            return new Identity(command.getCommandId(), command.getTraceId());
        }

        static Identity of(RunStateChange change) {
            return new Identity(change.getCommandId(), change.getTraceId());
        }

        static Identity of(CancelRejection rejection) {
            return new Identity(rejection.getCommandId(), rejection.getTraceId());
        }
    }

    private static Map<Identity, Long> outcomeCounts(
            Stream<RunStateChange> cancellations, Stream<CancelRejection> rejections) {
        return Stream.concat(cancellations.map(Identity::of), rejections.map(Identity::of))
                .collect(Collectors.groupingBy(identity -> identity, Collectors.counting()));
    }

    /** Dead letters by the "topic-partition@offset" of the record each stands for. */
    private static Map<String, Long> deadLetterCounts(List<ConsumerRecord<String, byte[]>> deadLetters) {
        return deadLetters.stream().collect(Collectors.groupingBy(HostileBench::source, Collectors.counting()));
    }

    private static List<ConsumerRecord<String, byte[]>> deadLettersFrom(HostileBench.Written written, String topic) {
        return written.deadLetters().stream()
                .filter(dead -> topic.equals(header(dead, "__streams.errors.topic")))
                .toList();
    }

    /** "topic-partition@offset" of each record sent, in the order sent. */
    private static List<String> sources(List<Future<RecordMetadata>> sending) throws Exception {
        bench.raw.flush();
        List<String> sources = new ArrayList<>();
        for (Future<RecordMetadata> sent : sending) {
            sources.add(HostileBench.source(sent.get()));
        }
        return sources;
    }

    /** Indexes of {@code sent} in the order the processor reads them: by partition, then offset. */
    private static List<Integer> byPartitionAndOffset(List<RecordMetadata> sent) {
        return IntStream.range(0, sent.size())
                .boxed()
                .sorted(Comparator.comparing((Integer i) -> sent.get(i).partition())
                        .thenComparing(i -> sent.get(i).offset()))
                .toList();
    }

    /**
     * The framed record a mutation starts from, once it is checked to be what today's generated class
     * serializes: a base record of an older schema would be undecodable before any mutation.
     */
    private static FramedRecords.Framed todays(FramedRecords.Framed framed, byte[] serialized) {
        assertThat(framed.bytes()).as("the base record, framed field by field").isEqualTo(serialized);
        return framed;
    }

    /** Whether a valid run state {@code update} replaces {@code held}: a newer version of a run not ended. */
    private static boolean replaces(RunState held, RunState update) {
        return held == null || (update.getVersion() > held.getVersion() && !TERMINAL.contains(held.getStatus()));
    }

    /** What a cancel by {@link HostileBench#ADMIN} of a run holding {@code held} is decided as. */
    private static String expectedDecision(RunState held) {
        if (held == null) {
            return RejectionCode.EXECUTION_NOT_FOUND.name();
        }
        if (CANCELLABLE.contains(held.getStatus())) {
            return "CANCELLED from " + held.getStatus() + " at version " + (held.getVersion() + 1);
        }
        return RejectionCode.ALREADY_TERMINAL.name() + " seeing " + held.getStatus();
    }

    private static String decision(Outcomes outcomes, String commandId) {
        List<RunStateChange> cancellations = outcomes.cancellationsOf(commandId);
        List<CancelRejection> rejections = outcomes.rejectionsOf(commandId);
        if (cancellations.size() + rejections.size() != 1) {
            return cancellations.size() + " cancellations and " + rejections.size() + " rejections";
        }
        if (!cancellations.isEmpty()) {
            RunStateChange change = cancellations.get(0);
            return "CANCELLED from " + change.getPreviousStatus() + " at version " + change.getVersion();
        }
        CancelRejection rejection = rejections.get(0);
        return rejection.getObservedStatus() == null
                ? rejection.getCode().name()
                : rejection.getCode() + " seeing " + rejection.getObservedStatus();
    }

    private static ProducerRecord<byte[], byte[]> withCredentials(int partition, String key, byte[] value) {
        return new ProducerRecord<>(
                bench.topics.commands.name(),
                partition,
                null,
                utf8(key),
                value,
                List.of(
                        new RecordHeader("authorization", utf8("Bearer " + SECRET)),
                        new RecordHeader("x-request-id", utf8("request-" + partition))));
    }

    private static boolean carriesTheSecret(ConsumerRecord<String, byte[]> record) {
        byte[] secret = utf8(SECRET);
        return contains(utf8(String.valueOf(record.key())), secret)
                || contains(record.value(), secret)
                || Arrays.stream(record.headers().toArray())
                        .anyMatch(header -> contains(utf8(header.key()), secret) || contains(header.value(), secret));
    }

    private static boolean contains(byte[] bytes, byte[] part) {
        if (bytes == null) {
            return false;
        }
        return new String(bytes, StandardCharsets.ISO_8859_1).contains(new String(part, StandardCharsets.ISO_8859_1));
    }

    private static byte[] encode(CancelCommand command) {
        return bench.topics.commands.valueSerde().serializer().serialize(bench.topics.commands.name(), command);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
