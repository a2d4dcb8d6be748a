package io.controlplane.cancel.config;

import io.controlplane.cancel.avro.CancelMode;
import io.controlplane.cancel.decision.CancelPolicy;
import io.controlplane.cancel.decision.DeadlinePolicy;
import io.controlplane.cancel.errors.DeadLetters;
import io.controlplane.cancel.identity.CommandIdentity;
import io.controlplane.cancel.identity.IdentityMode;
import io.controlplane.cancel.identity.IdentitySettings;
import io.controlplane.cancel.serde.FramedAvroSerde;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.serialization.Serde;

/**
 * The processor's own settings. Every other key (Kafka Streams, clients, schema registry) is passed
 * through untouched, so one properties file configures everything.
 */
public final class CancelProcessorConfig extends AbstractConfig {

    public static final String COMMANDS_TOPIC = CancelTopic.COMMANDS.configKey();
    public static final String RUN_STATES_TOPIC = CancelTopic.RUN_STATES.configKey();
    public static final String OPERATORS_TOPIC = CancelTopic.OPERATORS.configKey();
    public static final String RUN_STATE_CHANGES_TOPIC = CancelTopic.RUN_STATE_CHANGES.configKey();
    public static final String REJECTIONS_TOPIC = CancelTopic.REJECTIONS.configKey();
    public static final String DLQ_TOPIC = CancelTopic.DLQ.configKey();
    public static final String BULK_TOPIC = CancelTopic.BULK.configKey();
    public static final String BULK_PROGRESS_TOPIC = CancelTopic.BULK_PROGRESS.configKey();
    public static final String REQUIRED_ROLE = "cancel.required.role";
    public static final String NOT_FOUND_GRACE_MS = "cancel.not-found.grace.ms";
    public static final String DEDUP_RETENTION_MS = "cancel.dedup.retention.ms";
    public static final String VALUE_SERDE = "cancel.value.serde";
    public static final String STARTUP_TIMEOUT_MS = "cancel.startup.timeout.ms";
    public static final String HEALTH_FILE = "cancel.health.file";
    public static final String DLQ_STRIP_HEADERS = DeadLetters.STRIP_HEADERS_CONFIG;
    public static final String MAX_FAILURES_PER_RECORD = "cancel.thread.max-failures-per-record";
    public static final String PARTITIONER = "cancel.partitioner";
    public static final String ROCKSDB_MEMORY_BYTES = "cancel.rocksdb.memory.bytes";
    public static final String IDENTITY_MODE = "cancel.identity.mode";
    public static final String IDENTITY_JWKS_URL = "cancel.identity.jwks.url";
    public static final String IDENTITY_JWKS_REFRESH_MS = "cancel.identity.jwks.refresh.ms";
    public static final String IDENTITY_ALGORITHMS = "cancel.identity.algorithms";
    public static final String IDENTITY_ISSUER = "cancel.identity.issuer";
    public static final String IDENTITY_AUDIENCE = "cancel.identity.audience";
    public static final String IDENTITY_CLOCK_SKEW_MS = "cancel.identity.clock-skew.ms";
    public static final String HTTP_PORT = "cancel.http.port";
    public static final String HTTP_HOST = "cancel.http.host";
    public static final String HTTP_QUERY_TOKEN = "cancel.http.query.token";
    public static final String CASCADE = "cancel.cascade";
    public static final String CASCADE_CHILDREN = "children";
    public static final String CASCADE_OFF = "off";
    public static final String BULK_PAGE_SIZE = "cancel.bulk.page-size";
    public static final String BULK_RATE = "cancel.bulk.rate";
    public static final String BULK_MAX_ACTIVE = "cancel.bulk.max-active";
    public static final String GRACEFUL_TIMEOUT_MS = "cancel.graceful.timeout.ms";
    public static final String GRACEFUL_MAX_TIMEOUT_MS = "cancel.graceful.max-timeout.ms";
    public static final String SCHEDULE_MAX_HORIZON_MS = "cancel.schedule.max-horizon.ms";
    public static final String DEADLINE_ACTOR = "cancel.deadline.actor";
    public static final String DEADLINE_MODE = "cancel.deadline.mode";
    public static final String DEADLINE_MODE_FORCE = "force";
    public static final String DEADLINE_MODE_GRACEFUL = "graceful";
    public static final String LOG_FORMAT = "cancel.log.format";
    public static final String LOG_FORMAT_TEXT = "text";
    public static final String LOG_FORMAT_JSON = "json";
    public static final String UNSAFE_ALLOW_PROCESSING_GUARANTEE = Safeguard.PROCESSING_GUARANTEE.switchKey();
    public static final String UNSAFE_ALLOW_EXCEPTION_HANDLERS = Safeguard.EXCEPTION_HANDLERS.switchKey();
    public static final String UNSAFE_ALLOW_DEAD_LETTER_QUEUE = Safeguard.DEAD_LETTER_QUEUE.switchKey();
    public static final String UNSAFE_ALLOW_TIMESTAMP_EXTRACTOR = Safeguard.TIMESTAMP_EXTRACTOR.switchKey();

