package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.decision.CancelDecider;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Judges each cancel command against the run state it sees, and expires the ones that waited for a
 * run state in vain.
 */
final class CancelCommandProcessor implements Processor<String, CancelCommand, String, SpecificRecord> {

    /** The grace is a person's wait, so it runs on the wall clock, not on stream time that may stall. */
    private static final Duration MAX_EXPIRY_INTERVAL = Duration.ofSeconds(1);

    private final CancelDecider decider;
    private final Duration grace;
    private final Duration dedupRetention;
    private final GrantDecoder grantDecoder;
    private CommandEvaluator evaluator;

    CancelCommandProcessor(CancelDecider decider, Duration grace, Duration dedupRetention, GrantDecoder grantDecoder) {
        this.decider = decider;
        this.grace = grace;
        this.dedupRetention = dedupRetention;
        this.grantDecoder = grantDecoder;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        evaluator = new CommandEvaluator(context, decider, grace, dedupRetention, grantDecoder);
        if (!grace.isZero()) {
            Duration interval = grace.compareTo(MAX_EXPIRY_INTERVAL) < 0 ? grace : MAX_EXPIRY_INTERVAL;
            context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, evaluator::expireWaiting);
        }
    }

    @Override
    public void process(Record<String, CancelCommand> record) {
        if (record.value() == null) {
            // Thrown so that Kafka Streams' processing-exception handler puts it on the dead-letter queue.
            throw new IllegalArgumentException("A cancel command record has no value; there is nothing to decide");
        }
        evaluator.onCommand(record);
    }

    @Override
    public void close() {
        evaluator.close();
    }
}
