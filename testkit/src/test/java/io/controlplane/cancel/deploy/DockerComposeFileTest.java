package io.controlplane.cancel.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.controlplane.cancel.app.Settings;
import io.controlplane.cancel.cli.CancelProcessorCli;
import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.it.support.ContinuousIntegration;
import io.controlplane.cancel.it.support.EnvFile;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * No Docker engine runs where the build does, so docker-compose.yml and the Dockerfile are checked
 * statically: by Compose itself ({@code docker-compose config} needs no engine) and against what the
 * processor expects of its deployment.
 */
class DockerComposeFileTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path COMPOSE_FILE = ROOT.resolve("docker-compose.yml");
    private static final Path DEPLOYED_ENV_FILE = Path.of("deploy", "processor.env");
    private static final String BOOTSTRAP_SERVERS = Settings.environmentNameOf("bootstrap.servers");
    private static final String REGISTRY_URL = Settings.environmentNameOf("schema.registry.url");

    private static JsonNode services;
    private static List<Instruction> dockerfile;

    @BeforeAll
    static void read() throws IOException {
        services = new ObjectMapper(new YAMLFactory())
                .readTree(COMPOSE_FILE.toFile())
                .path("services");
        dockerfile = Instruction.parse(Files.readAllLines(ROOT.resolve("Dockerfile")));
    }

    @Test
    void composeAcceptsTheFile() throws Exception {
        Optional<Path> tool = onPath("docker-compose");
        ContinuousIntegration.requireTool(
                tool.isPresent(),
                "docker-compose is not installed (Debian: apt-get install docker-compose), "
                        + "so docker-compose.yml was not validated by Compose");
        Process compose = new ProcessBuilder(
                        tool.get().toString(),
                        "--file",
                        COMPOSE_FILE.toString(),
                        "--project-directory",
                        ROOT.toString(),
                        "config",
                        "--quiet")
                .redirectErrorStream(true)
                .start();
        compose.getOutputStream().close();
        String output = new String(compose.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(compose.waitFor(60, TimeUnit.SECONDS))
                .as("docker-compose config finished")
                .isTrue();
        assertThat(compose.exitValue()).as("docker-compose config: %s", output).isZero();
    }

    @Test
    void processorRunsTheDeployedSettingsWithOnlyTheAddressesAdded() throws Exception {
        JsonNode processor = service("processor");
        assertThat(strings(processor.path("env_file"))).containsExactly(DEPLOYED_ENV_FILE.toString());

        Map<String, String> added = environment(processor.path("environment"));
        assertThat(added).containsOnlyKeys(BOOTSTRAP_SERVERS, REGISTRY_URL);
        assertThat(EnvFile.settings(ROOT.resolve(DEPLOYED_ENV_FILE)))
                .as("the addresses are per environment, not part of the deployed settings")
                .doesNotContainKeys("bootstrap.servers", "schema.registry.url");

        assertThat(services.has(added.get(BOOTSTRAP_SERVERS).split(":")[0]))
                .as("bootstrap servers name a service of this file")
                .isTrue();
        assertThat(services.has(URI.create(added.get(REGISTRY_URL)).getHost()))
                .as("the registry URL names a service of this file")
                .isTrue();
    }

    @Test
    void processorStartsOnlyOnceBrokerTopicsAndRegistryAreReady() {
        assertThat(conditions(service("processor")))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "kafka", "service_healthy",
                        "topics", "service_completed_successfully",
                        "schema-registry", "service_healthy"));
        assertThat(conditions(service("topics"))).containsExactlyEntriesOf(Map.of("kafka", "service_healthy"));
        assertThat(conditions(service("schema-registry"))).containsExactlyEntriesOf(Map.of("kafka", "service_healthy"));
        assertThat(service("kafka").path("healthcheck").path("test").isMissingNode())
                .isFalse();
        assertThat(service("schema-registry").path("healthcheck").path("test").isMissingNode())
                .isFalse();
    }

    @Test
    void processorCanBeScaled() {
        JsonNode processor = service("processor");
        assertThat(processor.has("container_name"))
                .as("a fixed container name allows one instance only")
                .isFalse();
        assertThat(processor.has("ports"))
                .as("a published host port allows one instance only")
                .isFalse();
    }

    /** So that the topics are created as the code declares them: compose holds no copy of the layout. */
    @Test
    void topicServiceRunsCreateTopicsFromTheProcessorImageWithTheProcessorsSettings() throws Exception {
        JsonNode topics = service("topics");
        JsonNode processor = service("processor");
        assertThat(topics.path("build")).isEqualTo(processor.path("build"));
        assertThat(strings(topics.path("env_file"))).isEqualTo(strings(processor.path("env_file")));
        assertThat(environment(topics.path("environment"))).isEqualTo(environment(processor.path("environment")));

        List<String> command = new ArrayList<>(strings(topics.path("entrypoint")));
        command.addAll(strings(topics.path("command")));
        List<String> imageEntrypoint =
                execForm(Instruction.arguments(Instruction.stages(dockerfile).get(1), "ENTRYPOINT")
                        .get(0));
        List<String> jar = imageEntrypoint.subList(0, imageEntrypoint.indexOf("run"));
        assertThat(command).as("the image's jar").startsWith(jar.toArray(String[]::new));
        List<String> arguments = command.subList(jar.size(), command.size());
        assertThat(arguments).startsWith("create-topics");
        CommandLine.ParseResult parsed =
                new CommandLine(new CancelProcessorCli()).parseArgs(arguments.toArray(String[]::new));
        assertThat(parsed.subcommand().commandSpec().name()).isEqualTo("create-topics");

        assertThat(topics.path("healthcheck").path("disable").asBoolean(false))
                .as("the image's health check watches a processing processor; this one exits")
                .isTrue();
        assertThat(topics.path("restart").asText()).isEqualTo("no");
    }

    @Test
    void brokerKeepsTheInternalTopicsOnItsOneNode() {
        Map<String, String> broker = environment(service("kafka").path("environment"));
        assertThat(broker.get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
        // exactly_once_v2 cannot start without the transaction state log, which by default wants 3 replicas.
        assertThat(broker)
                .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
                .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1");
    }

    @Test
    void dockerfileBuildsWithMavenAndRunsTheJarAsNonRootWithAHealthCheck() throws Exception {
        assertThat(dockerfile)
                .isNotEmpty()
                .allSatisfy(i -> assertThat(Instruction.KNOWN).contains(i.keyword()));
        assertThat(dockerfile.get(0).keyword()).isEqualTo("FROM");
        List<List<Instruction>> stages = Instruction.stages(dockerfile);
        assertThat(stages).hasSize(2);

        List<Instruction> build = stages.get(0);
        assertThat(build.get(0).arguments()).endsWithIgnoringCase(" AS build");
        // The product and the modules it is built on (-am: the contract, the client its CLI uses), nothing else.
        assertThat(build).anySatisfy(i -> {
            assertThat(i.keyword()).isEqualTo("RUN");
            assertThat(i.arguments()).contains("mvn -B -DskipTests -pl processor -am package");
        });
        // The reactor reads every module's pom, so the test kit's and the bench's poms are copied; their
        // sources are not: the test kit carries a whole broker.
        assertThat(build)
                .as("the product is built alone: no source of the test kit or the bench is in the image")
                .filteredOn(i -> i.keyword().equals("COPY") || i.keyword().equals("RUN"))
                .noneSatisfy(i -> assertThat(i.arguments()).containsAnyOf("testkit/src", "bench/src"))
                .noneSatisfy(
                        i -> assertThat(i.arguments()).as("the whole context").startsWith(". "));

        List<Instruction> runtime = stages.get(1);
        assertThat(runtime)
                .anySatisfy(i ->
                        assertThat(i.arguments()).startsWith("--from=build").endsWith("cancel-processor.jar ./"));
        assertThat(runtime)
                .anySatisfy(i ->
                        assertThat(i.arguments()).startsWith("--from=build").contains("/target/lib/"));
        List<String> users = Instruction.arguments(runtime, "USER");
        assertThat(users).as("USER in the runtime stage").isNotEmpty();
        assertThat(users.get(users.size() - 1).split(":")[0]).isNotIn("root", "0");

        assertThat(Instruction.arguments(runtime, "ENTRYPOINT"))
                .singleElement()
                .satisfies(entrypoint -> assertThat(execForm(entrypoint))
                        .containsExactly("java", "-jar", "/app/cancel-processor.jar", "run"));
        assertThat(Instruction.arguments(runtime, "HEALTHCHECK"))
                .singleElement()
                .satisfies(check -> {
                    String command = check.substring(check.indexOf("CMD ") + "CMD ".length());
                    assertThat(execForm(command))
                            .startsWith("java")
                            .containsSubsequence("-jar", "/app/cancel-processor.jar", "health");
                });
        assertThat(Instruction.arguments(runtime, "ENV"))
                .as("the health file is configured, or `health` always fails")
                .anySatisfy(env -> assertThat(env)
                        .startsWith(Settings.environmentNameOf(CancelProcessorConfig.HEALTH_FILE) + "="));
        assertThat(service("processor").path("healthcheck").path("disable").asBoolean(false))
                .isFalse();
    }

    /** Readiness, not mere liveness: a processor restoring or replacing threads in a loop is not healthy. */
    @Test
    void processorHealthIsItsReadinessOnTheHttpPortTheImageExposes() throws Exception {
        int port = (Integer) CancelProcessorConfig.definition().defaultValues().get(CancelProcessorConfig.HTTP_PORT);
        List<Instruction> runtime = Instruction.stages(dockerfile).get(1);
        assertThat(Instruction.arguments(runtime, "EXPOSE")).containsExactly(String.valueOf(port));
        JsonNode processor = service("processor");
        assertThat(strings(processor.path("expose"))).containsExactly(String.valueOf(port));
        assertThat(strings(processor.path("healthcheck").path("test")))
                .startsWith("CMD", "java")
                .containsSubsequence("-jar", "/app/cancel-processor.jar", "health");
        assertThat(new CommandLine(new CancelProcessorCli())
                        .getSubcommands()
                        .get("health")
                        .getCommandSpec()
                        .usageMessage()
                        .description())
                .anySatisfy(line -> assertThat(line).contains("/health/ready"));
    }

    @Test
    void monitoringProfileScrapesEveryProcessorInstanceAndProvisionsTheDashboard() throws Exception {
        JsonNode prometheus = service("prometheus");
        JsonNode grafana = service("grafana");
        assertThat(strings(prometheus.path("profiles"))).containsExactly("monitoring");
        assertThat(strings(grafana.path("profiles"))).containsExactly("monitoring");
        assertThat(service("processor").has("profiles"))
                .as("the processor starts without the profile")
                .isFalse();

        Map<String, String> prometheusMounts = mounts(prometheus);
        JsonNode config = yaml(prometheusMounts.get("/etc/prometheus/prometheus.yml"));
        JsonNode discovery =
                config.path("scrape_configs").get(0).path("dns_sd_configs").get(0);
        assertThat(strings(discovery.path("names")))
                .as("every container of the processor service, however many --scale starts")
                .containsExactly("processor");
        assertThat(discovery.path("port").asInt()).isEqualTo(8080);
        assertThat(config.path("scrape_configs").get(0).path("metrics_path").asText())
                .isEqualTo("/metrics");
        for (String rules : strings(config.path("rule_files"))) {
            assertThat(prometheusMounts).containsKey(rules);
            assertThat(yaml(prometheusMounts.get(rules)).path("groups").get(0).path("rules"))
                    .isNotEmpty();
        }

        Map<String, String> grafanaMounts = mounts(grafana);
        Path provisioning = Path.of(grafanaMounts.get("/etc/grafana/provisioning"));
        JsonNode datasource = yaml(provisioning
                        .resolve("datasources/prometheus.yml")
                        .toString())
                .path("datasources")
                .get(0);
        URI datasourceUrl = URI.create(datasource.path("url").asText());
        assertThat(services.has(datasourceUrl.getHost()))
                .as("the datasource names the prometheus service")
                .isTrue();
        JsonNode provider = yaml(provisioning
                        .resolve("dashboards/cancel-processor.yml")
                        .toString())
                .path("providers")
                .get(0);
        String dashboards =
                grafanaMounts.get(provider.path("options").path("path").asText());
        assertThat(dashboards)
                .as("the dashboards provider reads a mounted directory")
                .isNotNull();
        JsonNode dashboard = new ObjectMapper()
                .readTree(Path.of(dashboards, "cancel-processor.json").toFile());
        assertThat(dashboard.path("panels")).isNotEmpty();
        assertThat(dashboard.path("panels"))
                .allSatisfy(
                        panel -> assertThat(panel.path("datasource").path("uid").asText())
                                .isEqualTo(datasource.path("uid").asText()));
    }

    /** A service's bind mounts: container path to host path (resolved against the project directory). */
    private static Map<String, String> mounts(JsonNode service) {
        Map<String, String> mounts = new LinkedHashMap<>();
        for (String volume : strings(service.path("volumes"))) {
            String[] parts = volume.split(":");
            if (parts[0].startsWith(".")) {
                mounts.put(parts[1], ROOT.resolve(parts[0]).normalize().toString());
            }
        }
        return mounts;
    }

    private static JsonNode yaml(String file) throws IOException {
        assertThat(file).as("a mounted file").isNotNull();
        return new ObjectMapper(new YAMLFactory()).readTree(Path.of(file).toFile());
    }

    @Test
    void everythingTheBuildCopiesIsInTheBuildContext() throws Exception {
        Set<String> included = Files.readAllLines(ROOT.resolve(".dockerignore")).stream()
                .filter(line -> line.startsWith("!"))
                .map(line -> strip(line.substring(1)))
                .collect(Collectors.toSet());
        for (Instruction copy : dockerfile) {
            if (copy.keyword().equals("COPY") && !copy.arguments().startsWith("--from")) {
                String[] paths = copy.arguments().split("\\s+");
                for (String source : Arrays.asList(paths).subList(0, paths.length - 1)) {
                    assertThat(ROOT.resolve(source)).exists();
                    assertThat(included)
                            .as(".dockerignore lets %s through", source)
                            .contains(strip(source));
                }
            }
        }
    }

    private static JsonNode service(String name) {
        JsonNode service = services.path(name);
        assertThat(service.isObject())
                .as("service %s in docker-compose.yml", name)
                .isTrue();
        return service;
    }

    private static Map<String, String> conditions(JsonNode service) {
        Map<String, String> conditions = new LinkedHashMap<>();
        service.path("depends_on")
                .fields()
                .forEachRemaining(e -> conditions.put(
                        e.getKey(), e.getValue().path("condition").asText()));
        return conditions;
    }

    /** Compose allows a map or a list of NAME=value. */
    private static Map<String, String> environment(JsonNode node) {
        Map<String, String> environment = new LinkedHashMap<>();
        if (node.isObject()) {
            node.fields()
                    .forEachRemaining(
                            e -> environment.put(e.getKey(), e.getValue().asText()));
        } else {
            for (String entry : strings(node)) {
                int equals = entry.indexOf('=');
                environment.put(
                        equals < 0 ? entry : entry.substring(0, equals), equals < 0 ? "" : entry.substring(equals + 1));
            }
        }
        return environment;
    }

    /** Compose allows a string or a list of strings. */
    private static List<String> strings(JsonNode node) {
        List<String> strings = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(element -> strings.add(element.asText()));
        } else if (!node.isMissingNode()) {
            strings.add(node.asText());
        }
        return strings;
    }

    private static List<String> execForm(String json) throws IOException {
        return Arrays.asList(new ObjectMapper().readValue(json, String[].class));
    }

    private static String strip(String path) {
        return path.replaceAll("/+$", "");
    }

    private static Optional<Path> onPath(String command) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, command))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** One Dockerfile instruction, continuation lines joined; comments and parser directives dropped. */
    private record Instruction(String keyword, String arguments) {

        static final Set<String> KNOWN = Set.of(
                "FROM",
                "RUN",
                "CMD",
                "LABEL",
                "EXPOSE",
                "ENV",
                "ADD",
                "COPY",
                "ENTRYPOINT",
                "VOLUME",
                "USER",
                "WORKDIR",
                "ARG",
                "ONBUILD",
                "STOPSIGNAL",
                "HEALTHCHECK",
                "SHELL");

        static List<Instruction> parse(List<String> lines) {
            List<Instruction> instructions = new ArrayList<>();
            StringBuilder pending = new StringBuilder();
            for (String line : lines) {
                String trimmed = line.trim();
                if (trimmed.startsWith("#") || (trimmed.isEmpty() && pending.length() == 0)) {
                    continue;
                }
                boolean continued = trimmed.endsWith("\\");
                pending.append(
                                continued
                                        ? trimmed.substring(0, trimmed.length() - 1)
                                                .trim()
                                        : trimmed)
                        .append(' ');
                if (!continued) {
                    String[] parts = pending.toString().trim().split("\\s+", 2);
                    instructions.add(new Instruction(parts[0].toUpperCase(), parts.length > 1 ? parts[1] : ""));
                    pending.setLength(0);
                }
            }
            assertThat(pending.toString())
                    .as("the Dockerfile ends inside a continued line")
                    .isEmpty();
            return instructions;
        }

        static List<List<Instruction>> stages(List<Instruction> instructions) {
            List<List<Instruction>> stages = new ArrayList<>();
            for (Instruction instruction : instructions) {
                if (instruction.keyword().equals("FROM")) {
                    stages.add(new ArrayList<>());
                }
                stages.get(stages.size() - 1).add(instruction);
            }
            return stages;
        }

        static List<String> arguments(List<Instruction> instructions, String keyword) {
            return instructions.stream()
                    .filter(i -> i.keyword().equals(keyword))
                    .map(Instruction::arguments)
                    .toList();
        }
    }
}
