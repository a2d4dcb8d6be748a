package io.controlplane.cancel.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.controlplane.cancel.CapturedLog;
import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.serde.StubSchemaRegistry.Canned;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RestSchemaRegistryClientTest {

    private static final String TOPIC = "cancel-commands";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final StubSchemaRegistry stub;

    RestSchemaRegistryClientTest() throws IOException {
        stub = new StubSchemaRegistry();
    }

    @AfterEach
    void stopStub() {
        stub.close();
    }

    @Test
    void registersAndFetchesSchemasUnderThePathPrefix() {
        RestSchemaRegistryClient writer = client(stub.url());
        RestSchemaRegistryClient reader = client(stub.url());

        int commandId = writer.register(TOPIC + "-value", CancelCommand.getClassSchema());
        int sameId = writer.register("other-topic-value", CancelCommand.getClassSchema());
        int runStateId = writer.register("run-states-value", RunState.getClassSchema());

        assertThat(commandId).isEqualTo(sameId).isEqualTo(1);
        assertThat(runStateId).isEqualTo(2);
        assertThat(reader.schemaById(commandId)).isEqualTo(CancelCommand.getClassSchema());
        assertThat(reader.idOf("run-states-value", RunState.getClassSchema())).isEqualTo(2);
        assertThat(stub.requests)
                .containsExactly(
                        "POST /apis/ccompat/v7/subjects/cancel-commands-value/versions",
                        "POST /apis/ccompat/v7/subjects/other-topic-value/versions",
                        "POST /apis/ccompat/v7/subjects/run-states-value/versions",
                        "GET /apis/ccompat/v7/schemas/ids/1",
                        "POST /apis/ccompat/v7/subjects/run-states-value");
    }

    @Test
    void steadyStateSerializationMakesNoHttpCall() {
        FramedAvroSerde<CancelCommand> producer = serde(Map.of());
        // different timeout, so a different shared client: it must fetch the schema once
        FramedAvroSerde<CancelCommand> consumer = serde(Map.of(SchemaRegistryClients.HTTP_READ_TIMEOUT_MS, "4000"));
        CancelCommand command = FramedAvroSerdeTest.command("c-1");

        byte[] first = producer.serializer().serialize(TOPIC, command);
        assertThat(consumer.deserializer().deserialize(TOPIC, first)).isEqualTo(command);
        int warmUpRequests = stub.requests.size();
        for (int i = 0; i < 100; i++) {
            byte[] bytes = producer.serializer().serialize(TOPIC, command);
            assertThat(consumer.deserializer().deserialize(TOPIC, bytes)).isEqualTo(command);
        }

        assertThat(warmUpRequests).isEqualTo(2);
        assertThat(stub.requests).hasSize(2);
    }

    @Test
    void serdesOfSeveralTopicsShareOneClient() {
        assertThat(SchemaRegistryClients.fromConfig(Map.of(SchemaRegistryClients.SCHEMA_REGISTRY_URL, stub.url())))
                .isSameAs(SchemaRegistryClients.fromConfig(
                        Map.of(SchemaRegistryClients.SCHEMA_REGISTRY_URL, stub.url())));
    }

    @Test
    void sendsBasicAuthFromUserInfo() {
        FramedAvroSerde<CancelCommand> serde = serde(Map.of(
                SchemaRegistryClients.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                SchemaRegistryClients.BASIC_AUTH_USER_INFO, "alice:s3cret",
                // the stub speaks plain HTTP
                SchemaRegistryClients.BASIC_AUTH_ALLOW_PLAIN_HTTP, "true"));

        serde.serializer().serialize(TOPIC, FramedAvroSerdeTest.command("c-1"));

        assertThat(stub.authorizations)
                .containsExactly(
                        "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void sendsBasicAuthFromTheUrlWithoutNamingItInRequests() {
        String withCredentials = stub.url().replace("http://", "http://bob:pa%40ss@");

        SchemaRegistryClients.fromConfig(Map.of(
                        SchemaRegistryClients.SCHEMA_REGISTRY_URL,
                        withCredentials,
                        SchemaRegistryClients.BASIC_AUTH_ALLOW_PLAIN_HTTP,
                        "true"))
                .register("s", CancelCommand.getClassSchema());

        assertThat(stub.authorizations)
                .containsExactly(
                        "Basic " + Base64.getEncoder().encodeToString("bob:pa@ss".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anUnknownIdIsASerializationErrorNamingTheId() {
        assertThatThrownBy(() -> client(stub.url()).schemaById(42))
                .isExactlyInstanceOf(UndecodableRecordException.class)
                .hasMessage("Unknown schema id 42: schema registry at " + stub.url()
                        + " has no such schema (Schema 42 not found (error code 40403))");
    }

    @Test
    void anUnregisteredSchemaIsNotFoundWithoutRegisteringIt() {
        assertThatThrownBy(() -> client(stub.url()).idOf("s-value", CancelCommand.getClassSchema()))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageStartingWith(
                        "Schema io.controlplane.cancel.avro.CancelCommand is not registered under subject s-value");
        assertThat(stub.requests).containsExactly("POST /apis/ccompat/v7/subjects/s-value");
    }

    @Test
    void aRegistryThatIsDownIsUnavailable() throws IOException {
        String down = "http://127.0.0.1:" + closedPort();

        assertThatThrownBy(() -> client(down).schemaById(1))
                .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessage("Schema registry at " + down + " is unreachable: Connection refused");
    }

    @Test
    void anUnknownHostIsUnavailable() {
        assertThatThrownBy(() -> client("http://registry.invalid:8081").schemaById(1))
                .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessage("Schema registry at http://registry.invalid:8081 is unreachable: unknown host");
    }

    @Test
    void aServerErrorIsUnavailable() {
        stub.failWithStatus = 503;

        assertThatThrownBy(() -> client(stub.url()).register("s-value", CancelCommand.getClassSchema()))
                .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessage("Schema registry at " + stub.url()
                        + " is unavailable: HTTP 503 stub failure (error code 50300)");
    }

    @Test
    void fallsBackToTheNextUrlWhenTheFirstIsDown() throws IOException {
        String down = "http://127.0.0.1:" + closedPort();

        int id = client(down + "," + stub.url()).register("s-value", CancelCommand.getClassSchema());

        assertThat(id).isEqualTo(1);
    }

    @Test
    void ridesOutABrieflyUnavailableRegistryWithinTheRetryBudget() {
        stub.unavailableRequests.set(2);

        int id = client(stub.url(), Duration.ofSeconds(5)).register("s-value", CancelCommand.getClassSchema());

        assertThat(id).isEqualTo(1);
        assertThat(stub.requests).hasSize(3);
    }

    @Test
    void givesUpOnceTheRetryBudgetIsSpent() {
        stub.failWithStatus = 503;
        Duration budget = Duration.ofMillis(500);
        long start = System.nanoTime();

        assertThatThrownBy(() -> client(stub.url(), budget).schemaById(1))
                .isExactlyInstanceOf(SchemaRegistryUnavailableException.class);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(budget, budget.multipliedBy(4));
        // paused 100, 200, then the 200 ms left: four tries, not a busy loop
        assertThat(stub.requests).hasSizeBetween(3, 5);
    }

    @Test
    void theRetryBudgetIsConfigurable() {
        stub.failWithStatus = 503;
        SchemaRegistryClient noRetry = SchemaRegistryClients.fromConfig(Map.of(
                SchemaRegistryClients.SCHEMA_REGISTRY_URL, stub.url(), SchemaRegistryClients.HTTP_RETRY_MAX_MS, "0"));

        assertThatThrownBy(() -> noRetry.schemaById(1)).isExactlyInstanceOf(SchemaRegistryUnavailableException.class);

        assertThat(stub.requests).hasSize(1);
    }

    @Test
    void aSchemaOfAnotherTypeMakesTheRecordUndecodable() {
        stub.canned = Canned.json(200, "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}");

        assertThatThrownBy(() -> client(stub.url()).schemaById(7))
                .isExactlyInstanceOf(UndecodableRecordException.class)
                .hasMessage("Schema id 7 is a PROTOBUF schema, not Avro");
    }

    @Test
    void aSchemaTextThatIsNotAvroMakesTheRecordUndecodable() {
        stub.canned = Canned.json(200, "{\"schema\":\"{\\\"type\\\":\\\"no-such-type\\\"}\"}");

        assertThatThrownBy(() -> client(stub.url()).schemaById(7))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageStartingWith("Schema id 7 is not a valid Avro schema: ");
    }

    @Test
    void refusedCredentialsAreAnOutageNamingThem() {
        try (CapturedLog quiet = CapturedLog.of(RestSchemaRegistryClient.class)) {
            for (int status : new int[] {401, 403}) {
                stub.canned = Canned.json(status, "{\"error_code\":" + status + ",\"message\":\"Unauthorized\"}");

                assertThatThrownBy(() -> client(stub.url()).schemaById(1))
                        .isExactlyInstanceOf(SchemaRegistryAuthException.class)
                        .isInstanceOf(SchemaRegistryUnavailableException.class)
                        .hasMessage("Schema registry at " + stub.url() + " refused the credentials: HTTP " + status
                                + " Unauthorized (error code " + status + ")");
            }
        }
    }

    @Test
    void refusedCredentialsAreLoggedAtErrorAtMostOnceAMinute() {
        stub.canned = Canned.json(401, "{\"error_code\":40101,\"message\":\"Unauthorized\"}");
        AtomicLong now = new AtomicLong();
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(
                List.of(stub.url()), null, TIMEOUT, TIMEOUT, Duration.ZERO, now::get, true, null);

        try (CapturedLog log = CapturedLog.of(RestSchemaRegistryClient.class)) {
            for (long second : new long[] {0, 1, 59, 61, 62}) {
                now.set(Duration.ofSeconds(second).toNanos());
                assertThatThrownBy(() -> client.schemaById(1)).isExactlyInstanceOf(SchemaRegistryAuthException.class);
            }

            assertThat(log.lines()).hasSize(2).allSatisfy(line -> {
                assertThat(line.level()).isEqualTo("ERROR");
                assertThat(line.message())
                        .startsWith(
                                "Schema registry at " + stub.url() + " refused the credentials: HTTP 401 Unauthorized");
            });
        }
        assertThat(stub.requests).hasSize(5);
    }

    @Test
    void throttlingIsAnOutage() {
        stub.canned = Canned.json(429, "{\"error_code\":42901,\"message\":\"Too many requests\"}");

        assertThatThrownBy(() -> client(stub.url()).schemaById(1))
                .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessage("Schema registry at " + stub.url()
                        + " is throttling requests: HTTP 429 Too many requests (error code 42901)");
    }

    @Test
    void aRedirectIsAnOutageAndIsNotFollowed() {
        stub.canned = new Canned(302, Map.of("Location", "https://bob:s3cret@login.example/sso"), new byte[0]);

        assertThatThrownBy(() -> client(stub.url()).schemaById(1))
                .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessage("Schema registry at " + stub.url() + " redirected: HTTP 302 to https://login.example/sso"
                        + " (point schema.registry.url at the registry's API itself)");
        assertThat(stub.requests).hasSize(1);
    }

    @Test
    void anHtmlPageIsAnOutageEvenWith200() {
        stub.canned = Canned.html(200, "<html><body>Please log in</body></html>");

        assertThatThrownBy(() -> client(stub.url()).schemaById(1))
                .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessage("Schema registry at " + stub.url()
                        + " answered HTTP 200 with a body that is not the registry's JSON (text/html, 39 bytes)");
    }

    @Test
    void jsonWithoutTheExpectedFieldsIsAnOutage() {
        stub.canned = Canned.json(200, "{\"status\":\"ok\"}");

        assertThatThrownBy(() -> client(stub.url()).schemaById(1))
                .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessage("Schema registry at " + stub.url()
                        + " answered without a \"schema\" string: {\"status\":\"ok\"}");
        assertThatThrownBy(() -> client(stub.url()).register("s-value", CancelCommand.getClassSchema()))
                .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessage("Schema registry at " + stub.url()
                        + " answered without an integer \"id\": {\"status\":\"ok\"}");
    }

    @Test
    void aNotFoundWithoutTheRegistrysSchemaNotFoundCodeIsAnOutage() {
        String wrongPath = stub.url().replace("/apis/ccompat/v7", "/apis/registry/v2");

        assertThatThrownBy(() -> client(wrongPath).schemaById(1))
                .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessage("Schema registry at " + wrongPath
                        + " gave an unexpected answer: HTTP 404 HTTP 404 Not Found (error code 404)");
        stub.canned = Canned.html(404, "<html>Not Found</html>");
        assertThatThrownBy(() -> client(stub.url()).idOf("s-value", CancelCommand.getClassSchema()))
                .isExactlyInstanceOf(SchemaRegistryUnavailableException.class);
    }

    @Test
    void aSubjectThatDoesNotExistIsNotRegistered() {
        stub.canned = Canned.json(404, "{\"error_code\":40401,\"message\":\"Subject s-value not found\"}");

        assertThatThrownBy(() -> client(stub.url()).idOf("s-value", CancelCommand.getClassSchema()))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageStartingWith(
                        "Schema io.controlplane.cancel.avro.CancelCommand is not registered under subject s-value");
    }

    @Test
    void aRefusedRegistrationIsAnOutage() {
        for (int status : new int[] {409, 422}) {
            stub.canned = Canned.json(status, "{\"error_code\":" + status + ",\"message\":\"incompatible\"}");

            assertThatThrownBy(() -> client(stub.url()).register("s-value", CancelCommand.getClassSchema()))
                    .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                    .hasMessage("Schema registry at " + stub.url()
                            + " refuses schema io.controlplane.cancel.avro.CancelCommand under subject s-value: HTTP "
                            + status + " incompatible (error code " + status + ")");
        }
    }

    @Test
    void anAnswerOverTheBodyLimitIsAnOutage() {
        byte[] huge = new byte[RestSchemaRegistryClient.MAX_BODY_BYTES + 1];
        Arrays.fill(huge, (byte) ' ');
        stub.canned = new Canned(200, Map.of("Content-Type", "application/json"), huge);

        assertThatThrownBy(() -> client(stub.url()).schemaById(1))
                .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessage("Schema registry at " + stub.url() + " answered with a body of more than 1048576 bytes");
    }

    @Test
    void anAnswerThatNeverCompletesIsAnOutageAfterTheRequestTimeout() {
        stub.stallBody = true;
        Duration timeout = Duration.ofMillis(300);
        RestSchemaRegistryClient client =
                new RestSchemaRegistryClient(List.of(stub.url()), null, TIMEOUT, timeout, Duration.ZERO);

        assertThatThrownBy(() -> client.schemaById(1))
                .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                .hasMessage("Schema registry at " + stub.url() + " is unreachable: no complete answer within 300 ms");
    }

    @Test
    void aRegistrysTextIsQuotedShortAndOnOneLine() {
        stub.canned = Canned.json(503, "{\"message\":\"line one\\nline two" + "x".repeat(10_000) + "\"}");

        assertThatThrownBy(() -> client(stub.url()).schemaById(1))
                .isExactlyInstanceOf(SchemaRegistryUnavailableException.class)
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain("\n")
                        .hasSizeLessThan(400)
                        .contains("is unavailable: HTTP 503 line one line two"));
    }

    @Test
    void eachOutageIsRetriedWithinTheBudgetAndRiddenOut() {
        RestSchemaRegistryClient client = client(stub.url(), Duration.ofSeconds(5));
        try (CapturedLog quiet = CapturedLog.of(RestSchemaRegistryClient.class)) {
            List<Canned> faults = List.of(
                    Canned.json(401, "{}"),
                    Canned.json(429, "{}"),
                    Canned.html(200, "<html/>"),
                    new Canned(302, Map.of("Location", "/elsewhere"), new byte[0]));
            for (int i = 0; i < faults.size(); i++) {
                int requestsBefore = stub.requests.size();
                int id = i + 1;
                stub.canned = faults.get(i);
                // a fresh id each time: a fetched schema is cached
                CompletableFuture<Schema> schema = CompletableFuture.supplyAsync(() -> client.schemaById(id));

                await().atMost(Duration.ofSeconds(5)).until(() -> stub.requests.size() >= requestsBefore + 2);
                stub.canned = Canned.json(200, "{\"schema\":\"\\\"string\\\"\"}");

                assertThat(schema.join()).isEqualTo(Schema.create(Schema.Type.STRING));
            }
        }
    }

    /** Tries once: these tests are about what a single failure looks like. */
    private static RestSchemaRegistryClient client(String urls) {
        return client(urls, Duration.ZERO);
    }

    private static RestSchemaRegistryClient client(String urls, Duration retryBudget) {
        return new RestSchemaRegistryClient(List.of(urls.split(",")), null, TIMEOUT, TIMEOUT, retryBudget);
    }

    private FramedAvroSerde<CancelCommand> serde(Map<String, String> extraConfig) {
        Map<String, Object> config = new HashMap<>(extraConfig);
        config.put(SchemaRegistryClients.SCHEMA_REGISTRY_URL, stub.url());
        FramedAvroSerde<CancelCommand> serde = new FramedAvroSerde<>(CancelCommand.class);
        serde.configure(config, false);
        return serde;
    }

    /** A port nothing listens on: bound, then released. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
