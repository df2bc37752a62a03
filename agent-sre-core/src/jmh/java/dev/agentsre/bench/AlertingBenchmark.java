package dev.agentsre.bench;

import dev.agentsre.alert.AlertManager;
import dev.agentsre.alert.Receiver;
import dev.agentsre.alert.Route;
import dev.agentsre.breaker.CircuitState;
import dev.agentsre.event.BurnRateAlertFired;
import dev.agentsre.event.CallRejected;
import dev.agentsre.event.CostCharged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.event.TaskRefused;
import dev.agentsre.incident.DependencyKind;
import dev.agentsre.incident.DependencyTopology;
import dev.agentsre.incident.IncidentManager;
import dev.agentsre.slo.AlertSeverity;
import dev.agentsre.slo.BurnRateAlert;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The cost an agent's thread pays for alerting and incidents: publishing an event on a bus with the
 * alert manager and the incident manager subscribed, when no notification is due — the steady
 * state of a busy fleet (spend charged, calls rejected by an open breaker, tasks refused) — and a
 * burn-rate alert that fires again while already firing (deduplicated onto its alert and incident).
 * Both managers hold open alerts and incidents for other agents, as during an outage.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public abstract class AlertingBenchmark {

    private SreEventBus bus;
    private AlertManager alerts;
    private IncidentManager incidents;
    private ScheduledExecutorService scheduler;
    private CostCharged charge;
    private CostCharged chargeOfAffectedAgent;
    private CallRejected rejected;
    private TaskRefused refused;
    private BurnRateAlertFired refire;

    @Setup(Level.Trial)
    public void setUp() {
        Instant now = Instant.now();
        bus = new SreEventBus();
        scheduler = Executors.newSingleThreadScheduledExecutor();
        DependencyTopology topology = DependencyTopology.create();
        for (int a = 0; a < 100; a++) {
            topology.observe("agent-" + a, DependencyKind.MODEL, "model-" + (a % 10), true, now);
        }
        alerts = AlertManager.builder().route(Route.root("cb").groupBy("alertname").groupWait(Duration.ofHours(1)))
                .receiver(Receiver.callback("cb", n -> { })).scheduler(scheduler).eventBus(bus).build();
        incidents = IncidentManager.builder().topology(topology).eventBus(bus).responseExecutor(Runnable::run).build();
        bus.subscribe(alerts);
        bus.subscribe(incidents);
        BurnRateAlert rule = BurnRateAlert.multiWindow("fast_burn", 14.4, AlertSeverity.CRITICAL, Duration.ofHours(1), Duration.ofMinutes(5));
        for (int a = 50; a < 60; a++) { // an outage in progress elsewhere in the fleet
            bus.publish(new BurnRateAlertFired(now, "agent-" + a, "agent-" + a + "-slo", rule, 20, 30));
        }
        charge = new CostCharged(now, "agent-1", "task-1", null, "gpt-4o", new BigDecimal("0.0123"));
        chargeOfAffectedAgent = new CostCharged(now, "agent-50", "task-2", null, "gpt-4o", new BigDecimal("0.0123"));
        rejected = new CallRejected(now, "model-3", CircuitState.OPEN, Duration.ofSeconds(30));
        refused = new TaskRefused(now, "agent-2", "task-3", "throttled", "agent is throttled", Duration.ofSeconds(10));
        refire = new BurnRateAlertFired(now, "agent-55", "agent-55-slo", rule, 21, 31);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        alerts.close();
        incidents.close();
        scheduler.shutdownNow();
    }

    /** Spend of an agent without an open incident: the most frequent event. */
    @Benchmark
    public void publishCostCharged() {
        bus.publish(charge);
    }

    /** A call rejected by an open dependency breaker (frequent during an outage). */
    @Benchmark
    public void publishCallRejected() {
        bus.publish(rejected);
    }

    /** A task refused at the door. */
    @Benchmark
    public void publishTaskRefused() {
        bus.publish(refused);
    }

    /** Spend of an agent in an open incident: added to the incident's impact. */
    @Benchmark
    public void publishCostChargedOfAffectedAgent() {
        bus.publish(chargeOfAffectedAgent);
    }

    /** A burn-rate alert firing again while firing: deduplicated onto its alert and its incident. */
    @Benchmark
    public void publishRepeatedBurnRateAlert() {
        bus.publish(refire);
    }

    /** One thread. */
    @Threads(1)
    public static class T1 extends AlertingBenchmark {
    }

    /** Two threads publishing on one bus. */
    @Threads(2)
    public static class T2 extends AlertingBenchmark {
    }
}
