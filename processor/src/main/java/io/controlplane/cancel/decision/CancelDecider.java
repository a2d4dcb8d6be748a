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
        Optional<IdentityFailure> unproven = unprovenActor(in);
        if (unproven.isPresent()) {
            return new Decision.Reject(
                    rejection(in, RejectionCode.UNAUTHORIZED, RejectionMessages.unproven(unproven.get()), null), true);
        }
        if (isRepeat(in)) {
            return new Decision.Duplicate();
        }
        Optional<CommandValidation.Problem> problem = CommandValidation.problem(in.recordKey(), command);
        if (problem.isPresent()) {
            return reject(in, RejectionCode.INVALID_COMMAND, RejectionMessages.invalid(problem.get()), null);
        }
        Optional<String> timing = CommandTiming.problem(command, policy.timing(), in.now(), in.moment());
        if (timing.isPresent()) {
            return reject(in, RejectionCode.INVALID_COMMAND, RejectionMessages.invalidTiming(timing.get()), null);
        }
        if (!holdsRequiredRole(in.grant())) {
            // Says nothing of the execution: whether it exists is not the caller's to learn.
            return reject(
                    in,
                    RejectionCode.UNAUTHORIZED,
                    RejectionMessages.unauthorized(command.getCancelledBy(), policy.requiredRole()),
                    null);
        }
        if (in.moment() == Moment.ARRIVED && CommandTiming.isForLater(command, in.now())) {
            // Everything that does not depend on the run was checked; the rest is judged at notBefore.
            return new Decision.Hold(command.getNotBefore());
        }
        RunState run = visibleRun(in);
        if (run == null || !coversTenant(in.grant(), run.getTenantId())) {
            // A run in a tenant the actor may not see is invisible, not forbidden: same outcome as absent.
            if (policy.mayWait(in.moment())) {
                return new Decision.Wait();
            }
            return reject(
                    in, RejectionCode.EXECUTION_NOT_FOUND, RejectionMessages.notFound(command.getExecutionId()), null);
        }
        RunStatus status = run.getStatus();
        if (RunStatuses.isTerminal(status)) {
            return reject(
                    in,
                    RejectionCode.ALREADY_TERMINAL,
                    RejectionMessages.alreadyTerminal(command.getExecutionId(), status),
                    status);
        }
        if (!RunStatuses.isCancellable(status)) {
            return reject(
                    in,
                    RejectionCode.ALREADY_TERMINAL,
                    RejectionMessages.unknownStatus(command.getExecutionId(), status),
                    status);
        }
        return GracefulRule.stop(
                run, in.ownCancelling() != null, command, CommandTiming.grace(command, policy.timing()), in.now());
    }

    /**
     * Checked first, on arrival: until the actor is proven, nothing else about the command counts
     * (not even whether it repeats one: the actor it claims may not have sent it). The token proves
     * who; the grant still decides what that actor may do. A command judged again later was proven
     * when it arrived.
     */
    private static Optional<IdentityFailure> unprovenActor(DecisionInput in) {
        if (in.moment() != Moment.ARRIVED) {
            return Optional.empty();
        }
        if (in.proof() instanceof ActorProof.Failed failed) {
            return Optional.of(failed.failure());
        }
        if (in.proof() instanceof ActorProof.Verified verified) {
            return bindingFailure(verified, in.command());
        }
        return Optional.empty();
    }

    /** The token binds its subject to cancelledBy always, and to an execution and a command when it says so. */
    private static Optional<IdentityFailure> bindingFailure(ActorProof.Verified token, CancelCommand command) {
        if (token.subject() == null || !token.subject().equals(command.getCancelledBy())) {
            return Optional.of(IdentityFailure.ACTOR_MISMATCH);
        }
        if (token.executionId() != null && !token.executionId().equals(command.getExecutionId())) {
            return Optional.of(IdentityFailure.EXECUTION_MISMATCH);
        }
        if (token.tokenId() != null && !token.tokenId().equals(command.getCommandId())) {
            return Optional.of(IdentityFailure.TOKEN_ID_MISMATCH);
        }
        return Optional.empty();
    }

    /**
     * A command id seen before is a repeat, decided or still waiting; only a command that has just
     * arrived can be one, and only one with an id can be recognised (each without is judged anew).
     */
    private static boolean isRepeat(DecisionInput in) {
        CancelCommand command = in.command();
        if (in.moment() != Moment.ARRIVED || !CommandValidation.isRecognisable(command)) {
            return false;
        }
        return in.seen().decided(command.getCommandId())
                || (command.getExecutionId() != null
                        && in.seen().waiting(command.getExecutionId(), command.getCommandId()));
    }

    /**
     * The run as this processor sees it: its own cancellation wins over whatever upstream says, even
     * after upstream deleted and recreated the run, so that there is at most one CANCELLED per run;
     * and while its own graceful cancel goes on, the run is CANCELLING.
     */
    private static RunState visibleRun(DecisionInput in) {
        RunStateChange cancellation = in.ownCancellation();
        if (cancellation != null) {
            return new RunState(
                    cancellation.getExecutionId(),
                    cancellation.getTenantId(),
                    cancellation.getStatus(),
                    cancellation.getVersion(),
                    cancellation.getCancelledAt(),
                    null,
                    null);
        }
        if (in.ownCancelling() != null) {
            return GracefulRule.stopping(in.ownCancelling(), in.upstreamRun());
        }
        return in.upstreamRun();
    }

    private boolean holdsRequiredRole(OperatorGrant grant) {
        return grant != null && grant.getRoles().contains(policy.requiredRole());
    }

    private static boolean coversTenant(OperatorGrant grant, String tenantId) {
        return grant.getTenants().contains(CancelPolicy.ANY_TENANT)
                || grant.getTenants().contains(tenantId);
    }

    private static Decision reject(DecisionInput in, RejectionCode code, String message, RunStatus observed) {
        return new Decision.Reject(rejection(in, code, message, observed));
    }

    private static CancelRejection rejection(DecisionInput in, RejectionCode code, String message, RunStatus observed) {
        CancelCommand command = in.command();
        return CancelRejection.newBuilder()
                .setCommandId(BoundedText.COMMAND_ID.cutOf(command))
                .setExecutionId(BoundedText.EXECUTION_ID.cutOf(command))
                .setCancelledBy(BoundedText.CANCELLED_BY.cutOf(command))
                .setCode(code)
                .setMessage(message)
                .setObservedStatus(observed)
                .setRejectedAt(in.now())
                .setCommand(BoundedText.cut(command))
                .setTraceId(BoundedText.TRACE_ID.cutOf(command))
                .build();
    }
}
