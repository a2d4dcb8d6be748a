package io.controlplane.cancel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.controlplane.cancel.app.Settings;
import io.controlplane.cancel.app.StartupException;
import io.controlplane.cancel.config.CancelProcessorConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        exitCodeOnInvalidInput = 1,
        description = {
            "Show what the processor knows of a run (its status, version, tenant and deadline; or who cancelled it, "
                    + "when and why; or who is cancelling it gracefully and when it is forced; and the commands held "
                    + "for later or waiting for the run), in one line, asked of any instance's HTTP endpoint "
                    + "GET /executions/{id} with the bearer token cancel.http.query.token of the --config file or "
                    + "environment; the instance asks the run's owner.",
            "Exit codes: 0 known, 4 unknown execution, 1 error (unauthorized, query endpoint disabled, unreachable)."
        })
final class StatusCommand implements Callable<Integer> {

    static final int UNKNOWN = 4;

    /** The processor's own default for cancel.http.port, where the settings do not name one. */
    private static final Object DEFAULT_PORT =
            CancelProcessorConfig.definition().defaultValues().get(CancelProcessorConfig.HTTP_PORT);

    /** An answer is a few hundred bytes; a larger one is not from the processor. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "ID", description = "The run's executionId.")
    String executionId;

    @Option(
            names = "--url",
            paramLabel = "URL",
            description = "An instance's HTTP endpoint (default: http://localhost:<cancel.http.port>, port 8080).")
    String url;

    @Mixin
    final SettingsMixin settings = new SettingsMixin();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Map<String, String> loaded = settings.load();
            HttpResponse<InputStream> response = ask(loaded);
            int status = response.statusCode();
            JsonNode body = bodyOf(response);
            if (status == 200) {
                out.println(ExecutionLine.of(body));
                return 0;
            }
            if (status == 404 && body.hasNonNull("executionId")) {
                out.println(Text.clean(executionId, 64) + " unknown: the processor holds no state for it");
                return UNKNOWN;
            }
            err.println(failure(status, body));
            return 1;
        } catch (StartupException | OperatorException e) {
            err.println(Text.oneLine(e));
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private HttpResponse<InputStream> ask(Map<String, String> settings) {
        URI uri = executionUri(settings);
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET();
        String token = settings.get(CancelProcessorConfig.HTTP_QUERY_TOKEN);
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token.trim());
        }
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new OperatorException("Cannot reach the processor at " + base(settings) + ": " + Text.oneLine(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperatorException("Interrupted while asking the processor at " + base(settings));
        }
    }

    private URI executionUri(Map<String, String> settings) {
        String base = base(settings);
        try {
            URI uri = URI.create(base + "/executions/"
                    + URLEncoder.encode(executionId, StandardCharsets.UTF_8).replace("+", "%20"));
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new OperatorException("--url must be an http:// or https:// address, not " + Text.clean(base));
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new OperatorException("--url is not an address: " + Text.clean(base));
        }
    }

    private String base(Map<String, String> settings) {
        String base = url != null
                ? url.trim()
                : "http://localhost:"
                        + settings.getOrDefault(CancelProcessorConfig.HTTP_PORT, String.valueOf(DEFAULT_PORT))
                                .trim();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** The body as JSON, read up to {@value #MAX_BODY_BYTES} bytes; an empty object if it is not JSON. */
    private static JsonNode bodyOf(HttpResponse<InputStream> response) {
        try (InputStream body = response.body()) {
            byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new OperatorException("The processor answered more than " + MAX_BODY_BYTES + " bytes");
            }
            JsonNode node = JSON.readTree(bytes);
            return node == null || !node.isObject() ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String failure(int status, JsonNode body) {
        String error = body.hasNonNull("error") ? Text.clean(body.get("error").asText()) : "no reason given";
        return switch (status) {
            case 401 ->
                "Unauthorized (401): set " + CancelProcessorConfig.HTTP_QUERY_TOKEN + " ("
                        + Settings.environmentNameOf(CancelProcessorConfig.HTTP_QUERY_TOKEN)
                        + ") to the processor's query token";
            case 404 ->
                "Not found (404): " + error + " (the processor serves runs only when its "
                        + CancelProcessorConfig.HTTP_QUERY_TOKEN + " is set)";
            case 503 ->
                "Not ready (503): " + error
                        + (body.hasNonNull("state")
                                ? " (state " + Text.clean(body.get("state").asText(), 40) + ")"
                                : "");
            default -> "The processor answered " + status + ": " + error;
        };
    }
}
