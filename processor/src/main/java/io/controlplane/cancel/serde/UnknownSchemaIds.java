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
 *   <li>Ids never asked about are looked up at most {@link #LOOKUPS_PER_SECOND} a second, and for at
 *       most {@link #LOOKUP_TIME_PER_SECOND} of it; past that, a record with a new id is taken as
 *       undecodable without asking.
 * </ul>
 *
 * The cost: a record written with a schema registered in the last {@link #REMEMBERED}, under an id a
 * record seen just before had already claimed, or one arriving while more than {@link
 * #LOOKUPS_PER_SECOND} new ids a second are seen (a flood of made-up ids), is dead-lettered, not
 * decided. Real producers register a schema before writing with its id, and new schemas are rare, so
 * this happens only under such a flood; the dead letter keeps the record whole for a replay.
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
    private int lookupsThisSecond;
    private long lookupMillisThisSecond;

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
        } finally {
            spent(clock.millis() - now);
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
        long second = now / 1000;
        if (second != budgetSecond) {
            budgetSecond = second;
            lookupsThisSecond = 0;
            lookupMillisThisSecond = 0;
        }
        return ++lookupsThisSecond <= LOOKUPS_PER_SECOND && lookupMillisThisSecond < LOOKUP_TIME_PER_SECOND.toMillis();
    }

    private synchronized void spent(long millis) {
        lookupMillisThisSecond += millis;
    }

    private synchronized void remember(int id, long now) {
        unknown.remove(id);
        unknown.put(id, now);
        while (unknown.size() > MAX_REMEMBERED) {
            unknown.remove(unknown.keySet().iterator().next());
        }
    }
}
