package io.controlplane.cancel.serde;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Builds a {@link SchemaRegistryClient} from the configuration keys Confluent's serdes use, so
 * that a configuration works unchanged with either serde.
 *
 * <p>REST clients are shared per URL list and credentials: the serdes of every topic then share
 * one HTTP client and one cache, and each schema is fetched once per process.
 */
public final class SchemaRegistryClients {

    /** Comma-separated registry URLs; {@code mock://<scope>} selects an {@link InMemorySchemaRegistry}. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** {@code URL} (default: credentials in the URL, if any) or {@code USER_INFO}. */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    /** {@code user:password}, used when the credentials source is {@code USER_INFO}. */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";

    public static final String HTTP_CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    /** Bound on a whole request, response included. */
    public static final String HTTP_READ_TIMEOUT_MS = "http.read.timeout.ms";
    /** How long a request keeps retrying a registry that cannot be reached before failing; 0 = no retry. */
    public static final String HTTP_RETRY_MAX_MS = "http.retry.max.ms";
    /** Trusted certificates for {@code https://} registries; unset, the JVM's default truststore is used. */
    public static final String SSL_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";

    public static final String SSL_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    /** {@code JKS} (default), {@code PKCS12} or {@code PEM}. */
    public static final String SSL_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    /** This client's own certificate and key, for a registry that asks for one (mutual TLS). */
    public static final String SSL_KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";

    public static final String SSL_KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
    public static final String SSL_KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
    public static final String SSL_KEY_PASSWORD = "schema.registry.ssl.key.password";
    /**
     * {@code true} lets basic-auth credentials go to an {@code http://} registry, where anyone on the
     * path can read them. Default {@code false}: such a configuration is refused.
     */
    public static final String BASIC_AUTH_ALLOW_PLAIN_HTTP = "schema.registry.basic.auth.allow.plain.http";

    // Confluent defaults to 60 s; a stream thread blocked that long misses its poll deadline.
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    // Rides out a registry restart inside the call, yet gives up well before a stream thread's
    // exactly-once transaction times out (transaction.timeout.ms, 10 s in Kafka Streams).
    private static final Duration DEFAULT_RETRY_BUDGET = Duration.ofSeconds(5);
    private static final String MOCK_SCHEME = "mock://";

    private static final Map<RestClientKey, RestSchemaRegistryClient> REST_CLIENTS = new ConcurrentHashMap<>();

    private SchemaRegistryClients() {}

    public static SchemaRegistryClient fromConfig(Map<String, ?> configs) {
        return build(configs, true);
    }

    /**
     * A client of its own for a one-off check (start-up): unshared, and it does not log refused
     * credentials at ERROR, since the caller reports them in its own words.
     */
    public static SchemaRegistryClient forCheck(Map<String, ?> configs) {
        return build(configs, false);
    }

    private static SchemaRegistryClient build(Map<String, ?> configs, boolean shared) {
        List<String> urls = urls(configs);
        if (urls.get(0).startsWith(MOCK_SCHEME)) {
            if (urls.size() > 1) {
                throw new ConfigException(
                        SCHEMA_REGISTRY_URL,
                        RegistryUrls.describe(configs.get(SCHEMA_REGISTRY_URL)),
                        "a mock:// URL cannot be combined with others");
            }
            return InMemorySchemaRegistry.forScope(urls.get(0).substring(MOCK_SCHEME.length()));
        }
        List<String> withoutCredentials = new ArrayList<>();
        String urlUserInfo = null;
        for (String url : urls) {
            URI uri = parse(url, configs);
            if (uri.getRawUserInfo() != null) {
                urlUserInfo = urlUserInfo != null
                        ? urlUserInfo
                        : URLDecoder.decode(uri.getRawUserInfo(), StandardCharsets.UTF_8);
                url = url.replaceFirst(Pattern.quote(uri.getRawUserInfo() + "@"), "");
            }
            withoutCredentials.add(url);
        }
        String authorization = authorization(configs, urlUserInfo);
        if (authorization != null) {
            refuseCredentialsInClear(configs, withoutCredentials);
        }
        RestClientKey key = new RestClientKey(
                withoutCredentials,
                authorization,
                duration(configs, HTTP_CONNECT_TIMEOUT_MS, DEFAULT_TIMEOUT, false),
                duration(configs, HTTP_READ_TIMEOUT_MS, DEFAULT_TIMEOUT, false),
                duration(configs, HTTP_RETRY_MAX_MS, DEFAULT_RETRY_BUDGET, true),
                RegistryTls.from(configs));
        if (!shared) {
            return newClient(key, false);
        }
        return REST_CLIENTS.computeIfAbsent(key, k -> newClient(k, true));
    }

