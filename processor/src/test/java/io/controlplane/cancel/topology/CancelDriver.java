package io.controlplane.cancel.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.TestRecords;
import io.controlplane.cancel.avro.BulkCancelCommand;
import io.controlplane.cancel.avro.BulkCancelProgress;
import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.StreamsProperties;
import io.controlplane.cancel.identity.CommandIdentity;
import io.controlplane.cancel.serde.InMemorySchemaRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The real topology and real serdes (against an in-memory schema registry) in a
 * TopologyTestDriver, with the wall clock in the test's hands.
 */
final class CancelDriver implements AutoCloseable {

    static final Instant START = Instant.parse("2026-11-24T10:00:00Z");
    static final String TENANT = "tenant-a";

    final TopologyTestDriver driver;
    final Topics topics;
    private final String registryScope;
    private final TestInputTopic<String, CancelCommand> commands;
    private final TestInputTopic<String, RunState> runStates;
    private final TestInputTopic<String, OperatorGrant> operators;
    private final TestInputTopic<String, byte[]> rawCommands;
    private final TestInputTopic<String, byte[]> rawGrants;
    private final TestOutputTopic<String, RunStateChange> changes;
    private final TestOutputTopic<String, CancelRejection> rejections;
    private final TestInputTopic<String, BulkCancelCommand> bulks;
    private final TestOutputTopic<String, BulkCancelProgress> bulkProgress;
    private Instant recordTime = START;
    private Instant wallClock = START;
    private int commandSeq;

    CancelDriver() {
        this(Map.of());
    }

    CancelDriver(Map<String, ?> overrides) {
        this(overrides, OptionalInt.empty());
    }

    /** @param inputPartitions as the app reads them at start-up; every test record arrives on partition 0 */
    CancelDriver(Map<String, ?> overrides, OptionalInt inputPartitions) {
        this(overrides, inputPartitions, CommandIdentity.TRUSTED);
    }

    /** @param identity what the commands' authorization headers prove (signed mode: a verifier) */
    CancelDriver(Map<String, ?> overrides, CommandIdentity identity) {
        this(overrides, OptionalInt.empty(), identity);
    }

    private CancelDriver(Map<String, ?> overrides, OptionalInt inputPartitions, CommandIdentity identity) {
        registryScope = "cancel-driver-" + UUID.randomUUID();
        Map<String, Object> settings = new HashMap<>();
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        settings.put("schema.registry.url", "mock://" + registryScope);
        settings.put(StreamsConfig.STATE_DIR_CONFIG, stateDir());
        settings.putAll(overrides);
        CancelProcessorConfig config = new CancelProcessorConfig(settings);
        topics = new Topics(config);
        driver = new TopologyTestDriver(
                CancelTopology.build(config, inputPartitions, identity), StreamsProperties.from(settings), START);
        commands = driver.createInputTopic(
                topics.commands.name(),
                Serdes.String().serializer(),
                topics.commands.valueSerde().serializer());
        rawCommands = driver.createInputTopic(
                topics.commands.name(), Serdes.String().serializer(), new ByteArraySerializer());
        runStates = driver.createInputTopic(
                topics.runStates.name(),
                Serdes.String().serializer(),
                topics.runStates.valueSerde().serializer());
        rawGrants = driver.createInputTopic(
                topics.operators.name(), Serdes.String().serializer(), new ByteArraySerializer());
        operators = driver.createInputTopic(
                topics.operators.name(),
                Serdes.String().serializer(),
                topics.operators.valueSerde().serializer());
        changes = driver.createOutputTopic(
                topics.runStateChanges.name(),
                Serdes.String().deserializer(),
                topics.runStateChanges.valueSerde().deserializer());
        rejections = driver.createOutputTopic(
                topics.rejections.name(),
                Serdes.String().deserializer(),
                topics.rejections.valueSerde().deserializer());
        bulks = driver.createInputTopic(
                topics.bulk.name(),
                Serdes.String().serializer(),
                topics.bulk.valueSerde().serializer());
        bulkProgress = driver.createOutputTopic(
                topics.bulkProgress.name(),
                Serdes.String().deserializer(),
                topics.bulkProgress.valueSerde().deserializer());
    }