    private static final ConfigDef DEFINITION = unsafeSwitches(topicNames(new ConfigDef())
            .define(
                    REQUIRED_ROLE,
                    Type.STRING,
                    "admin",
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "The role an actor's grant must hold (the contract's policy.auth).")
            .define(
                    NOT_FOUND_GRACE_MS,
                    Type.LONG,
                    10_000L,
                    ConfigDef.Range.atLeast(0),
                    Importance.MEDIUM,
                    "How long a command waits for its run's state before EXECUTION_NOT_FOUND; 0 = no wait.")
            .define(
                    DEDUP_RETENTION_MS,
                    Type.LONG,
                    Duration.ofHours(24).toMillis(),
                    ConfigDef.Range.atLeast(1),
                    Importance.MEDIUM,
                    "How long a decided commandId is remembered so that a repeat produces nothing.")
            .define(
                    STARTUP_TIMEOUT_MS,
                    Type.LONG,
                    15_000L,
                    ConfigDef.Range.atLeast(1),
                    Importance.LOW,
                    "How long the start-up checks wait for Kafka before giving up with one clear line.")
            .define(
                    VALUE_SERDE,
                    Type.CLASS,
                    FramedAvroSerde.class,
                    Importance.LOW,
                    "Serde class for Avro record values, e.g. Confluent's "
                            + "io.confluent.kafka.streams.serdes.avro.SpecificAvroSerde.")
            .define(
                    DLQ_STRIP_HEADERS,
                    Type.LIST,
                    "",
                    Importance.MEDIUM,
                    "Record headers removed from every dead letter because they carry credentials; " + "'"
                            + CommandIdentity.AUTHORIZATION_HEADER + "' is always removed.")
            .define(
                    MAX_FAILURES_PER_RECORD,
                    Type.INT,
                    5,
                    ConfigDef.Range.atLeast(1),
                    Importance.MEDIUM,
                    "How many times in a row a stream thread may fail on the same record (and be "
                            + "replaced) before the processor stops with exit code 1, naming the record. A schema "
                            + "registry outage is not counted: it is waited out.")
            .define(
                    HEALTH_FILE,
                    Type.STRING,
                    "",
                    Importance.LOW,
                    "A file touched every 5 s while the processor is processing, read by "
                            + "`cancel-processor health`; empty = none.")
            .define(
                    ROCKSDB_MEMORY_BYTES,
                    Type.LONG,
                    0L,
                    ConfigDef.Range.atLeast(0),
                    Importance.MEDIUM,
                    "Off-heap memory shared by all the processor's RocksDB stores (block cache, index and "
                            + "filter blocks, memtables at most half); 0 = each store its own (Kafka Streams' sizes). "
                            + "Applied by the default rocksdb.config.setter, so ignored when another is set.")
            .define(
                    PARTITIONER,
                    Type.STRING,
                    KeyPartitioner.MURMUR2.configName(),
                    ConfigDef.CaseInsensitiveValidString.in(KeyPartitioner.configNames()),
                    Importance.MEDIUM,
                    "How the producers of run states and keyed commands partition by key: "
                            + "murmur2 (Kafka's Java client) or crc32 (librdkafka's default, consistent_random). "
                            + "Unkeyed commands are re-keyed the same way, so that they meet their run's state.")
            .define(
                    IDENTITY_MODE,
                    Type.STRING,
                    IdentityMode.TRUSTED.configName(),
                    ConfigDef.CaseInsensitiveValidString.in(IdentityMode.configNames()),
                    Importance.HIGH,
                    "trusted: a command's cancelledBy is taken as written, and the commands topic's "
                            + "ACLs are the trust boundary; signed: every command must carry a signed JWT of its "
                            + "actor in its 'authorization' header ('Bearer <token>').")
            .define(
                    IDENTITY_JWKS_URL,
                    Type.STRING,
                    "",
                    Importance.HIGH,
                    "Signed mode: the issuer's public keys (a JWKS), an https: or a file: URL.")
            .define(
                    IDENTITY_JWKS_REFRESH_MS,
                    Type.LONG,
                    Duration.ofMinutes(5).toMillis(),
                    ConfigDef.Range.atLeast(1),
                    Importance.MEDIUM,
                    "Signed mode: how often the JWKS is read again in the background; a token "
                            + "naming an unknown key id also asks for one early read, at most every 30 s.")
            .define(
                    IDENTITY_ALGORITHMS,
                    Type.LIST,
                    "RS256,ES256,EdDSA",
                    CancelProcessorConfig::checkAlgorithms,
                    Importance.MEDIUM,
                    "Signed mode: the signature algorithms accepted. 'none' and the HMAC " + "algorithms are refused.")
            .define(
                    IDENTITY_ISSUER,
                    Type.STRING,
                    "",
                    Importance.HIGH,
                    "Signed mode (required): the 'iss' every token must have.")
            .define(
                    IDENTITY_AUDIENCE,
                    Type.STRING,
                    "controlplane.execution.cancel",
                    new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM,
                    "Signed mode: a value every token's 'aud' must contain.")
            .define(
                    IDENTITY_CLOCK_SKEW_MS,
                    Type.LONG,
                    60_000L,
                    ConfigDef.Range.atLeast(0),
                    Importance.MEDIUM,
                    "Signed mode: how far a token's exp and nbf may be off the processor's clock.")
            .define(
                    HTTP_PORT,
                    Type.INT,
                    8080,
                    ConfigDef.Range.between(0, 65535),
                    Importance.MEDIUM,
                    "The port of the HTTP endpoints (/health/live, /health/ready, /metrics, "
                            + "/executions/{id}); 0 = no HTTP server.")
            .define(
                    HTTP_HOST,
                    Type.STRING,
                    "0.0.0.0",
                    new ConfigDef.NonEmptyString(),
                    Importance.LOW,
                    "The address the HTTP server listens on.")
            .define(
                    HTTP_QUERY_TOKEN,
                    Type.PASSWORD,
                    null,
                    Importance.MEDIUM,
                    "The bearer token GET /executions/{id} requires (it shows tenant data); unset = that "
                            + "endpoint is off and answers 404.")
            .define(
                    CASCADE,
                    Type.STRING,
                    CASCADE_CHILDREN,
                    ConfigDef.CaseInsensitiveValidString.in(CASCADE_CHILDREN, CASCADE_OFF),
                    Importance.MEDIUM,
                    "children: cancelling a run also cancels its descendants in the same tenant (run states "
                            + "name their parent in parentExecutionId); off: only the run itself.")
            .define(
                    BULK_PAGE_SIZE,
                    Type.INT,
                    500,
                    ConfigDef.Range.between(1, 100_000),
                    Importance.LOW,
                    "Bulk cancel: at most this many runs looked at per bulk in one turn of a task, between "
                            + "its other records, so that single cancels keep flowing.")
            .define(
                    BULK_RATE,
                    Type.INT,
                    2_000,
                    ConfigDef.Range.atLeast(1),
                    Importance.MEDIUM,
                    "Bulk cancel: at most this many cancellations a second per task, over all its bulks.")
            .define(
                    BULK_MAX_ACTIVE,
                    Type.INT,
                    16,
                    ConfigDef.Range.between(1, 1_000),
                    Importance.LOW,
                    "Bulk cancel: at most this many bulks run at once per task; more wait their turn.")
            .define(
                    GRACEFUL_TIMEOUT_MS,
                    Type.LONG,
                    Duration.ofMinutes(5).toMillis(),
                    ConfigDef.Range.atLeast(0),
                    Importance.MEDIUM,
                    "How long a GRACEFUL cancel without graceMs waits for upstream to report the run ended "
                            + "before the processor forces it (CANCELLED, escalated).")
            .define(
                    GRACEFUL_MAX_TIMEOUT_MS,
                    Type.LONG,
                    Duration.ofHours(24).toMillis(),
                    ConfigDef.Range.atLeast(0),
                    Importance.LOW,
                    "The longest graceMs a GRACEFUL cancel may ask for; more is INVALID_COMMAND.")
            .define(
                    SCHEDULE_MAX_HORIZON_MS,
                    Type.LONG,
                    Duration.ofDays(30).toMillis(),
                    ConfigDef.Range.atLeast(0),
                    Importance.LOW,
                    "How far ahead a command's notBefore may be; further is INVALID_COMMAND.")
            .define(
                    DEADLINE_ACTOR,
                    Type.STRING,
                    "controlplane:deadline",
                    new ConfigDef.NonEmptyString(),
                    Importance.LOW,
                    "The cancelledBy of the cancellations the processor makes when a run's deadlineAt passes.")
            .define(
                    DEADLINE_MODE,
                    Type.STRING,
                    DEADLINE_MODE_FORCE,
                    ConfigDef.CaseInsensitiveValidString.in(DEADLINE_MODE_FORCE, DEADLINE_MODE_GRACEFUL),
                    Importance.LOW,
                    "How a passed deadline cancels its run: force, or graceful with cancel.graceful.timeout.ms.")
            .define(
                    LOG_FORMAT,
                    Type.STRING,
                    LOG_FORMAT_TEXT,
                    ConfigDef.CaseInsensitiveValidString.in(LOG_FORMAT_TEXT, LOG_FORMAT_JSON),
                    Importance.LOW,
                    "text: log lines as log4j2.properties lays them out; json: one JSON object per log line "
                            + "(log4j2-json.properties), with the decided command's ids, for log collectors."));

