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
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.it.support.FramedRecords;
import io.controlplane.cancel.it.support.HostileBench;
import io.controlplane.cancel.it.support.RealBroker;
import io.controlplane.cancel.it.support.RecordMutator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
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

    @RegisterExtension
    static final RealBroker broker = RealBroker.withApicurio();

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
                    "huge-execution-" + partition);
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
            RunState state = new RunState("x".repeat(400 * 1024), TENANT, RunStatus.RUNNING, 1L, Instant.now(), null);
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
                byte[] command = encode(
                        new CancelCommand(commandId, executionId, ADMIN, "timestamps", Instant.now(), commandId));
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
        assertThat(deadLettersFrom(bench.topics.operators.name()))
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
                                    "control-commandId-" + hex),
                    "executionId",
                            new CancelCommand(
                                    "control-execution-" + hex,
                                    "control-" + control + "-run",
                                    ADMIN,
                                    "control characters",
                                    Instant.now(),
                                    "control-executionId-" + hex),
                    "cancelledBy",
                            new CancelCommand(
                                    "control-by-" + hex,
                                    runOfOthers,
                                    ADMIN + control,
                                    "control characters",
                                    Instant.now(),
                                    "control-cancelledBy-" + hex));
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
        CancelCommand first =
                new CancelCommand("collide-c", "collide-a\u0000b", ADMIN, "collision", Instant.now(), "collide-first");
        CancelCommand second =
                new CancelCommand("b\u0000collide-c", "collide-a", ADMIN, "collision", Instant.now(), "collide-second");
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

    @Test
    @Order(10)
    void anAuthorizationHeaderNeverReachesADeadLetterARejectionOrTheLog() throws Exception {
        List<RecordMetadata> sent = new ArrayList<>();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            List<Header> headers = List.of(
                    new RecordHeader("authorization", utf8("Bearer " + SECRET)),
                    new RecordHeader("x-request-id", utf8("request-" + partition)));
            sent.add(bench.raw
                    .send(new ProducerRecord<>(
                            bench.topics.commands.name(),
                            partition,
                            null,
                            utf8(keyOn("credentials", partition)),
                            utf8("not avro"),
                            headers))
                    .get());
        }

        bench.validCancelsOnEveryPartitionAreDecided("credentials");
        for (RecordMetadata record : sent) {
            assertThat(bench.deadLetterOf(record).headers())
                    .extracting(Header::key)
                    .noneMatch(key -> key.equalsIgnoreCase("authorization"));
        }
        bench.outcomes.drain(Duration.ofSeconds(1));
        assertThat(bench.outcomes.deadLetters).as("dead letters").noneMatch(HostileInputIT::carriesTheSecret);
        assertThat(bench.outcomes.rejections)
                .as("rejections")
                .noneMatch(rejection -> rejection.toString().contains(SECRET));
        assertThat(bench.logContains(SECRET))
                .as("processor log contains the secret")
                .isFalse();
        passed();
    }

    /**
     * Mutated commands, most of them undecodable: each ends as exactly one dead letter, or (where the
     * mutation still decodes) as exactly one rejection or cancellation. Every base command has an id
     * of its own (128 random bits), so no mutation turns one into a duplicate of another.
     */
    @Test
    @Order(11)
    void fuzzedCommandsAreEachDeadLetteredOrDecided() throws Exception {
        RecordMutator mutator = new RecordMutator(SEED + 1);
        for (int run = 0; run < FUZZ_RUNS; run++) {
            bench.traffic.runState("fuzz-run-" + run, TENANT, RunStatus.RUNNING, 1);
        }
        bench.traffic.flush();
        long decidedBefore = decidedByOthersThanValidCancels();
        List<Future<RecordMetadata>> sending = new ArrayList<>();
        for (int i = 0; i < FUZZ_RECORDS; i++) {
            String executionId = "fuzz-run-" + i % FUZZ_RUNS;
            byte[] value = mutator.mutate(FramedRecords.command(
                    bench.commandSchemaId,
                    "fuzz-" + mutator.randomId(),
                    executionId,
                    ADMIN,
                    "fuzz",
                    Instant.now().toEpochMilli(),
                    "fuzz-" + i));
            sending.add(bench.raw.send(
                    new ProducerRecord<>(bench.topics.commands.name(), fuzzedKey(mutator, executionId), value)));
        }
        Set<String> fuzzed = offsets(sending);

        bench.validCancelsOnEveryPartitionAreDecided("fuzzed-commands");
        await("each fuzzed command dead-lettered or decided")
                .atMost(FUZZ_ACCOUNTED_WITHIN)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    bench.outcomes.drain(Duration.ofMillis(200));
                    return accountedCommands(fuzzed, decidedBefore) >= FUZZ_RECORDS;
                });
        bench.outcomes.drain(Duration.ofSeconds(3));
        long deadLetters = deadLettersOf(fuzzed).count();
        System.out.printf(
                "HostileInputIT: %d fuzzed commands: %d dead letters, %d decided%n",
                FUZZ_RECORDS, deadLetters, accountedCommands(fuzzed, decidedBefore) - deadLetters);
        assertThat(deadLettersOf(fuzzed).distinct().count())
                .as("records with more than one dead letter")
                .isEqualTo(deadLetters);
        assertThat(accountedCommands(fuzzed, decidedBefore)).isEqualTo(FUZZ_RECORDS);
        passed();
    }

    /**
     * Mutated run states: each is a dead letter, unless it still decodes as a run state (then it is a
     * run state like any other, and there is nothing to account for).
     */
    @Test
    @Order(12)
    void fuzzedRunStatesAreEachDeadLetteredOrStillARunState() throws Exception {
        RecordMutator mutator = new RecordMutator(SEED + 2);
        Map<Future<RecordMetadata>, Boolean> sending = new LinkedHashMap<>();
        for (int i = 0; i < FUZZ_RECORDS; i++) {
            String executionId = "fuzz-state-" + i % FUZZ_RUNS;
            byte[] value = mutator.mutate(FramedRecords.runState(
                    bench.runStateSchemaId,
                    executionId,
                    TENANT,
                    RunStatus.RUNNING,
                    i,
                    Instant.now().toEpochMilli()));
            byte[] key = mutator.oneIn(20) ? mutator.randomBytes(32) : utf8(executionId);
            sending.put(
                    bench.raw.send(new ProducerRecord<>(bench.topics.runStates.name(), key, value)),
                    decodesAsARunState(value, bench.runStateSchemaId));
        }
        Set<String> undecodable = offsets(sending.entrySet().stream()
                .filter(sent -> !sent.getValue())
                .map(Map.Entry::getKey)
                .toList());
        Set<String> fuzzed = offsets(List.copyOf(sending.keySet()));

        bench.validCancelsOnEveryPartitionAreDecided("fuzzed-run-states");
        await("each undecodable run state dead-lettered")
                .atMost(FUZZ_ACCOUNTED_WITHIN)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    bench.outcomes.drain(Duration.ofMillis(200));
                    return deadLettersOf(undecodable).distinct().count() == undecodable.size();
                });
        bench.outcomes.drain(Duration.ofSeconds(3));
        System.out.printf(
                "HostileInputIT: %d fuzzed run states: %d undecodable, %d dead letters%n",
                FUZZ_RECORDS, undecodable.size(), deadLettersOf(fuzzed).count());
        assertThat(deadLettersOf(fuzzed).count())
                .as("dead letters of fuzzed run states, one each at most")
                .isEqualTo(deadLettersOf(fuzzed).distinct().count());
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
            byte[] value = mutator.mutate(
                    FramedRecords.grant(bench.grantSchemaId, actorId, List.of("viewer"), List.of(TENANT)));
            sending.add(bench.raw.send(new ProducerRecord<>(bench.topics.operators.name(), utf8(actorId), value)));
        }
        offsets(sending);

        for (int partition = 0; partition < PARTITIONS; partition++) {
            String lateAdmin = keyOn("late-admin", partition);
            bench.traffic.grant(lateAdmin, List.of("admin"), List.of("*"));
            await("a grant written after the fuzzed ones in force")
                    .atMost(DECIDED_WITHIN)
                    .until(() -> bench.decisionOnACancelBy(lateAdmin).equals("CANCELLED"));
        }
        bench.validCancelsOnEveryPartitionAreDecided("fuzzed-grants");
        assertThat(deadLettersFrom(bench.topics.operators.name()))
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

    /** Fuzzed commands dead-lettered, plus the outcomes beyond {@code decidedBefore} that no valid cancel made. */
    private static long accountedCommands(Set<String> fuzzed, long decidedBefore) {
        return deadLettersOf(fuzzed).count() + decidedByOthersThanValidCancels() - decidedBefore;
    }

    private static long decidedByOthersThanValidCancels() {
        return bench.outcomes.cancellations.stream()
                        .filter(change -> !String.valueOf(change.getCommandId()).startsWith("valid-"))
                        .count()
                + bench.outcomes.rejections.stream()
                        .filter(rejection ->
                                !String.valueOf(rejection.getCommandId()).startsWith("valid-"))
                        .count();
    }

    /** "topic-partition@offset" of each dead letter whose source is among {@code sources}. */
    private static Stream<String> deadLettersOf(Set<String> sources) {
        return bench.outcomes.deadLetters.stream().map(HostileInputIT::source).filter(sources::contains);
    }

    private static List<ConsumerRecord<String, byte[]>> deadLettersFrom(String topic) {
        return bench.outcomes.deadLetters.stream()
                .filter(dead -> topic.equals(header(dead, "__streams.errors.topic")))
                .toList();
    }

    private static String source(ConsumerRecord<String, byte[]> deadLetter) {
        return header(deadLetter, "__streams.errors.topic") + "-" + header(deadLetter, "__streams.errors.partition")
                + "@" + header(deadLetter, "__streams.errors.offset");
    }

    private static Set<String> offsets(List<Future<RecordMetadata>> sending) throws Exception {
        bench.raw.flush();
        Set<String> offsets = new HashSet<>();
        for (Future<RecordMetadata> sent : sending) {
            RecordMetadata metadata = sent.get();
            offsets.add(metadata.topic() + "-" + metadata.partition() + "@" + metadata.offset());
        }
        return offsets;
    }

    /**
     * Whether {@code value} is a whole RunState as Avro would read it (trailing bytes allowed): the
     * framing, then two strings, an enum index, two longs, each within the bytes there are. Read
     * here by hand, because Avro itself would try to allocate whatever a mutated length claims.
     */
    private static boolean decodesAsARunState(byte[] value, int schemaId) {
        if (value.length < 5 || value[0] != 0 || ByteBuffer.wrap(value, 1, 4).getInt() != schemaId) {
            return false;
        }
        int[] at = {5};
        for (int field = 0; field < 2; field++) {
            Long length = readVarint(value, at);
            if (length == null || length < 0 || length > value.length - at[0]) {
                return false;
            }
            at[0] += length.intValue();
        }
        Long status = readVarint(value, at);
        return status != null
                && status >= 0
                && status < RunStatus.values().length
                && readVarint(value, at) != null
                && readVarint(value, at) != null;
    }

    /** A zigzag varint at {@code at[0]}, advancing it; null if it runs past the end or past 64 bits. */
    private static Long readVarint(byte[] bytes, int[] at) {
        long raw = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (at[0] >= bytes.length) {
                return null;
            }
            byte next = bytes[at[0]++];
            raw |= (long) (next & 0x7f) << shift;
            if ((next & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        return null;
    }

    private static boolean carriesTheSecret(ConsumerRecord<String, byte[]> deadLetter) {
        byte[] secret = utf8(SECRET);
        return contains(utf8(String.valueOf(deadLetter.key())), secret)
                || contains(deadLetter.value(), secret)
                || Arrays.stream(deadLetter.headers().toArray())
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
