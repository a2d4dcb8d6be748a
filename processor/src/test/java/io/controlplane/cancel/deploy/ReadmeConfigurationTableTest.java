package io.controlplane.cancel.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.config.CancelProcessorConfig;
import io.controlplane.cancel.config.StreamsProperties;
import io.controlplane.cancel.serde.FramedAvroSerializer;
import io.controlplane.cancel.serde.SchemaRegistryClients;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * README's "Configuration" table (columns key, type, default, meaning) is written for readers; this
 * holds every row of it to the declaration of its key.
 *
 * <p>The rules, one per kind of key a row may name:
 *
 * <ul>
 *   <li><b>{@code cancel.*}</b>: the processor's own settings, declared by {@link
 *       CancelProcessorConfig#definition()}. Every key that ConfigDef defines has exactly one row, of its
 *       own (one key per row); a {@code cancel.*} row it does not define fails. The type cell is the
 *       ConfigDef's type in lower case ({@code string}, {@code int}, {@code long}, {@code boolean},
 *       {@code list}, {@code password}, {@code class}), and the default cell is the ConfigDef's default,
 *       written one of four ways: {@code `value`} (then anything after it must be a remark in
 *       parentheses, so {@code `86400000` (24 h)} means 86400000, compared after parsing as the type:
 *       {@code `RS256,ES256,EdDSA`} is a list), {@code empty} (the empty string or list), {@code unset}
 *       (a null default) or {@code —} (no default: required); each may be followed by a remark in
 *       parentheses.
 *   <li><b>Schema registry keys</b>: those the product's registry client and serializer read,
 *       declared as the public String constants of {@link SchemaRegistryClients} and {@link
 *       FramedAvroSerializer#AUTO_REGISTER_SCHEMAS}. A row may name several ({@code `a.b.location`,
 *       `.password`} is {@code a.b.location} and {@code a.b.password}); a name that is none of them fails.
 *       They have no ConfigDef, so their type and default cells are not checked.
 *   <li><b>Kafka keys</b>: any other key must be a setting of Kafka Streams or of its clients ({@link
 *       StreamsConfig}, {@link ConsumerConfig}, {@link ProducerConfig}, {@link AdminClientConfig}); a
 *       mistyped one fails. The type cell is Kafka's type for it. The default cell is checked only
 *       where this product sets its own default ({@link StreamsProperties}: {@code application.id},
 *       {@code processing.guarantee}): then it is that default, as {@code `value`}; elsewhere it says in
 *       words what a reader needs (Kafka's default, the deployment's value) and is not checked.
 * </ul>
 *
 * A key named in two rows fails whatever its kind.
 */
class ReadmeConfigurationTableTest {

    private static final Path README = Path.of("..", "README.md");
    private static final String HEADING = "### Configuration";
    private static final Pattern CODE_SPAN = Pattern.compile("`([^`]*)`");
    /** A default cell: a value, or a word for one, then at most a remark in parentheses. */
    private static final Pattern DEFAULT_CELL =
            Pattern.compile("(?:`(?<value>[^`]*)`|(?<word>empty|unset|—))(?:\\s+\\(.*\\))?");

    private static final Properties PRODUCT_DEFAULTS = StreamsProperties.from(Map.of());
    private static final Set<String> REGISTRY_KEYS = registryKeys();

    private static List<String> readme;

    @BeforeAll
    static void read() throws IOException {
        readme = Files.readAllLines(README);
    }

    @Test
    void everyRowIsHeldToTheDeclarationOfItsKeys() {
        assertThat(problems(readme)).isEmpty();
    }

