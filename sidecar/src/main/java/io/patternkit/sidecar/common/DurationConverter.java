package io.patternkit.sidecar.common;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses a duration option: a number with a unit ({@code 250ms}, {@code 1s}, {@code 5m},
 * {@code 2h}, {@code 1d}), ISO-8601 ({@code PT1S}), or a bare {@code 0}, the one number whose meaning needs no
 * unit (as Go's {@code time.ParseDuration} takes it). Negative durations are rejected, and so is any other number
 * without a unit.
 */
public final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

    /**
     * Converts the option text.
     *
     * @param value the text, never null
     * @return the duration, never negative
     * @throws TypeConversionException when the text is not a duration (a number other than 0 without its unit among
     *     them) or is negative
     */
    @Override
    public Duration convert(String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = SHORT.matcher(text);
        Duration d;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                d = Duration.parse(value.trim());
            } catch (DateTimeParseException e) {
                throw new TypeConversionException("'" + value + "' is not a duration such as 0, 500ms, 1s, 5m or PT1S");
            }
        }
        if (d.isNegative()) {
            throw new TypeConversionException("'" + value + "' is negative");
        }
        return d;
    }
}
