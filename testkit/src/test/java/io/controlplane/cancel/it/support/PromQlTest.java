package io.controlplane.cancel.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.cancel.it.support.PromQl.LabelMatcher;
import io.controlplane.cancel.it.support.PromQl.Selector;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromQlTest {

    @Test
    void readsEachSelectorWithItsMatchersAndTheGroupingLabels() {
        PromQl.Query query = PromQl.parse("sum by (outcome, code) (rate(cancel_decisions_total{outcome=\"rejected\","
                + " code=~\"UNAUTHORIZED|ALREADY_TERMINAL\"}[5m])) / ignoring(code) group_left(tenant)"
                + " sum(rate(cancel_decisions_total[5m] offset 1h)) and on (instance) cancel_ready == 1");

        assertThat(query.selectors())
                .containsExactly(
                        new Selector(
                                "cancel_decisions_total",
                                List.of(
                                        new LabelMatcher("outcome", "=", "rejected"),
                                        new LabelMatcher("code", "=~", "UNAUTHORIZED|ALREADY_TERMINAL"))),
                        new Selector("cancel_decisions_total", List.of()),
                        new Selector("cancel_ready", List.of()));
        assertThat(query.groupings()).containsExactlyInAnyOrder("outcome", "code");
    }

    @Test
    void readsAnExpressionOverSeveralLinesWithComments() {
        PromQl.Query query = PromQl.parse("""
                # only the stream threads' consumers: "quoted" words here are no selector
                deriv((max by (instance) (kafka_consumer_fetch_manager_records_lag_max{
                    client_id=~".*-StreamThread-.*-consumer",
                    kafka_version!=''
                }))[15m:1m]) > 0
                """);

        assertThat(query.selectors())
                .containsExactly(new Selector(
                        "kafka_consumer_fetch_manager_records_lag_max",
                        List.of(
                                new LabelMatcher("client_id", "=~", ".*-StreamThread-.*-consumer"),
                                new LabelMatcher("kafka_version", "!=", ""))));
        assertThat(query.groupings()).containsExactly("instance");
    }

    @Test
    void skipsFunctionsStringArgumentsNumbersAndDurations() {
        PromQl.Query query = PromQl.parse(
                "histogram_quantile(0.99, sum by (le) (label_replace(rate(cancel_decision_latency_seconds_bucket[5m]),"
                        + " \"dst\", \"$1\", \"src\", \"(.*)\"))) > 1e3 and absent(cancel_ready{job=\"cancel\"})");

        assertThat(query.selectors())
                .extracting(Selector::metric)
                .containsExactly("cancel_decision_latency_seconds_bucket", "cancel_ready");
    }

    @Test
    void resolvesEscapesInMatcherValues() {
        assertThat(PromQl.parse("m{path=~\"a\\\\.b\", say=\"\\\"hi\\\"\"}").selectors())
                .containsExactly(new Selector(
                        "m", List.of(new LabelMatcher("path", "=~", "a\\.b"), new LabelMatcher("say", "=", "\"hi\""))));
    }

    @Test
    void aMatcherNamesItsValuesWhenItIsALiteralOrAListOfLiterals() {
        assertThat(new LabelMatcher("code", "=", "UNAUTHORIZED").literals()).contains(List.of("UNAUTHORIZED"));
        assertThat(new LabelMatcher("code", "!~", "UNAUTHORIZED|none").literals())
                .contains(List.of("UNAUTHORIZED", "none"));
        assertThat(new LabelMatcher("client_id", "=~", ".*-consumer").literals())
                .isEmpty();
    }

    @Test
    void aMatcherSelectsAsPrometheusDoes() {
        assertThat(new LabelMatcher("code", "=~", "UNAUTHORIZED|none").matches("none"))
                .isTrue();
        assertThat(new LabelMatcher("code", "=~", "UNAUTH").matches("UNAUTHORIZED"))
                .as("a regex matches whole values")
                .isFalse();
        assertThat(new LabelMatcher("code", "!=", "none").matches("")).isTrue();
        assertThat(new LabelMatcher("code", "!~", "n.*").matches("none")).isFalse();
    }

    @Test
    void anUnclosedMatcherIsRefusedNamingTheExpression() {
        assertThatThrownBy(() -> PromQl.parse("cancel_ready{code=\"none\""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith("cancel_ready{code=\"none\"");
    }
}
