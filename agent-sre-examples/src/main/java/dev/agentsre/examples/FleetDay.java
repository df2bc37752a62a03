package dev.agentsre.examples;

import dev.agentsre.breaker.CircuitState;
import dev.agentsre.chaos.ExperimentState;
import dev.agentsre.cost.BudgetState;
import dev.agentsre.delivery.RolloutState;
import dev.agentsre.incident.Incident;
import dev.agentsre.slo.SloStatus;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the fleet drill observed over its simulated span: what the console summary, the HTML
 * report and the tests read. Filled on the drill's thread (and by the local receiver's thread,
 * through the synchronized list it hands over at the end).
 */
final class FleetDay {

    final FleetDrillOptions options;
    final List<String> agents;
    final Instant start;
    final Instant end;
    final String canaryAgent;
    final Map<String, AgentStats> stats = new LinkedHashMap<>();
    final List<Minute> minutes = new ArrayList<>();
    final List<Marker> markers = new ArrayList<>();
    final List<BreakerChange> breakerChanges = new ArrayList<>();
    final List<AlertChange> fleetAlerts = new ArrayList<>();
    final List<BudgetChange> budgetChanges = new ArrayList<>();
    final List<RolloutChange> rolloutChanges = new ArrayList<>();
    final List<CanaryMinute> canaryMinutes = new ArrayList<>();
    List<LocalAlertReceiver.Received> notifications = List.of();
    int receiverRequests;
    List<Incident> incidents = List.of();
    String outageIncidentId;
    String outagePostmortem;
    LoopFindings loop;
    Instant researchBudgetSpentAt;
    ReplayFindings replay;
    int refusals;
    SloStatus fleetStatus;
    double fleetBudgetLeft;
    double fleetBudgetAtStart;
    double agentBudgetAtStart;
    ExperimentState chaosState;
    String chaosAbortReason;
    RolloutState canaryState;
    int consoleLines;
    Path report;

    FleetDay(FleetDrillOptions options, List<String> agents, Instant start, String canaryAgent) {
        this.options = options;
        this.agents = List.copyOf(agents);
        this.start = start;
        this.end = start.plus(Duration.ofHours(options.hours()));
        this.canaryAgent = canaryAgent;
        agents.forEach(a -> stats.put(a, new AgentStats()));
    }

    int agentIndex(String agent) {
        return agents.indexOf(agent);
    }

    /** Per-agent counts over the whole span. */
    static final class AgentStats {
        int tasks;
        int succeeded;
        int failed;
        final Map<String, Integer> refused = new LinkedHashMap<>();
        int breakerTrips;
        int quarantines;
        BigDecimal spendUsd = BigDecimal.ZERO;
        SloStatus sloStatus;
        double budgetLeftPercent;

        int refusedTotal() {
            return refused.values().stream().mapToInt(Integer::intValue).sum();
        }

        double successPercent() {
            int ran = succeeded + failed;
            return ran == 0 ? 0 : 100.0 * succeeded / ran;
        }
    }

    /**
     * One simulated minute, read at its end.
     *
     * @param budgetLeft each agent's error budget left, %, in the order of {@link #agents}
     * @param fleetFiring the fleet SLO's burn-rate rules firing
     * @param spendToday each agent's spend in the current budget day, USD
     * @param succeeded tasks that succeeded in the minute
     * @param failed tasks that ran and failed
     * @param refusedInFlight tasks stopped by a guard while they ran
     * @param refusedAtDoor tasks refused before they started
     */
    record Minute(Instant at, double fleetBudgetLeft, double[] budgetLeft, double burn1h, double burn5m, double burn6h, double burn30m,
                  Set<String> fleetFiring, double[] spendToday, int succeeded, int failed, int refusedInFlight, int refusedAtDoor) {
    }

    /** What happened, to mark on the timeline: a scripted cause, or an outcome worth pointing at. */
    record Marker(Instant at, String kind, String text) {
    }

    /** A breaker transition; {@code dependency} when it is a model's breaker rather than an agent's. */
    record BreakerChange(Instant at, String name, boolean dependency, CircuitState to) {
    }

    /** The fleet SLO's open burn-rate alert changed. */
    record AlertChange(Instant at, String rule, boolean firing) {
    }

    /** An agent's daily budget changed state. */
    record BudgetChange(Instant at, String agent, BudgetState from, BudgetState to, BigDecimal spentUsd) {
    }

    /** The canary rollout moved: its weight from {@code at} on. */
    record RolloutChange(Instant at, RolloutState to, double weight, String text) {
    }

    /** The canary agent's answers in one minute, per version. */
    record CanaryMinute(Instant end, long baselineCalls, long baselineErrors, long candidateCalls, long candidateErrors) {
    }

    /** How the runaway loop ended. */
    record LoopFindings(Instant at, int attempts, List<String> stoppedBy, int rounds, BigDecimal spentUsd, BigDecimal unguardedUsd) {
    }

    /** What replaying the captured failing task showed. */
    record ReplayFindings(String traceId, int steps, String reproducedFailure, int liveCallsDuringReplay, String fixedAnswer,
                          String diffSummary) {
    }
}