    /** That the check above can fail: README with one fact broken, and the problem it must report. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenReadmes")
    void aBrokenTableIsReported(String broken, UnaryOperator<List<String>> edit, String problem) {
        assertThat(problems(edit.apply(new ArrayList<>(readme))))
                .anySatisfy(p -> assertThat(p).contains(problem));
    }

    static Stream<Arguments> brokenReadmes() {
        return Stream.of(
                Arguments.of(
                        "a ConfigDef key without its row",
                        removingRowOf(CancelProcessorConfig.LOG_FORMAT),
                        "`cancel.log.format`: defined by CancelProcessorConfig, but has no row"),
                Arguments.of(
                        "a cancel.* row the ConfigDef does not define",
                        replacing("`cancel.http.host`", "`cancel.http.hostname`"),
                        "`cancel.http.hostname`: not a setting CancelProcessorConfig defines"),
                Arguments.of(
                        "a wrong default",
                        replacing("`86400000` (24 h)", "`8640000` (24 h)"),
                        "`cancel.dedup.retention.ms`: README's default is 8640000, CancelProcessorConfig's 86400000"),
                Arguments.of(
                        "a default that is not of the type",
                        replacing("| `cancel.http.port` | int | `8080` |", "| `cancel.http.port` | int | empty |"),
                        "`cancel.http.port`: README's default '' is not of type int"),
                Arguments.of(
                        "a required key documented with a default",
                        replacing(
                                "| `cancel.identity.issuer` | string | empty",
                                "| `cancel.identity.issuer` | string | —"),
                        "`cancel.identity.issuer`: README says it has no default, CancelProcessorConfig's is ''"),
                Arguments.of(
                        "an unreadable default",
                        replacing("`8080` |", "8080 |"),
                        "`cancel.http.port`: unreadable default '8080'"),
                Arguments.of(
                        "a wrong type",
                        replacing("| `cancel.http.query.token` | password |", "| `cancel.http.query.token` | string |"),
                        "`cancel.http.query.token`: README's type is string, CancelProcessorConfig's password"),
                Arguments.of(
                        "a mistyped Kafka key",
                        replacing("`session.timeout.ms`", "`session.timeout.msec`"),
                        "`session.timeout.msec`: neither a cancel.* setting, a schema registry key nor"),
                Arguments.of(
                        "a Kafka key of the wrong type",
                        replacing("| `bootstrap.servers` | list |", "| `bootstrap.servers` | string |"),
                        "`bootstrap.servers`: README's type is string, Kafka's list"),
                Arguments.of(
                        "a product default of Kafka's that is not the product's",
                        replacing("`exactly_once_v2` |", "`at_least_once` |"),
                        "`processing.guarantee`: README's default is at_least_once, StreamsProperties' exactly_once_v2"),
                Arguments.of(
                        "a mistyped registry key",
                        replacing("`.password`, `.type` |", "`.passwd`, `.type` |"),
                        "`schema.registry.ssl.truststore.passwd`: neither"),
                Arguments.of(
                        "a key in two rows",
                        duplicatingRowOf(CancelProcessorConfig.HTTP_HOST),
                        "`cancel.http.host`: 2 rows"));
    }

    /** What is wrong with the configuration table of {@code readmeLines}; empty when nothing is. */
    static List<String> problems(List<String> readmeLines) {
        List<String> problems = new ArrayList<>();
        Map<String, ConfigKey> declared = CancelProcessorConfig.definition().configKeys();
        Map<String, Integer> rowsPerKey = new LinkedHashMap<>();
        for (Row row : table(readmeLines, problems)) {
            row.keys().forEach(key -> rowsPerKey.merge(key, 1, Integer::sum));
            for (int i = 0; i < row.keys().size(); i++) {
                String key = row.keys().get(i);
                String type = row.types().get(row.types().size() == 1 ? 0 : i);
                if (key.startsWith("cancel.")) {
                    if (!declared.containsKey(key)) {
                        problems.add(quoted(key) + ": not a setting CancelProcessorConfig defines");
                    } else if (row.keys().size() > 1) {
                        problems.add(quoted(key) + ": a setting of CancelProcessorConfig needs a row of its own");
                    } else {
                        checkAgainstConfigDef(declared.get(key), type, row.defaultCell(), problems);
                    }
                } else if (!REGISTRY_KEYS.contains(key)) {
                    Optional<ConfigKey> kafka = kafkaKey(key);
                    if (kafka.isEmpty()) {
                        problems.add(quoted(key) + ": neither a cancel.* setting, a schema registry key nor a Kafka "
                                + "Streams or client setting");
                    } else {
                        checkAgainstKafka(kafka.get(), type, row, problems);
                    }
                }
            }
        }
        rowsPerKey.forEach((key, rows) -> {
            if (rows > 1) {
                problems.add(quoted(key) + ": " + rows + " rows");
            }
        });
        declared.keySet().stream()
                .filter(key -> !rowsPerKey.containsKey(key))
                .forEach(key -> problems.add(quoted(key) + ": defined by CancelProcessorConfig, but has no row"));
        return problems;
    }

