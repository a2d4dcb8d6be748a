package io.controlplane.cancel.bench;

import com.sun.tools.attach.VirtualMachine;
import io.controlplane.cancel.app.Settings;
import io.controlplane.cancel.testkit.PackagedProcessor;
import java.io.IOException;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * The packaged product in a JVM of its own, started as deployed ({@code java -Xmx256m -jar
 * cancel-processor.jar run --config FILE}, the settings of deploy/processor.env), so that its
 * memory is its own and it can be killed outright.
 */
final class ProcessorJvm {

    static final Path JAR = Path.of("processor", "target", "cancel-processor.jar");
    static final Path DEPLOYED_ENV_FILE = Path.of("deploy", "processor.env");
    static final String HEAP = "256m";

    final String name;
    final Path stateDir;
    private final PackagedProcessor process;

    private ProcessorJvm(String name, Path stateDir, PackagedProcessor process) {
        this.name = name;
        this.stateDir = stateDir;
        this.process = process;
    }

    /** deploy/processor.env as property keys. */
    static Map<String, Object> deployedSettings() throws IOException {
        Properties env = new Properties();
        try (Reader reader = Files.newBufferedReader(DEPLOYED_ENV_FILE)) {
            env.load(reader);
        }
        Map<String, String> names = new HashMap<>();
        env.stringPropertyNames().forEach(key -> names.put(key, env.getProperty(key)));
        return new HashMap<>(Settings.fromEnvironment(names));
    }

    static ProcessorJvm launch(String name, Map<String, Object> settings, Path workDir) throws IOException {
        Path stateDir = workDir.resolve(name + "-state");
        Map<String, Object> withState = new HashMap<>(settings);
        withState.put("state.dir", stateDir.toString());
        List<String> jvmOptions = new ArrayList<>(List.of("-Xmx" + HEAP));
        // e.g. a JFR recording while tuning: BENCH_PROCESSOR_OPTS="-XX:StartFlightRecording=filename=x.jfr"
        String extra = System.getenv("BENCH_PROCESSOR_OPTS");
        if (extra != null && !extra.isBlank()) {
            jvmOptions.addAll(List.of(extra.trim().split("\\s+")));
        }
        PackagedProcessor process = PackagedProcessor.launch(
                JAR,
                name,
                withState,
                workDir.resolve(name + ".properties"),
                workDir.resolve(name + ".log"),
                jvmOptions);
        return new ProcessorJvm(name, stateDir, process);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return process.log();
    }

    /** The highest heap use since start: the sum of the heap pools' peaks, read over JMX (attach API). */
    long peakHeap() throws Exception {
        VirtualMachine vm = VirtualMachine.attach(String.valueOf(pid()));
        try {
            String address = vm.startLocalManagementAgent();
            try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(address))) {
                MBeanServerConnection server = connector.getMBeanServerConnection();
                long peak = 0;
                for (MemoryPoolMXBean pool : ManagementFactory.getPlatformMXBeans(server, MemoryPoolMXBean.class)) {
                    if (pool.getType() == MemoryType.HEAP) {
                        peak += pool.getPeakUsage().getUsed();
                    }
                }
                return peak;
            }
        } finally {
            vm.detach();
        }
    }

    long peakRss() {
        return Jvm.peakRss(pid());
    }

    long stateSize() {
        return Jvm.sizeOnDisk(stateDir);
    }

    /** SIGTERM: the processor closes Kafka Streams and leaves the group. */
    void stop() throws InterruptedException {
        process.stop();
    }

    /** SIGKILL: no shutdown hook, no commit, no leave-group. */
    void kill() throws InterruptedException {
        process.kill();
    }
}
