package io.controlplane.cancel.cli;

import io.controlplane.cancel.client.CancelClient;
import io.controlplane.cancel.client.CancelClientException;
import io.controlplane.cancel.client.CancelOutcome;
import io.controlplane.cancel.topology.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * The client library's CancelClient as {@code cancel} uses it: made with the processor's settings
 * and the operator's token, and waited on with the one-line errors of every operator command.
 */
final class CancelClientCalls {

    private CancelClientCalls() {}

    /**
     * A client whose call waits at least {@code outcomeWait} for its outcome, sending {@code token}
     * (may be null) with the command. Kafka out of reach, or an outcome topic missing, is said first,
     * within the CLI's Kafka timeout as every operator command says it: the client's one timeout is
     * also how long it waits for Kafka, so it would say it only after {@code outcomeWait}.
     */
    static CancelClient create(OperatorClients clients, String token, Duration outcomeWait) {
        Topics topics = clients.topics();
        try (Consumer<byte[], byte[]> consumer = clients.consumer()) {
            clients.partitionsOf(consumer, List.of(topics.runStateChanges.name(), topics.rejections.name()));
        }
        // never below the Kafka timeout: the client's producer waits that long for Kafka's metadata
        Duration callTimeout = outcomeWait.compareTo(clients.timeout()) > 0 ? outcomeWait : clients.timeout();
        String jwt = BearerToken.jwt(token);
        try {
            return CancelClient.create(clients.clientConfig(callTimeout), (executionId, commandId) -> jwt);
        } catch (CancelClientException e) {
            throw unreachableOr(e);
        }
    }

    /**
     * The processor's outcome of {@code call}, or empty when none came by {@code deadline} (the
     * client's TimedOut included). A call that failed is thrown as one line.
     */
    static Optional<CancelOutcome> outcome(CompletionStage<CancelOutcome> call, Instant deadline) {
        long leftMs = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
        try {
            CancelOutcome outcome = call.toCompletableFuture().get(leftMs, TimeUnit.MILLISECONDS);
            return outcome instanceof CancelOutcome.TimedOut ? Optional.empty() : Optional.of(outcome);
        } catch (java.util.concurrent.TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw unreachableOr(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperatorException("Interrupted while waiting for the outcome");
        }
    }

    /** Kafka out of reach is said as for every operator command, naming the Kafka tried; else the client's sentence. */
    private static RuntimeException unreachableOr(Throwable failure) {
        if (failure.getCause() instanceof TimeoutException unreachable) {
            return unreachable;
        }
        return new OperatorException(failure.getMessage());
    }
}
