package io.controlplane.cancel.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * README's table of the processor's own metrics is a public interface (dashboards and alerts of
 * other teams read it): each row names a metric GET /metrics serves, with its type and labels, and
 * every {@code cancel_*} metric served has its row. Names only: what each counts is held by the
 * tests of the metric itself (OneCountPerDecisionTest, ProcessorMetersTest).
 */
class ReadmeMetricsTableTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Pattern ROW = Pattern.compile("^\\| `(cancel_[a-z_]+)(?:\\{([a-z_,]*)})?` \\| ([a-z]+) \\|");
    private static final Pattern TYPE = Pattern.compile("^# TYPE (cancel_[a-z_]+) ([a-z]+)$");
    private static final Pattern SERIES = Pattern.compile("^(cancel_[a-z_]+)(?:\\{([^}]*)})? ");

    @Test
    void everyMetricInTheTableIsServedWithItsTypeAndLabelsAndNoOtherIs() throws IOException {
        Map<String, String> documented = new TreeMap<>();
        for (String line : Files.readAllLines(README)) {
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                documented.put(row.group(1), row.group(3) + " " + labels(row.group(2)));
            }
        }
        assertThat(documented).containsKeys("cancel_decisions_total", "cancel_ready");

        Map<String, String> served = new TreeMap<>();
        try (ProcessorMeters meters = new ProcessorMeters(Set.of("commands"))) {
            meters.bindInstance(() -> 0, () -> 0.0, () -> true);
            String text = meters.scrape();
            Map<String, String> types = new TreeMap<>();
            Map<String, Set<String>> labels = new TreeMap<>();
            for (String line : text.lines().toList()) {
                Matcher type = TYPE.matcher(line);
                if (type.find()) {
                    types.put(type.group(1), type.group(2));
                }
                Matcher series = SERIES.matcher(line);
                if (series.find()) {
                    Set<String> keys = labels.computeIfAbsent(series.group(1), name -> new TreeSet<>());
                    if (series.group(2) != null) {
                        Arrays.stream(series.group(2).split(","))
                                .map(pair -> pair.substring(0, pair.indexOf('=')))
                                .filter(key -> !key.equals("le"))
                                .forEach(keys::add);
                    }
                }
            }
            types.forEach((name, type) -> {
                // a histogram's own maximum (a gauge, _max) goes with it
                if (!(name.endsWith("_max") && "histogram".equals(types.get(name.substring(0, name.length() - 4))))) {
                    String series = type.equals("histogram") ? name + "_count" : name;
                    served.put(name, type + " " + labels.getOrDefault(series, Set.of()));
                }
            });
        }
        assertThat(served).isEqualTo(documented);
    }

    private static String labels(String list) {
        return (list == null
                        ? new TreeSet<String>()
                        : Arrays.stream(list.split(",")).collect(Collectors.toCollection(TreeSet::new)))
                .toString();
    }
}
