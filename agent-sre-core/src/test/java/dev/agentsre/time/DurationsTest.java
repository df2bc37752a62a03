package dev.agentsre.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
            "500ms, PT0.5S",
            "90s, PT1M30S",
            "5m, PT5M",
            "1h, PT1H",
            "24h, PT24H",
            "7d, PT168H",
            "30d, PT720H",
            "2w, PT336H",
            "1h30m, PT1H30M",
            "2d12h, PT60H",
            "' 5M ', PT5M",
            "PT5M, PT5M",
            "P30D, PT720H",
            "p1dt12h, PT36H",
            "P2W, PT336H",
            "0s, PT0S"
    })
    void parsesShortFormsAndIso8601(String text, String iso) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "5", "m", "5 m", "5x", "1.5h", "-5m", "5m1h", "5m5m", "PT-5M", "P", "Pfoo", "99999999999999999999d", "5mm"})
    void rejectsAnythingElseNamingTheInput(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> Durations.parse(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null");
    }

    @Test
    void parsePositiveNamesTheField() {
        assertThatThrownBy(() -> Durations.parsePositive("window", "0s"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window").hasMessageContaining("'0s'");
        assertThatThrownBy(() -> Durations.parsePositive("window", "soon"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window").hasMessageContaining("'soon'");
    }

    @ParameterizedTest
    @CsvSource({"PT720H, 30d", "PT1H30M, 1h30m", "PT0.25S, 250ms", "PT0S, 0s", "PT36H, 1d12h"})
    void formatsInTheShortFormAndRoundTrips(String iso, String text) {
        Duration duration = Duration.parse(iso);
        assertThat(Durations.format(duration)).isEqualTo(text);
        assertThat(Durations.parse(Durations.format(duration))).isEqualTo(duration);
    }
}
