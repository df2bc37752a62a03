package dev.agentsre.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.slo.SloStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SloDayExampleTest {

    @Test
    void theOutageFiresThePageAndTheDayEndsRecovered() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        SloDayExample.Result result = new SloDayExample(new PrintStream(buffer, true, StandardCharsets.UTF_8), SloDayOptions.parse("--seed", "7")).run();
        String output = buffer.toString(StandardCharsets.UTF_8);

        assertThat(result.tasks).isEqualTo(24 * 360);
        assertThat(result.worst).isEqualTo(SloStatus.CRITICAL);
        assertThat(result.alertsFired).isEqualTo(result.alertsResolved).isPositive();
        assertThat(output).contains("fast_burn           fired", "fast_burn           resolved", "WARNING -> CRITICAL");
        assertThat(result.budgetRemaining).isBetween(0.0, 100.0);
    }

    @Test
    void theSameSeedGivesTheSameRun() {
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        new SloDayExample(new PrintStream(a, true, StandardCharsets.UTF_8), SloDayOptions.parse("--seed", "3", "--hours", "12")).run();
        new SloDayExample(new PrintStream(b, true, StandardCharsets.UTF_8), SloDayOptions.parse("--seed", "3", "--hours", "12")).run();
        assertThat(a.toString(StandardCharsets.UTF_8)).isEqualTo(b.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badFlagsAreRejectedWithAMessage() {
        assertThatThrownBy(() -> SloDayOptions.parse("--colour")).hasMessageContaining("--colour");
        assertThatThrownBy(() -> SloDayOptions.parse("--hours", "0")).hasMessageContaining("--hours");
        assertThatThrownBy(() -> SloDayOptions.parse("--seed", "abc")).hasMessageContaining("abc");
        assertThatThrownBy(() -> SloDayOptions.parse("--seed")).hasMessageContaining("needs a value");
        assertThat(SloDayOptions.parse("--help").help()).isTrue();
    }
}
