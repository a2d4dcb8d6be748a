package io.controlplane.cancel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PacedScheduleTest {

    @Test
    void callsAreDueOneRateApartFromTheStart() {
        PacedSchedule schedule = new PacedSchedule(1_000, 5_000);

        assertThat(schedule.due(0)).isEqualTo(1_000);
        assertThat(schedule.due(1)).isEqualTo(1_000 + 200_000);
        assertThat(schedule.due(5_000)).isEqualTo(1_000 + 1_000_000_000L);
    }

    @Test
    void roundingDoesNotAccumulateOverTheRun() {
        PacedSchedule schedule = new PacedSchedule(0, 3);

        assertThat(schedule.due(1)).isEqualTo(333_333_333);
        assertThat(schedule.due(3)).isEqualTo(1_000_000_000);
        assertThat(schedule.due(3 * 3_600)).isEqualTo(3_600_000_000_000L);
    }
}
