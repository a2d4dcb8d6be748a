package io.controlplane.cancel.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The PromQL expressions of deploy/'s Grafana dashboard and Prometheus alert rules, and the metrics they read. */
public final class DeployedQueries {

    public static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "dashboards", "cancel-processor.json");
    public static final Path ALERT_RULES = Path.of("..", "deploy", "prometheus", "alerts.yml");

    /** PromQL's own words, which look like metric names. */
    private static final Set<String> PROMQL = Set.of(
            "sum",
            "rate",
            "irate",
            "increase",
            "delta",
            "deriv",
            "max",
            "min",
            "avg",
            "count",
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "histogram_quantile",
            "max_over_time",
            "min_over_time",
            "avg_over_time",
            "and",
            "or",
            "unless",
            "offset",
            "bool",
            "topk",
            "clamp_min",
            "absent",
            "changes",
            "resets",
            "time",
            "vector",
            "scalar",
            "label_replace",
            "le",
            "Inf",
            "NaN",
            // written by Prometheus itself for every scrape target, not by the processor
            "up");

    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private DeployedQueries() {}

    /** Every expression of the dashboard's panels and of the alert rules. */
    public static List<String> expressions() throws IOException {
        List<String> expressions = new ArrayList<>();
        collect(new ObjectMapper().readTree(DASHBOARD.toFile()), expressions);
        Matcher rule = Pattern.compile("(?m)^\\s*expr:\\s*(.+)$").matcher(Files.readString(ALERT_RULES));
        while (rule.find()) {
            expressions.add(rule.group(1));
        }
        return expressions;
    }

    /** The metric names read by {@code expression}: label matchers, groupings, strings, durations and functions left out. */
    public static Set<String> metricsOf(String expression) {
        String bare = expression
                .replaceAll("\"[^\"]*\"", "")
                .replaceAll("\\{[^}]*}", "")
                .replaceAll("\\[[^]]*]", "")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "");
        Set<String> metrics = new TreeSet<>();
        Matcher identifier = IDENTIFIER.matcher(bare);
        while (identifier.find()) {
            String name = identifier.group();
            boolean function = bare.substring(identifier.end()).stripLeading().startsWith("(");
            if (!function && !PROMQL.contains(name)) {
                metrics.add(name);
            }
        }
        return metrics;
    }

    private static void collect(JsonNode node, List<String> expressions) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                if (field.getKey().equals("expr") && field.getValue().isTextual()) {
                    expressions.add(field.getValue().asText());
                } else {
                    collect(field.getValue(), expressions);
                }
            });
        } else if (node.isArray()) {
            node.forEach(element -> collect(element, expressions));
        }
    }
}
