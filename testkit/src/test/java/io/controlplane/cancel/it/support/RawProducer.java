package io.controlplane.cancel.it.support;

import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes exactly the bytes it is given (key, value, headers, record timestamp), zstd-compressed,
 * as a producer with write access to the input topics could, whatever its client.
 */
public final class RawProducer implements AutoCloseable {

    /**
     * Room for a 4 MB value: the client checks the uncompressed size against this, the broker only
     * the compressed batch against the topic's max.message.bytes.
     */
    public static final int MAX_REQUEST_BYTES = 5 * 1024 * 1024;

    /** The record format's "no timestamp" (RecordBatch.NO_TIMESTAMP, in an internal package since 4.x). */
    private static final long NO_TIMESTAMP = -1L;

    private final KafkaProducer<byte[], byte[]> producer;

    public RawProducer(String bootstrapServers) {
        this.producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.COMPRESSION_TYPE_CONFIG,
                        "zstd",
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                        MAX_REQUEST_BYTES,
                        ProducerConfig.LINGER_MS_CONFIG,
                        5),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    /** @return where the record landed, for matching it with its dead letter */
    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
        return producer.send(record);
    }

    /**
     * With the negative create time -1. The Java client's ProducerRecord refuses negative times, but
     * the record format and the broker take -1 ("no timestamp"), and librdkafka-based clients write it.
     */
    public Future<RecordMetadata> sendWithNegativeTimestamp(String topic, int partition, byte[] key, byte[] value) {
        return producer.send(new ProducerRecord<>(topic, partition, null, key, value) {
            @Override
            public Long timestamp() {
                return NO_TIMESTAMP;
            }
        });
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
