package io.controlplane.cancel.bench;

import io.controlplane.cancel.testkit.LoopbackPorts;
import java.io.IOException;
import java.io.Writer;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A single-node KRaft Kafka (combined broker and controller) in a JVM of its own, started as users
 * start it ({@code kafka-storage.sh format}, then {@code kafka-server-start.sh}), from the harness's
 * own lib/ directory. Loopback only, replication 1, settings as the test kit's EmbeddedKafka.
 */
final class BrokerProcess implements AutoCloseable {

    private static final String LOOPBACK = "127.0.0.1";
    private static final Duration STARTUP = Duration.ofSeconds(60);

    private final int port;
    private final Process process;
    private final Path logDir;

    private BrokerProcess(int port, Process process, Path logDir) {
        this.port = port;
        this.process = process;
        this.logDir = logDir;
    }

    static BrokerProcess start(Path dir, String heap) throws IOException, InterruptedException {
        int[] ports = LoopbackPorts.free(2);
        Path config = dir.resolve("server.properties");
        Properties props = new Properties();
        props.setProperty("process.roles", "broker,controller");
        props.setProperty("node.id", "1");
        props.setProperty(
                "listeners", "PLAINTEXT://" + LOOPBACK + ":" + ports[0] + ",CONTROLLER://" + LOOPBACK + ":" + ports[1]);
        props.setProperty("advertised.listeners", "PLAINTEXT://" + LOOPBACK + ":" + ports[0]);
        props.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.setProperty("controller.listener.names", "CONTROLLER");
        props.setProperty("controller.quorum.voters", "1@" + LOOPBACK + ":" + ports[1]);
        Path logDir = dir.resolve("log");
        props.setProperty("log.dirs", logDir.toString());
        props.setProperty("offsets.topic.replication.factor", "1");
        props.setProperty("offsets.topic.num.partitions", "3");
        props.setProperty("transaction.state.log.replication.factor", "1");
        props.setProperty("transaction.state.log.min.isr", "1");
        props.setProperty("transaction.state.log.num.partitions", "3");
        props.setProperty("group.initial.rebalance.delay.ms", "0");
        try (Writer writer = Files.newBufferedWriter(config)) {
            props.store(writer, "benchmark broker");
        }
        Path log4j = dir.resolve("log4j2.properties");
        Files.writeString(
                log4j,
                "rootLogger.level=WARN\nrootLogger.appenderRef.out.ref=OUT\n"
                        + "appender.out.type=Console\nappender.out.name=OUT\n"
                        + "appender.out.layout.type=PatternLayout\nappender.out.layout.pattern=%d %p %c: %m%n\n");
        Path out = dir.resolve("broker.log");
        List<String> java = java(heap, log4j);
        java.addAll(List.of(
                "kafka.tools.StorageTool",
                "format",
                "-t",
                UUID.randomUUID().toString().replace("-", "").substring(0, 22),
                "-c",
                config.toString()));
        Process format = new ProcessBuilder(java)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("format.log").toFile())
                .start();
        if (!format.waitFor(STARTUP.toSeconds(), TimeUnit.SECONDS) || format.exitValue() != 0) {
            throw new IllegalStateException("formatting the broker's storage failed: see " + dir.resolve("format.log"));
        }
        List<String> server = java(heap, log4j);
        server.addAll(List.of("kafka.Kafka", config.toString()));
        Process process = new ProcessBuilder(server)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        BrokerProcess broker = new BrokerProcess(ports[0], process, logDir);
        broker.awaitListening(out);
        return broker;
    }

    private static List<String> java(String heap, Path log4j) {
        return new ArrayList<>(List.of(
                Jvm.javaBinary(),
                "-Xms" + heap,
                "-Xmx" + heap,
                "-Dlog4j2.configurationFile=" + log4j,
                "-cp",
                Jvm.harnessLib() + "/*"));
    }

    private void awaitListening(Path out) throws InterruptedException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the broker exited at start: see " + out);
            }
            try (Socket socket = new Socket(LOOPBACK, port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("the broker did not listen within " + STARTUP + ": see " + out);
    }

    String bootstrapServers() {
        return LOOPBACK + ":" + port;
    }

    /**
     * Bytes of record data the broker holds for the topics whose names pass {@code topics}: the sizes
     * of their partitions' segment files ({@code .log}), not of the indexes, which Kafka preallocates.
     */
    long logBytes(Predicate<String> topics) {
        return logBytes(logDir, topics);
    }

    /** {@link #logBytes(Predicate)} of a log dir: its {@code <topic>-<partition>} directories. */
    static long logBytes(Path logDir, Predicate<String> topics) {
        try (Stream<Path> partitions = Files.list(logDir)) {
            return partitions
                    .filter(Files::isDirectory)
                    .filter(partition -> {
                        String name = partition.getFileName().toString();
                        int dash = name.lastIndexOf('-');
                        return dash > 0
                                && name.substring(dash + 1).matches("\\d+")
                                && topics.test(name.substring(0, dash));
                    })
                    .mapToLong(BrokerProcess::segmentBytes)
                    .sum();
        } catch (IOException e) {
            return -1;
        }
    }

    private static long segmentBytes(Path partition) {
        try (Stream<Path> files = Files.list(partition)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".log"))
                    .mapToLong(file -> {
                        try {
                            return Files.size(file);
                        } catch (IOException vanished) {
                            return 0;
                        }
                    })
                    .sum();
        } catch (IOException vanished) {
            return 0;
        }
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
