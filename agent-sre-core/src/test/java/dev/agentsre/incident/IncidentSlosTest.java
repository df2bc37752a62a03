package dev.agentsre.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.anomaly.RiskLevel;
import dev.agentsre.event.AgentQuarantined;
import dev.agentsre.event.BurnRateAlertFired;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.slo.AlertSeverity;
import dev.agentsre.slo.BurnRateAlert;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.Slo;
import dev.agentsre.slo.SloTemplate;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which SLOs an incident measures: per-agent SLOs of a template, SLOs sharing a name, and fleet-wide SLOs. */
class IncidentSlosTest {

    private static final Instant T0 = Instant.parse("2026-05-04T08:00:00Z");
    private static final BurnRateAlert PAGE = BurnRateAlert.multiWindow("fast_burn", 14.4, AlertSeverity.CRITICAL,
            Duration.ofHours(1), Duration.ofMinutes(5));

    private final ManualClock clock = ManualClock.at(T0);
    private final SreEventBus bus = new SreEventBus();

    private ErrorBudget budget() {
        return ErrorBudget.builder().target(0.99).window(Duration.ofDays(1)).clock(clock).build();
    }

    private IncidentManager.Builder manager() {
        return IncidentManager.builder().clock(clock).eventBus(bus).responseExecutor(Runnable::run);
    }

    private IncidentManager subscribed(IncidentManager m) {
        bus.subscribe(m);
        return m;
    }

    @Test
    void anIncidentOfAnAgentMeasuresThatAgentsSloOfATemplateAndNoOtherAgents() {
        SloTemplate template = SloTemplate.builder("reliability").errorBudget(this::budget).clock(clock).build();
        Slo a = template.forAgent("a");
        Slo b = template.forAgent("b");
        IncidentManager m = subscribed(manager().sloTemplate(template).build());

        bus.publish(new AgentQuarantined(clock.instant(), "a", RiskLevel.HIGH, List.of("loop")));
        Incident incident = m.open().get(0);
        for (int i = 0; i < 40; i++) {
            a.errorBudget().recordEvent(i % 4 != 0);
            b.errorBudget().recordEvent(false);
        }

        assertThat(incident.impact().slos()).singleElement().satisfies(s -> {
            assertThat(s.slo()).isEqualTo("reliability");
            assertThat(s.agentId()).isEqualTo("a");
            assertThat(s.badEvents()).isEqualTo(10);
            assertThat(s.events()).isEqualTo(40);
        });
        assertThat(template.find("c")).isEmpty();
        bus.publish(new AgentQuarantined(clock.instant(), "c", RiskLevel.HIGH, List.of("loop"))); // an agent the template never saw
        assertThat(template.find("c")).as("looked up, never created").isEmpty();
    }

    @Test
    void aBurnSignalOfATemplatesSloTakesTheSloOfItsAgent() {
        SloTemplate template = SloTemplate.builder("reliability").errorBudget(this::budget).clock(clock).build();
        template.forAgent("a");
        template.forAgent("b");
        IncidentManager m = subscribed(manager().sloTemplate(template).build());

        bus.publish(new BurnRateAlertFired(clock.instant(), "b", "reliability", PAGE, 20, 25));

        assertThat(m.open()).singleElement().satisfies(incident -> assertThat(incident.impact().slos())
                .extracting(Impact.SloImpact::agentId).containsExactly("b"));
    }

    @Test
    void staticSlosMayShareANameAcrossAgentsButNotBeGivenTwice() {
        Slo a = Slo.builder("reliability").agentId("a").errorBudget(budget()).clock(clock).build();
        Slo b = Slo.builder("reliability").agentId("b").errorBudget(budget()).clock(clock).build();
        IncidentManager m = subscribed(manager().slos(List.of(a, b)).build());

        bus.publish(new BurnRateAlertFired(clock.instant(), "b", "reliability", PAGE, 20, 25));
        assertThat(m.open().get(0).impact().slos()).extracting(Impact.SloImpact::agentId).containsExactly("b");

        assertThatThrownBy(() -> manager().slo(a).slo(a).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'reliability' of agent 'a' is given twice");
        SloTemplate template = SloTemplate.builder("t").errorBudget(this::budget).clock(clock).build();
        assertThatThrownBy(() -> manager().sloTemplate(template).sloTemplate(template).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'t' is given twice");
    }

    @Test
    void aFleetWideSloBurningJoinsTheIncidentThatSignalledLastInsteadOfOpeningItsOwn() {
        Slo fleet = Slo.builder("fleet-availability").errorBudget(budget()).clock(clock).build();
        IncidentManager m = subscribed(manager().slo(fleet).build());

        bus.publish(new AgentQuarantined(clock.instant(), "a", RiskLevel.HIGH, List.of("loop")));
        clock.advance(Duration.ofMinutes(1));
        bus.publish(new AgentQuarantined(clock.instant(), "b", RiskLevel.HIGH, List.of("loop")));
        clock.advance(Duration.ofMinutes(1));
        bus.publish(new BurnRateAlertFired(clock.instant(), null, "fleet-availability", PAGE, 20, 25));

        assertThat(m.open()).hasSize(2);
        Incident ofB = m.open().get(1);
        assertThat(ofB.agents()).containsExactly("b");
        assertThat(ofB.impact().slos()).extracting(Impact.SloImpact::slo).containsExactly("fleet-availability");
        assertThat(m.open().get(0).impact().slos()).isEmpty();
    }

    @Test
    void aFleetWideSloBurningWithNothingOpenOpensItsOwnIncident() {
        Slo fleet = Slo.builder("fleet-availability").errorBudget(budget()).clock(clock).build();
        IncidentManager m = subscribed(manager().slo(fleet).build());
        bus.publish(new AgentQuarantined(clock.instant(), "a", RiskLevel.HIGH, List.of("loop")));
        m.open().get(0).resolve("alice", "fixed");
        clock.advance(Duration.ofHours(2));

        bus.publish(new BurnRateAlertFired(clock.instant(), null, "fleet-availability", PAGE, 20, 25));

        assertThat(m.open()).singleElement().satisfies(incident -> {
            assertThat(incident.agents()).isEmpty();
            assertThat(incident.impact().slos()).extracting(Impact.SloImpact::slo).containsExactly("fleet-availability");
        });
    }
}
