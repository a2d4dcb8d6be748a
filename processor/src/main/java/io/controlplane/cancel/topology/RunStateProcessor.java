package io.controlplane.cancel.topology;

import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.decision.Decision;
import io.controlplane.cancel.decision.RunStateRules;
import io.controlplane.cancel.decision.RunStateValidation;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the run states the decisions are made against, and wakes the commands that were waiting
 * for a run to appear.
 */
final class RunStateProcessor implements Processor<String, RunState, String, Decision.Outcome> {

    private final CommandEvaluator.Factory evaluators;
    private KeyValueStore<String, RunState> runStates;
    private CommandEvaluator evaluator;

    RunStateProcessor(CommandEvaluator.Factory evaluators) {
        this.evaluators = evaluators;
    }

    @Override
    public void init(ProcessorContext<String, Decision.Outcome> context) {
        runStates = context.getStateStore(CancelStores.RUN_STATES);
        evaluator = evaluators.create(context);
    }

    @Override
    public void process(Record<String, RunState> record) {
        String executionId = record.key();
        RunState update = record.value();
        RunStateValidation.problem(executionId, update).ifPresent(problem -> {
            // Thrown so that Kafka Streams' processing-exception handler puts it on the dead-letter queue.
            throw new InvalidRunStateException(problem);
        });
        if (update == null) {
            runStates.delete(executionId);
            return;
        }
        if (!RunStateRules.replaces(runStates.get(executionId), update)) {
            evaluator.recordIgnoredRunState();
            return;
        }
        runStates.put(executionId, update);
        evaluator.onRunState(executionId);
    }

    @Override
    public void close() {
        evaluator.close();
    }
}