    private static void checkAgainstConfigDef(ConfigKey key, String type, String defaultCell, List<String> problems) {
        String declaredType = typeName(key.type);
        if (!type.equals(declaredType)) {
            problems.add(quoted(key.name) + ": README's type is " + type + ", CancelProcessorConfig's " + declaredType);
        }
        Matcher cell = DEFAULT_CELL.matcher(defaultCell);
        if (!cell.matches()) {
            problems.add(quoted(key.name) + ": unreadable default '" + defaultCell
                    + "' (write `value`, empty, unset or —, then at most a remark in parentheses)");
            return;
        }
        String word = cell.group("word");
        String declaredDefault = key.hasDefault() ? ConfigDef.convertToString(key.defaultValue, key.type) : null;
        if ("—".equals(word)) {
            if (key.hasDefault()) {
                problems.add(quoted(key.name) + ": README says it has no default, CancelProcessorConfig's is '"
                        + declaredDefault + "'");
            }
            return;
        }
        if (!key.hasDefault()) {
            problems.add(quoted(key.name) + ": README gives a default, CancelProcessorConfig has none (write —)");
            return;
        }
        if ("unset".equals(word)) {
            if (key.defaultValue != null) {
                problems.add(quoted(key.name) + ": README says unset, CancelProcessorConfig's default is '"
                        + declaredDefault + "'");
            }
            return;
        }
        String text = "empty".equals(word) ? "" : cell.group("value");
        Object documented;
        try {
            documented = ConfigDef.parseType(key.name, text, key.type);
        } catch (ConfigException e) {
            problems.add(quoted(key.name) + ": README's default '" + text + "' is not of type " + typeName(key.type));
            return;
        }
        if (!Objects.equals(documented, key.defaultValue)) {
            problems.add(quoted(key.name) + ": README's default is " + text + ", CancelProcessorConfig's "
                    + declaredDefault);
        }
    }

    /** Kafka's type; and where this product sets its own default over Kafka's, that default. */
    private static void checkAgainstKafka(ConfigKey key, String type, Row row, List<String> problems) {
        String kafkaType = typeName(key.type);
        if (!type.equals(kafkaType)) {
            problems.add(quoted(key.name) + ": README's type is " + type + ", Kafka's " + kafkaType);
        }
        Object productDefault = PRODUCT_DEFAULTS.get(key.name);
        if (productDefault == null) {
            return;
        }
        Matcher cell = DEFAULT_CELL.matcher(row.defaultCell());
        String documented = row.keys().size() == 1 && cell.matches() ? cell.group("value") : null;
        if (!String.valueOf(productDefault).equals(documented)) {
            problems.add(quoted(key.name) + ": README's default is "
                    + (documented == null ? row.defaultCell() : documented) + ", StreamsProperties' " + productDefault);
        }
    }

