package io.controlplane.cancel.it.support;

import io.controlplane.cancel.TestRecords;
import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.topology.Topics;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes what upstream services write: grants, run states, cancel commands, and bad bytes. */
public final class CancelTraffic implements AutoCloseable {

    private final Topics topics;
    private final KafkaProducer<String, byte[]> producer;

    public CancelTraffic(String bootstrapServers, Topics topics) {
        this(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topics);
    }

    /** @param clientSettings the address and whatever else the broker asks of a client, e.g. its login */
    public CancelTraffic(Map<String, Object> clientSettings, Topics topics) {
        this.topics = topics;
        Map<String, Object> settings = new HashMap<>(clientSettings);
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        this.producer = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
    }

    public void grant(String actorId, List<String> roles, List<String> tenants) {
        send(topics.operators, actorId, TestRecords.grant(actorId, roles, tenants));
    }

    public void runState(String executionId, String tenantId, RunStatus status, long version) {
        send(
                topics.runStates,
                executionId,
                TestRecords.runState(executionId, tenantId, status, version, Instant.now()));
    }

    /** A run's state as last updated at {@code updatedAt}, for filters that look at it. */
    public void runState(String executionId, String tenantId, RunStatus status, long version, Instant updatedAt) {
        send(topics.runStates, executionId, TestRecords.runState(executionId, tenantId, status, version, updatedAt));
    }

    public CancelCommand cancel(String commandId, String executionId, String actorId) {
        CancelCommand command = TestRecords.command(commandId, executionId, actorId, "integration test", Instant.now());
        send(topics.commands, executionId, command);
        return command;
    }

    public void command(String key, CancelCommand command) {
        send(topics.commands, key, command);
    }

    /** @return where the record landed, for matching it with what the processor made of it */
    public Future<RecordMetadata> raw(String topic, String key, byte[] value) {
        return producer.send(new ProducerRecord<>(topic, key, value));
    }

    public <V extends SpecificRecord> void send(Topics.Topic<V> topic, String key, V value) {
        producer.send(new ProducerRecord<>(
                topic.name(),
                key,
                value == null ? null : topic.valueSerde().serializer().serialize(topic.name(), value)));
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
