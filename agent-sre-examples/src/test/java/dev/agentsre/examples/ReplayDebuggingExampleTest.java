package dev.agentsre.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.replay.FieldDifference;
import dev.agentsre.replay.TraceDiff;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayDebuggingExampleTest {

    @Test
    void theBugIsReproducedOfflineAndTheFixShowsInTheDiff(@TempDir Path dir) throws Exception {
        ReplayDebuggingExample.Outcome outcome = ReplayDebuggingExample.run(dir);
        assertThat(outcome.brokenAnswer()).contains("$4250.00");
        assertThat(outcome.replayedAnswer()).isEqualTo(outcome.brokenAnswer());
        assertThat(outcome.liveCallsDuringReplay()).isZero();
        assertThat(outcome.fixedAnswer()).contains("$42.50");
        assertThat(outcome.diff().firstDivergence()).isEqualTo(1);
        TraceDiff.StepDiff llm = outcome.diff().steps().get(1);
        assertThat(llm.differences()).extracting(FieldDifference::path).contains("request.prompt", "response");
    }
}
