package io.controlplane.cancel.bench;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.topology.Topics;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * N run states (one in ten already COMPLETED), two grants, and M cancel commands in blocks of 20:
 * 14 accepted (70 %), then one each of INVALID_COMMAND, UNAUTHORIZED, EXECUTION_NOT_FOUND and
 * ALREADY_TERMINAL (20 %), then two duplicates of the block's first accepted commands (10 %,
 * which produce no output). Everything is a function of the index, so nothing is held in memory.
 */
final class Workload {

    static final int BLOCK = 20;
    static final int ACCEPTED_PER_BLOCK = 14;
    static final String ADMIN = "alice";
    private static final String VIEWER = "bob";
    private static final String TENANT = "acme";

    /** What a command is expected to come out as; DUPLICATE comes out as nothing. */
    enum Kind {
        ACCEPTED,
        INVALID_COMMAND,
        UNAUTHORIZED,
        EXECUTION_NOT_FOUND,
        ALREADY_TERMINAL,
        DUPLICATE
    }

    final int runs;
    final int commands;
    private final Topics topics;
    private final Instant now = Instant.now();

    Workload(int runs, int commands, Topics topics) {
        this.runs = runs;
        this.commands = commands;
        this.topics = topics;
    }

    static Kind kind(long j) {
        int slot = (int) (j % BLOCK);
        if (slot < ACCEPTED_PER_BLOCK) {
            return Kind.ACCEPTED;
        }
        return switch (slot) {
            case 14 -> Kind.INVALID_COMMAND;
            case 15 -> Kind.UNAUTHORIZED;
            case 16 -> Kind.EXECUTION_NOT_FOUND;
            case 17 -> Kind.ALREADY_TERMINAL;
            default -> Kind.DUPLICATE;
        };
    }

    static String executionId(long i) {
        return "run-" + i;
    }

    private static boolean terminal(long i) {
        return i % 10 == 9;
    }

    /** The i-th run that is not terminal, so that each accepted command cancels a run of its own. */
    private long runningRun(long k) {
        return ((k / 9) * 10 + k % 9) % runs;
    }

    /** Command j of the stream called {@code prefix} ("cmd" for the preloaded one). */
    CancelCommand command(String prefix, long j) {
        long block = j / BLOCK;
        int slot = (int) (j % BLOCK);
        String id = prefix + "-" + j;
        return switch (kind(j)) {
            case ACCEPTED -> cancel(id, executionId(runningRun(block * ACCEPTED_PER_BLOCK + slot)), ADMIN);
            case INVALID_COMMAND -> cancel(id, executionId(runningRun(block)), null);
            case UNAUTHORIZED -> cancel(id, executionId(runningRun(block)), VIEWER);
            case EXECUTION_NOT_FOUND -> cancel(id, "missing-" + j, ADMIN);
            case ALREADY_TERMINAL -> cancel(id, executionId((block * 10 + 9) % runs), ADMIN);
            case DUPLICATE -> command(prefix, block * BLOCK + slot - 18);
        };
    }

    /** A FORCE cancel, now, for "benchmark"; a null actor makes it INVALID_COMMAND. */
    CancelCommand cancel(String commandId, String executionId, String actor) {
        return new CancelCommand(
                commandId, executionId, actor, "benchmark", now, "trace-" + commandId, CancelMode.FORCE, null, null);
    }

    /** The admin who sends the accepted commands, and a viewer whose commands are UNAUTHORIZED. */
    static List<OperatorGrant> grants() {
        return List.of(
                new OperatorGrant(ADMIN, List.of("admin"), List.of(TENANT)),
                new OperatorGrant(VIEWER, List.of("viewer"), List.of(TENANT)));
    }

    RunState runState(long i) {
        RunStatus status = terminal(i) ? RunStatus.COMPLETED : RunStatus.RUNNING;
        return new RunState(executionId(i), TENANT, status, 1L, now, null, null);
    }

    /** The grants and the run states, as fast as one producer writes them. */
    void preloadRunStates(String bootstrapServers) {
        try (KafkaProducer<String, byte[]> producer = producer(bootstrapServers)) {
            for (OperatorGrant grant : grants()) {
                send(producer, topics.operators, grant.getActorId(), grant);
            }
            for (long i = 0; i < runs; i++) {
                send(producer, topics.runStates, executionId(i), runState(i));
            }
        }
    }

    /** The commands of the stream "cmd", as fast as one producer writes them. */
    void preloadCommands(String bootstrapServers) {
        try (KafkaProducer<String, byte[]> producer = producer(bootstrapServers)) {
            for (long j = 0; j < commands; j++) {
                CancelCommand command = command("cmd", j);
                send(producer, topics.commands, command.getExecutionId(), command);
            }
        }
    }

    static KafkaProducer<String, byte[]> producer(String bootstrapServers) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ProducerConfig.LINGER_MS_CONFIG,
                        10,
                        ProducerConfig.BATCH_SIZE_CONFIG,
                        256 * 1024,
                        ProducerConfig.COMPRESSION_TYPE_CONFIG,
                        "none"),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    static <V extends org.apache.avro.specific.SpecificRecord> void send(
            KafkaProducer<String, byte[]> producer, Topics.Topic<V> topic, String key, V value) {
        producer.send(new ProducerRecord<>(
                topic.name(), key, topic.valueSerde().serializer().serialize(topic.name(), value)));
    }
}