    /** {@link #LOG_FORMAT} alone, as {@link #DEFINITION} declares it: see {@link #logsJson(Map)}. */
    private static final ConfigDef LOG_FORMAT_ONLY =
            new ConfigDef().define(DEFINITION.configKeys().get(LOG_FORMAT));

    /** One setting per declared topic, its name. */
    private static ConfigDef topicNames(ConfigDef definition) {
        for (CancelTopic<?> topic : CancelTopic.ALL) {
            definition.define(
                    topic.configKey(), Type.STRING, topic.defaultName(), Importance.HIGH, topic.description());
        }
        return definition;
    }

    /** One switch per safeguard, off: see {@link Safeguard}. */
    private static ConfigDef unsafeSwitches(ConfigDef definition) {
        for (Safeguard safeguard : Safeguard.values()) {
            definition.define(safeguard.switchKey(), Type.BOOLEAN, false, Importance.LOW, safeguard.switchDoc());
        }
        return definition;
    }

    public CancelProcessorConfig(Map<?, ?> originals) {
        super(DEFINITION, originals, false);
        identity();
        if (getLong(GRACEFUL_TIMEOUT_MS) > getLong(GRACEFUL_MAX_TIMEOUT_MS)) {
            throw new ConfigException(
                    GRACEFUL_TIMEOUT_MS,
                    getLong(GRACEFUL_TIMEOUT_MS),
                    "the default grace must not be longer than " + GRACEFUL_MAX_TIMEOUT_MS + " ("
                            + getLong(GRACEFUL_MAX_TIMEOUT_MS) + ")");
        }
    }

