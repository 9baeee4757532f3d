package io.patternkit.sidecar.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {
    private final DurationConverter converter = new DurationConverter();

    @ParameterizedTest
    @CsvSource({
        "0, PT0S",
        "' 0 ', PT0S",
        "0ms, PT0S",
        "250ms, PT0.25S",
        "25s, PT25S",
        "5M, PT5M",
        "2h, PT2H",
        "1d, PT24H",
        "PT1.5S, PT1.5S",
        "pt1s, PT1S",
    })
    void readsUnitsIsoAndABareZero(String text, String expected) {
        assertThat(converter.convert(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"25", "00", "1.5s", "soon", "", "-1s"})
    void refusesOtherNumbersWithoutAUnitAndWhatIsNoDuration(String text) {
        assertThatThrownBy(() -> converter.convert(text))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("is not a duration such as 0, 500ms");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT-1S", "-PT1S"})
    void refusesNegativeDurations(String text) {
        assertThatThrownBy(() -> converter.convert(text))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage("'" + text + "' is negative");
    }
}
