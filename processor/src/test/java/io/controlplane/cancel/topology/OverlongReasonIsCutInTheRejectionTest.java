package io.controlplane.cancel.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunStatus;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A rejection carries the command it rejects, but never with more reason than a command may have:
 * the rejection of a command as large as its topic takes must still fit on the rejections topic.
 */
class OverlongReasonIsCutInTheRejectionTest {

    private static final String CUT = " (this rejection's copy of the command keeps only the first 1024 characters"
            + " of its reason).";

    private final CancelDriver cancel = new CancelDriver();

    @BeforeEach
    void adminAndRun() {
        cancel.admin("alice");
        cancel.runState("run-1", RunStatus.RUNNING, 1);
    }

    @AfterEach
    void close() {
        cancel.close();
    }

    private CancelRejection onlyRejection() {
        List<TestRecord<String, CancelRejection>> rejections = cancel.rejections();
        assertThat(rejections).hasSize(1);
        assertThat(cancel.changes()).isEmpty();
        return rejections.get(0).value();
    }

    private CancelCommand withReason(String commandId, String reason) {
        CancelCommand command = cancel.command(commandId, "run-1", "alice");
        command.setReason(reason);
        return command;
    }

    @Test
    void megabyteReasonIsRejectedWithTheReasonCutInTheCopyAndTheMessageSaysSo() {
        CancelCommand command = withReason("c1", "x".repeat(1_000_000));
        cancel.send("run-1", command);

        CancelRejection rejection = onlyRejection();
        assertThat(rejection.getCode()).isEqualTo(RejectionCode.INVALID_COMMAND);
        assertThat(rejection.getMessage()).isEqualTo("Expected a cancel command with a commandId, an executionId and"
                + " a cancelledBy, but its reason has 1000000 characters, more than the 1024 allowed" + CUT);
        assertThat(rejection.getCommand())
                .isEqualTo(CancelCommand.newBuilder(command).setReason("x".repeat(1024)).build());
        byte[] onTheWire = cancel.topics.rejections.valueSerde().serializer()
                .serialize(cancel.topics.rejections.name(), rejection);
        assertThat(onTheWire.length).isLessThan(4 * 1024);
    }

    @Test
    void cutIsSaidWhicheverProblemIsReported() {
        cancel.send("run-1", withReason(null, "x".repeat(5_000)));

        CancelRejection rejection = onlyRejection();
        assertThat(rejection.getMessage()).endsWith("but its commandId is missing or blank" + CUT);
        assertThat(rejection.getCommand().getReason()).hasSize(1024);
    }

    @Test
    void characterOutsideTheBasicPlaneIsNotCutInHalf() {
        cancel.send("run-1", withReason("c1", "x".repeat(1023) + "\uD83D\uDE00" + "y"));

        assertThat(onlyRejection().getCommand().getReason()).isEqualTo("x".repeat(1023));
    }

    @Test
    void reasonWithinTheLimitIsCopiedWhole() {
        CancelCommand command = withReason("c1", "x".repeat(1024));
        command.setCancelledBy("mallory");
        cancel.send("run-1", command);

        CancelRejection rejection = onlyRejection();
        assertThat(rejection.getCode()).isEqualTo(RejectionCode.UNAUTHORIZED);
        assertThat(rejection.getMessage()).doesNotContain("copy of the command");
        assertThat(rejection.getCommand()).isEqualTo(command);
    }
}
