package dev.agentsre.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.anomaly.RiskLevel;
import dev.agentsre.breaker.CircuitState;
import dev.agentsre.chaos.ExperimentState;
import dev.agentsre.cost.BudgetAction;
import dev.agentsre.cost.BudgetScope;
import dev.agentsre.cost.BudgetState;
import dev.agentsre.cost.CostAlert;
import dev.agentsre.event.AgentQuarantined;
import dev.agentsre.event.AgentReleased;
import dev.agentsre.event.BudgetStateChanged;
import dev.agentsre.event.BurnRateAlertFired;
import dev.agentsre.event.BurnRateAlertResolved;
import dev.agentsre.event.CascadeDetected;
import dev.agentsre.event.CircuitStateChanged;
import dev.agentsre.event.CostAlertRaised;
import dev.agentsre.event.CostCharged;
import dev.agentsre.event.ExperimentStateChanged;
import dev.agentsre.event.IncidentOpened;
import dev.agentsre.event.IncidentSeverityChanged;
import dev.agentsre.event.IncidentStateChanged;
import dev.agentsre.event.SloStatusChanged;
import dev.agentsre.event.SreEvent;
import dev.agentsre.incident.IncidentSeverity;
import dev.agentsre.incident.IncidentState;
import dev.agentsre.slo.AlertSeverity;
import dev.agentsre.slo.BurnRateAlert;
import dev.agentsre.slo.ExhaustionAction;
import dev.agentsre.slo.SloStatus;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The documented default table of events to alerts, row by row, and replacing a row. */
class EventAlertMappingTest {

    private static final Instant T = Instant.parse("2026-11-25T10:00:00Z");

    /** Records what the mapping does. */
    private static final class Recorder implements AlertSink {
        final List<String> log = new ArrayList<>();
        final List<Alert> fired = new ArrayList<>();

        @Override
        public void fire(Alert alert) {
            fired.add(alert);
            log.add("fire " + alert.name() + alert.labels() + " " + alert.severity().label() + (alert.endsAt() == null ? "" : " until "
                    + alert.endsAt()));
        }

        @Override
        public void resolve(Alert alert) {
            log.add("resolve " + alert.name() + alert.labels());
        }
    }

    private static List<String> map(SreEvent event) {
        Recorder recorder = new Recorder();
        EventAlertMapping.defaults().apply(event, recorder);
        return recorder.log;
    }

