package io.controlplane.cancel.it.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The series of a Prometheus text exposition (GET /metrics): each sample's metric name and labels. */
public final class Exposition {

    private final Map<String, List<Map<String, String>>> series = new LinkedHashMap<>();

    private Exposition() {}

    public static Exposition parse(String text) {
        Exposition exposition = new Exposition();
        text.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).forEach(exposition::sample);
        return exposition;
    }

    public boolean serves(String metric) {
        return series.containsKey(metric);
    }

    /** The label sets of {@code metric}'s series, none if it is not served. */
    public List<Map<String, String>> series(String metric) {
        return series.getOrDefault(metric, List.of());
    }

    /** {@code name{label="value",...} value [timestamp]}, the label values escaped with backslashes. */
    private void sample(String line) {
        int end = 0;
        while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
            end++;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (end < line.length() && line.charAt(end) == '{') {
            int at = end + 1;
            while (line.charAt(at) != '}') {
                int equals = line.indexOf('=', at);
                String label = line.substring(at, equals).strip();
                StringBuilder value = new StringBuilder();
                at = equals + 2; // past ="
                while (line.charAt(at) != '"') {
                    if (line.charAt(at) == '\\') {
                        at++;
                        value.append(line.charAt(at) == 'n' ? '\n' : line.charAt(at));
                    } else {
                        value.append(line.charAt(at));
                    }
                    at++;
                }
                labels.put(label, value.toString());
                at++; // past the closing quote
                if (line.charAt(at) == ',') {
                    at++;
                }
            }
        }
        series.computeIfAbsent(line.substring(0, end), metric -> new ArrayList<>())
                .add(labels);
    }
}
