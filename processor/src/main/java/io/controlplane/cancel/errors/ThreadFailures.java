package io.controlplane.cancel.errors;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when a stream thread fails. A failed thread is replaced and resumes from its last
 * commit, which rides out a passing fault (the schema registry is waited out this way, however
 * long). A record that fails its thread every time would instead be read again forever, holding
 * back every record behind it: after a bounded number of failures in a row on the same record the
 * processor stops, with one ERROR line naming the record, so that its supervisor restarts it and an
 * operator sees why. It is not dead-lettered from here: that would take a producer outside Kafka
 * Streams' transaction, and what fails outside the exception handlers is the processor's fault (or
 * its machine's), not the record's.
 */
public final class ThreadFailures implements StreamsUncaughtExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ThreadFailures.class);

    /** How Kafka Streams names the record a task failed on, in the exception it wraps the failure in. */
    private static final Pattern POSITION = Pattern.compile("topic=([^,\\s]+), partition=(-?\\d+), offset=(-?\\d+)");

    private static final int MAX_SUMMARY_LENGTH = 300;

    private final int maxFailuresPerRecord;
    private long replacements;
    private String lastFailedAt;
    private int failuresInARow;

    public ThreadFailures(int maxFailuresPerRecord) {
        this.maxFailuresPerRecord = maxFailuresPerRecord;
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(Throwable failure) {
        if (RegistryOutage.caused(failure)) {
            lastFailedAt = null;
            failuresInARow = 0;
            replacements++;
            log.error(
                    "Stream thread failed: the schema registry is unavailable; replacing it, and its records wait"
                            + " for the registry ({})",
                    summary(failure));
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        Optional<String> position = position(failure);
        String failedAt = position.orElse(summary(failure));
        failuresInARow = failedAt.equals(lastFailedAt) ? failuresInARow + 1 : 1;
        lastFailedAt = failedAt;
        String where = position.map(p -> "the record at " + p).orElse("an unknown record");
        if (failuresInARow >= maxFailuresPerRecord) {
            log.error(
                    "Stopping: the stream thread failed {} times in a row on {}; exiting with code 1 ({}). "
                            + "Dead-letter or remove that record, or fix the cause, then restart.",
                    failuresInARow,
                    where,
                    summary(failure));
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        replacements++;
        log.error(
                "Stream thread failed ({} of {} in a row on {}), replacing it: {}",
                failuresInARow,
                maxFailuresPerRecord,
                where,
                summary(failure));
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /** How many stream threads were replaced since start. */
    public synchronized long replacements() {
        return replacements;
    }

    /** {@code topic-partition@offset} of the record the failure names, if it names one. */
    static Optional<String> position(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            Matcher matcher = POSITION.matcher(String.valueOf(t.getMessage()));
            if (matcher.find()) {
                return Optional.of(matcher.group(1) + "-" + matcher.group(2) + "@" + matcher.group(3));
            }
        }
        return Optional.empty();
    }

    /** The root cause in one short line: Kafka Streams' own messages carry whole stack traces. */
    private static String summary(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getClass().getName() + ": " + root.getMessage();
        int newline = text.indexOf('\n');
        if (newline >= 0) {
            text = text.substring(0, newline);
        }
        return text.length() > MAX_SUMMARY_LENGTH ? text.substring(0, MAX_SUMMARY_LENGTH) + "..." : text;
    }
}
