package io.controlplane.cancel.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.config.CancelTopic;
import io.controlplane.cancel.config.CancelTopic.Direction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * README's table of topics is written for readers; this holds it to {@link CancelTopic}, the declaration.
 * (The topic settings' rows of the configuration table are held by {@link ReadmeConfigurationTableTest}.)
 */
class ReadmeTopicTablesTest {

    private static final Path README = Path.of("..", "README.md");

    private static List<String> readme;

    @BeforeAll
    static void read() throws IOException {
        readme = Files.readAllLines(README);
    }

    @Test
    void theTopicsTableListsEveryTopicWithItsDirectionCompactionAndValue() {
        List<List<String>> rows = rows("| `controlplane.");
        assertThat(rows.stream().map(row -> unquote(row.get(0))))
                .containsExactlyElementsOf(
                        CancelTopic.ALL.stream().map(CancelTopic::defaultName).toList());
        for (int i = 0; i < rows.size(); i++) {
            CancelTopic<?> topic = CancelTopic.ALL.get(i);
            String direction = rows.get(i).get(1);
            assertThat(direction).as(topic.defaultName()).startsWith(topic.direction() == Direction.IN ? "in" : "out");
            assertThat(direction.contains("compacted"))
                    .as("%s compacted", topic.defaultName())
                    .isEqualTo(topic.cleanupPolicy().equals(TopicConfig.CLEANUP_POLICY_COMPACT));
            if (SpecificRecord.class.isAssignableFrom(topic.valueType())) {
                assertThat(rows.get(i).get(2))
                        .startsWith("`" + topic.valueType().getSimpleName() + "`");
            }
        }
    }

    /**
     * The value cell names every field of its record (as {@code `name`}, {@code `name`?} or
     * {@code `name[]`}): the schemas are the public contract, and a field added to one must be
     * told to the readers of the table.
     */
    @Test
    void eachRecordsRowNamesEveryFieldOfItsSchema() {
        List<List<String>> rows = rows("| `controlplane.");
        List<String> unnamed = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            CancelTopic<?> topic = CancelTopic.ALL.get(i);
            if (!SpecificRecord.class.isAssignableFrom(topic.valueType())) {
                continue;
            }
            String cell = rows.get(i).get(2);
            for (Schema.Field field :
                    SpecificData.get().getSchema(topic.valueType()).getFields()) {
                if (!Pattern.compile("`" + Pattern.quote(field.name()) + "(\\[])?`")
                        .matcher(cell)
                        .find()) {
                    unnamed.add(topic.valueType().getSimpleName() + "." + field.name());
                }
            }
        }
        assertThat(unnamed).as("fields README's topics table does not name").isEmpty();
    }

    /** The cells of the table rows that start with the prefix. */
    private static List<List<String>> rows(String prefix) {
        return readme.stream()
                .filter(line -> line.startsWith(prefix))
                .map(line -> Arrays.stream(
                                line.substring(1, line.lastIndexOf('|')).split("\\|"))
                        .map(String::trim)
                        .toList())
                .toList();
    }

    private static String unquote(String cell) {
        return cell.replace("`", "");
    }
}
