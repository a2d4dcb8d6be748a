package io.controlplane.cancel.errors;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * What the log says of bad records (dead-lettered input, revoking grants): the first {@value #FIRST_PER_INTERVAL} of each interval in a line
 * each, then one line with how many more there were, by topic. A producer that floods a topic with
 * bad records must not bury everything else in the log, nor hold the stream thread back with a
 * formatted line per record (each record is on the dead-letter queue with its error, and counted in
 * the metrics, whether it is logged or not). The count of an interval is logged with the first bad
 * record after it ends.
 */
public final class BadRecordLog {

    static final int FIRST_PER_INTERVAL = 5;
    static final Duration INTERVAL = Duration.ofSeconds(10);

    private final Logger log;
    private final String done;
    private final Clock clock;
    private Instant intervalStart;
    private int logged;
    private final Map<String, Long> unlogged = new TreeMap<>();

    /** @param done what was done with each bad record, for the count line ("Dead-lettered") */
    public BadRecordLog(Logger log, String done) {
        this(log, done, Clock.systemUTC());
    }

    BadRecordLog(Logger log, String done, Clock clock) {
        this.log = log;
        this.done = done;
        this.clock = clock;
    }

    /** A bad record from {@code topic} was handled; {@code line} says which and why, if it is logged. */
    public synchronized void handled(String topic, Supplier<String> line) {
        Instant now = clock.instant();
        if (intervalStart == null || !now.isBefore(intervalStart.plus(INTERVAL))) {
            logUnlogged();
            intervalStart = now;
            logged = 0;
        }
        if (logged < FIRST_PER_INTERVAL) {
            logged++;
            log.warn("{}", line.get());
            if (logged == FIRST_PER_INTERVAL) {
                log.warn(
                        "Further such records in the next {} s are counted, not logged one by one",
                        INTERVAL.toSeconds());
            }
            return;
        }
        unlogged.merge(topic, 1L, Long::sum);
    }

    private void logUnlogged() {
        if (unlogged.isEmpty()) {
            return;
        }
        long total = unlogged.values().stream().mapToLong(Long::longValue).sum();
        log.warn(
                "{} {} more records in {} s without a line each, by source topic: {}",
                done,
                total,
                INTERVAL.toSeconds(),
                unlogged);
        unlogged.clear();
    }
}
