package io.controlplane.cancel.decision;

import io.controlplane.cancel.avro.RunState;
import java.util.Optional;

/**
 * What makes a run-state record one the processor can keep: keyed by the execution it describes,
 * with ids that are names. Anything else is not evidence about any run, so it is set aside whole
 * (dead-lettered), never half-applied; and nothing unbounded reaches the stores and their changelogs.
 */
public final class RunStateValidation {

    private RunStateValidation() {}

    /** The problem with the record as the end of a sentence, or empty if it may be applied. */
    public static Optional<String> problem(String recordKey, RunState update) {
        if (recordKey == null) {
            return Optional.of("it has no key; run states must be keyed by executionId");
        }
        String problem = Ids.problem("record key", recordKey);
        if (problem == null && update != null) {
            problem = Ids.problem("executionId", update.getExecutionId());
            if (problem == null) {
                problem = Ids.problem("tenantId", update.getTenantId());
            }
            if (problem == null && update.getParentExecutionId() != null) {
                // A parent link is an id like the others: it keys the link sent to the parent's task.
                problem = Ids.problem("parentExecutionId", update.getParentExecutionId());
            }
            if (problem == null && !recordKey.equals(update.getExecutionId())) {
                problem = "it is keyed " + Ids.quote(recordKey) + " but describes execution "
                        + Ids.quote(update.getExecutionId());
            }
        }
        return Optional.ofNullable(problem);
    }
}
