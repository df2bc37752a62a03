package dev.agentsre.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.slo.SloStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SloFleetExampleTest {

    @Test
    void eachAgentGetsItsOwnSlosAndTheRightOnesAreExhausted() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        SloFleetExample.Result result = new SloFleetExample(new PrintStream(buffer, true, StandardCharsets.UTF_8)).run();
        String output = buffer.toString(StandardCharsets.UTF_8);

        assertThat(result.reliability()).containsOnlyKeys("steady-agent", "flaky-agent", "tripped-agent", "capped-agent",
                "bursty-agent", "fresh-agent");
        assertThat(result.reliability().get("flaky-agent")).isEqualTo(SloStatus.EXHAUSTED);
        assertThat(result.reliability().get("steady-agent")).isEqualTo(SloStatus.HEALTHY);
        assertThat(result.freshAgentEverThrottled()).isFalse();
        // An open circuit is unavailability; a budget refusal is not.
        assertThat(result.availability().get("tripped-agent")).isEqualTo(SloStatus.EXHAUSTED);
        assertThat(result.reliability().get("tripped-agent")).isEqualTo(SloStatus.HEALTHY);
        assertThat(result.availability().get("capped-agent")).isEqualTo(SloStatus.HEALTHY);
        // The burst paged, and the page resolved during the quiet hour, from the evaluator alone.
        assertThat(output).containsPattern("bursty-agent +reliability +fast_burn +fired")
                .containsPattern("T10:[0-5][0-9]:00Z  bursty-agent +reliability +fast_burn +resolved");
        assertThat(result.alertsFired()).isPositive();
    }
}
