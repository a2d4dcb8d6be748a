package io.controlplane.cancel.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import picocli.CommandLine;

/**
 * {@code cancel --at}: when the processor is to judge the command (its notBefore). An ISO-8601
 * instant ({@code 2026-11-25T18:00:00Z}, or with an offset, {@code 2026-11-25T19:00:00+01:00}), or
 * {@code +DURATION}, that long after now, the duration as {@link DurationConverter} reads it
 * ({@code +2h}, {@code +30m}, {@code +PT90M}). A time already past is refused: the processor would
 * judge such a command at once, which is what {@code cancel} without {@code --at} does.
 */
final class NotBeforeConverter implements CommandLine.ITypeConverter<Instant> {

    @Override
    public Instant convert(String value) {
        return parse(value, Instant.now());
    }

    /** The instant {@code value} names, a relative one counted from {@code now}; to the millisecond. */
    static Instant parse(String value, Instant now) {
        String text = value.strip();
        if (text.startsWith("+")) {
            Duration later = new DurationConverter().convert(text.substring(1));
            return now.plus(later).truncatedTo(ChronoUnit.MILLIS);
        }
        Instant at;
        try {
            at = Instant.parse(text).truncatedTo(ChronoUnit.MILLIS);
        } catch (DateTimeParseException notAnInstant) {
            try {
                at = OffsetDateTime.parse(text).toInstant().truncatedTo(ChronoUnit.MILLIS);
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + Text.clean(value, 40)
                        + "' is neither an ISO-8601 instant such as 2026-11-25T18:00:00Z nor +DURATION such as +2h");
            }
        }
        if (!at.isAfter(now)) {
            throw new CommandLine.TypeConversionException(at + " is not in the future: leave --at out to cancel now");
        }
        return at;
    }
}
