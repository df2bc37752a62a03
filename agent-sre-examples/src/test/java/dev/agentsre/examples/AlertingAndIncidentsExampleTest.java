package dev.agentsre.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.incident.IncidentSeverity;
import dev.agentsre.incident.IncidentState;
import dev.agentsre.incident.RootCauseHint;
import dev.agentsre.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AlertingAndIncidentsExampleTest {

    @Test
    void theOutageIsOneIncidentOnePageAndOneSlackMessagePerGroupAndState() throws Exception {
        AlertingAndIncidentsExample.Outcome outcome = AlertingAndIncidentsExample.run(ManualClock.at(AlertingAndIncidentsExample.START));

        assertThat(outcome.incidents()).hasSize(1);
        assertThat(outcome.incident().agents()).hasSize(AlertingAndIncidentsExample.AGENTS);
        assertThat(outcome.incident().severity()).isEqualTo(IncidentSeverity.SEV2);
        assertThat(outcome.incident().state()).isEqualTo(IncidentState.RESOLVED);
        RootCauseHint top = outcome.incident().hints().get(0);
        assertThat(top.type()).isEqualTo(RootCauseHint.Type.DEPENDENCY);
        assertThat(top.subject()).isEqualTo("gpt-4o");

        assertThat(outcome.pagerDuty()).containsExactly("trigger", "resolve");
        assertThat(outcome.slack()).containsExactly("[FIRING:1] CircuitOpen (warning)", "[FIRING:7] SloBurnRate (critical)",
                "[RESOLVED] CircuitOpen (warning)", "[RESOLVED] SloBurnRate (critical)");
        assertThat(outcome.notifications()).hasSize(6).allMatch(line -> line.matches("\\d\\d:\\d\\d:\\d\\d  (slack|pagerduty) .*"));
        assertThat(outcome.postmortem()).contains("## Supporting Information").contains("| Time to acknowledge | 4m |");
    }

    @Test
    void theIncidentsPageShowsThisExamplesPostmortem() throws Exception {
        AlertingAndIncidentsExample.Outcome outcome = AlertingAndIncidentsExample.run(ManualClock.at(AlertingAndIncidentsExample.START));
        Path page = Path.of("..", "docs", "incidents.md");
        String content = Files.readString(page, StandardCharsets.UTF_8);
        assertThat(content)
                .as("docs/incidents.md must show the example's postmortem as it is rendered now; regenerate with "
                        + "mvn -q -pl agent-sre-examples -am -DskipTests package exec:java "
                        + "-Ddemo.main=dev.agentsre.examples.AlertingAndIncidentsExample -Ddemo.args=\"--docs docs/incidents.md\"")
                .contains(AlertingAndIncidentsExample.ExampleDocs.block(outcome.postmortem()));
    }
}