    private static void checkAlgorithms(String name, Object value) {
        try {
            IdentitySettings.algorithms(castToStrings(value));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> castToStrings(Object value) {
        return (List<String>) value;
    }

    public static ConfigDef definition() {
        return DEFINITION;
    }

    /**
     * Whether {@code cancel.log.format} is {@code json}: the one setting read, and checked, before the
     * others, so that whatever is wrong with them is logged in the format asked for.
     *
     * @throws ConfigException when it is neither text nor json (in any case)
     */
    public static boolean logsJson(Map<?, ?> settings) {
        return LOG_FORMAT_JSON.equalsIgnoreCase(
                (String) LOG_FORMAT_ONLY.parse(settings).get(LOG_FORMAT));
    }

    /** The off-heap budget all RocksDB stores share; empty = each store has its own (Kafka Streams' sizes). */
    public OptionalLong rocksDbMemoryBytes() {
        long bytes = getLong(ROCKSDB_MEMORY_BYTES);
        return bytes == 0 ? OptionalLong.empty() : OptionalLong.of(bytes);
    }

    public String commandsTopic() {
        return CancelTopic.COMMANDS.name(this);
    }

    public String runStatesTopic() {
        return CancelTopic.RUN_STATES.name(this);
    }

    public String operatorsTopic() {
        return CancelTopic.OPERATORS.name(this);
    }

    public String runStateChangesTopic() {
        return CancelTopic.RUN_STATE_CHANGES.name(this);
    }

    public String rejectionsTopic() {
        return CancelTopic.REJECTIONS.name(this);
    }

    public String dlqTopic() {
        return CancelTopic.DLQ.name(this);
    }

    public BulkPacing bulkPacing() {
        return new BulkPacing(getInt(BULK_PAGE_SIZE), getInt(BULK_RATE), getInt(BULK_MAX_ACTIVE));
    }

    public CancelPolicy policy() {
        return new CancelPolicy(
                getString(REQUIRED_ROLE),
                notFoundGrace(),
                new CancelPolicy.Timing(
                        Duration.ofMillis(getLong(GRACEFUL_TIMEOUT_MS)),
                        Duration.ofMillis(getLong(GRACEFUL_MAX_TIMEOUT_MS)),
                        Duration.ofMillis(getLong(SCHEDULE_MAX_HORIZON_MS))));
    }

    /** Who cancels a run whose deadline passed, and how. */
    public DeadlinePolicy deadlinePolicy() {
        return new DeadlinePolicy(
                getString(DEADLINE_ACTOR),
                DEADLINE_MODE_GRACEFUL.equalsIgnoreCase(getString(DEADLINE_MODE))
                        ? CancelMode.GRACEFUL
                        : CancelMode.FORCE);
    }

    public Duration notFoundGrace() {
        return Duration.ofMillis(getLong(NOT_FOUND_GRACE_MS));
    }

    public Duration dedupRetention() {
        return Duration.ofMillis(getLong(DEDUP_RETENTION_MS));
    }

    public Duration startupTimeout() {
        return Duration.ofMillis(getLong(STARTUP_TIMEOUT_MS));
    }

    public Optional<Path> healthFile() {
        String file = getString(HEALTH_FILE).trim();
        return file.isEmpty() ? Optional.empty() : Optional.of(Path.of(file));
    }

    public int maxFailuresPerRecord() {
        return getInt(MAX_FAILURES_PER_RECORD);
    }

    public IdentityMode identityMode() {
        return IdentityMode.fromConfigName(getString(IDENTITY_MODE));
    }

    /**
     * How signed commands are verified; empty in trusted mode.
     *
     * @throws ConfigException in signed mode without an issuer or an https:/file: JWKS URL
     */
    public Optional<IdentitySettings> identity() {
        if (identityMode() == IdentityMode.TRUSTED) {
            return Optional.empty();
        }
        String url = getString(IDENTITY_JWKS_URL).trim();
        try {
            return Optional.of(new IdentitySettings(
                    url.isEmpty() ? null : URI.create(url),
                    Duration.ofMillis(getLong(IDENTITY_JWKS_REFRESH_MS)),
                    IdentitySettings.algorithms(getList(IDENTITY_ALGORITHMS)),
                    getString(IDENTITY_ISSUER).trim(),
                    getString(IDENTITY_AUDIENCE),
                    Duration.ofMillis(getLong(IDENTITY_CLOCK_SKEW_MS))));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(IDENTITY_MODE + "=signed needs " + IDENTITY_ISSUER + " and " + IDENTITY_JWKS_URL
                    + ": " + e.getMessage());
        }
    }

    /** The HTTP server's port; empty = no server. */
    public OptionalInt httpPort() {
        int port = getInt(HTTP_PORT);
        return port == 0 ? OptionalInt.empty() : OptionalInt.of(port);
    }

    public String httpHost() {
        return getString(HTTP_HOST).trim();
    }

    /** The query endpoint's bearer token; empty = the endpoint is off. */
    public Optional<Password> queryToken() {
        Password token = getPassword(HTTP_QUERY_TOKEN);
        return token == null || token.value().isEmpty() ? Optional.empty() : Optional.of(token);
    }

    /** Whether cancelling a run also cancels its descendants (cancel.cascade=children). */
    public boolean cascadesToChildren() {
        return getString(CASCADE).equalsIgnoreCase(CASCADE_CHILDREN);
    }

    public KeyPartitioner partitioner() {
        return KeyPartitioner.fromConfigName(getString(PARTITIONER));
    }

    @SuppressWarnings("unchecked")
    public Class<? extends Serde<?>> valueSerdeClass() {
        return (Class<? extends Serde<?>>) getClass(VALUE_SERDE);
    }

    /** The topic configs {@code topic} is created with, for this configuration's largest produced record. */
    public Map<String, String> topicConfigs(CancelTopic<?> topic) {
        return topic.topicConfigs(StreamsProperties.maxRequestSize(originals()));
    }
}
