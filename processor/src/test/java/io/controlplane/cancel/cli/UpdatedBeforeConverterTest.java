package io.controlplane.cancel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class UpdatedBeforeConverterTest {

    private static final Instant NOW = Instant.parse("2026-11-25T18:00:00.123456Z");

    @Test
    void anIsoInstantIsThatInstant() {
        assertThat(UpdatedBeforeConverter.parse("2026-11-25T17:00:00Z", NOW))
                .isEqualTo(Instant.parse("2026-11-25T17:00:00Z"));
        assertThat(UpdatedBeforeConverter.parse(" 2026-11-25T17:00:00.250Z ", NOW))
                .isEqualTo(Instant.parse("2026-11-25T17:00:00.250Z"));
        assertThat(UpdatedBeforeConverter.parse("2026-11-25T18:00:00+01:00", NOW))
                .isEqualTo(Instant.parse("2026-11-25T17:00:00Z"));
    }

    @Test
    void minusADurationIsThatLongBeforeNowToTheMillisecond() {
        assertThat(UpdatedBeforeConverter.parse("-2h", NOW)).isEqualTo(Instant.parse("2026-11-25T16:00:00.123Z"));
        assertThat(UpdatedBeforeConverter.parse("-30m", NOW)).isEqualTo(Instant.parse("2026-11-25T17:30:00.123Z"));
        assertThat(UpdatedBeforeConverter.parse("-500ms", NOW)).isEqualTo(Instant.parse("2026-11-25T17:59:59.623Z"));
        assertThat(UpdatedBeforeConverter.parse("-PT90M", NOW)).isEqualTo(Instant.parse("2026-11-25T16:30:00.123Z"));
    }

    @Test
    void anythingElseIsRefusedWithTheFormsItTakes() {
        for (String bad : new String[] {"2h", "yesterday", "2026-11-25", "", "-", "-0s", "-soon"}) {
            assertThatThrownBy(() -> UpdatedBeforeConverter.parse(bad, NOW))
                    .as(bad)
                    .isInstanceOf(CommandLine.TypeConversionException.class);
        }
        assertThatThrownBy(() -> UpdatedBeforeConverter.parse("yesterday", NOW))
                .hasMessage("'yesterday' is neither an ISO-8601 instant such as 2026-11-25T18:00:00Z nor -DURATION "
                        + "such as -2h");
    }
}
