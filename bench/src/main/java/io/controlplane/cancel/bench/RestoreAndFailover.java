package io.controlplane.cancel.bench;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.utils.Utils;

/**
 * How long until every partition is decided again: for a fresh instance with an empty state dir
 * (restoring its stores from the changelogs), and for a standby taking over from an instance killed
 * with SIGKILL. "Decided" means a probe command sent to each partition has its outcome readable.
 */
final class RestoreAndFailover {

    private static final long GIVE_UP_NANOS = 600_000_000_000L;

    private final String bootstrapServers;
    private final Topics topics;
    private final int partitions;
    /** Probe ids are unique in the whole run: a repeated commandId would be dropped as a duplicate. */
    private static int probeRound;

    RestoreAndFailover(String bootstrapServers, Topics topics, int partitions) {
        this.bootstrapServers = bootstrapServers;
        this.topics = topics;
        this.partitions = partitions;
    }

    /** Seconds from the launch of a fresh instance to its first decision on every partition. */
    double restore(Map<String, Object> settings, Path workDir, String name, ProcessorJvm[] started) throws Exception {
        long start = System.nanoTime();
        started[0] = ProcessorJvm.launch(name, settings, workDir);
        return secondsUntilDecided(start, started[0]);
    }

    /** Seconds from the SIGKILL of {@code victim} to a decision on every partition by {@code survivor}. */
    double failover(ProcessorJvm victim, ProcessorJvm survivor) throws Exception {
        long start = System.nanoTime();
        victim.kill();
        return secondsUntilDecided(start, survivor);
    }

    /** Probes every partition once; returns when all are decided. */
    double secondsUntilDecided(long start, ProcessorJvm watched) throws Exception {
        probeRound++;
        Set<String> waiting = ConcurrentHashMap.newKeySet();
        long[] lastDecided = {0};
        try (OutcomeWatcher watcher = new OutcomeWatcher(bootstrapServers, topics, (commandId, readable) -> {
                    if (waiting.remove(commandId)) {
                        lastDecided[0] = readable;
                    }
                });
                KafkaProducer<String, byte[]> producer = Workload.producer(bootstrapServers)) {
            for (int partition = 0; partition < partitions; partition++) {
                String executionId = terminalRunOn(partition);
                String commandId = "probe-" + probeRound + "-" + partition;
                waiting.add(commandId);
                Workload.send(
                        producer,
                        topics.commands,
                        executionId,
                        new CancelCommand(
                                commandId,
                                executionId,
                                "alice",
                                "probe",
                                Instant.now(),
                                commandId,
                                CancelMode.FORCE,
                                null,
                                null));
            }
            producer.flush();
            while (!waiting.isEmpty()) {
                if (!watched.isAlive() || System.nanoTime() - start > GIVE_UP_NANOS) {
                    throw new IllegalStateException(
                            "partitions never decided again: " + waiting + " (see " + watched.log() + ")");
                }
                Thread.sleep(10);
            }
        }
        return (lastDecided[0] - start) / 1e9;
    }

    /** A COMPLETED run (rejected as ALREADY_TERMINAL at once) whose key the default partitioner puts on {@code partition}. */
    private String terminalRunOn(int partition) {
        for (long i = 9; ; i += 10) {
            String id = Workload.executionId(i);
            if (Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % partitions == partition) {
                return id;
            }
        }
    }
}
