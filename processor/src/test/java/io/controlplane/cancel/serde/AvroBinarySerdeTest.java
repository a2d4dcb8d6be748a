package io.controlplane.cancel.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.OperatorGrant;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroBinarySerdeTest {

    /**
     * RunStateChange as the versions before escalated, before bulkId too, and before cascadedFrom too,
     * wrote it: each earlier schema is without every field appended since.
     */
    private static final Schema BEFORE_ESCALATED = EarlierSchemas.without(RunStateChange.getClassSchema(), "escalated");

    private static final Schema BEFORE_BULK_ID =
            EarlierSchemas.without(RunStateChange.getClassSchema(), "bulkId", "escalated");

    private static final Schema BEFORE_CASCADED_FROM =
            EarlierSchemas.without(RunStateChange.getClassSchema(), "cascadedFrom", "bulkId", "escalated");

    private final AvroBinarySerde<RunStateChange> changes =
            AvroBinarySerde.readingAlsoBefore(RunStateChange.class, "cascadedFrom", "bulkId", "escalated");

    @Test
    void roundTripsWithoutFraming() {
        AvroBinarySerde<OperatorGrant> serde = new AvroBinarySerde<>(OperatorGrant.class);
        OperatorGrant grant = OperatorGrant.newBuilder()
                .setActorId("a")
                .setRoles(List.of("operator"))
                .setTenants(List.of("*"))
                .build();

        byte[] bytes = serde.serializer().serialize("store-changelog", grant);

        // "a" (length 1 zig-zag = 2), one role, "*": no magic byte, no schema id
        assertThat(bytes[0]).isEqualTo((byte) 2);
        assertThat(serde.deserializer().deserialize("store-changelog", bytes)).isEqualTo(grant);
        assertThat(serde.serializer().serialize("store-changelog", null)).isNull();
        assertThat(serde.deserializer().deserialize("store-changelog", null)).isNull();
    }

    @Test
    void garbageIsASerializationError() {
        AvroBinarySerde<CancelCommand> serde = new AvroBinarySerde<>(CancelCommand.class);

        assertThatThrownBy(() -> serde.deserializer().deserialize("store-changelog", new byte[] {2}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(
                        "Could not decode a io.controlplane.cancel.avro.CancelCommand from store-changelog");
    }

    @Test
    void eachEarlierVersionReadsWithTheFieldsItDidNotHaveYetAtTheirDefaults() {
        RunStateChange change = change("parent-1", "bulk-1", true);

        assertThat(read(EarlierSchemas.writtenAs(BEFORE_ESCALATED, change)))
                .isEqualTo(change("parent-1", "bulk-1", false));
        assertThat(read(EarlierSchemas.writtenAs(BEFORE_BULK_ID, change))).isEqualTo(change("parent-1", null, false));
        assertThat(read(EarlierSchemas.writtenAs(BEFORE_CASCADED_FROM, change))).isEqualTo(change(null, null, false));
    }

    /** An earlier schema would read a current value too, leaving its appended fields behind unread. */
    @Test
    void aValueOfTheCurrentSchemaIsReadAsOne() {
        for (RunStateChange change : List.of(
                change("parent-1", "bulk-1", true),
                change("parent-1", "bulk-1", false),
                change(null, "bulk-1", false),
                change(null, null, true),
                change(null, null, false))) {
            assertThat(read(changes.serializer().serialize("store-changelog", change)))
                    .isEqualTo(change);
        }
    }

    /** No proper prefix of the oldest value is a value of any of the schemas. */
    @Test
    void garbageIsUndecodableWhicheverVersionsAreRead() {
        byte[] oldest = EarlierSchemas.writtenAs(BEFORE_CASCADED_FROM, change(null, null, false));
        for (int length = 0; length < oldest.length; length++) {
            byte[] cut = Arrays.copyOf(oldest, length);
            assertThatThrownBy(() -> read(cut))
                    .isInstanceOf(UndecodableRecordException.class)
                    .hasMessageContaining("Could not decode a io.controlplane.cancel.avro.RunStateChange");
        }
    }

    @Test
    void theAppendedFieldsAreTheLastOnesInTheOrderTheyWereAppended() {
        assertThatThrownBy(() ->
                        AvroBinarySerde.readingAlsoBefore(RunStateChange.class, "bulkId", "cascadedFrom", "escalated"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        AvroBinarySerde.readingAlsoBefore(RunStateChange.class, "cascadedFrom", "escalated", "bulkId"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AvroBinarySerde.readingAlsoBefore(RunStateChange.class, "cascadedFrom", "bulkId"))
                .as("bulkId is no longer the last field")
                .isInstanceOf(IllegalArgumentException.class);
    }

    private RunStateChange read(byte[] bytes) {
        return changes.deserializer().deserialize("store-changelog", bytes);
    }

    private static RunStateChange change(String cascadedFrom, String bulkId, boolean escalated) {
        return RunStateChange.newBuilder()
                .setExecutionId("run-1")
                .setTenantId("t-1")
                .setStatus(RunStatus.CANCELLED)
                .setPreviousStatus(RunStatus.RUNNING)
                .setCancelledAt(Instant.ofEpochMilli(1_700_000_000_123L))
                .setCancelledBy("alice")
                .setReason("stuck")
                .setCommandId("bulk-1/run-1")
                .setVersion(3L)
                .setTraceId("trace-1")
                .setCascadedFrom(cascadedFrom)
                .setBulkId(bulkId)
                .setEscalated(escalated)
                .build();
    }
}
