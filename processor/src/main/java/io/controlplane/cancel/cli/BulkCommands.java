package io.controlplane.cancel.cli;

import io.controlplane.cancel.avro.BulkAction;
import io.controlplane.cancel.avro.BulkCancelCommand;
import io.controlplane.cancel.client.BulkCancelRequest;
import io.controlplane.cancel.client.BulkCancels;
import io.controlplane.cancel.decision.BulkDecider;
import io.controlplane.cancel.decision.Ids;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * What {@code bulk-cancel} and {@code bulk-control} share: the checks of a bulk command before it is
 * sent, and the client library's bulk cancels that send and follow it.
 */
final class BulkCommands {

    /** The exit code of a bulk refused, by the processor or, before sending, as the processor would. */
    static final int REJECTED = 2;

    private BulkCommands() {}

    /**
     * Why the processor would refuse the command as it stands, as the end of a sentence; empty if it
     * would not for its form (whether the actor may is the processor's to say). A token bound to one
     * bulk (its jti) must name this one.
     */
    static Optional<String> refusal(BulkCancelCommand command, String token) {
        String problem = BulkDecider.problem(command.getBulkId(), command);
        if (problem != null) {
            return Optional.of("INVALID_COMMAND, as " + problem);
        }
        Optional<String> jti = BearerToken.tokenId(token);
        if (jti.isPresent() && !jti.get().equals(command.getBulkId())) {
            return Optional.of("UNAUTHORIZED, as the token's jti " + Ids.quote(jti.get()) + " is not the bulkId "
                    + Ids.quote(command.getBulkId()) + " (a token bound to one bulk names it)");
        }
        return Optional.empty();
    }

    /** The START the request sends, as far as the processor's checks of its form go. */
    static BulkCancelCommand startOf(BulkCancelRequest request) {
        return BulkCancelCommand.newBuilder()
                .setBulkId(request.bulkId())
                .setCancelledBy(request.cancelledBy())
                .setReason(request.reason())
                .setTenantId(request.tenantId())
                .setStatuses(List.copyOf(request.statuses()))
                .setExecutionIds(request.executionIds())
                .setUpdatedBefore(request.updatedBefore())
                .setDryRun(request.dryRun())
                .setAction(BulkAction.START)
                .setRequestedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setTraceId(request.traceId())
                .build();
    }

    /**
     * The client library's bulk cancels with the processor's settings, sending {@code token} (may be
     * null) with each command. Kafka may take as long as for every operator command ({@code
     * cancel.startup.timeout.ms}); a bulk is followed for {@code followFor}.
     */
    static BulkCancels bulkCancels(OperatorClients clients, String token, Duration followFor) {
        String jwt = BearerToken.jwt(token);
        return BulkCancels.create(clients.clientConfig(clients.timeout()), (executionId, bulkId) -> jwt, followFor);
    }

    /**
     * What the call came to. Kafka out of reach is said as for every operator command, naming the
     * Kafka it tried; any other failure is the client's one sentence.
     */
    static <T> T await(CompletionStage<T> call) {
        try {
            return call.toCompletableFuture().get();
        } catch (ExecutionException e) {
            if (e.getCause().getCause() instanceof TimeoutException unreachable) {
                throw unreachable;
            }
            throw new OperatorException(e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperatorException("Interrupted while waiting for the bulk");
        }
    }
}
