package io.controlplane.cancel.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.client.CancelClient;
import io.controlplane.cancel.client.CancelClientConfig;
import io.controlplane.cancel.client.RunStateChanges;
import io.controlplane.cancel.it.support.InProcessProcessor;
import io.controlplane.cancel.it.support.RealBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** README's Java example ({@link CancelFromYourService}) does what README says, against a running processor. */
class ClientExampleIT {

    @RegisterExtension
    @Order(1)
    static final RealBroker broker = RealBroker.shared();

    @RegisterExtension
    @Order(2)
    static final InProcessProcessor processor = InProcessProcessor.startedBeforeAll(broker, settings -> {})
            .seededWith(traffic -> {
                traffic.grant("policy-engine", List.of("admin"), List.of("acme"));
                traffic.runState("example-run", "acme", RunStatus.RUNNING, 1);
                traffic.runState("example-done", "acme", RunStatus.COMPLETED, 2);
                traffic.runState("example-main", "acme", RunStatus.QUEUED, 1);
            });

    @Test
    void thePolicyEngineCancelsOneRunIsToldWhyNotAnotherAndBillingHearsOfTheCancel() throws Exception {
        CancelClientConfig config = new CancelClientConfig(processor.settings());
        Set<String> billingStopped = ConcurrentHashMap.newKeySet();
        try (CancelClient client = CancelClient.create(config);
                RunStateChanges billing = CancelFromYourService.stopBillingOnCancel(config, billingStopped::add)) {
            assertThat(CancelFromYourService.stopRun(client, "example-run")).startsWith("cancelled example-run at ");
            assertThat(CancelFromYourService.stopRun(client, "example-done"))
                    .startsWith("not cancelled: ALREADY_TERMINAL, ")
                    .contains("already COMPLETED");

            await("billing stopped for the cancelled run")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> billingStopped.contains("example-run"));
            assertThat(billingStopped).doesNotContain("example-done");
        }
    }

    /** main reads the processor's settings file, as README says: the one a deployment already has. */
    @Test
    void mainCancelsTheRunNamedWithTheProcessorsSettingsFile() throws Exception {
        Path file = Files.createTempFile("client-example", ".properties");
        Properties properties = new Properties();
        processor.settings().forEach((key, value) -> properties.setProperty(key, String.valueOf(value)));
        try (Writer writer = Files.newBufferedWriter(file)) {
            properties.store(writer, null);
        }
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = System.out;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            CancelFromYourService.main(new String[] {file.toString(), "example-main"});
        } finally {
            System.setOut(out);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).startsWith("cancelled example-main at ");
    }
}
