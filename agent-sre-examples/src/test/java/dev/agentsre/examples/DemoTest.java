package dev.agentsre.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.slo.SloStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoTest {

    @Test
    void theOutageFiresThePageAndTheDayEndsRecovered() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Demo.Result result = new Demo(new PrintStream(buffer, true, StandardCharsets.UTF_8), DemoOptions.parse("--seed", "7")).run();
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
        new Demo(new PrintStream(a, true, StandardCharsets.UTF_8), DemoOptions.parse("--seed", "3", "--hours", "12")).run();
        new Demo(new PrintStream(b, true, StandardCharsets.UTF_8), DemoOptions.parse("--seed", "3", "--hours", "12")).run();
        assertThat(a.toString(StandardCharsets.UTF_8)).isEqualTo(b.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badFlagsAreRejectedWithAMessage() {
        assertThatThrownBy(() -> DemoOptions.parse("--colour")).hasMessageContaining("--colour");
        assertThatThrownBy(() -> DemoOptions.parse("--hours", "0")).hasMessageContaining("--hours");
        assertThatThrownBy(() -> DemoOptions.parse("--seed", "abc")).hasMessageContaining("abc");
        assertThatThrownBy(() -> DemoOptions.parse("--seed")).hasMessageContaining("needs a value");
        assertThat(DemoOptions.parse("--help").help()).isTrue();
    }
}
