package io.controlplane.cancel.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The drift check of HttpEndpointsIT, on small deploy/ files and an exposition written here: no broker. */
class DeployedQueriesTest {

    /** Cut from a processor's GET /metrics. */
    private static final Exposition SERVED = Exposition.parse("""
            # HELP cancel_decisions_total Commands and run states decided, by outcome and rejection code
            # TYPE cancel_decisions_total counter
            cancel_decisions_total{code="none",outcome="cancelled"} 1.0
            cancel_decisions_total{code="UNAUTHORIZED",outcome="rejected"} 0.0
            cancel_decisions_total{code="EXECUTION_NOT_FOUND",outcome="rejected"} 0.0
            cancel_decision_latency_seconds_bucket{le="0.005"} 1
            cancel_decision_latency_seconds_bucket{le="+Inf"} 1
            cancel_ready 1.0
            kafka_consumer_fetch_manager_records_lag_max{client_id="app-1-StreamThread-1-consumer",kafka_version="4.4.0"} 0.0
            jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.2E7
            """);

    private static final String RULES = """
            groups:
              - name: cancel-processor
                rules:
                  - alert: Down
                    expr: up{job="cancel-processor"} == 0
                  - alert: NotReady
                    expr: cancel_ready == 0
                  - alert: LagGrowing
                    expr: |
                      # the stream threads' consumers only
                      max by (instance) (
                        kafka_consumer_fetch_manager_records_lag_max{client_id=~".*-StreamThread-.*-consumer"}
                      ) > 1000
            """;

    @TempDir
    Path deploy;

    @Test
    void nothingDriftsWhileEverySelectedSeriesIsServed() throws IOException {
        DeployedQueries queries = deployed(
                RULES,
                "sum by (outcome, code) (rate(cancel_decisions_total{outcome=\"rejected\",code=~\"UNAUTHORIZED|EXECUTION_NOT_FOUND\"}[5m]))",
                "histogram_quantile(0.99, sum by (le) (rate(cancel_decision_latency_seconds_bucket[5m])))",
                "sum by (instance, area) (jvm_memory_used_bytes)");

        assertThat(queries.driftFrom(SERVED)).isEmpty();
        assertThat(queries.metrics())
                .containsExactlyInAnyOrder(
                        "up",
                        "cancel_ready",
                        "kafka_consumer_fetch_manager_records_lag_max",
                        "cancel_decisions_total",
                        "cancel_decision_latency_seconds_bucket",
                        "jvm_memory_used_bytes");
    }

    @Test
    void aLabelValueTheProcessorNeverServesDrifts() throws IOException {
        DeployedQueries queries = deployed(RULES, "sum(rate(cancel_decisions_total{outcome=\"CANCELLED\"}[5m]))");

        assertThat(queries.driftFrom(SERVED))
                .containsExactly("dashboard panel 'panel 0': cancel_decisions_total{outcome} is never \"CANCELLED\","
                        + " only [cancelled, rejected]");
    }

    @Test
    void everyValueThatARegexListsMustBeServed() throws IOException {
        DeployedQueries queries =
                deployed(RULES, "sum(cancel_decisions_total{code=~\"UNAUTHORIZED|UNAUTHORISED|EXECUTION_NOT_FOUND\"})");

        assertThat(queries.driftFrom(SERVED))
                .containsExactly("dashboard panel 'panel 0': cancel_decisions_total{code} is never \"UNAUTHORISED\","
                        + " only [EXECUTION_NOT_FOUND, UNAUTHORIZED, none]");
    }

    @Test
    void aRegexInAMultiLineRuleThatSelectsNothingServedDrifts() throws IOException {
        DeployedQueries queries = deployed(RULES.replace("-consumer\"}", "-producer\"}"));

        assertThat(queries.driftFrom(SERVED))
                .containsExactly("alert rule LagGrowing: kafka_consumer_fetch_manager_records_lag_max"
                        + "{client_id=~\".*-StreamThread-.*-producer\"} selects none of the served series, whose"
                        + " values are {client_id=[app-1-StreamThread-1-consumer]}");
    }

    @Test
    void aLabelTheMetricLacksDriftsWhetherMatchedOrGroupedBy() throws IOException {
        DeployedQueries queries =
                deployed(RULES, "cancel_ready{tenant!=\"acme\"}", "sum by (instance, tenant) (cancel_ready)");

        assertThat(queries.driftFrom(SERVED))
                .containsExactly(
                        "dashboard panel 'panel 0': cancel_ready has no label tenant",
                        "dashboard panel 'panel 1': groups by tenant, a label none of the series it reads has");
    }

    @Test
    void aMetricNotServedAndAJobNotScrapedDrift() throws IOException {
        DeployedQueries queries = deployed(
                RULES.replace("job=\"cancel-processor\"", "job=\"cancel\""), "rate(cancel_decision_total[5m])");

        assertThat(queries.driftFrom(SERVED))
                .containsExactly(
                        "dashboard panel 'panel 0': cancel_decision_total is not served",
                        "alert rule Down: up{job=\"cancel\"} names no scrape job of prometheus.yml [cancel-processor]");
    }

    @Test
    void everyQueryOfThisRepositorysDeployReadsAMetric() throws IOException {
        DeployedQueries queries = DeployedQueries.read();

        assertThat(queries.queries()).hasSizeGreaterThan(10);
        assertThat(queries.queries())
                .filteredOn(query -> query.where().equals("alert rule CancelConsumerLagGrowing"))
                .singleElement()
                .as("the multi-line rule, read whole")
                .satisfies(query ->
                        assertThat(query.expression()).contains("> 0\nand ").endsWith("> 1000\n"));
        assertThat(queries.queries())
                .allSatisfy(query -> assertThat(PromQl.parse(query.expression()).selectors())
                        .as(query.toString())
                        .isNotEmpty());
        assertThat(queries.metrics()).contains("cancel_decisions_total", "cancel_ready");
    }

    /** A deploy/ with these rules, one dashboard panel per expression, and prometheus.yml's job. */
    private DeployedQueries deployed(String rules, String... panelExpressions) throws IOException {
        List<Map<String, Object>> panels = new ArrayList<>();
        for (int i = 0; i < panelExpressions.length; i++) {
            panels.add(Map.of("title", "panel " + i, "targets", List.of(Map.of("expr", panelExpressions[i]))));
        }
        Path dashboard = deploy.resolve("grafana/dashboards/cancel-processor.json");
        Files.createDirectories(dashboard.getParent());
        new ObjectMapper().writeValue(dashboard.toFile(), Map.of("panels", panels));
        Path prometheus = deploy.resolve("prometheus");
        Files.createDirectories(prometheus);
        Files.writeString(prometheus.resolve("alerts.yml"), rules);
        Files.writeString(prometheus.resolve("prometheus.yml"), "scrape_configs:\n  - job_name: cancel-processor\n");
        return DeployedQueries.read(deploy);
    }
}
