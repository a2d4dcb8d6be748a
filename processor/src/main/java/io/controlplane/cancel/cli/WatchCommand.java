package io.controlplane.cancel.cli;

import io.controlplane.cancel.topology.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
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

    @Option(names = "--from-beginning", description = "Start from the oldest records kept, not from now.")
    boolean fromBeginning;

    @Override
    int run(OperatorClients clients, PrintWriter out, PrintWriter err) {
        Topics topics = clients.topics();
        RecordLines lines = new RecordLines(topics);
        CountDownLatch closed = new CountDownLatch(1);
        Consumer<byte[], byte[]> consumer = clients.consumer();
        // Ctrl-C: wake the poll up and let the loop close the consumer before the JVM goes
        Thread stopper = new Thread(
                () -> {
                    consumer.wakeup();
                    awaitQuietly(closed);
                },
                "cancel-watch-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        try {
            List<TopicPartition> partitions = clients.partitionsOf(
                    consumer, List.of(topics.runStateChanges.name(), topics.rejections.name(), topics.dlq));
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    out.println(lines.lineOf(record));
                }
                out.flush();
            }
            return 0;
        } catch (WakeupException | InterruptException e) {
            return 0;
        } finally {
            // an interrupted thread cannot close a consumer: close first, then keep the interrupt
            boolean interrupted = Thread.interrupted();
            consumer.close(Duration.ofSeconds(1));
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            closed.countDown();
            removeQuietly(stopper);
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
