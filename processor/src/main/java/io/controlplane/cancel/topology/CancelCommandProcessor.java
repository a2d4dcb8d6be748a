package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.decision.Decision;
import io.controlplane.cancel.errors.BadInputException;
import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Judges each cancel command against the run state it sees, and expires the ones that waited for a
 * run state in vain.
 */
final class CancelCommandProcessor implements Processor<String, CancelCommand, String, Decision.Outcome> {

    /** The grace is a person's wait, so it runs on the wall clock, not on stream time that may stall. */
    private static final Duration MAX_EXPIRY_INTERVAL = Duration.ofSeconds(1);

    private final CommandEvaluator.Factory evaluators;
    private CommandEvaluator evaluator;

    CancelCommandProcessor(CommandEvaluator.Factory evaluators) {
        this.evaluators = evaluators;
    }

    @Override
    public void init(ProcessorContext<String, Decision.Outcome> context) {
        evaluator = evaluators.create(context);
        Duration grace = evaluators.grace();
        if (!grace.isZero()) {
            Duration interval = grace.compareTo(MAX_EXPIRY_INTERVAL) < 0 ? grace : MAX_EXPIRY_INTERVAL;
            // A task opened after a crash, a restart or a move holds commands whose deadlines passed
            // while nobody read the run states queued behind them in its input: nothing expires until
            // the task has been reading for one whole grace, so that those run states are read first.
            long readingSince = context.currentSystemTimeMs();
            context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, now -> {
                if (now - readingSince >= grace.toMillis()) {
                    evaluator.expireWaiting(now);
                }
            });
        }
    }

    @Override
    public void process(Record<String, CancelCommand> record) {
        if (record.value() == null) {
            // Thrown so that Kafka Streams' processing-exception handler puts it on the dead-letter queue.
            throw new BadInputException("A cancel command record has no value; there is nothing to decide");
        }
        evaluator.onCommand(record);
    }

    @Override
    public void close() {
        evaluator.close();
    }
}
