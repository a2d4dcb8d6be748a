package io.controlplane.cancel.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.cancel.TestClock;
import io.controlplane.cancel.avro.RunState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class UnknownSchemaIdsTest {

    private final TestClock clock = new TestClock(Instant.parse("2026-12-03T10:00:00.100Z"));
    private final UnknownSchemaIds unknownIds = new UnknownSchemaIds(clock);
    private final List<Integer> asked = new ArrayList<>();
    /** Knows id 1 only, and counts what it is asked. */
    private final IntFunction<Schema> registry = id -> {
        asked.add(id);
        if (id == 1) {
            return RunState.getClassSchema();
        }
        throw new UndecodableRecordException("Unknown schema id " + id);
    };

    @Test
    void anIdTheRegistryDoesNotKnowIsNotAskedAgainForAWhile() {
        for (int i = 0; i < 100; i++) {
            assertThatThrownBy(() -> unknownIds.schemaById(7, registry)).isInstanceOf(UndecodableRecordException.class);
        }
        assertThat(asked).containsExactly(7);

        clock.advance(UnknownSchemaIds.REMEMBERED);
        assertThatThrownBy(() -> unknownIds.schemaById(7, registry)).isInstanceOf(UndecodableRecordException.class);
        assertThat(asked).containsExactly(7, 7);
    }

    @Test
    void aFloodOfNewIdsIsAskedAboutAtMostSoManyASecond() {
        for (int id = 1000; id < 3000; id++) {
            int claimed = id;
            assertThatThrownBy(() -> unknownIds.schemaById(claimed, registry))
                    .isInstanceOf(UndecodableRecordException.class);
        }
        assertThat(asked).hasSize(UnknownSchemaIds.LOOKUPS_PER_SECOND);

        clock.advance(Duration.ofSeconds(1));
        assertThat(unknownIds.schemaById(1, registry)).isEqualTo(RunState.getClassSchema());
        assertThat(asked).hasSize(UnknownSchemaIds.LOOKUPS_PER_SECOND + 1).endsWith(1);
    }

    @Test
    void aSlowRegistryIsAskedAboutNewIdsOnlyForAFractionOfEachSecond() {
        IntFunction<Schema> slow = id -> {
            asked.add(id);
            clock.advance(Duration.ofMillis(30));
            throw new UndecodableRecordException("Unknown schema id " + id);
        };
        clock.setTo(Instant.parse("2026-12-03T10:00:00.000Z"));
        for (int id = 1000; id < 1005; id++) {
            int claimed = id;
            assertThatThrownBy(() -> unknownIds.schemaById(claimed, slow))
                    .isInstanceOf(UndecodableRecordException.class);
        }
        // 30 ms each: the second lookup takes the time spent past the 50 ms of a second
        assertThat(asked).containsExactly(1000, 1001);
    }

    @Test
    void lookupsAnsweredWithASchemaSpendNoneOfTheBudgetForNewIds() {
        IntFunction<Schema> slowButKnowing = id -> {
            asked.add(id);
            clock.advance(Duration.ofMillis(40));
            return RunState.getClassSchema();
        };
        clock.setTo(Instant.parse("2026-12-03T10:00:00.000Z"));
        for (int id = 1; id <= UnknownSchemaIds.LOOKUPS_PER_SECOND + 5; id++) {
            assertThat(unknownIds.schemaById(id, slowButKnowing)).isEqualTo(RunState.getClassSchema());
        }
        // 15 schemas, 600 ms, all within the same second: each was asked, and so is an unknown id after them
        assertThatThrownBy(() -> unknownIds.schemaById(1000, registry)).isInstanceOf(UndecodableRecordException.class);
        assertThat(asked).hasSize(UnknownSchemaIds.LOOKUPS_PER_SECOND + 6).endsWith(1000);
    }

    @Test
    void aLookupThatEndsInAnOutageSpendsNoneOfTheBudgetForNewIds() {
        IntFunction<Schema> retryingThroughAnOutage = id -> {
            asked.add(id);
            clock.advance(Duration.ofMillis(900));
            throw new SchemaRegistryUnavailableException("HTTP 503 after retries");
        };
        clock.setTo(Instant.parse("2026-12-03T10:00:00.000Z"));
        assertThatThrownBy(() -> unknownIds.schemaById(2, retryingThroughAnOutage))
                .isInstanceOf(SchemaRegistryUnavailableException.class);

        // the registry is back, in the same second: the new id is asked, not taken as unknown
        assertThat(unknownIds.schemaById(1, registry)).isEqualTo(RunState.getClassSchema());
        assertThat(asked).containsExactly(2, 1);
    }

    @Test
    void aKnownIdIsAnsweredAsTheRegistryAnswersIt() {
        assertThat(unknownIds.schemaById(1, registry)).isEqualTo(RunState.getClassSchema());
        assertThat(unknownIds.schemaById(1, registry)).isEqualTo(RunState.getClassSchema());
        assertThat(asked).containsExactly(1, 1);
    }
}
