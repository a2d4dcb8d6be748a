package io.controlplane.cancel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class NotBeforeConverterTest {

    private static final Instant NOW = Instant.parse("2026-11-25T18:00:00.123456Z");

    @Test
    void anIsoInstantAheadIsThatInstant() {
        assertThat(NotBeforeConverter.parse("2026-11-25T19:00:00Z", NOW))
                .isEqualTo(Instant.parse("2026-11-25T19:00:00Z"));
        assertThat(NotBeforeConverter.parse(" 2026-11-25T19:00:00.250Z ", NOW))
                .isEqualTo(Instant.parse("2026-11-25T19:00:00.250Z"));
        assertThat(NotBeforeConverter.parse("2026-11-25T20:00:00+01:00", NOW))
                .isEqualTo(Instant.parse("2026-11-25T19:00:00Z"));
    }

    @Test
    void plusADurationIsThatLongAfterNowToTheMillisecond() {
        assertThat(NotBeforeConverter.parse("+1h", NOW)).isEqualTo(Instant.parse("2026-11-25T19:00:00.123Z"));
        assertThat(NotBeforeConverter.parse("+30m", NOW)).isEqualTo(Instant.parse("2026-11-25T18:30:00.123Z"));
        assertThat(NotBeforeConverter.parse("+500ms", NOW)).isEqualTo(Instant.parse("2026-11-25T18:00:00.623Z"));
        assertThat(NotBeforeConverter.parse("+PT90M", NOW)).isEqualTo(Instant.parse("2026-11-25T19:30:00.123Z"));
    }

    @Test
    void aTimeNotAheadIsRefusedSayingToLeaveAtOut() {
        for (String past :
                new String[] {"2026-11-25T17:00:00Z", "2026-11-25T18:00:00.123Z", "2026-11-25T18:00:00+01:00"}) {
            assertThatThrownBy(() -> NotBeforeConverter.parse(past, NOW))
                    .as(past)
                    .isInstanceOf(CommandLine.TypeConversionException.class)
                    .hasMessageEndingWith("is not in the future: leave --at out to cancel now");
        }
    }

    @Test
    void anythingElseIsRefusedWithTheFormsItTakes() {
        for (String bad : new String[] {"1h", "-1h", "tomorrow", "2026-11-26", "", "+", "+0s", "+soon"}) {
            assertThatThrownBy(() -> NotBeforeConverter.parse(bad, NOW))
                    .as(bad)
                    .isInstanceOf(CommandLine.TypeConversionException.class);
        }
        assertThatThrownBy(() -> NotBeforeConverter.parse("tomorrow", NOW))
                .hasMessage("'tomorrow' is neither an ISO-8601 instant such as 2026-11-25T18:00:00Z nor +DURATION "
                        + "such as +2h");
    }
}
