package io.controlplane.cancel.decision;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import java.util.Optional;

/**
 * The rules of {@code controlPlane.execution.cancel}, in the order they apply, as one pure function:
 * no Kafka, no clock, no I/O. The topology loads what it needs and writes what comes out.
 */
public final class CancelDecider {

    private final CancelPolicy policy;

    public CancelDecider(CancelPolicy policy) {
        this.policy = policy;
    }

    public Decision decide(DecisionInput in) {
        CancelCommand command = in.command();
        if (in.alreadyDecided()) {
            return new Decision.Duplicate();
        }
        Optional<String> problem = CommandValidation.problem(in.recordKey(), command);
        if (problem.isPresent()) {
            String cut = CommandValidation.hasOverlongReason(command)
                    ? " (this rejection's copy of the command keeps only the first "
                            + CancelPolicy.MAX_REASON_LENGTH + " characters of its reason)"
                    : "";
            return reject(in, RejectionCode.INVALID_COMMAND,
                    "Expected a cancel command with a commandId, an executionId and a cancelledBy, but "
                            + problem.get() + cut + ".", null);
        }
        if (!holdsRequiredRole(in.grant())) {
            // Says nothing of the execution: whether it exists is not the caller's to learn.
            return reject(in, RejectionCode.UNAUTHORIZED,
                    "Expected actor '" + command.getCancelledBy() + "' to hold the '" + policy.requiredRole()
                            + "' role to cancel executions, but it does not.", null);
        }
        RunState run = in.run();
        if (run == null || !coversTenant(in.grant(), run.getTenantId())) {
            // A run in a tenant the actor may not see is invisible, not forbidden: same outcome as absent.
            if (in.mayWait()) {
                return new Decision.Wait();
            }
            return reject(in, RejectionCode.EXECUTION_NOT_FOUND,
                    "Expected to cancel execution '" + command.getExecutionId() + "', but no such execution exists.",
                    null);
        }
        RunStatus status = run.getStatus();
        if (RunStatuses.isTerminal(status)) {
            return reject(in, RejectionCode.ALREADY_TERMINAL,
                    "Expected to cancel execution '" + command.getExecutionId() + "', but it is already "
                            + status + ".", status);
        }
        if (!RunStatuses.isCancellable(status)) {
            return reject(in, RejectionCode.ALREADY_TERMINAL,
                    "Expected to cancel execution '" + command.getExecutionId() + "', but its status is one "
                            + "this processor does not know (" + status + "), so it is not treated as cancellable.",
                    status);
        }
        return new Decision.Cancel(RunStateChange.newBuilder()
                .setExecutionId(run.getExecutionId())
                .setTenantId(run.getTenantId())
                .setStatus(RunStatus.CANCELLED)
                .setPreviousStatus(status)
                .setCancelledAt(in.now())
                .setCancelledBy(command.getCancelledBy())
                .setReason(command.getReason())
                .setCommandId(command.getCommandId())
                .setVersion(run.getVersion() + 1)
                .setTraceId(command.getTraceId())
                .build());
    }

    private boolean holdsRequiredRole(OperatorGrant grant) {
        return grant != null && grant.getRoles().contains(policy.requiredRole());
    }

    private static boolean coversTenant(OperatorGrant grant, String tenantId) {
        return grant.getTenants().contains(CancelPolicy.ANY_TENANT) || grant.getTenants().contains(tenantId);
    }

    /**
     * The command as a rejection carries it: an over-long reason cut to the length allowed, so that
     * the rejection of a command as large as its topic takes still fits on the rejections topic.
     */
    private static CancelCommand withReasonCut(CancelCommand command) {
        if (!CommandValidation.hasOverlongReason(command)) {
            return command;
        }
        String reason = command.getReason();
        int end = CancelPolicy.MAX_REASON_LENGTH;
        if (Character.isHighSurrogate(reason.charAt(end - 1))) {
            end--; // not half a character
        }
        return CancelCommand.newBuilder(command).setReason(reason.substring(0, end)).build();
    }

    private static Decision reject(DecisionInput in, RejectionCode code, String message, RunStatus observed) {
        CancelCommand command = in.command();
        return new Decision.Reject(CancelRejection.newBuilder()
                .setCommandId(command.getCommandId())
                .setExecutionId(command.getExecutionId())
                .setCancelledBy(command.getCancelledBy())
                .setCode(code)
                .setMessage(message)
                .setObservedStatus(observed)
                .setRejectedAt(in.now())
                .setCommand(withReasonCut(command))
                .setTraceId(command.getTraceId())
                .build());
    }
}
