package io.controlplane.cancel.decision;

import io.controlplane.cancel.avro.BulkAction;
import io.controlplane.cancel.avro.BulkCancelCommand;
import io.controlplane.cancel.avro.BulkState;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunStatus;
import java.util.Optional;

/**
 * The rules of a bulk cancel as a whole (issue 18, rule 1 and rule 6), as one pure function: who may
 * start, pause, resume or abort a bulk, and what makes one well-formed. Which runs a started bulk
 * cancels is {@link BulkFilter}'s.
 */
public final class BulkDecider {

    /** The most executionIds one bulk may list. */
    public static final int MAX_EXECUTION_IDS = 10_000;

    private final CancelPolicy policy;

    public BulkDecider(CancelPolicy policy) {
        this.policy = policy;
    }

    /**
     * @param recordKey the key the command came with (its bulkId)
     * @param known the START of the bulk this command names, as accepted before, or null
     * @param knownState where that bulk stands, or null
     * @param grant the actor's grant, or null
     * @param proof what the command's signed identity proved
     */
    public BulkDecision decide(
            String recordKey,
            BulkCancelCommand command,
            BulkCancelCommand known,
            BulkState knownState,
            OperatorGrant grant,
            ActorProof proof) {
        Optional<IdentityFailure> unproven = unprovenActor(proof, command);
        if (unproven.isPresent()) {
            return new BulkDecision.Reject(RejectionCode.UNAUTHORIZED, BulkMessages.unproven(unproven.get()));
        }
        String problem = problem(recordKey, command);
        if (problem != null) {
            return new BulkDecision.Reject(RejectionCode.INVALID_COMMAND, BulkMessages.invalid(problem));
        }
        BulkAction action = command.getAction();
        if (action == BulkAction.START && known != null) {
            return new BulkDecision.Repeat();
        }
        if (grant == null || !grant.getRoles().contains(policy.requiredRole())) {
            return new BulkDecision.Reject(
                    RejectionCode.UNAUTHORIZED,
                    BulkMessages.unauthorized(command.getCancelledBy(), policy.requiredRole()));
        }
        if (action == BulkAction.START) {
            if (!coversTenant(grant, command.getTenantId())) {
                return new BulkDecision.Reject(
                        RejectionCode.UNAUTHORIZED,
                        BulkMessages.tenantNotCovered(command.getCancelledBy(), command.getTenantId()));
            }
            return new BulkDecision.Start(command);
        }
        // A control action about a bulk this actor may not see is answered as about one that does not exist.
        if (known == null || !coversTenant(grant, known.getTenantId())) {
            return new BulkDecision.Reject(RejectionCode.EXECUTION_NOT_FOUND, BulkMessages.unknownBulk(command));
        }
        BulkState next = switch (action) {
            case PAUSE -> BulkState.PAUSED;
            case RESUME -> BulkState.RUNNING;
            case ABORT -> BulkState.ABORTED;
            default -> throw new IllegalStateException("not a control action: " + action);
        };
        if (knownState == BulkState.ABORTED && next != BulkState.ABORTED) {
            return new BulkDecision.Reject(
                    RejectionCode.ALREADY_TERMINAL, BulkMessages.aborted(command.getBulkId(), action));
        }
        if (next == knownState) {
            return new BulkDecision.Repeat();
        }
        return new BulkDecision.Control(command, next);
    }

    /** In signed mode the token's sub is cancelledBy and its jti, if it has one, the bulkId. */
    private static Optional<IdentityFailure> unprovenActor(ActorProof proof, BulkCancelCommand command) {
        if (proof instanceof ActorProof.Failed failed) {
            return Optional.of(failed.failure());
        }
        if (proof instanceof ActorProof.Verified token) {
            if (token.subject() == null || !token.subject().equals(command.getCancelledBy())) {
                return Optional.of(IdentityFailure.ACTOR_MISMATCH);
            }
            if (token.tokenId() != null && !token.tokenId().equals(command.getBulkId())) {
                return Optional.of(IdentityFailure.TOKEN_ID_MISMATCH);
            }
        }
        return Optional.empty();
    }

    /**
     * The first thing that makes the command ill-formed, as the end of a sentence, or null; also what
     * the operator CLI checks before it sends one.
     */
    public static String problem(String recordKey, BulkCancelCommand command) {
        String problem = Ids.problem("bulkId", command.getBulkId());
        if (problem == null) {
            problem = Ids.problem("cancelledBy", command.getCancelledBy());
        }
        if (problem == null && !command.getBulkId().equals(recordKey)) {
            problem = "its record key " + Ids.quote(recordKey) + " is not its bulkId " + Ids.quote(command.getBulkId());
        }
        if (problem == null && command.getAction() == BulkAction.UNKNOWN) {
            problem = "its action is one this processor does not know (it knows START, PAUSE, RESUME and ABORT)";
        }
        if (problem == null && BoundedText.isOverlong(command.getReason(), CancelPolicy.MAX_REASON_LENGTH)) {
            problem = BoundedText.overlong("reason", command.getReason(), CancelPolicy.MAX_REASON_LENGTH);
        }
        if (problem == null && BoundedText.isOverlong(command.getTraceId(), CancelPolicy.MAX_ID_LENGTH)) {
            problem = BoundedText.overlong("traceId", command.getTraceId(), CancelPolicy.MAX_ID_LENGTH);
        }
        if (problem == null && command.getAction() == BulkAction.START) {
            problem = startProblem(command);
        }
        return problem;
    }

    private static String startProblem(BulkCancelCommand command) {
        String problem = Ids.problem("tenantId", command.getTenantId());
        if (problem != null) {
            return problem;
        }
        if (command.getExecutionIds().size() > MAX_EXECUTION_IDS) {
            return "it lists " + command.getExecutionIds().size() + " executionIds, more than the " + MAX_EXECUTION_IDS
                    + " allowed";
        }
        int at = 0;
        for (String executionId : command.getExecutionIds()) {
            problem = Ids.problem("executionIds[" + at++ + "]", executionId);
            if (problem != null) {
                return problem;
            }
        }
        for (RunStatus status : command.getStatuses()) {
            if (RunStatuses.isTerminal(status)) {
                return "its statuses name " + status + ", a terminal status: such runs cannot be cancelled";
            }
        }
        return null;
    }

    private static boolean coversTenant(OperatorGrant grant, String tenantId) {
        return grant.getTenants().contains(CancelPolicy.ANY_TENANT)
                || grant.getTenants().contains(tenantId);
    }
}
