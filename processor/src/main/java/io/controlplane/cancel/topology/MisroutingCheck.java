package io.controlplane.cancel.topology;

import io.controlplane.cancel.config.KeyPartitioner;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the keyed records that arrive on another partition than the configured partitioner gives
 * their key: a sign that upstream hashes keys differently, so that unkeyed commands re-keyed here
 * would miss their run's state. The record itself is passed on unchanged: it is not at fault.
 */
final class MisroutingCheck<V> implements FixedKeyProcessor<String, V, V> {

    static final String SENSOR = "misrouted-records";

    private static final Logger log = LoggerFactory.getLogger(MisroutingCheck.class);

    private final KeyPartitioner partitioner;
    private final int partitions;
    private FixedKeyProcessorContext<String, V> context;
    private Sensor misrouted;
    private boolean warned;

    /** @param partitions the input topics' partition count, as read at start-up */
    MisroutingCheck(KeyPartitioner partitioner, int partitions) {
        this.partitioner = partitioner;
        this.partitions = partitions;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, V> context) {
        this.context = context;
        misrouted = context.metrics()
                .addRateTotalSensor(
                        DecisionMetrics.SCOPE, context.taskId().toString(), SENSOR, Sensor.RecordingLevel.INFO);
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
        if (record.key() != null && context.recordMetadata().isPresent()) {
            check(record.key(), context.recordMetadata().get());
        }
        context.forward(record);
    }

    private void check(String key, RecordMetadata source) {
        int expected = partitioner.partition(Topics.KEY_SERDE.serializer().serialize(source.topic(), key), partitions);
        if (expected == source.partition()) {
            return;
        }
        misrouted.record();
        if (!warned) {
            warned = true;
            log.warn(
                    "Records on {} are not where cancel.partitioner={} puts their keys: one on partition {} belongs "
                            + "on partition {}, so unkeyed commands may miss their run's state; {} (task {}; "
                            + "counted in {}-total, logged once per task and topic)",
                    source.topic(),
                    partitioner.configName(),
                    source.partition(),
                    expected,
                    partitioner.fix(),
                    context.taskId(),
                    SENSOR);
        }
    }

    @Override
    public void close() {
        context.metrics().removeSensor(misrouted);
    }
}
