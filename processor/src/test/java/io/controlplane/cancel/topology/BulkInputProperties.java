package io.controlplane.cancel.topology;

import static io.controlplane.cancel.topology.CancelDriver.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.BulkAction;
import io.controlplane.cancel.avro.BulkCancelCommand;
import io.controlplane.cancel.avro.BulkCancelProgress;
import io.controlplane.cancel.avro.BulkState;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.state.BulkRecord;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Whatever bytes arrive on the bulk topic, with whatever key, the topology never throws, memory stays
 * bounded (a record is at most what its topic takes), and each record ends as exactly one thing: one
 * dead letter (it cannot be decoded, or has no value), one REJECTED progress record about the bulk as
 * a whole, an accepted bulk (its task reports it: one progress record of the task's partition), or
 * nothing for a repeat of a bulk the processor holds already.
 */
class BulkInputProperties {

    /** At least once: see DeadLetterQueueTest on why the driver needs it to show dead letters. */
    private static final Map<String, Object> SETTINGS = Map.of(
            StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
            StreamsConfig.AT_LEAST_ONCE,
            CancelProcessorConfig.UNSAFE_ALLOW_PROCESSING_GUARANTEE,
            true);

    /** A key (null = none; or the command's own bulkId) and a value: noise, or a valid command mutated (null = tombstone). */
    record Arrival(byte[] key, boolean ownKey, BulkCancelCommand valid, byte[] noise, int mutations, long seed) {}

    @Property(tries = 40)
    void everyBulkRecordEndsAsExactlyOneThing(@ForAll("arrivals") List<Arrival> arrivals) {
        try (CancelDriver cancel = new CancelDriver(SETTINGS)) {
            cancel.admin("alice");
            cancel.runState("run-1", RunStatus.RUNNING, 1);
            TestInputTopic<byte[], byte[]> bulkTopic = cancel.driver.createInputTopic(
                    cancel.topics.bulk.name(), new ByteArraySerializer(), new ByteArraySerializer());
            KeyValueStore<String, BulkRecord> bulks = cancel.driver.getKeyValueStore(CancelStores.BULKS);
            for (Arrival arrival : arrivals) {
                byte[] value = value(cancel, arrival);
                byte[] key = arrival.ownKey()
                                && arrival.valid() != null
                                && arrival.valid().getBulkId() != null
                        ? arrival.valid().getBulkId().getBytes(StandardCharsets.UTF_8)
                        : arrival.key();
                String keyText = key == null ? null : new String(key, StandardCharsets.UTF_8);
                boolean heldBefore = keyText != null && keyText.length() <= 256 && bulks.get(keyText) != null;
                bulkTopic.pipeInput(key, value);

                List<BulkCancelProgress> progress = cancel.bulkProgress();
                int deadLetters = cancel.read(cancel.topics.dlq, new ByteArrayDeserializer())
                        .size();
                String record = "bulk record (key " + hex(key) + ", value " + hex(value) + ")";
                assertThat(progress.size() + deadLetters)
                        .as("what the %s left", record)
                        .isLessThanOrEqualTo(1);
                if (deadLetters == 1) {
                    assertThat(decodes(cancel, value))
                            .as("a decodable %s dead-lettered", record)
                            .isFalse();
                } else if (progress.isEmpty()) {
                    assertThat(heldBefore)
                            .as("the %s left nothing, and is no repeat of a bulk held", record)
                            .isTrue();
                } else {
                    BulkCancelProgress only = progress.get(0);
                    assertThat(only.getPartition())
                            .as("partition of %s", only)
                            .isEqualTo(only.getState() == BulkState.REJECTED ? -1 : 0);
                    assertThat(only.getBulkId().length()).isLessThanOrEqualTo(256);
                }
                cancel.advanceWallClock(ExecutionProcessor.BULK_TURN_INTERVAL);
                cancel.bulkProgress();
                cancel.changes();
            }
        }
    }

    private static boolean decodes(CancelDriver cancel, byte[] value) {
        if (value == null) {
            return false;
        }
        try {
            return cancel.topics.bulk.valueSerde().deserializer().deserialize(cancel.topics.bulk.name(), value) != null;
        } catch (org.apache.kafka.common.errors.SerializationException e) {
            return false;
        }
    }

    private static byte[] value(CancelDriver cancel, Arrival arrival) {
        if (arrival.valid() == null) {
            return arrival.noise();
        }
        byte[] bytes =
                cancel.topics.bulk.valueSerde().serializer().serialize(cancel.topics.bulk.name(), arrival.valid());
        Random random = new Random(arrival.seed());
        for (int i = 0; i < arrival.mutations(); i++) {
            bytes = mutate(bytes, random);
        }
        return bytes;
    }

    private static byte[] mutate(byte[] bytes, Random random) {
        if (bytes.length == 0) {
            return new byte[] {(byte) random.nextInt()};
        }
        int at = random.nextInt(bytes.length);
        return switch (random.nextInt(3)) {
            case 0 -> {
                byte[] flipped = bytes.clone();
                flipped[at] ^= (byte) (1 << random.nextInt(8));
                yield flipped;
            }
            case 1 -> Arrays.copyOf(bytes, at);
            default -> { // a long varint where a length may be: claims a huge string or array
                byte[] grown = Arrays.copyOf(bytes, bytes.length + 4);
                System.arraycopy(bytes, at, grown, at + 4, bytes.length - at);
                grown[at] = (byte) 0xfe;
                grown[at + 1] = (byte) 0xff;
                grown[at + 2] = (byte) 0xff;
                grown[at + 3] = (byte) 0x0f;
                yield grown;
            }
        };
    }

    private static String hex(byte[] bytes) {
        if (bytes == null) {
            return "null";
        }
        String hex = HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 64));
        return bytes.length > 64 ? hex + "... (" + bytes.length + " bytes)" : hex;
    }

    @Provide
    Arbitrary<List<Arrival>> arrivals() {
        Arbitrary<String> ids = Arbitraries.oneOf(
                Arbitraries.of("bulk-1", "bulk-2", "bulk-3"),
                Arbitraries.of("", " ", "b\u0000x", "r".repeat(300)),
                Arbitraries.strings().ofMaxLength(20));
        Arbitrary<BulkCancelCommand> commands = Combinators.combine(
                        ids.injectNull(0.1),
                        Arbitraries.of("alice", "mallory", "").injectNull(0.1),
                        Arbitraries.of(TENANT, "tenant-b", "*", "").injectNull(0.1),
                        Arbitraries.of(BulkAction.values()),
                        Arbitraries.of(RunStatus.RUNNING, RunStatus.QUEUED, RunStatus.COMPLETED)
                                .list()
                                .ofMaxSize(2),
                        Arbitraries.of("run-1", "run-2", "x\u0007").list().ofMaxSize(3),
                        Arbitraries.of(true, false))
                .as((bulkId, actor, tenant, action, statuses, listed, dryRun) -> BulkCancelTopologyTest.start(
                                bulkId, actor)
                        .setTenantId(tenant)
                        .setAction(action)
                        .setStatuses(statuses)
                        .setExecutionIds(listed)
                        .setDryRun(dryRun)
                        .build());
        Arbitrary<Arrival> arrival = Combinators.combine(
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(12).injectNull(0.2),
                        Arbitraries.of(true, true, false),
                        commands.injectNull(0.15),
                        Arbitraries.bytes().array(byte[].class).ofMaxSize(40).injectNull(0.3),
                        Arbitraries.integers().between(0, 3),
                        Arbitraries.longs())
                .as(Arrival::new);
        return arrival.list().ofMinSize(1).ofMaxSize(12);
    }
}
