package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.decision.Decision;
import io.controlplane.cancel.errors.OutputTooLargeException;
import io.controlplane.cancel.errors.RecordSizeLimits;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.RecordContext;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/**
 * Where each kind of outcome is written and how it is encoded, in one place: adding a kind of
 * outcome to {@link Decision.Outcome} fails to compile here until it has a topic and a serde.
 */
final class OutcomeSink implements TopicNameExtractor<String, Decision.Outcome>, Serializer<Decision.Outcome> {

    private final Topics topics;
    private final RecordSizeLimits limits;

    OutcomeSink(Topics topics, RecordSizeLimits limits) {
        this.topics = topics;
        this.limits = limits;
    }

    /** The sink's value serde: outcomes are only ever written by this processor, never read back. */
    Serde<Decision.Outcome> serde() {
        return Serdes.serdeFrom(this, (topic, bytes) -> {
            throw new UnsupportedOperationException("outcomes are read from their own topics, with their own serdes");
        });
    }

    @Override
    public String extract(String key, Decision.Outcome outcome, RecordContext recordContext) {
        return outcome.accept(new Decision.Outcome.Visitor<String>() {
            @Override
            public String cancelled(RunStateChange change) {
                return topics.runStateChanges.name();
            }

            @Override
            public String rejected(CancelRejection rejection) {
                return topics.rejections.name();
            }

            @Override
            public String cancelling(RunStateChange change) {
                return topics.runStateChanges.name();
            }
        });
    }

    /**
     * Encoded, and refused here if its topic would refuse it ({@link OutputTooLargeException}): the
     * production handler then dead-letters the input, where a refusal by the broker would abort the
     * transaction and meet the same input again on every retry.
     */
    @Override
    public byte[] serialize(String topic, Decision.Outcome outcome) {
        byte[] value = encode(topic, outcome);
        OutputTooLargeException.check(limits, topic, value.length);
        return value;
    }

    private byte[] encode(String topic, Decision.Outcome outcome) {
        return outcome.accept(new Decision.Outcome.Visitor<byte[]>() {
            @Override
            public byte[] cancelled(RunStateChange change) {
                return topics.runStateChanges.valueSerde().serializer().serialize(topic, change);
            }

            @Override
            public byte[] rejected(CancelRejection rejection) {
                return topics.rejections.valueSerde().serializer().serialize(topic, rejection);
            }

            @Override
            public byte[] cancelling(RunStateChange change) {
                return cancelled(change);
            }
        });
    }
}
