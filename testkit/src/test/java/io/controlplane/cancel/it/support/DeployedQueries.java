package io.controlplane.cancel.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The PromQL expressions of deploy/'s Grafana dashboard and Prometheus alert rules, and what they
 * select that a processor's GET /metrics does not serve: a metric, a label, a label value.
 */
public final class DeployedQueries {

    /** One expression, and where it is (a dashboard panel, an alert rule) for the failure message. */
    public record DeployedQuery(String where, String expression) {}

    /** Labels Prometheus attaches to every series it scrapes: not the processor's to serve. */
    private static final Set<String> TARGET_LABELS = Set.of("job", "instance");

    /** Series Prometheus writes itself for each target. */
    private static final Set<String> PROMETHEUS_OWN = Set.of("up");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final List<DeployedQuery> queries;
    private final Set<String> jobs;

    private DeployedQueries(List<DeployedQuery> queries, Set<String> jobs) {
        this.queries = queries;
        this.jobs = jobs;
    }

    /** The queries of this repository's deploy/. */
    public static DeployedQueries read() throws IOException {
        return read(Path.of("..", "deploy"));
    }

    /** The dashboard's and the alert rules' queries, and the scrape jobs they may name, under {@code deploy}. */
    static DeployedQueries read(Path deploy) throws IOException {
        List<DeployedQuery> queries = new ArrayList<>();
        dashboard(
                JSON.readTree(deploy.resolve("grafana/dashboards/cancel-processor.json")
                        .toFile()),
                "dashboard",
                queries);
        // parsed as YAML, so that an expr written as a block scalar (| or >) is read whole
        for (JsonNode group :
                YAML.readTree(deploy.resolve("prometheus/alerts.yml").toFile()).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.has("alert")
                        ? "alert rule " + rule.path("alert").asText()
                        : "recording rule " + rule.path("record").asText();
                queries.add(new DeployedQuery(name, rule.path("expr").asText()));
            }
        }
        Set<String> jobs = new TreeSet<>();
        YAML.readTree(deploy.resolve("prometheus/prometheus.yml").toFile())
                .path("scrape_configs")
                .forEach(config -> jobs.add(config.path("job_name").asText()));
        return new DeployedQueries(queries, jobs);
    }

    public List<DeployedQuery> queries() {
        return queries;
    }

    /** The metrics the queries select. */
    public Set<String> metrics() {
        return queries.stream()
                .flatMap(query -> PromQl.parse(query.expression()).selectors().stream())
                .map(PromQl.Selector::metric)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** What the queries select that {@code served} lacks, one line each: empty when nothing drifted. */
    public List<String> driftFrom(Exposition served) {
        List<String> drift = new ArrayList<>();
        queries.forEach(query -> driftOf(query, served).forEach(line -> drift.add(query.where() + ": " + line)));
        return drift;
    }

    private List<String> driftOf(DeployedQuery query, Exposition served) {
        List<String> drift = new ArrayList<>();
        PromQl.Query parsed = PromQl.parse(query.expression());
        if (parsed.selectors().isEmpty()) {
            drift.add("selects no series: " + query.expression());
        }
        Set<String> labelsRead = new HashSet<>(TARGET_LABELS);
        for (PromQl.Selector selector : parsed.selectors()) {
            for (PromQl.LabelMatcher job : jobMatchers(selector)) {
                if (jobs.stream().noneMatch(job::matches)) {
                    drift.add(selector + " names no scrape job of prometheus.yml " + jobs);
                }
            }
            if (PROMETHEUS_OWN.contains(selector.metric())) {
                continue;
            }
            if (!served.serves(selector.metric())) {
                drift.add(selector.metric() + " is not served");
                continue;
            }
            List<Map<String, String>> series = served.series(selector.metric());
            series.forEach(labels -> labelsRead.addAll(labels.keySet()));
            List<String> unserved = unservedMatchers(selector, series);
            drift.addAll(unserved);
            if (unserved.isEmpty() && series.stream().noneMatch(labels -> selects(selector, labels))) {
                drift.add(selector + " selects none of the served series, whose values are "
                        + servedValues(selector, series));
            }
        }
        for (String label : parsed.groupings()) {
            if (!labelsRead.contains(label)) {
                drift.add("groups by " + label + ", a label none of the series it reads has");
            }
        }
        return drift;
    }

    /** Each panel's expressions, named by the panel's title (panels nest in rows). */
    private static void dashboard(JsonNode node, String where, List<DeployedQuery> queries) {
        if (node.isObject()) {
            String here = node.hasNonNull("title")
                    ? "dashboard panel '" + node.path("title").asText() + "'"
                    : where;
            node.fields().forEachRemaining(field -> {
                if (field.getKey().equals("expr") && field.getValue().isTextual()) {
                    queries.add(new DeployedQuery(here, field.getValue().asText()));
                } else {
                    dashboard(field.getValue(), here, queries);
                }
            });
        } else if (node.isArray()) {
            node.forEach(element -> dashboard(element, where, queries));
        }
    }

    /** Matchers on a label the metric lacks, or naming a value it never has. */
    private static List<String> unservedMatchers(PromQl.Selector selector, List<Map<String, String>> series) {
        List<String> drift = new ArrayList<>();
        for (PromQl.LabelMatcher matcher : processorMatchers(selector)) {
            Set<String> values = series.stream()
                    .map(labels -> labels.get(matcher.label()))
                    .filter(Objects::nonNull)
                    .collect(Collectors.toCollection(TreeSet::new));
            if (values.isEmpty()) {
                drift.add(selector.metric() + " has no label " + matcher.label());
                continue;
            }
            matcher.literals()
                    .ifPresent(literals -> literals.stream()
                            .filter(literal -> !values.contains(literal))
                            .forEach(literal -> drift.add(selector.metric() + "{" + matcher.label() + "} is never \""
                                    + literal + "\", only " + values)));
        }
        return drift;
    }

    /** Each label the selector matches on, with the values its metric's series have for it. */
    private static Map<String, Set<String>> servedValues(PromQl.Selector selector, List<Map<String, String>> series) {
        Map<String, Set<String>> values = new TreeMap<>();
        for (PromQl.LabelMatcher matcher : processorMatchers(selector)) {
            series.forEach(labels -> values.computeIfAbsent(matcher.label(), label -> new TreeSet<>())
                    .add(labels.getOrDefault(matcher.label(), "")));
        }
        return values;
    }

    private static boolean selects(PromQl.Selector selector, Map<String, String> labels) {
        return processorMatchers(selector).stream()
                .allMatch(matcher -> matcher.matches(labels.getOrDefault(matcher.label(), "")));
    }

    /** The selector's matchers on the scrape job, which prometheus.yml names. */
    private static List<PromQl.LabelMatcher> jobMatchers(PromQl.Selector selector) {
        return selector.matchers().stream()
                .filter(matcher -> matcher.label().equals("job"))
                .toList();
    }

    /** The selector's matchers on labels the processor serves. */
    private static List<PromQl.LabelMatcher> processorMatchers(PromQl.Selector selector) {
        return selector.matchers().stream()
                .filter(matcher -> !TARGET_LABELS.contains(matcher.label()))
                .toList();
    }
}
