package io.controlplane.cancel.errors;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.CapturedLog;
import io.controlplane.cancel.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class BadRecordLogTest {

    private static final String LOGGER = BadRecordLogTest.class.getName() + ".bad-records";

    private final TestClock clock = new TestClock(Instant.parse("2026-12-03T10:00:00Z"));
    private final BadRecordLog badRecords = new BadRecordLog(LoggerFactory.getLogger(LOGGER), "Dead-lettered", clock);

    @Test
    void aFloodOfBadRecordsIsTheFirstFewLinesThenOneCountPerInterval() {
        AtomicInteger formatted = new AtomicInteger();
        try (CapturedLog log = CapturedLog.of(LOGGER)) {
            for (int i = 0; i < 10_000; i++) {
                int n = i;
                badRecords.handled(i % 2 == 0 ? "commands" : "run-states", () -> {
                    formatted.incrementAndGet();
                    return "bad record " + n;
                });
            }
            clock.advance(BadRecordLog.INTERVAL);
            badRecords.handled("commands", () -> "bad record after the interval");

            assertThat(formatted).as("lines built").hasValue(BadRecordLog.FIRST_PER_INTERVAL);
            assertThat(log.text())
                    .contains("bad record 0", "bad record 4", "bad record after the interval")
                    .doesNotContain("bad record 5")
                    .contains("Dead-lettered 9995 more records", "commands=4997", "run-states=4998");
            assertThat(log.lines()).hasSize(BadRecordLog.FIRST_PER_INTERVAL + 1 + 2);
        }
    }

    @Test
    void aFewBadRecordsAreEachLogged() {
        try (CapturedLog log = CapturedLog.of(LOGGER)) {
            for (int i = 0; i < 3; i++) {
                int n = i;
                badRecords.handled("commands", () -> "bad record " + n);
                clock.advance(Duration.ofMinutes(1));
            }
            assertThat(log.text()).contains("bad record 0", "bad record 1", "bad record 2");
            assertThat(log.lines()).hasSize(3);
        }
    }
}