    /** Each driver its own: drivers of parallel builds must not share (and wipe) one another's state. */
    private static String stateDir() {
        try {
            return Files.createTempDirectory("cancel-driver-state").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- input ---------------------------------------------------------------------------------

    void grant(String actorId, List<String> roles, List<String> tenants) {
        operators.pipeInput(actorId, TestRecords.grant(actorId, roles, tenants), nextRecordTime());
    }

    void admin(String actorId) {
        grant(actorId, List.of("admin"), List.of(TENANT));
    }

    /** A grant record whose key and value need not agree. */
    void grantFor(String key, OperatorGrant grant) {
        operators.pipeInput(key, grant, nextRecordTime());
    }

    void grantRecord(String key, byte[] value) {
        rawGrants.pipeInput(key, value, nextRecordTime());
    }

    void revoke(String actorId) {
        operators.pipeInput(actorId, null, nextRecordTime());
    }

    void runState(String executionId, RunStatus status, long version) {
        runState(executionId, TENANT, status, version);
    }

    void runState(String executionId, String tenantId, RunStatus status, long version) {
        runStates.pipeInput(
                executionId,
                TestRecords.runState(executionId, tenantId, status, version, recordTime),
                nextRecordTime());
    }

    /** A run state naming its parent run (null = none). */
    void runState(String executionId, String tenantId, RunStatus status, long version, String parentExecutionId) {
        runStates.pipeInput(
                executionId,
                TestRecords.runState(executionId, tenantId, status, version, recordTime, parentExecutionId),
                nextRecordTime());
    }

    void runStateRecord(String key, RunState value) {
        runStates.pipeInput(key, value, nextRecordTime());
    }

    void deleteRun(String executionId) {
        runStates.pipeInput(executionId, null, nextRecordTime());
    }

    /** A well-formed command with a fresh commandId, keyed by its executionId. */
    CancelCommand cancel(String executionId, String actorId) {
        CancelCommand command = command("cmd-" + (++commandSeq), executionId, actorId);
        send(executionId, command);
        return command;
    }

    CancelCommand command(String commandId, String executionId, String actorId) {
        return TestRecords.command(commandId, executionId, actorId, "operator request", recordTime);
    }

    void send(String key, CancelCommand command) {
        commands.pipeInput(key, command, nextRecordTime());
    }

    void send(String key, CancelCommand command, Headers headers) {
        commands.pipeInput(new TestRecord<>(key, command, headers, nextRecordTime()));
    }

    void sendRaw(String key, byte[] value, Headers headers) {
        rawCommands.pipeInput(new TestRecord<>(key, value, headers, nextRecordTime()));
    }

    void send(String key, CancelCommand command, Instant timestamp) {
        recordTime = timestamp;
        commands.pipeInput(key, command, timestamp);
    }

    /** A bulk cancel command, keyed by its bulkId. */
    void bulk(BulkCancelCommand command) {
        bulks.pipeInput(command.getBulkId(), command, nextRecordTime());
    }

    void bulk(String key, BulkCancelCommand command, Headers headers) {
        bulks.pipeInput(new TestRecord<>(key, command, headers, nextRecordTime()));
    }

    void sendRaw(String key, byte[] value) {
        rawCommands.pipeInput(key, value, nextRecordTime());
    }

    void advanceWallClock(Duration duration) {
        wallClock = wallClock.plus(duration);
        driver.advanceWallClockTime(duration);
    }

    /** The processor's clock: what cancelledAt and rejectedAt are read from. */
    Instant wallClock() {
        return wallClock;
    }

    private Instant nextRecordTime() {
        recordTime = recordTime.plusMillis(1);
        return recordTime;
    }

    // --- output --------------------------------------------------------------------------------

    List<TestRecord<String, RunStateChange>> changes() {
        return changes.readRecordsToList();
    }

    List<TestRecord<String, CancelRejection>> rejections() {
        return rejections.readRecordsToList();
    }

    List<BulkCancelProgress> bulkProgress() {
        return bulkProgress.readValuesToList();
    }

    /** The one rejection the last commands produced, asserting that nothing else came out. */
    CancelRejection onlyRejection() {
        List<TestRecord<String, CancelRejection>> rejections = rejections();
        assertThat(rejections).hasSize(1);
        assertThat(changes()).isEmpty();
        return rejections.get(0).value();
    }

    <V> List<TestRecord<String, V>> read(String topic, Deserializer<V> valueDeserializer) {
        return driver.createOutputTopic(topic, Serdes.String().deserializer(), valueDeserializer)
                .readRecordsToList();
    }

    private boolean closed;

    /** Closes the task (a test may do it itself, to see what closing does); once. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        driver.close();
        InMemorySchemaRegistry.dropScope(registryScope);
    }
}
