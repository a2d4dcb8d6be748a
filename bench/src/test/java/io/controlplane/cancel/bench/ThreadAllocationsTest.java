package io.controlplane.cancel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadAllocationsTest {

    @Test
    void threadsAliveAtBothEndsCountTheirDifferenceAndNewOnesAllTheyHave() {
        ThreadAllocations.Allocated allocated =
                ThreadAllocations.between(Map.of(1L, 100L, 2L, 50L), Map.of(1L, 300L, 2L, 50L, 3L, 40L), Map.of());

        assertThat(allocated.bytes()).isEqualTo(200 + 40);
        assertThat(allocated.threadsLost()).isZero();
    }

    @Test
    void aThreadThatEndedInsideTheWindowIsLostAndCounted() {
        ThreadAllocations.Allocated allocated =
                ThreadAllocations.between(Map.of(1L, 100L, 2L, 50L), Map.of(1L, 300L), Map.of(2L, "sender"));

        assertThat(allocated.bytes()).isEqualTo(200);
        assertThat(allocated.lost()).containsExactly("sender");
        assertThat(allocated.perCall(4)).isEqualTo(50.0);
    }

    @Test
    void theBytesOfThisJvmsThreadsAreCounted() throws InterruptedException {
        ThreadAllocations window = new ThreadAllocations();
        window.open();
        byte[][] kept = {new byte[4 << 20], null};
        Thread other = new Thread(() -> kept[1] = new byte[2 << 20]);
        other.start();
        other.join();
        window.close();

        // this thread's 4 MB are counted; the other thread's 2 MB are not, and as it was not alive at
        // the open it is not counted as lost either: it was never seen
        assertThat(window.allocated().bytes()).isGreaterThanOrEqualTo(kept[0].length);
        assertThat(window.allocated().threadsLost()).isZero();
    }
}
