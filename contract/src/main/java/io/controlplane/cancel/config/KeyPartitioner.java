package io.controlplane.cancel.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.zip.CRC32;
import org.apache.kafka.common.utils.Utils;

/**
 * How the producers upstream place a key on a partition. Kafka's Java client (and Kafka Streams)
 * hash the key bytes with murmur2; librdkafka-based clients (Python, Go, .NET, Node, kcat) by default
 * with CRC32. A command re-keyed by this processor must land where upstream put its run's state, so
 * the processor has to hash as upstream does.
 */
public enum KeyPartitioner {

    /** Kafka's Java producer: {@code toPositive(murmur2(key)) % partitions}. */
    MURMUR2("set cancel.partitioner=crc32, or produce with partitioner=murmur2_random") {
        @Override
        public int partition(byte[] keyBytes, int partitions) {
            return Utils.toPositive(Utils.murmur2(keyBytes)) % partitions;
        }
    },

    /** librdkafka's {@code consistent} and {@code consistent_random} (its default): CRC32 of the key, unsigned. */
    CRC32("set cancel.partitioner=murmur2, or produce with partitioner=consistent_random") {
        @Override
        public int partition(byte[] keyBytes, int partitions) {
            CRC32 crc = new CRC32();
            crc.update(keyBytes);
            return (int) (crc.getValue() % partitions);
        }
    };

    private final String fix;

    KeyPartitioner(String fix) {
        this.fix = fix;
    }

    /** The partition of {@code partitions} that a producer using this partitioner writes the key to. */
    public abstract int partition(byte[] keyBytes, int partitions);

    /** What an operator can change when records arrive where this partitioner does not put them. */
    public String fix() {
        return fix;
    }

    /** The name used in {@code cancel.partitioner}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static KeyPartitioner fromConfigName(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }

    public static String[] configNames() {
        return Arrays.stream(values()).map(KeyPartitioner::configName).toArray(String[]::new);
    }
}
