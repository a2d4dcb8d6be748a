package io.controlplane.cancel.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.controlplane.cancel.avro.RunStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A command is identified by (cancelledBy, commandId), in trusted mode too: nobody pre-empts another's id. */
class PerActorDedupTest {

    private final CancelDriver cancel = new CancelDriver();

    @AfterEach
    void close() {
        cancel.close();
    }

    @Test
    void twoActorsMayUseTheSameCommandIdAndARepeatByEitherIsStillARepeat() {
        cancel.admin("alice");
        cancel.admin("bob");
        cancel.runState("run-1", RunStatus.RUNNING, 1);
        cancel.runState("run-2", RunStatus.RUNNING, 1);

        cancel.send("run-1", cancel.command("cmd-1", "run-1", "alice"));
        cancel.send("run-2", cancel.command("cmd-1", "run-2", "bob"));
        assertThat(cancel.changes()).extracting(r -> r.value().getCancelledBy()).containsExactly("alice", "bob");

        cancel.send("run-1", cancel.command("cmd-1", "run-1", "alice"));
        cancel.send("run-2", cancel.command("cmd-1", "run-2", "bob"));
        assertThat(cancel.changes()).isEmpty();
        assertThat(cancel.rejections()).isEmpty();
    }

    @Test
    void twoActorsMayWaitForTheSameRunWithTheSameCommandId() {
        cancel.admin("alice");
        cancel.admin("bob");
        cancel.send("run-1", cancel.command("cmd-1", "run-1", "alice"));
        cancel.send("run-1", cancel.command("cmd-1", "run-1", "bob"));
        cancel.runState("run-1", RunStatus.RUNNING, 1);

        // one cancellation per run: the second waiting command finds it cancelled already
        assertThat(cancel.changes()).extracting(r -> r.value().getCancelledBy()).containsExactly("alice");
        assertThat(cancel.rejections())
                .extracting(r -> r.value().getCancelledBy())
                .containsExactly("bob");
    }
}