    @Test
    void everyDefaultRow() {
        BurnRateAlert page = BurnRateAlert.multiWindow("fast_burn", 14.4, AlertSeverity.CRITICAL, Duration.ofHours(1), Duration.ofMinutes(5));
        BurnRateAlert ticket = BurnRateAlert.multiWindow("slow", 1, AlertSeverity.WARNING, Duration.ofDays(3), Duration.ofHours(6));
        assertThat(map(new BurnRateAlertFired(T, "a", "a-slo", page, 15, 20)))
                .containsExactly("fire SloBurnRate{agent_id=a, alertname=SloBurnRate, rule=fast_burn, slo=a-slo} critical");
        assertThat(map(new BurnRateAlertFired(T, "a", "a-slo", ticket, 1.5, 2)))
                .containsExactly("fire SloBurnRate{agent_id=a, alertname=SloBurnRate, rule=slow, slo=a-slo} warning");
        assertThat(map(new BurnRateAlertResolved(T, "a", "a-slo", page, 1, 1)))
                .containsExactly("resolve SloBurnRate{agent_id=a, alertname=SloBurnRate, rule=fast_burn, slo=a-slo}");
        assertThat(map(new SloStatusChanged(T, "a", "a-slo", SloStatus.CRITICAL, SloStatus.EXHAUSTED, ExhaustionAction.THROTTLE, 0)))
                .containsExactly("fire SloBudgetExhausted{agent_id=a, alertname=SloBudgetExhausted, slo=a-slo} critical");
        assertThat(map(new SloStatusChanged(T, "a", "a-slo", SloStatus.EXHAUSTED, SloStatus.WARNING, ExhaustionAction.THROTTLE, 3)))
                .containsExactly("resolve SloBudgetExhausted{agent_id=a, alertname=SloBudgetExhausted, slo=a-slo}");
        assertThat(map(new SloStatusChanged(T, "a", "a-slo", SloStatus.HEALTHY, SloStatus.CRITICAL, ExhaustionAction.THROTTLE, 50))).isEmpty();
        assertThat(map(new CircuitStateChanged(T, "gpt-4o", CircuitState.CLOSED, CircuitState.OPEN, "5 failures", 100, Duration.ofSeconds(30))))
                .containsExactly("fire CircuitOpen{alertname=CircuitOpen, breaker=gpt-4o} warning");
        assertThat(map(new CircuitStateChanged(T, "gpt-4o", CircuitState.OPEN, CircuitState.HALF_OPEN, "probe", 0, Duration.ZERO))).isEmpty();
        assertThat(map(new CircuitStateChanged(T, "gpt-4o", CircuitState.HALF_OPEN, CircuitState.CLOSED, "ok", 0, Duration.ZERO)))
                .containsExactly("resolve CircuitOpen{alertname=CircuitOpen, breaker=gpt-4o}");
        assertThat(map(new CascadeDetected(T, "a", List.of("a", "b", "c"), Duration.ofMinutes(1), 10)))
                .containsExactly("fire BreakerCascade{alertname=BreakerCascade} critical until " + T.plus(Duration.ofMinutes(15)));
        assertThat(map(new BudgetStateChanged(T, "a", BudgetScope.AGENT, "a", BudgetState.ACTIVE, BudgetState.THROTTLED, "85%")))
                .containsExactly("fire CostThrottled{agent_id=a, alertname=CostThrottled, owner=a, scope=agent} warning");
        assertThat(map(new BudgetStateChanged(T, "a", BudgetScope.AGENT, "a", BudgetState.THROTTLED, BudgetState.KILLED, "95%")))
                .containsExactly("resolve CostThrottled{agent_id=a, alertname=CostThrottled, owner=a, scope=agent}",
                        "fire CostKillSwitch{agent_id=a, alertname=CostKillSwitch, owner=a, scope=agent} critical");
        assertThat(map(new BudgetStateChanged(T, null, BudgetScope.ORGANIZATION, "organization", BudgetState.KILLED, BudgetState.ACTIVE,
                "revived"))).containsExactly("resolve CostThrottled{alertname=CostThrottled, owner=organization, scope=organization}",
                "resolve CostKillSwitch{alertname=CostKillSwitch, owner=organization, scope=organization}");
        CostAlert anomaly = new CostAlert(T, "a", "t", BudgetScope.AGENT, "a", BudgetAction.ANOMALY, Double.NaN, BigDecimal.TEN, BigDecimal.ONE,
                "spend 10x baseline");
        assertThat(map(new CostAlertRaised(T, "a", anomaly)))
                .containsExactly("fire CostAnomaly{agent_id=a, alertname=CostAnomaly} warning until " + T.plus(Duration.ofMinutes(15)));
        CostAlert threshold = new CostAlert(T, "a", "t", BudgetScope.AGENT, "a", BudgetAction.ALERT, 0.5, BigDecimal.TEN, BigDecimal.ONE, "50%");
        assertThat(map(new CostAlertRaised(T, "a", threshold))).isEmpty();
        assertThat(map(new AgentQuarantined(T, "a", RiskLevel.HIGH, List.of("loop"))))
                .containsExactly("fire AgentQuarantined{agent_id=a, alertname=AgentQuarantined} critical");
        assertThat(map(new AgentReleased(T, "a", "manual"))).containsExactly("resolve AgentQuarantined{agent_id=a, alertname=AgentQuarantined}");
        assertThat(map(new ExperimentStateChanged(T, "a", "x", ExperimentState.RUNNING, ExperimentState.ABORTED, "too many errors")))
                .containsExactly("fire ChaosExperimentAborted{agent_id=a, alertname=ChaosExperimentAborted, experiment=x} warning until "
                        + T.plus(Duration.ofMinutes(15)));
        assertThat(map(new IncidentOpened(T, "a", "INC-1", IncidentSeverity.SEV3, "t", List.of("a"), false))).isEmpty();
        assertThat(map(new IncidentOpened(T, "a", "INC-1", IncidentSeverity.SEV1, "t", List.of("a"), false)))
                .containsExactly("fire AgentSreIncident{alertname=AgentSreIncident, incident_id=INC-1} critical");
        assertThat(map(new IncidentSeverityChanged(T, "a", "INC-1", IncidentSeverity.SEV3, IncidentSeverity.SEV2, "t", List.of("a"))))
                .containsExactly("fire AgentSreIncident{alertname=AgentSreIncident, incident_id=INC-1} critical");
        assertThat(map(new IncidentStateChanged(T, "a", "INC-1", IncidentState.MITIGATED, IncidentState.RESOLVED, "alice", null,
                IncidentSeverity.SEV2, "t"))).containsExactly("resolve AgentSreIncident{alertname=AgentSreIncident, incident_id=INC-1}");
        assertThat(map(new IncidentStateChanged(T, "a", "INC-1", IncidentState.RESOLVED, IncidentState.INVESTIGATING, "agent-sre", null,
                IncidentSeverity.SEV2, "t"))).containsExactly("fire AgentSreIncident{alertname=AgentSreIncident, incident_id=INC-1} critical");
        assertThat(map(new CostCharged(T, "a", "t", null, "gpt-4o", BigDecimal.ONE))).isEmpty();
    }

    @Test
    void incidentsOfLowerSeveritiesCanBeAlertedToo() {
        Recorder recorder = new Recorder();
        EventAlertMapping.defaults(IncidentSeverity.SEV3).apply(new IncidentOpened(T, "a", "INC-2", IncidentSeverity.SEV3, "t", List.of(), false),
                recorder);
        assertThat(recorder.log).containsExactly("fire AgentSreIncident{alertname=AgentSreIncident, incident_id=INC-2} warning");
    }

    @Test
    void rowsCanBeReplacedRemovedAndAddedForNewEventTypes() {
        EventAlertMapping mapping = EventAlertMapping.defaults().without(AgentQuarantined.class)
                .on(CircuitStateChanged.class, (e, sink) -> sink.fire(Alert.builder("MyBreaker").label("name", e.agentId()).build()));
        Recorder recorder = new Recorder();
        mapping.apply(new AgentQuarantined(T, "a", RiskLevel.HIGH, List.of()), recorder);
        mapping.apply(new CircuitStateChanged(T, "x", CircuitState.CLOSED, CircuitState.OPEN, "r", 0, Duration.ZERO), recorder);
        assertThat(recorder.log).containsExactly("fire MyBreaker{alertname=MyBreaker, name=x} warning");
        assertThat(mapping.types()).doesNotContain(AgentQuarantined.class).contains(CircuitStateChanged.class);
        // a rule for a sealed sub-interface applies to every event of it
        Recorder all = new Recorder();
        EventAlertMapping.empty().on(dev.agentsre.event.RogueEvent.class, (e, sink) -> sink.fire(Alert.builder("Rogue").build()))
                .apply(new AgentReleased(T, "a", "x"), all);
        assertThat(all.log).containsExactly("fire Rogue{alertname=Rogue} warning");
    }
}
