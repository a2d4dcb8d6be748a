package io.controlplane.cancel.it.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Records as bytes, for tests that look at the wire format itself (schema ids, who wrote them). */
public final class RawRecords {

    private RawRecords() {}

    /** Committed records of {@code topics} from the start, once {@code expected} arrived; fails after {@code timeout}. */
    public static List<ConsumerRecord<String, byte[]>> read(
            String bootstrapServers, List<String> topics, int expected, Duration timeout) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "raw-records-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(topics);
            // the consumer is polled on this thread only: it must not be used from two
            await(expected + " records on " + topics)
                    .pollInSameThread()
                    .pollInterval(Duration.ofMillis(1))
                    .atMost(timeout)
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                        return records.size() >= expected;
                    });
        }
        return records;
    }

    /** The registry id in a Confluent-framed value: magic byte 0, then a big-endian int. */
    public static int schemaId(byte[] framed) {
        if (framed.length < 5 || framed[0] != 0) {
            throw new AssertionError("Not Confluent-framed: " + framed.length + " bytes starting with "
                    + (framed.length > 0 ? framed[0] : "nothing"));
        }
        return (framed[1] & 0xff) << 24 | (framed[2] & 0xff) << 16 | (framed[3] & 0xff) << 8 | (framed[4] & 0xff);
    }
}
