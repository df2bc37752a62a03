package dev.agentsre.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.cost.CostGuard;
import dev.agentsre.event.AgentQuarantined;
import dev.agentsre.event.IncidentEvent;
import dev.agentsre.event.IncidentStateChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.anomaly.RiskLevel;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.Slo;
import dev.agentsre.testing.ManualClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lifecycle, its stamps and durations, and the impact measured against the ledgers. */
class IncidentLifecycleTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private final ManualClock clock = ManualClock.at(T0);
    private final SreEventBus bus = new SreEventBus();
    private final List<IncidentEvent> events = new ArrayList<>();

    IncidentLifecycleTest() {
        bus.subscribe(IncidentEvent.class, events::add);
    }

    private IncidentManager manager() {
        IncidentManager m = IncidentManager.builder().clock(clock).eventBus(bus).responseExecutor(Runnable::run).build();
        bus.subscribe(m);
        return m;
    }

    private Incident quarantine(IncidentManager m, String agent) {
        bus.publish(new AgentQuarantined(clock.instant(), agent, RiskLevel.HIGH, List.of("loop")));
        return m.open().get(m.open().size() - 1);
    }

    @Test
    void theLifecycleOnlyMovesForward() {
        IncidentManager m = manager();
        Incident incident = quarantine(m, "a");
        assertThat(incident.state()).isEqualTo(IncidentState.DETECTED);
        assertThat(incident.severity()).isEqualTo(IncidentSeverity.SEV1);
        assertThat(incident.acknowledge("alice")).isTrue();
        assertThat(incident.acknowledge("alice")).isFalse(); // repeating the state does nothing
        assertThat(incident.mitigate("alice", "quarantine holds")).isTrue();

        assertThatThrownBy(() -> incident.acknowledge("bob")).isInstanceOf(IllegalIncidentTransitionException.class)
                .hasMessageContaining("MITIGATED to ACKNOWLEDGED");
        assertThatThrownBy(() -> incident.investigate("bob")).isInstanceOf(IllegalIncidentTransitionException.class);
        assertThatThrownBy(() -> incident.close("bob")).isInstanceOf(IllegalIncidentTransitionException.class)
                .hasMessageContaining("must be RESOLVED");
        assertThat(incident.state()).isEqualTo(IncidentState.MITIGATED);

        incident.resolve("alice", "agent fixed and released");
        assertThatThrownBy(() -> incident.mitigate("alice", "again")).isInstanceOf(IllegalIncidentTransitionException.class);
        assertThatThrownBy(() -> incident.decline("alice", "not real")).isInstanceOf(IllegalIncidentTransitionException.class);
        incident.close("alice");
        assertThatThrownBy(() -> incident.resolve("alice", "x")).isInstanceOf(IllegalIncidentTransitionException.class)
                .hasMessageContaining("CLOSED is final");
        assertThat(events).filteredOn(IncidentStateChanged.class::isInstance).extracting(e -> ((IncidentStateChanged) e).to())
                .containsExactly(IncidentState.ACKNOWLEDGED, IncidentState.MITIGATED, IncidentState.RESOLVED, IncidentState.CLOSED);
    }

    @Test
    void timesAreMeasuredFromTheStamps() {
        IncidentManager m = manager();
        Incident incident = quarantine(m, "a");
        clock.advance(Duration.ofMinutes(2));
        incident.acknowledge("alice");
        clock.advance(Duration.ofMinutes(3));
        incident.investigate("alice");
        clock.advance(Duration.ofMinutes(5));
        incident.mitigate("alice", "released after review");
        clock.advance(Duration.ofMinutes(5));
        incident.resolve("alice", "prompt fixed");

        assertThat(incident.detectedAt()).isEqualTo(T0);
        assertThat(incident.timeToDetect()).isEqualTo(Duration.ZERO);
        assertThat(incident.timeToAcknowledge()).contains(Duration.ofMinutes(2));
        assertThat(incident.timeToMitigate()).contains(Duration.ofMinutes(10));
        assertThat(incident.timeToResolve()).contains(Duration.ofMinutes(15));
        assertThat(incident.investigatingAt()).contains(T0.plus(Duration.ofMinutes(5)));
    }

    @Test
    void skippingStepsLeavesAcknowledgementUnstampedAndMitigationAtTheResolution() {
        IncidentManager m = manager();
        Incident incident = quarantine(m, "a");
        clock.advance(Duration.ofMinutes(7));
        incident.resolve("bob", "false alarm after all");
        assertThat(incident.acknowledgedAt()).isEmpty();
        assertThat(incident.timeToAcknowledge()).isEmpty();
        assertThat(incident.mitigatedAt()).contains(T0.plus(Duration.ofMinutes(7)));
        assertThat(incident.timeToResolve()).contains(Duration.ofMinutes(7));
    }

    @Test
    void declinedAndMergedAreFinal() {
        IncidentManager m = manager();
        Incident a = quarantine(m, "a");
        Incident b = quarantine(m, "b");
        a.decline("alice", "a test agent");
        assertThat(a.state()).isEqualTo(IncidentState.DECLINED);
        assertThatThrownBy(() -> a.acknowledge("alice")).isInstanceOf(IllegalIncidentTransitionException.class);
        Incident c = quarantine(m, "c");
        m.merge(c.id(), b.id(), "alice");
        assertThat(c.state()).isEqualTo(IncidentState.MERGED);
        assertThat(c.mergedInto()).contains(b.id());
        assertThat(b.agents()).containsExactly("b", "c");
        assertThatThrownBy(() -> c.resolve("alice", "x")).isInstanceOf(IllegalIncidentTransitionException.class);
        assertThatThrownBy(() -> m.merge(b.id(), b.id(), "alice")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.merge("INC-99", b.id(), "alice")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("INC-99");
    }

    @Test
    void budgetConsumedAndSpendEqualTheSloAndCostLedgersExactly() {
        ErrorBudget budget = ErrorBudget.builder().target(0.99).window(Duration.ofDays(1)).clock(clock).build();
        Slo slo = Slo.builder("a-reliability").agentId("a").errorBudget(budget).eventBus(bus).clock(clock).build();
        CostGuard costs = CostGuard.builder().perAgentDailyLimit(100).clock(clock).eventBus(bus).build();
        IncidentManager m = IncidentManager.builder().clock(clock).eventBus(bus).slos(List.of(slo)).responseExecutor(Runnable::run).build();
        bus.subscribe(m);

        for (int i = 0; i < 500; i++) { // before the incident: not counted
            budget.recordEvent(i % 50 != 0);
            costs.recordCost("a", "before-" + i, 0.0123);
            costs.recordCost("b", "before-" + i, 0.5);
        }
        Incident incident = quarantine(m, "a");
        long badBefore = budget.lifetimeBadEvents();
        long eventsBefore = budget.lifetimeEvents();
        BigDecimal spentBefore = costs.snapshot("a").spentUsd();
        for (int i = 0; i < 300; i++) {
            clock.advance(Duration.ofSeconds(1));
            budget.recordEvent(i % 3 != 0);
            costs.recordCost("a", "during-" + i, i % 7 == 0 ? 0.0071 : 0.0123);
            costs.recordCost("b", "during-" + i, 0.5); // not an affected agent
        }
        incident.resolve("alice", "fixed");
        long bad = budget.lifetimeBadEvents() - badBefore;
        double allowed = budget.allowedBadEvents();
        BigDecimal spent = costs.snapshot("a").spentUsd().subtract(spentBefore);
        for (int i = 0; i < 100; i++) { // after the resolution: not counted either
            budget.recordEvent(false);
            costs.recordCost("a", "after-" + i, 1.0);
        }

        Impact impact = incident.impact();
        assertThat(impact.slos()).singleElement().satisfies(s -> {
            assertThat(s.slo()).isEqualTo("a-reliability");
            assertThat(s.badEvents()).isEqualTo(bad).isEqualTo(100);
            assertThat(s.events()).isEqualTo(budget.lifetimeEvents() - 100 - eventsBefore).isEqualTo(300);
            assertThat(s.allowedBadEvents()).isEqualTo(allowed);
            assertThat(s.budgetConsumedPercent()).isEqualTo(bad / allowed * 100.0);
        });
        assertThat(impact.failedTasks()).isEqualTo(100);
        assertThat(impact.spentUsd()).isEqualByComparingTo(spent);
        assertThat(impact.spentUsd()).isEqualByComparingTo(new BigDecimal("3.4664")); // 43 x 0.0071 + 257 x 0.0123
        assertThat(impact.from()).isEqualTo(T0);
        assertThat(impact.to()).isEqualTo(T0.plusSeconds(300));
    }
}
