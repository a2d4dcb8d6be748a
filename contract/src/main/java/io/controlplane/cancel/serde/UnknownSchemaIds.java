package io.controlplane.cancel.serde;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.avro.Schema;

/**
 * Keeps records with schema ids the registry does not know from costing a registry round trip each.
 * A producer that writes random schema ids (or bit-flipped ones) would otherwise make the processor
 * ask the registry once per record: milliseconds each, so a partition of such records crawls (~100 to
 * 200 records/s measured) and a long enough run of them outlasts the transaction's timeout.
 *
 * <ul>
 *   <li>An id the registry said it does not know is taken as unknown without asking again for
 *       {@link #REMEMBERED} (at most {@link #MAX_REMEMBERED} ids).
 *   <li>Once {@link #LOOKUPS_PER_SECOND} lookups in a second were answered "unknown", or such answers
 *       took {@link #LOOKUP_TIME_PER_SECOND} of it, a record with a new id is taken as undecodable
 *       without asking until the next second.
 * </ul>
 *
 * Only "unknown" answers spend that budget. A lookup the registry answers with a schema is real
 * traffic and happens once per id (the caller keeps the schema), so it cannot be flooded; and a
 * lookup that ends in an outage (refused credentials, a 5xx, retries up to the client's limit) holds
 * its record back instead of judging it. Counting either would turn the next new id in the same
 * second into a dead letter: after an outage's seconds of retries, the first new schema a producer
 * registered was dead-lettered instead of decided.
 *
 * The cost: a record written with a schema registered in the last {@link #REMEMBERED}, under an id a
 * record seen just before had already claimed, or one arriving while more than {@link
 * #LOOKUPS_PER_SECOND} made-up ids a second are seen, is dead-lettered, not decided. Real producers
 * register a schema before writing with its id, so this happens only under such a flood; the dead
 * letter keeps the record whole for a replay.
 */
final class UnknownSchemaIds {

    static final Duration REMEMBERED = Duration.ofSeconds(10);
    static final int MAX_REMEMBERED = 10_000;
    static final int LOOKUPS_PER_SECOND = 10;
    /**
     * And at most this much of each second spent waiting for the registry's answers about new ids, so
     * that a slow registry (tens of milliseconds an answer) leaves most of every second to the other
     * records, and the transaction is committed in time.
     */
    static final Duration LOOKUP_TIME_PER_SECOND = Duration.ofMillis(50);

    private final Clock clock;
    /** Unknown ids, oldest answer first, with when the registry said so. */
    private final Map<Integer, Long> unknown = new LinkedHashMap<>();

    private long budgetSecond = Long.MIN_VALUE;
    private int unknownAnswersThisSecond;
    private long unknownAnswerMillisThisSecond;

    UnknownSchemaIds() {
        this(Clock.systemUTC());
    }

    UnknownSchemaIds(Clock clock) {
        this.clock = clock;
    }

    /**
     * The writer schema of {@code id} as {@code registry} gives it, or an {@link
     * UndecodableRecordException} if the id is unknown, known to be unknown, or over the lookup budget.
     */
    Schema schemaById(int id, IntFunction<Schema> registry) {
        long now = clock.millis();
        if (!mayAsk(id, now)) {
            throw new UndecodableRecordException("Unknown schema id " + id + " (not asked of the registry: it said so "
                    + "in the last " + REMEMBERED.toSeconds() + " s, or more than " + LOOKUPS_PER_SECOND
                    + " ids it did not know were seen this second)");
        }
        try {
            return registry.apply(id);
        } catch (UndecodableRecordException e) {
            remember(id, now);
            throw e;
        }
    }

    private synchronized boolean mayAsk(int id, long now) {
        Long answered = unknown.get(id);
        if (answered != null) {
            if (now - answered < REMEMBERED.toMillis()) {
                return false;
            }
            unknown.remove(id);
        }
        startBudgetOf(now / 1000);
        return unknownAnswersThisSecond < LOOKUPS_PER_SECOND
                && unknownAnswerMillisThisSecond < LOOKUP_TIME_PER_SECOND.toMillis();
    }

    private void startBudgetOf(long second) {
        if (second != budgetSecond) {
            budgetSecond = second;
            unknownAnswersThisSecond = 0;
            unknownAnswerMillisThisSecond = 0;
        }
    }

    private synchronized void remember(int id, long asked) {
        long answered = clock.millis();
        startBudgetOf(answered / 1000);
        unknownAnswersThisSecond++;
        unknownAnswerMillisThisSecond += answered - asked;
        unknown.remove(id);
        unknown.put(id, asked);
        while (unknown.size() > MAX_REMEMBERED) {
            unknown.remove(unknown.keySet().iterator().next());
        }
    }
}
