package io.controlplane.cancel.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.CapturedLog;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.KeyPartitioner;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A run state or keyed command on another partition than the configured partitioner gives its key
 * is counted and logged once per task, and processed as usual. TopologyTestDriver delivers every
 * record on partition 0, so the tests pick keys by the partition each partitioner gives them.
 */
class MisroutedRecordsTest {

    private static final int PARTITIONS = 6;
    /** On partition 0 for Kafka's Java client, elsewhere for librdkafka's default. */
    private static final String JAVA_PLACED =
            key(k -> on(KeyPartitioner.MURMUR2, k) == 0 && on(KeyPartitioner.CRC32, k) != 0);
    /** On partition 0 for librdkafka's default, elsewhere for Kafka's Java client. */
    private static final String LIBRDKAFKA_PLACED =
            key(k -> on(KeyPartitioner.CRC32, k) == 0 && on(KeyPartitioner.MURMUR2, k) != 0);

    private final CapturedLog log = CapturedLog.of(MisroutingCheck.class);
    private CancelDriver cancel;

    @AfterEach
    void close() {
        cancel.close();
        log.close();
    }

    private static int on(KeyPartitioner partitioner, String key) {
        return partitioner.partition(key.getBytes(StandardCharsets.UTF_8), PARTITIONS);
    }

    private static String key(Predicate<String> wanted) {
        return IntStream.range(0, 1_000)
                .mapToObj(i -> "run-" + i)
                .filter(wanted)
                .findFirst()
                .orElseThrow();
    }

    private void start(String partitioner, OptionalInt partitions) {
        cancel = new CancelDriver(Map.of(CancelProcessorConfig.PARTITIONER, partitioner), partitions);
        cancel.admin("alice");
    }

    private double misrouted() {
        Map<MetricName, ? extends Metric> metrics = cancel.driver.metrics();
        return metrics.entrySet().stream()
                .filter(e -> e.getKey().group().equals("stream-cancel-processor-metrics"))
                .filter(e -> e.getKey().name().equals("misrouted-records-total"))
                .filter(e -> "0_0".equals(e.getKey().tags().get("cancel-processor-id")))
                .mapToDouble(e -> (Double) e.getValue().metricValue())
                .sum();
    }

    @Test
    void runStateOnAnotherPartitionIsCountedAndStillTracked() {
        start("murmur2", OptionalInt.of(PARTITIONS));
        cancel.runState(LIBRDKAFKA_PLACED, RunStatus.RUNNING, 1);
        assertThat(misrouted()).isEqualTo(1.0);

        cancel.cancel(LIBRDKAFKA_PLACED, "alice");
        assertThat(cancel.changes()).hasSize(1);
    }

    @Test
    void keyedCommandOnAnotherPartitionIsCountedAndStillDecided() {
        start("murmur2", OptionalInt.of(PARTITIONS));
        cancel.cancel(LIBRDKAFKA_PLACED, "alice");
        assertThat(misrouted()).isEqualTo(1.0);

        cancel.runState(LIBRDKAFKA_PLACED, RunStatus.RUNNING, 1);
        assertThat(cancel.changes()).hasSize(1);
    }

    @Test
    void recordsWhereTheConfiguredPartitionerPutsThemAreNotCounted() {
        start("murmur2", OptionalInt.of(PARTITIONS));
        cancel.runState(JAVA_PLACED, RunStatus.RUNNING, 1);
        cancel.cancel(JAVA_PLACED, "alice");
        assertThat(cancel.changes()).hasSize(1);
        assertThat(misrouted()).isZero();
        assertThat(log.lines()).isEmpty();
    }

    @Test
    void crc32JudgesPlacementAsLibrdkafkaDoes() {
        start("crc32", OptionalInt.of(PARTITIONS));
        cancel.runState(LIBRDKAFKA_PLACED, RunStatus.RUNNING, 1);
        assertThat(misrouted()).isZero();
        cancel.runState(JAVA_PLACED, RunStatus.RUNNING, 1);
        assertThat(misrouted()).isEqualTo(1.0);
        assertThat(log.lines())
                .singleElement()
                .extracting(CapturedLog.Line::message)
                .asString()
                .contains("set cancel.partitioner=murmur2, or produce with partitioner=consistent_random");
    }

    @Test
    void misroutingIsLoggedOncePerTaskAndTopicWithTheFix() {
        start("murmur2", OptionalInt.of(PARTITIONS));
        cancel.runState(LIBRDKAFKA_PLACED, RunStatus.RUNNING, 1);
        cancel.runState(LIBRDKAFKA_PLACED, RunStatus.RUNNING, 2);
        cancel.cancel(LIBRDKAFKA_PLACED, "alice");
        cancel.cancel(LIBRDKAFKA_PLACED, "alice");

        assertThat(misrouted()).isEqualTo(4.0);
        int expected = on(KeyPartitioner.MURMUR2, LIBRDKAFKA_PLACED);
        assertThat(log.lines())
                .containsExactly(
                        warning("Records on " + cancel.topics.runStates.name()
                                + " are not where cancel.partitioner=murmur2 "
                                + "puts their keys: one on partition 0 belongs on partition " + expected
                                + ", so unkeyed "
                                + "commands may miss their run's state; set cancel.partitioner=crc32, or produce with "
                                + "partitioner=murmur2_random (task 0_0; counted in misrouted-records-total, logged once "
                                + "per task and topic)"),
                        warning("Records on " + cancel.topics.commands.name()
                                + " are not where cancel.partitioner=murmur2 "
                                + "puts their keys: one on partition 0 belongs on partition " + expected
                                + ", so unkeyed "
                                + "commands may miss their run's state; set cancel.partitioner=crc32, or produce with "
                                + "partitioner=murmur2_random (task 0_0; counted in misrouted-records-total, logged once "
                                + "per task and topic)"));
    }

    private static CapturedLog.Line warning(String message) {
        return new CapturedLog.Line("WARN", message);
    }

    @Test
    void unkeyedCommandsAreNotChecked() {
        start("murmur2", OptionalInt.of(PARTITIONS));
        cancel.runState(JAVA_PLACED, RunStatus.RUNNING, 1);
        cancel.send(null, cancel.command("c1", JAVA_PLACED, "alice"));
        assertThat(cancel.changes()).hasSize(1);
        assertThat(misrouted()).isZero();
    }

    @Test
    void unknownPartitionCountSkipsTheCheck() {
        start("murmur2", OptionalInt.empty());
        cancel.runState(LIBRDKAFKA_PLACED, RunStatus.RUNNING, 1);
        cancel.cancel(LIBRDKAFKA_PLACED, "alice");
        assertThat(cancel.changes()).hasSize(1);
        assertThat(misrouted()).isZero();
        assertThat(log.lines()).isEmpty();
    }
}
