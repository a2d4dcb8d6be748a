package io.controlplane.cancel.client;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.config.CancelTopic;
import io.controlplane.cancel.config.CommandHeaders;
import io.controlplane.cancel.config.KeyPartitioner;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes cancel commands as the processor reads them: framed by the configured value serde, keyed by
 * executionId, on the partition the configured partitioner gives that key (beside the run's state,
 * whichever client wrote that), with the actor's token in the {@code authorization} header.
 */
final class CommandWriter {

    private static final String BEARER = "Bearer ";

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final KeyPartitioner partitioner;
    /**
     * Shared by every calling thread. Our FramedAvroSerializer is safe so: its schema ids and Avro
     * writers are in concurrent maps, a SpecificDatumWriter keeps no state between writes, and each
     * thread encodes into a buffer of its own. A plug-in serde is shared as KafkaProducer shares its
     * own serializers among the threads that call send, which Kafka's serializers are written for.
     */
    private final Serializer<CancelCommand> serializer;

    private final String bootstrapServers;

    CommandWriter(Producer<String, byte[]> producer, CancelClientConfig config, String bootstrapServers) {
        this.producer = producer;
        this.topic = config.topic(CancelTopic.COMMANDS);
        this.partitioner = config.partitioner();
        this.serializer = config.valueSerde(CancelCommand.class).serializer();
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Sends {@code command} with {@code token} (null: none). Where Kafka wrote it goes to {@code
     * whenWritten}, and a failure to send it, now or later, to {@code whenFailed}: either is called
     * on the producer's I/O thread, or on this one, and must not block.
     */
    void send(
            CancelCommand command,
            String token,
            Consumer<RecordMetadata> whenWritten,
            Consumer<CancelClientException> whenFailed) {
        String executionId = command.getExecutionId();
        RecordHeaders headers = new RecordHeaders();
        if (token != null) {
            String authorization = token.regionMatches(true, 0, BEARER, 0, BEARER.length()) ? token : BEARER + token;
            headers.add(CommandHeaders.AUTHORIZATION, authorization.getBytes(StandardCharsets.UTF_8));
        }
        byte[] value;
        try {
            value = serializer.serialize(topic, headers, command);
        } catch (RuntimeException e) {
            whenFailed.accept(new CancelClientException(
                    "Cannot encode the cancel command for " + executionId + ": " + oneLine(e)));
            return;
        }
        try {
            int partition = partitioner.partition(
                    executionId.getBytes(StandardCharsets.UTF_8),
                    producer.partitionsFor(topic).size());
            producer.send(new ProducerRecord<>(topic, partition, executionId, value, headers), (sent, failure) -> {
                if (failure != null) {
                    whenFailed.accept(kafkaFailure(executionId, failure));
                } else {
                    whenWritten.accept(sent);
                }
            });
        } catch (RuntimeException e) {
            whenFailed.accept(kafkaFailure(executionId, e));
        }
    }

    Producer<String, byte[]> producer() {
        return producer;
    }

    void close() {
        serializer.close();
    }

    private CancelClientException kafkaFailure(String executionId, Exception failure) {
        return new CancelClientException("Cannot write the cancel command for " + executionId + " to Kafka at "
                + bootstrapServers + ": " + oneLine(failure));
    }

    /** What went wrong in one line: the message, or the exception's name when it has none. */
    static String oneLine(Throwable failure) {
        String message = failure.getMessage();
        return message == null || message.isBlank()
                ? failure.getClass().getName()
                : message.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
