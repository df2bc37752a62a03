package dev.agentsre.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.slo.SloStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SloPipelineExampleTest {

    @Test
    void theTrippedAgentServesAgainAMinuteAfterItHealsAndOnlyRealOutagesCostAvailability() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        SloPipelineExample.Result result = new SloPipelineExample(new PrintStream(buffer, true, StandardCharsets.UTF_8)).run();
        String output = buffer.toString(StandardCharsets.UTF_8);

        // every agent got both templates' SLOs on its first task
        assertThat(result.reliability()).containsOnlyKeys("steady", "degraded", "crashing");
        assertThat(result.availability()).containsOnlyKeys("steady", "degraded", "crashing");

        // CIRCUIT_BREAK tripped the breaker (not forced open); probes brought the agent back within the recovery timeout
        assertThat(result.actions()).containsSubsequence("degraded reliability CIRCUIT_BREAK applied",
                "degraded reliability CIRCUIT_BREAK undone");
        assertThat(output).contains("degraded  breaker      CLOSED -> OPEN (error budget of SLO 'reliability' exhausted)")
                .doesNotContain("FORCED_OPEN");
        assertThat(Duration.between(result.degradedHealedAt(), result.degradedServingAgainAt()))
                .isLessThanOrEqualTo(Duration.ofMinutes(1).plusSeconds(1));
        assertThat(result.degradedRefusedAfterThat()).isZero();
        assertThat(result.reliability().get("degraded")).isNotEqualTo(SloStatus.EXHAUSTED); // its failures have left the hour

        // the SLO's own refusals are not unavailability; the crashing agent's open circuit is
        assertThat(result.refusals().get("degraded")).isPositive();
        assertThat(result.availability().get("degraded")).isEqualTo(SloStatus.HEALTHY);
        assertThat(result.refusals().get("crashing")).isPositive();
        assertThat(output).contains("crashing  availability CRITICAL -> EXHAUSTED");
        // ... and it recovered with no traffic, from the pipeline's evaluator alone
        assertThat(result.crashingAvailableAgainAt()).isAfter(result.trafficStoppedAt());
        assertThat(result.availability().get("crashing")).isEqualTo(SloStatus.HEALTHY);
        assertThat(result.reliability().get("steady")).isEqualTo(SloStatus.HEALTHY);
        assertThat(result.availability().get("steady")).isEqualTo(SloStatus.HEALTHY);
    }
}
