package io.controlplane.cancel.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.CancelCommand;
import io.controlplane.cancel.avro.CancelRejection;
import io.controlplane.cancel.avro.RejectionCode;
import io.controlplane.cancel.avro.RunStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A rejection carries the command it rejects, but never with more reason than a command may have:
 * the rejection of a command as large as its topic takes must still fit on the rejections topic.
 */
class OverlongTextIsCutInTheRejectionTest {

    private static final String CUT =
            " (this rejection keeps only the first 256 characters of an id and 1024 of" + " the reason).";

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

    private CancelCommand withReason(String commandId, String reason) {
        CancelCommand command = cancel.command(commandId, "run-1", "alice");
        command.setReason(reason);
        return command;
    }

    @Test
    void megabyteReasonIsRejectedWithTheReasonCutInTheCopyAndTheMessageSaysSo() {
        CancelCommand command = withReason("c1", "x".repeat(1_000_000));
        cancel.send("run-1", command);

        CancelRejection rejection = cancel.onlyRejection();
        assertThat(rejection.getCode()).isEqualTo(RejectionCode.INVALID_COMMAND);
        assertThat(rejection.getMessage())
                .isEqualTo("Expected a cancel command with a commandId, an executionId and"
                        + " a cancelledBy, but its reason has 1000000 characters, more than the 1024 allowed" + CUT);
        assertThat(rejection.getCommand())
                .isEqualTo(CancelCommand.newBuilder(command)
                        .setReason("x".repeat(1024))
                        .build());
        byte[] onTheWire = cancel.topics
                .rejections
                .valueSerde()
                .serializer()
                .serialize(cancel.topics.rejections.name(), rejection);
        assertThat(onTheWire.length).isLessThan(4 * 1024);
    }

    @Test
    void cutIsSaidWhicheverProblemIsReported() {
        cancel.send("run-1", withReason(null, "x".repeat(5_000)));

        CancelRejection rejection = cancel.onlyRejection();
        assertThat(rejection.getMessage()).endsWith("but its commandId is missing or blank" + CUT);
        assertThat(rejection.getCommand().getReason()).hasSize(1024);
    }

    @Test
    void characterOutsideTheBasicPlaneIsNotCutInHalf() {
        cancel.send("run-1", withReason("c1", "x".repeat(1023) + "\uD83D\uDE00" + "y"));

        assertThat(cancel.onlyRejection().getCommand().getReason()).isEqualTo("x".repeat(1023));
    }

    @Test
    void reasonWithinTheLimitIsCopiedWhole() {
        CancelCommand command = withReason("c1", "x".repeat(1024));
        command.setCancelledBy("mallory");
        cancel.send("run-1", command);

        CancelRejection rejection = cancel.onlyRejection();
        assertThat(rejection.getCode()).isEqualTo(RejectionCode.UNAUTHORIZED);
        assertThat(rejection.getMessage()).doesNotContain("keeps only");
        assertThat(rejection.getCommand()).isEqualTo(command);
    }

    @Test
    void megabyteTraceIdIsRejectedAndCutWhereverTheRejectionRepeatsIt() {
        CancelCommand command = withReason("c1", null);
        command.setTraceId("t".repeat(600_000));
        cancel.send("run-1", command);

        CancelRejection rejection = cancel.onlyRejection();
        assertThat(rejection.getMessage()).contains("its traceId has 600000 characters, more than the 256 allowed");
        assertThat(rejection.getTraceId()).hasSize(256);
        assertThat(rejection.getCommand().getTraceId()).hasSize(256);
        assertThat(cancel.topics
                        .rejections
                        .valueSerde()
                        .serializer()
                        .serialize(cancel.topics.rejections.name(), rejection)
                        .length)
                .isLessThan(4 * 1024);
    }

    @Test
    void megabyteKeyIsRejectedWithoutRepeatingIt() {
        cancel.send("k".repeat(1_000_000), withReason("c1", null));

        CancelRejection rejection = cancel.onlyRejection();
        assertThat(rejection.getMessage()).contains("its record key has 1000000 characters, more than the 256 allowed");
        assertThat(rejection.getMessage()).hasSizeLessThan(400);
    }

    @Test
    void overlongIdsAreInvalidAndCutInTheRejectionsFields() {
        String longId = "e".repeat(300);
        cancel.send(null, cancel.command("c".repeat(257), longId, "a".repeat(5_000)));

        CancelRejection rejection = cancel.onlyRejection();
        assertThat(rejection.getCode()).isEqualTo(RejectionCode.INVALID_COMMAND);
        assertThat(rejection.getMessage()).contains("its commandId has 257 characters, more than the 256 allowed");
        assertThat(rejection.getCommandId()).hasSize(256);
        assertThat(rejection.getExecutionId()).isEqualTo(longId.substring(0, 256));
        assertThat(rejection.getCancelledBy()).hasSize(256);
        assertThat(rejection.getCommand().getCancelledBy()).hasSize(256);
    }
}
