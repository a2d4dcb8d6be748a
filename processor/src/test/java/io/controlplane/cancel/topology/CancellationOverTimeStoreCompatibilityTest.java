package io.controlplane.cancel.topology;

import static io.controlplane.cancel.serde.CancellationOverTimeSchemaCompatibilityTest.beforeCancelling;
import static io.controlplane.cancel.serde.CancellationOverTimeSchemaCompatibilityTest.writtenBy;
import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.RunState;
import io.controlplane.cancel.avro.RunStateChange;
import io.controlplane.cancel.avro.RunStatus;
import io.controlplane.cancel.serde.EarlierSchemas;
import java.time.Instant;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * What the processor stored, or sent on its cascade topic, before cancellation over time (issue 19)
 * reads on after the upgrade: run states from before deadlineAt, cancellations from before escalated
 * (and from before bulkId and cascadedFrom, still held by deployments upgraded from further back).
 * Here, beside CancelStores and CascadeTopic, to read with the serdes the processor itself uses.
 *
 * <p>The values are written with RunStatus as it was before CANCELLING: these bytes carry no schema,
 * only each status's position, so they also show that CANCELLING moved none of the earlier symbols.
 */
class CancellationOverTimeStoreCompatibilityTest {

    private static final Instant AT = Instant.ofEpochMilli(1_700_000_000_123L);

    private static final Schema RUN_STATE = RunState.getClassSchema();
    private static final Schema RUN_STATE_BEFORE_DEADLINE =
            beforeCancelling(EarlierSchemas.without(RUN_STATE, "deadlineAt"));
    private static final Schema RUN_STATE_BEFORE_PARENT =
            beforeCancelling(EarlierSchemas.without(RUN_STATE, "parentExecutionId", "deadlineAt"));

    private static final Schema CHANGE = RunStateChange.getClassSchema();
    private static final Schema CHANGE_BEFORE_ESCALATED = beforeCancelling(EarlierSchemas.without(CHANGE, "escalated"));
    private static final Schema CHANGE_BEFORE_BULK_ID =
            beforeCancelling(EarlierSchemas.without(CHANGE, "bulkId", "escalated"));
    private static final Schema CHANGE_BEFORE_CASCADED_FROM =
            beforeCancelling(EarlierSchemas.without(CHANGE, "cascadedFrom", "bulkId", "escalated"));

    /** The previous version's run-state store. */
    @Test
    void runStatesStoredBeforeReadOnWithoutADeadline() {
        var stored = CancelStores.runStateSerde();

        assertThat(stored.deserializer()
                        .deserialize("changelog", writtenBy(RUN_STATE_BEFORE_DEADLINE, runState("parent-1", null))))
                .isEqualTo(runState("parent-1", null));
        assertThat(stored.deserializer()
                        .deserialize("changelog", writtenBy(RUN_STATE_BEFORE_PARENT, runState("parent-1", null))))
                .isEqualTo(runState(null, null));

        RunState current = runState("parent-1", AT.plusSeconds(60));
        assertThat(stored.deserializer()
                        .deserialize("changelog", stored.serializer().serialize("x", current)))
                .isEqualTo(current);
    }

    /** The previous version's cancellation and cascade-passed stores: nothing there was escalated. */
    @Test
    void cancellationsStoredBeforeReadOnNotEscalated() {
        var stored = CancelStores.cancellationSerde().deserializer();
        RunStateChange written = change("parent-1", "bulk-7", false);

        assertThat(stored.deserialize("changelog", writtenBy(CHANGE_BEFORE_ESCALATED, written)))
                .isEqualTo(written);
        assertThat(stored.deserialize("changelog", writtenBy(CHANGE_BEFORE_BULK_ID, written)))
                .isEqualTo(change("parent-1", null, false));
        assertThat(stored.deserialize("changelog", writtenBy(CHANGE_BEFORE_CASCADED_FROM, written)))
                .isEqualTo(change(null, null, false));

        RunStateChange forced = change("parent-1", "bulk-7", true);
        assertThat(stored.deserialize(
                        "changelog",
                        CancelStores.cancellationSerde().serializer().serialize("x", forced)))
                .isEqualTo(forced);
    }

    /** A rolling upgrade: a cascade an instance of the previous version sent may still be in flight. */
    @Test
    void aCascadeSentBeforeEscalatedReadsOn() {
        RunStateChange cause = change("parent-1", "bulk-7", false);
        byte[] body = writtenBy(CHANGE_BEFORE_ESCALATED, cause);
        byte[] message = new byte[body.length + 2];
        message[0] = 1; // format version
        message[1] = 2; // a cascade
        System.arraycopy(body, 0, message, 2, body.length);

        assertThat(CascadeTopic.serde().deserializer().deserialize("app-cancel-cascade", message))
                .isEqualTo(CascadeMessage.forced(cause));
    }

    /** A status late in the enum, so that a symbol inserted before it would show as another status. */
    private static RunState runState(String parent, Instant deadlineAt) {
        return new RunState("run-1", "t-1", RunStatus.ABORTED, 6L, AT, parent, deadlineAt);
    }

    private static RunStateChange change(String cascadedFrom, String bulkId, boolean escalated) {
        return RunStateChange.newBuilder()
                .setExecutionId("run-1")
                .setTenantId("t-1")
                .setStatus(RunStatus.CANCELLED)
                .setPreviousStatus(RunStatus.AWAITING_APPROVAL)
                .setCancelledAt(AT)
                .setCancelledBy("alice")
                .setReason("stuck")
                .setCommandId("bulk-7/run-1")
                .setVersion(3L)
                .setTraceId("trace-1")
                .setCascadedFrom(cascadedFrom)
                .setBulkId(bulkId)
                .setEscalated(escalated)
                .build();
    }
}
