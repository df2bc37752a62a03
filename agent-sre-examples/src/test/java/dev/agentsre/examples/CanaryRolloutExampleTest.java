package dev.agentsre.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.delivery.Evidence;
import dev.agentsre.delivery.RolloutMetrics;
import dev.agentsre.delivery.RolloutState;
import dev.agentsre.event.RolloutRolledBack;
import dev.agentsre.event.RolloutStateChanged;
import dev.agentsre.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CanaryRolloutExampleTest {

    @Test
    void theNewPromptPassesShadowAndTheFivePercentCanaryThenRegressesAtTwentyFivePercentAndIsRolledBackByItself() throws Exception {
        CanaryRolloutExample.Outcome o = CanaryRolloutExample.run(ManualClock.at(CanaryRolloutExample.START));

        assertThat(o.events()).hasSize(4);
        assertThat(o.events().subList(0, 3)).extracting(e -> ((RolloutStateChanged) e).to() + "@" + ((RolloutStateChanged) e).weight())
                .containsExactly("SHADOW@0.0", "CANARY@0.05", "CANARY@0.25");
        assertThat(o.events().get(1).timestamp()).isEqualTo(Instant.parse("2026-11-02T08:30:00Z"));
        assertThat(o.events().get(2).timestamp()).isEqualTo(Instant.parse("2026-11-02T09:30:00Z"));
        RolloutRolledBack rollback = (RolloutRolledBack) o.events().get(3);
        assertThat(rollback.step()).isEqualTo(2);
        assertThat(rollback.weight()).isEqualTo(0.25);
        assertThat(o.state()).isEqualTo(RolloutState.ROLLED_BACK);
        assertThat(o.rolledBackAt()).isAfter(Instant.parse("2026-11-02T09:45:00Z")).isBefore(Instant.parse("2026-11-02T11:00:00Z"));
        assertThat(o.evidence().trigger()).isEqualTo(Evidence.SEQUENTIAL_REGRESSION);
        assertThat(o.evidence().metric()).isEqualTo(RolloutMetrics.ERROR_RATE);
        assertThat(o.evidence().values().get("bayes_factor")).isGreaterThanOrEqualTo(o.evidence().values().get("threshold"));
        assertThat(o.candidateAnswersAfterRollback()).as("every session is back on prompt-v3").isZero();
        assertThat(o.questions()).isEqualTo(7_200);
        assertThat(o.log()).anyMatch(l -> l.contains("ROLLED BACK from step 2 at 25 %: sequential_regression on error_rate"));
    }

    @Test
    void theChartOnTheDeliveryPageIsTheOneThisExampleDraws() throws Exception {
        CanaryRolloutExample.Outcome o = CanaryRolloutExample.run(ManualClock.at(CanaryRolloutExample.START));
        String svg = CanaryRolloutExample.svg(o);
        assertThat(svg).startsWith("<svg").contains("rolled back").contains("canary 25%");
        Path checkedIn = Path.of("../docs/images/canary-rollout.svg");
        assertThat(Files.readString(checkedIn, StandardCharsets.UTF_8))
                .as("docs/images/canary-rollout.svg is stale; redraw it: mvn -q -pl agent-sre-examples -am compile exec:java "
                        + "-Ddemo.main=dev.agentsre.examples.CanaryRolloutExample -Ddemo.args=\"--svg docs/images/canary-rollout.svg\"")
                .isEqualTo(svg);
    }
}