    private static RestSchemaRegistryClient newClient(RestClientKey key, boolean logsRefusedCredentials) {
        return new RestSchemaRegistryClient(
                key.urls,
                key.authorization,
                key.connectTimeout,
                key.requestTimeout,
                key.retryBudget,
                System::nanoTime,
                logsRefusedCredentials,
                key.tls.sslContext());
    }

    /**
     * Basic auth sends the password itself with every request: over {@code http://} anyone on the
     * path reads it. Refused unless explicitly allowed (a test registry on the loopback, say).
     */
    private static void refuseCredentialsInClear(Map<String, ?> configs, List<String> urls) {
        Object allowed = configs.get(BASIC_AUTH_ALLOW_PLAIN_HTTP);
        if (allowed != null && (Boolean) ConfigDef.parseType(BASIC_AUTH_ALLOW_PLAIN_HTTP, allowed, Type.BOOLEAN)) {
            return;
        }
        for (String url : urls) {
            if (url.regionMatches(true, 0, "http://", 0, "http://".length())) {
                throw new ConfigException(
                        SCHEMA_REGISTRY_URL,
                        RegistryUrls.describe(configs.get(SCHEMA_REGISTRY_URL)),
                        "basic-auth credentials would be sent unencrypted over http://; use https://, or set "
                                + BASIC_AUTH_ALLOW_PLAIN_HTTP + "=true to allow it");
            }
        }
    }

    private static List<String> urls(Map<String, ?> configs) {
        Object value = configs.get(SCHEMA_REGISTRY_URL);
        List<String> urls = (value instanceof List<?> list
                        ? list.stream().map(String::valueOf)
                        : Arrays.stream(String.valueOf(value).split(",")))
                .map(String::trim)
                .filter(u -> !u.isEmpty())
                .toList();
        if (value == null || urls.isEmpty()) {
            throw new ConfigException("Missing required configuration \"" + SCHEMA_REGISTRY_URL
                    + "\": the Confluent-framed Avro serde needs a schema registry (http(s)://... or mock://<scope>)");
        }
        return urls;
    }

    /** Error messages name the URL without its user-info, and never quote the text around a bad character. */
    private static URI parse(String url, Map<String, ?> configs) {
        String problem;
        try {
            URI uri = new URI(url);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
            problem = "expected http://, https:// or mock://";
        } catch (URISyntaxException e) {
            problem = e.getReason() + (e.getIndex() >= 0 ? " at index " + e.getIndex() : "");
        }
        throw new ConfigException(
                SCHEMA_REGISTRY_URL,
                RegistryUrls.describe(configs.get(SCHEMA_REGISTRY_URL)),
                "bad URL " + RegistryUrls.withoutUserInfo(url) + ": " + problem);
    }

    private static String authorization(Map<String, ?> configs, String urlUserInfo) {
        Object source = configs.get(BASIC_AUTH_CREDENTIALS_SOURCE);
        String userInfo;
        if (source == null || "URL".equals(String.valueOf(source))) {
            userInfo = urlUserInfo;
        } else if ("USER_INFO".equals(String.valueOf(source))) {
            Object configured = configs.get(BASIC_AUTH_USER_INFO);
            if (configured == null || !String.valueOf(configured).contains(":")) {
                throw new ConfigException(BASIC_AUTH_USER_INFO + " must be \"user:password\" when "
                        + BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO");
            }
            userInfo = String.valueOf(configured);
        } else {
            throw new ConfigException(BASIC_AUTH_CREDENTIALS_SOURCE, source, "supported: URL, USER_INFO");
        }
        return userInfo == null
                ? null
                : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    private static Duration duration(Map<String, ?> configs, String key, Duration defaultValue, boolean zeroAllowed) {
        Object value = configs.get(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            long millis = value instanceof Number n
                    ? n.longValue()
                    : Long.parseLong(String.valueOf(value).trim());
            if (millis < 0 || millis == 0 && !zeroAllowed) {
                throw new NumberFormatException("out of range");
            }
            return Duration.ofMillis(millis);
        } catch (NumberFormatException e) {
            throw new ConfigException(
                    key,
                    value,
                    zeroAllowed
                            ? "expected a number of milliseconds, 0 or more"
                            : "expected a positive number of milliseconds");
        }
    }

    private record RestClientKey(
            List<String> urls,
            String authorization,
            Duration connectTimeout,
            Duration requestTimeout,
            Duration retryBudget,
            RegistryTls tls) {}
}
