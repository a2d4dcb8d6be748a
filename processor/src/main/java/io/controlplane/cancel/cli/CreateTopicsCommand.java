package io.controlplane.cancel.cli;

import io.controlplane.cancel.app.StartupException;
import io.controlplane.cancel.app.TopicSetup;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.StreamsProperties;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "create-topics",
        mixinStandardHelpOptions = true,
        description = "Create the processor's topics that do not exist yet, as the processor expects them, and "
                + "check those that exist without changing them. Exit 0 when every topic is as declared, 1 when "
                + "one is not (one line per difference) or Kafka cannot be reached. Settings as for `run`.")
final class CreateTopicsCommand implements Callable<Integer> {

    /** One count for all topics, so that whatever must be co-partitioned is; also bounds the instances. */
    static final int DEFAULT_PARTITIONS = 6;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Mixin
    final SettingsMixin settings = new SettingsMixin();

    @Option(
            names = "--partitions",
            paramLabel = "N",
            defaultValue = "" + DEFAULT_PARTITIONS,
            description = "Partition count of every topic created, and expected of every existing one "
                    + "(default: ${DEFAULT-VALUE}).")
    private int partitions;

    @Option(
            names = "--replication-factor",
            paramLabel = "R",
            defaultValue = "-1",
            description =
                    "Replication factor of the topics created " + "(default: the broker's default.replication.factor).")
    private short replicationFactor;

    @Override
    public Integer call() throws InterruptedException {
        if (partitions < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--partitions must be at least 1");
        }
        if (replicationFactor < 1 && replicationFactor != -1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--replication-factor must be at least 1, or -1 for the broker's default");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        CancelProcessorConfig processorConfig;
        Properties adminProps = new Properties();
        try {
            Map<String, String> loaded = settings.load();
            processorConfig = new CancelProcessorConfig(loaded);
            adminProps.putAll(new StreamsConfig(StreamsProperties.from(loaded)).getAdminConfigs("create-topics"));
        } catch (StartupException | ConfigException e) {
            err.println(e.getMessage());
            return 1;
        }
        String bootstrap = String.valueOf(adminProps.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
        long timeoutMs = processorConfig.startupTimeout().toMillis();
        Optional<Short> replication = replicationFactor == -1 ? Optional.empty() : Optional.of(replicationFactor);
        Admin admin = Admin.create(adminProps);
        try {
            TopicSetup.Result result = TopicSetup.run(admin, processorConfig, partitions, replication, timeoutMs);
            for (NewTopic topic : result.created()) {
                out.println("Created " + topic.name() + " (" + partitions + " partitions, "
                        + topic.configs().entrySet().stream()
                                .map(Object::toString)
                                .collect(Collectors.joining(", "))
                        + ")");
            }
            result.checked().forEach(name -> out.println("Exists  " + name + " (checked, not changed)"));
            result.mismatches().forEach(err::println);
            return result.mismatches().isEmpty() ? 0 : 1;
        } catch (TimeoutException e) {
            err.println("Cannot reach Kafka at " + bootstrap + " within " + timeoutMs + " ms");
        } catch (ExecutionException e) {
            err.println("Cannot create or check the topics on Kafka at " + bootstrap + ": "
                    + e.getCause().getMessage());
        } finally {
            out.flush();
            err.flush();
            admin.close(Duration.ofSeconds(1));
        }
        return 1;
    }
}
