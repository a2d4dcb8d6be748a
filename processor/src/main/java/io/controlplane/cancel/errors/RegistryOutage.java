package io.controlplane.cancel.errors;

import io.controlplane.cancel.serde.SchemaRegistryUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the exception handlers share about a schema registry outage: it says nothing about the
 * record, so the record must be neither skipped nor dead-lettered. Failing the stream thread
 * aborts its transaction; the application replaces the thread, which resumes from the last commit
 * and meets the same record again once the registry answers.
 */
final class RegistryOutage {

    private static final Logger log = LoggerFactory.getLogger(RegistryOutage.class);

    private RegistryOutage() {}

    /** Whether {@code failure} is, or was caused by, an unreachable schema registry. */
    static boolean caused(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SchemaRegistryUnavailableException) {
                return true;
            }
        }
        return false;
    }

    static void logRetry(String step, String topic, int partition, long offset, Throwable failure) {
        log.warn(
                "Schema registry unavailable while {} {}-{}@{}; failing the stream thread so that it resumes"
                        + " from its last commit: {}",
                step,
                topic,
                partition,
                offset,
                failure.getMessage());
    }
}