    /** The public String constants of the registry client that reads them, and the serializer's one. */
    private static Set<String> registryKeys() {
        Set<String> keys = new TreeSet<>();
        keys.add(FramedAvroSerializer.AUTO_REGISTER_SCHEMAS);
        for (Field field : SchemaRegistryClients.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                try {
                    keys.add((String) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return keys;
    }

    private static Optional<ConfigKey> kafkaKey(String key) {
        return Stream.of(
                        StreamsConfig.configDef(),
                        ConsumerConfig.configDef(),
                        ProducerConfig.configDef(),
                        AdminClientConfig.configDef())
                .map(definition -> definition.configKeys().get(key))
                .filter(Objects::nonNull)
                .findFirst();
    }

    /** A row of the table: its keys, one type per key (or one for all) and its default cell. */
    record Row(List<String> keys, List<String> types, String defaultCell) {}

    /** The rows of the table under {@value #HEADING}; what cannot be read is a problem. */
    private static List<Row> table(List<String> lines, List<String> problems) {
        int heading = lines.indexOf(HEADING);
        if (heading < 0) {
            problems.add("README has no '" + HEADING + "' heading");
            return List.of();
        }
        int header = heading + 1;
        while (header < lines.size() && !lines.get(header).startsWith("|")) {
            header++;
        }
        List<String> columns = header < lines.size() ? cells(lines.get(header)) : List.of();
        if (!columns.containsAll(List.of("key", "type", "default", "meaning"))) {
            problems.add("the configuration table's columns are " + columns + ", not key, type, default, meaning");
            return List.of();
        }
        List<Row> rows = new ArrayList<>();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            List<String> cells = cells(lines.get(i));
            if (cells.size() != columns.size()) {
                problems.add("line " + (i + 1) + ": " + cells.size() + " cells, not " + columns.size());
                continue;
            }
            List<String> keys = keys(cells.get(columns.indexOf("key")));
            List<String> types = Arrays.stream(
                            cells.get(columns.indexOf("type")).split(","))
                    .map(String::trim)
                    .toList();
            if (keys.isEmpty()) {
                problems.add("line " + (i + 1) + ": no `key` in its key cell");
            } else if (types.size() != 1 && types.size() != keys.size()) {
                problems.add("line " + (i + 1) + ": " + types.size() + " types for " + keys.size() + " keys");
            } else {
                rows.add(new Row(keys, types, cells.get(columns.indexOf("default"))));
            }
        }
        return rows;
    }

    /** {@code `a.b.c`, `.d`}: a.b.c and a.b.d. */
    private static List<String> keys(String cell) {
        List<String> keys = new ArrayList<>();
        Matcher span = CODE_SPAN.matcher(cell);
        while (span.find()) {
            String key = span.group(1);
            if (key.startsWith(".") && !keys.isEmpty()) {
                String previous = keys.get(keys.size() - 1);
                key = previous.substring(0, previous.lastIndexOf('.')) + key;
            }
            keys.add(key);
        }
        return keys;
    }

    private static List<String> cells(String line) {
        String inner = line.substring(1, line.endsWith("|") ? line.length() - 1 : line.length());
        return Arrays.stream(inner.split("\\|", -1)).map(String::trim).toList();
    }

    private static String typeName(ConfigDef.Type type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    private static String quoted(String key) {
        return "`" + key + "`";
    }

    private static UnaryOperator<List<String>> removingRowOf(String key) {
        return lines -> {
            lines.removeIf(line -> line.startsWith("| " + quoted(key) + " |"));
            return lines;
        };
    }

    private static UnaryOperator<List<String>> duplicatingRowOf(String key) {
        return lines -> {
            int row = lines.indexOf(lines.stream()
                    .filter(line -> line.startsWith("| " + quoted(key) + " |"))
                    .findFirst()
                    .orElseThrow());
            lines.add(row, lines.get(row));
            return lines;
        };
    }

    /** Replaces the first occurrence of {@code from} in the configuration table (it must be there). */
    private static UnaryOperator<List<String>> replacing(String from, String to) {
        return lines -> {
            for (int i = lines.indexOf(HEADING); i < lines.size(); i++) {
                if (lines.get(i).contains(from)) {
                    lines.set(i, lines.get(i).replace(from, to));
                    return lines;
                }
            }
            throw new IllegalArgumentException("No '" + from + "' in README's configuration table");
        };
    }
}
