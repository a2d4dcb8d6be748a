package io.controlplane.cancel.cli;

import io.controlplane.cancel.client.CancelClientException;
import io.controlplane.cancel.client.RunStateChanges;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "watch",
        mixinStandardHelpOptions = true,
        exitCodeOnInvalidInput = 1,
        description = {
            "Follow what the processor decides: one line per run-state change (CANCELLING, CANCELLED), rejection and dead "
                    + "letter, read_committed (outcomes of aborted transactions never show), until interrupted "
                    + "(Ctrl-C).",
            "Dead letters show their topic, key and the error headers Kafka Streams put on them, never their "
                    + "value or the authorization header. Exit 0 when interrupted, 1 error."
        })
final class WatchCommand extends KafkaOperatorCommand {

    private static final Duration POLL = Duration.ofMillis(500);
    /** Each of the two readers is given this long to close, within the 5 s the shutdown hook waits. */
    private static final Duration CLOSE = Duration.ofSeconds(1);

    @Option(names = "--from-beginning", description = "Start from the oldest records kept, not from now.")
    boolean fromBeginning;

    /**
     * The outcomes come from the client library's tail, on its thread; the dead letters, which are
     * not outcomes but the input records as they came, are read here, on this one, until interrupted.
     */
    @Override
    int run(OperatorClients clients, PrintWriter out, PrintWriter err) {
        CountDownLatch closed = new CountDownLatch(1);
        Consumer<byte[], byte[]> deadLetters = clients.consumer();
        // Ctrl-C: wake the poll up and let the loop close both readers before the JVM goes
        Thread stopper = new Thread(
                () -> {
                    deadLetters.wakeup();
                    awaitQuietly(closed);
                },
                "cancel-watch-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        RunStateChanges outcomes = null;
        try {
            // the dead letters' topic first: Kafka that cannot be reached says so within the start-up timeout
            List<TopicPartition> partitions = clients.partitionsOf(deadLetters, List.of(clients.topics().dlq));
            deadLetters.assign(partitions);
            if (fromBeginning) {
                deadLetters.seekToBeginning(partitions);
            } else {
                deadLetters.seekToEnd(partitions);
            }
            outcomes = tail(clients, out);
            CompletableFuture<Void> outcomesStopped = outcomes.stopped().toCompletableFuture();
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], byte[]> record : deadLetters.poll(POLL)) {
                    out.println(RecordLines.deadLetterLineOf(record));
                }
                out.flush();
                failIfStopped(outcomesStopped, clients);
            }
            return 0;
        } catch (WakeupException | InterruptException e) {
            return 0;
        } finally {
            // an interrupted thread can neither join the tail's nor close a consumer: close first, then keep the
            // interrupt
            boolean interrupted = Thread.interrupted();
            if (outcomes != null) {
                outcomes.close(CLOSE);
            }
            deadLetters.close(CLOSE);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            closed.countDown();
            removeQuietly(stopper);
        }
    }

    private RunStateChanges tail(OperatorClients clients, PrintWriter out) {
        try {
            return RunStateChanges.tail(
                    clients.clientConfig(),
                    fromBeginning ? RunStateChanges.From.BEGINNING : RunStateChanges.From.NOW,
                    event -> printLine(out, RecordLines.lineOf(event)),
                    skipped -> printLine(out, RecordLines.lineOf(skipped)));
        } catch (CancelClientException e) {
            throw new OperatorException("Kafka at " + clients.bootstrapServers() + ": " + Text.oneLine(e));
        }
    }

    /** From the tail's thread: a line is printed whole (PrintWriter locks), and shown at once. */
    private static void printLine(PrintWriter out, String line) {
        out.println(line);
        out.flush();
    }

    /** The tail stopped by itself (Kafka refused it, say): the watch shows no outcome any more, so it ends. */
    private static void failIfStopped(CompletableFuture<Void> outcomesStopped, OperatorClients clients) {
        if (outcomesStopped.isDone()) {
            try {
                outcomesStopped.join();
            } catch (CompletionException e) {
                throw new OperatorException("Stopped reading the outcomes from Kafka at " + clients.bootstrapServers()
                        + ": " + Text.oneLine(e.getCause()));
            }
        }
    }

    private static void awaitQuietly(CountDownLatch closed) {
        try {
            closed.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeQuietly(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is running, which is how we got here
        }
    }
}
