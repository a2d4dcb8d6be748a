package io.controlplane.cancel.http;

import static io.controlplane.cancel.http.Replies.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StreamsHealthTest {

    private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);
    private final TestClock clock = new TestClock(Instant.parse("2026-11-25T18:00:00Z"));
    private final StreamsHealth health = new StreamsHealth(state::get, clock);
    private final TopicPartition changelog = new TopicPartition("app-cancel-run-states-changelog", 3);

    @ParameterizedTest
    @EnumSource(
            value = State.class,
            names = {"CREATED", "REBALANCING", "RUNNING", "PENDING_SHUTDOWN"})
    void aliveUntilKafkaStreamsFailsOrStops(State now) {
        state.set(now);
        assertThat(health.live().reply().status()).isEqualTo(200);
        assertThat(text(health.live().reply())).isEqualTo("{\"status\":\"UP\",\"state\":\"" + now + "\"}");
    }

    @ParameterizedTest
    @EnumSource(
            value = State.class,
            names = {"ERROR", "PENDING_ERROR", "NOT_RUNNING"})
    void notAliveOnceKafkaStreamsFailedOrStopped(State now) {
        state.set(now);
        Reply reply = health.live().reply();
        assertThat(reply.status()).isEqualTo(503);
        assertThat(text(reply)).contains("\"status\":\"DOWN\"", "\"state\":\"" + now + "\"", "\"reason\":");
    }

    @ParameterizedTest
    @EnumSource(
            value = State.class,
            mode = EnumSource.Mode.EXCLUDE,
            names = {"RUNNING"})
    void notReadyUnlessRunning(State now) {
        state.set(now);
        Reply reply = health.ready().reply();
        assertThat(reply.status()).isEqualTo(503);
        assertThat(text(reply)).contains("\"reason\":\"Kafka Streams is " + now + ", not RUNNING\"");
    }

    @Test
    void readyWhileRunningWithNothingToRestore() {
        state.set(State.RUNNING);
        assertThat(health.ready().reply().status()).isEqualTo(200);
        assertThat(text(health.ready().reply())).isEqualTo("{\"status\":\"UP\",\"state\":\"RUNNING\"}");
    }

    @Test
    void notReadyWhileAStoreIsRestoring() {
        state.set(State.RUNNING);
        health.onRestoreStart(changelog, "cancel-run-states", 0, 1000);
        assertThat(health.ready().reply().status()).isEqualTo(503);
        assertThat(health.ready().reason()).contains("restoring 1 store partition");

        health.onBatchRestored(changelog, "cancel-run-states", 500, 500);
        assertThat(health.ready().up()).isFalse();

        health.onRestoreEnd(changelog, "cancel-run-states", 1000);
        assertThat(health.ready().up()).isTrue();
    }

    @Test
    void aRestoreCutShortByARebalanceNoLongerCounts() {
        state.set(State.RUNNING);
        health.onRestoreStart(changelog, "cancel-run-states", 0, 1000);
        health.onRestoreSuspended(changelog, "cancel-run-states", 10);
        assertThat(health.ready().up()).isTrue();
    }

    @Test
    void aRestoreAbandonedByAFailedThreadDoesNotKeepItUnreadyForever() {
        state.set(State.RUNNING);
        health.onRestoreStart(changelog, "cancel-run-states", 0, 1000);
        health.threadReplaced();
        clock.advance(StreamsHealth.REPLACEMENT_QUIET_PERIOD);
        assertThat(health.ready().up()).isTrue();
    }

    @Test
    void notReadyForAQuietPeriodAfterEachThreadReplacement() {
        state.set(State.RUNNING);
        health.threadReplaced();
        assertThat(health.ready().up()).isFalse();
        assertThat(health.ready().reason()).contains("replaced 0 s ago");
        assertThat(health.live().up()).isTrue();

        clock.advance(StreamsHealth.REPLACEMENT_QUIET_PERIOD.minusSeconds(1));
        assertThat(health.ready().up()).isFalse();

        health.threadReplaced(); // a thread failing in a loop keeps it not ready
        clock.advance(StreamsHealth.REPLACEMENT_QUIET_PERIOD.minusSeconds(1));
        assertThat(health.ready().up()).isFalse();

        clock.advance(Duration.ofSeconds(1));
        assertThat(health.ready().up()).isTrue();
    }
}
