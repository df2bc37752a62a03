package dev.agentsre.examples;

import dev.agentsre.AgentSre;
import dev.agentsre.TaskLimits;
import dev.agentsre.TaskRefusedException;
import dev.agentsre.alert.AlertManager;
import dev.agentsre.alert.Receiver;
import dev.agentsre.alert.Route;
import dev.agentsre.alert.Secret;
import dev.agentsre.anomaly.RiskLevel;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueDetectorConfig;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.breaker.CircuitState;
import dev.agentsre.chaos.AbortCondition;
import dev.agentsre.chaos.ChaosExperiment;
import dev.agentsre.chaos.ExperimentState;
import dev.agentsre.chaos.Fault;
import dev.agentsre.cost.BudgetScope;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.delivery.AgentRollout;
import dev.agentsre.delivery.DeploymentFreeze;
import dev.agentsre.delivery.DeploymentFrozenException;
import dev.agentsre.delivery.RollbackTrigger;
import dev.agentsre.delivery.RolloutMetrics;
import dev.agentsre.delivery.RolloutState;
import dev.agentsre.delivery.RolloutStep;
import dev.agentsre.delivery.Variant;
import dev.agentsre.event.AgentQuarantined;
import dev.agentsre.event.AgentReleased;
import dev.agentsre.event.BudgetStateChanged;
import dev.agentsre.event.BurnRateAlertFired;
import dev.agentsre.event.BurnRateAlertResolved;
import dev.agentsre.event.CircuitStateChanged;
import dev.agentsre.event.CostCharged;
import dev.agentsre.event.ExperimentStateChanged;
import dev.agentsre.event.IncidentOpened;
import dev.agentsre.event.IncidentSeverityChanged;
import dev.agentsre.event.RolloutRolledBack;
import dev.agentsre.event.RolloutStateChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.event.TaskRefused;
import dev.agentsre.guard.CallKind;
import dev.agentsre.incident.ActionItem;
import dev.agentsre.incident.BudgetControl;
import dev.agentsre.incident.Controls;
import dev.agentsre.incident.DependencyTopology;
import dev.agentsre.incident.DetectionPolicy;
import dev.agentsre.incident.Incident;
import dev.agentsre.incident.IncidentManager;
import dev.agentsre.incident.IncidentSeverity;
import dev.agentsre.incident.IncidentState;
import dev.agentsre.incident.Responses;
import dev.agentsre.incident.RolloutControl;
import dev.agentsre.incident.RootCauseHint;
import dev.agentsre.otel.AgentSreTelemetry;
import dev.agentsre.otel.GrafanaDashboard;
import dev.agentsre.otel.PrometheusRules;
import dev.agentsre.otel.SreComponents;
import dev.agentsre.replay.ReplayEngine;
import dev.agentsre.replay.Trace;
import dev.agentsre.replay.TraceCapture;
import dev.agentsre.replay.TraceDiff;
import dev.agentsre.replay.TraceStore;
import dev.agentsre.slo.BurnRateAlert;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.ExhaustionAction;
import dev.agentsre.slo.Slis;
import dev.agentsre.slo.Slo;
import dev.agentsre.testing.ManualClock;
import dev.agentsre.testing.ManualScheduler;
import io.opentelemetry.exporter.logging.LoggingMetricExporter;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The demo behind the README's run command: a simulated fleet of agents (fake model and tools, no
 * network, seeded) runs every task through one {@link AgentSre} pipeline over a simulated day on a
 * virtual clock, with the alert manager delivering to a local receiver and the incident manager
 * turning the day's problems into incidents. The script: a canary of a new prompt that regresses
 * and rolls back by itself; an LLM provider outage (the shared model's breaker fails calls fast in
 * every agent; one incident, one page); a runaway loop stopped in flight by the per-task budget, then
 * quarantined; a cost explosion throttled at 80% and killed at 95% of the daily budget; a chaos
 * experiment that aborts itself; and a failing task captured, replayed offline and diffed against
 * the fix. The console tells the story (one line per notification delivered, each incident once);
 * the HTML report draws the day; the OpenTelemetry SDK exports every metric.
 */
public final class FleetDrill implements AutoCloseable {

    static final Instant START = Instant.parse("2026-11-02T00:00:00Z");
    /** The quiet days behind every SLO before the drill starts (with the drill, a full 30-day window). */
    static final Duration HISTORY = Duration.ofDays(29);
    /** One task in this many failed in the history: the budgets' starting point. */
    static final int HISTORY_FAILURE_EVERY = 720;
    static final Duration TICK = Duration.ofMinutes(1);
    static final String[] ROLES = {"research-agent", "support-agent", "code-reviewer", "summarizer", "triage-agent", "billing-agent"};
    static final double AGENT_TARGET = 0.99;
    static final double FLEET_TARGET = 0.995;
    static final double TASK_LIMIT_USD = 2.00;
    static final double DAILY_LIMIT_USD = 10.00;
    static final double THROTTLE_AT = 0.80;
    static final double KILL_AT = 0.95;
    /** Tasks a minute of every agent but the canary's: two, so one unlucky failure does not make a 5-minute window burn at 20×. */
    static final int TASKS_PER_MINUTE = 2;
    static final int CANARY_SESSIONS_PER_MINUTE = 20;
    static final double BASELINE_INVALID_SHARE = 0.002;
    static final double CANDIDATE_INVALID_SHARE = 0.08;
    static final int LOOP_ATTEMPTS = 3;
    static final String ON_CALL = "alice";
    static final String ROLLOUT = "triage-prompt-v2";

    private final FleetDrillOptions options;
    private final MetricReader metricReader;
    private final Pacer pacer;
    private final FleetConsole console;

    // the world, built by run()
    private FleetDay day;
    private FleetScript script;
    private ManualClock clock;
    private ManualScheduler scheduler;
    private SreEventBus bus;
    private Slo fleetSlo;
    private final Map<String, Slo> agentSlos = new LinkedHashMap<>();
    private CostGuard costGuard;
    private RogueAgentDetector rogue;
    private ChaosExperiment chaos;
    private TraceStore traces;
    private AgentSre sre;
    private AgentSre capturing;
    private AgentRollout<Ticket, String> rollout;
    private IncidentManager incidents;
    private AlertManager alerts;
    private LocalAlertReceiver receiver;
    private FleetFakes fakes;
    private SdkMeterProvider meters;
    private AgentSreTelemetry telemetry;
    private String research;
    private String looper;
    private String summarizer;
    private String canary;
    private String capturedTraceId;
    private final Map<String, Instant> pagedAt = new java.util.concurrent.ConcurrentHashMap<>();
    private final long[] canaryWindow = new long[4]; // this minute's baseline calls, errors, candidate calls, errors

    /** A ticket for the canary agent, in a session: the rollout's routing key. */
    record Ticket(String sessionId) {
    }

    /** Paces the drill: nothing in a simulation, real time at a speed in live mode. */
    @FunctionalInterface
    interface Pacer {
        /** Returns once {@code simulated} time since the start may have passed. */
        void await(Duration simulated) throws InterruptedException;

        /** No waiting: a simulated day in seconds. */
        static Pacer none() {
            return simulated -> {
            };
        }

        /** {@code speed} simulated seconds per real second, from now. */
        static Pacer realTime(int speed) {
            long start = System.nanoTime();
            return simulated -> {
                long wait = start + simulated.toNanos() / speed - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            };
        }
    }

    /**
     * @param metricReader where the OTel SDK sends the drill's metrics (a Prometheus server, a counting
     *        exporter, or a test's in-memory reader)
     */
    FleetDrill(PrintStream out, FleetDrillOptions options, MetricReader metricReader, Pacer pacer) {
        this.console = new FleetConsole(out);
        this.options = options;
        this.metricReader = metricReader;
        this.pacer = pacer;
    }

    /** Entry point; see {@link FleetDrillOptions#USAGE}. Exits with status 2 on a bad flag. */
    public static void main(String[] args) throws Exception {
        // the console is the drill's narrative: the library's own INFO logs would tell it a second time, on standard error
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        FleetDrillOptions options;
        try {
            options = FleetDrillOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("fleet-drill: " + e.getMessage());
            FleetDrillOptions.printUsage(System.err);
            System.exit(2);
            return;
        }
        if (options.help()) {
            FleetDrillOptions.printUsage(System.out);
            return;
        }
        MetricReader reader = options.prometheusPort() > 0
                ? PrometheusHttpServer.builder().setHost("127.0.0.1").setPort(options.prometheusPort()).build()
                : PeriodicMetricReader.builder(new NameRecordingExporter()).setInterval(Duration.ofDays(1)).build();
        FleetDrill drill = new FleetDrill(System.out, options, reader, options.live() ? Pacer.realTime(options.speed()) : Pacer.none());
        try {
            drill.run();
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1); // the receiver's and the exporter's threads would keep the JVM alive
        }
        if (options.prometheusPort() > 0) {
            if (options.live()) {
                System.out.printf("%nThe scripted span is over; quiet traffic keeps flowing at %dx for the scrapes at "
                        + "http://localhost:%d/metrics — Ctrl-C to stop.%n", options.speed(), options.prometheusPort());
                drill.keepTrafficFlowing();
            } else {
                System.out.printf("%nServing the drill's final metrics at http://localhost:%d/metrics (frozen: add --live to scrape "
                        + "them while traffic flows) — Ctrl-C to stop.%n", options.prometheusPort());
                Thread.currentThread().join();
            }
        }
    }

    /** Runs the scripted span and returns what it observed. */
    FleetDay run() throws Exception {
        Files.createDirectories(options.out());
        List<String> agents = agentNames(options.agents());
        research = agents.get(0);
        looper = agents.get(1);
        summarizer = agents.get(3);
        canary = agents.size() > 4 ? agents.get(4) : agents.get(3);
        day = new FleetDay(options, agents, START, canary);
        script = new FleetScript(options.hours());
        clock = ManualClock.at(START.minus(HISTORY));
        scheduler = new ManualScheduler(clock);
        bus = new SreEventBus();

        // ---- SLOs: every agent its own (99% over 30 days, the four burn-rate tiers by default), and one for the whole fleet
        for (String agent : agents) {
            agentSlos.put(agent, slo(agent + "-reliability", agent, AGENT_TARGET, ExhaustionAction.THROTTLE));
        }
        fleetSlo = slo("fleet-task-success", null, FLEET_TARGET, ExhaustionAction.ALERT);
        history(agents);
        day.agentBudgetAtStart = agentSlos.get(research).errorBudget().remainingPercent();
        day.fleetBudgetAtStart = fleetSlo.errorBudget().remainingPercent();

        // ---- the guards
        CircuitBreakerRegistry agentBreakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.builder()
                .failureThreshold(5).recoveryTimeout(Duration.ofMinutes(3)).clock(clock).build(), bus);
        // a model's breaker is shared by every agent: three failures in a row and every agent's calls to it fail fast
        CircuitBreakerRegistry modelBreakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.builder()
                .failureThreshold(3).recoveryTimeout(Duration.ofMinutes(1)).clock(clock).build(), bus);
        costGuard = CostGuard.builder().perTaskLimit(TASK_LIMIT_USD).perAgentDailyLimit(DAILY_LIMIT_USD).orgMonthlyBudget(5_000)
                .autoThrottle(true).throttleThreshold(THROTTLE_AT).throttledTasksPerMinute(0.2).killSwitchThreshold(KILL_AT)
                .anomalyDetection(true).priceTable(PriceTable.defaults()).clock(clock).eventBus(bus).build();
        rogue = new RogueAgentDetector(RogueDetectorConfig.builder().quarantineRiskLevel(RiskLevel.HIGH)
                .deniedTools(Set.of("shell_exec")).clock(clock).build(), bus);
        chaos = ChaosExperiment.builder("search-timeouts").targetAgent(agents.get(2))
                .fault(Fault.errorInjection("search", "timeout", 0.9))
                .abortCondition(AbortCondition.atMost(ChaosExperiment.SUCCESS_RATE, 0.5))
                .duration(Duration.ofMinutes(30)).seed(options.seed()).clock(clock).eventBus(bus).build();
        DependencyTopology topology = DependencyTopology.builder().clock(clock).build();
        TaskLimits limits = TaskLimits.builder().maxModelCalls(25).maxToolCalls(40).maxDuration(Duration.ofMinutes(10)).build();
        AgentSre.Builder pipeline = AgentSre.builder().clock(clock).eventBus(bus)
                .slo(fleetSlo).sloEvaluation(Duration.ofMinutes(1), scheduler)
                .breakers(agentBreakers)
                .dependencyBreakers(modelBreakers).dependencyKey(call -> call.kind() == CallKind.LLM ? call.target() : null)
                .costGuard(costGuard).rogueDetector(rogue).chaos(chaos).taskLimits(limits)
                .guard(topology.guard());
        agentSlos.values().forEach(pipeline::slo);
        sre = pipeline.build();
        // The task to debug later runs through a second pipeline with the same guards and a trace store.
        traces = TraceStore.directory(options.out().resolve("traces"));
        traces.list().forEach(traces::delete); // the drill's own directory: start each run empty
        capturing = AgentSre.builder().clock(clock).eventBus(bus).breakers(agentBreakers).dependencyBreakers(modelBreakers)
                .dependencyKey(call -> call.kind() == CallKind.LLM ? call.target() : null)
                .costGuard(costGuard).rogueDetector(rogue).taskLimits(limits).guard(topology.guard()).traceStore(traces).build();

        // ---- the canary: one agent's new prompt, session by session
        fakes = new FleetFakes(new SplittableRandom(options.seed()), clock, script::outage);
        rollout = AgentRollout.<Ticket, String>builder(ROLLOUT)
                .baseline("prompt-v1", sre, canary, (ticket, calls) -> fakes.triage(calls, "prompt-v1", BASELINE_INVALID_SHARE))
                .candidate("prompt-v2", sre, canary, (ticket, calls) -> fakes.triage(calls, "prompt-v2", CANDIDATE_INVALID_SHARE))
                .routingKey(Ticket::sessionId)
                .steps(RolloutStep.canary(0.10).duration("30m"), RolloutStep.canary(0.50).duration("1h"), RolloutStep.canary(1.0))
                .rollbackOn(RollbackTrigger.sequentialRegression(RolloutMetrics.ERROR_RATE), RollbackTrigger.burnRateAbove(10))
                .freeze(DeploymentFreeze.of(sre))
                .clock(clock).eventBus(bus).scheduler(scheduler)
                .build();

        // ---- alerting and incidents: a receiver on loopback prints one line per notification
        receiver = new LocalAlertReceiver(clock, console::say);
        alerts = AlertManager.builder()
                .route(Route.root("webhook").groupBy("alertname")
                        .child(Route.match("alertname", "AgentSreIncident").receiver("pager").groupBy("incident_id")))
                .receiver(Receiver.webhook("webhook", Secret.url(receiver.url("/alerts"))))
                .receiver(Receiver.pagerDuty("pager", Secret.of("DR1LLR0UT1NGKEYDR1LLR0UT1NGKEY00"))
                        .eventsUrl(URI.create(receiver.url("/pager/v2/enqueue"))))
                .clock(clock).scheduler(scheduler).eventBus(bus).build();
        // Incidents come from the agents' own SLOs, which name the agent; the fleet SLO only pages through the alert manager
        // (a breach without an agent would open an incident of its own beside the agents' one).
        DetectionPolicy defaults = DetectionPolicy.defaults();
        DetectionPolicy detection = defaults
                .on(BurnRateAlertFired.class, (e, sink) -> {
                    if (e.agentId() != null) {
                        defaults.apply(e, sink);
                    }
                })
                .on(BurnRateAlertResolved.class, (e, sink) -> {
                    if (e.agentId() != null) {
                        defaults.apply(e, sink);
                    }
                });
        incidents = IncidentManager.builder().detection(detection).topology(topology).slos(agentSlos.values())
                .controls(Controls.builder().agentBreakers(agentBreakers).dependencyBreakers(modelBreakers)
                        .budgets(BudgetControl.of(costGuard)).rogueDetector(rogue).rollouts(RolloutControl.of(List.of(rollout)))
                        .alerts(alerts).build())
                .respond(IncidentSeverity.SEV2, Responses.postmortemDraft())
                .responseExecutor(Runnable::run).clock(clock).eventBus(bus).build();
        bus.subscribe(alerts);
        bus.subscribe(incidents);

        // ---- export: every component's metrics through the OTel SDK
        SdkMeterProviderBuilder meterBuilder = SdkMeterProvider.builder().registerMetricReader(metricReader);
        if (options.otelLog()) {
            meterBuilder.registerMetricReader(PeriodicMetricReader.builder(LoggingMetricExporter.create()).setInterval(Duration.ofDays(1)).build());
        }
        meters = meterBuilder.build();
        SreComponents.Builder exported = SreComponents.builder().bus(bus).slo(fleetSlo).breakers(agentBreakers).breakers(modelBreakers)
                .costGuard(costGuard).rogueDetector(rogue).experiment(chaos).alertManager(alerts);
        agentSlos.values().forEach(exported::slo);
        telemetry = AgentSreTelemetry.create(OpenTelemetrySdk.builder().setMeterProvider(meters).build(), exported.build());

        listen(agents);
        intro(agents);
        if (options.prometheusPort() > 0) {
            prometheusArtifacts(); // before the traffic: a Prometheus can evaluate the rules while the drill runs
            console.say("");
        }
        for (long minute = 0; minute < script.minutes; minute++) {
            tick(minute, true);
        }
        finish();
        return day;
    }

    /** After the scripted span, in live mode: quiet traffic at the same pace until interrupted, for Prometheus to scrape. */
    void keepTrafficFlowing() throws Exception {
        for (long minute = script.minutes; !Thread.currentThread().isInterrupted(); minute++) {
            tick(minute, false);
        }
    }

    // ------------------------------------------------------------------ the day

    /** 29 quiet days behind every SLO, one batch every 10 minutes at each agent's traffic, one task in 720 failed. */
    private void history(List<String> agents) {
        long[] seen = new long[agents.size() + 1];
        for (Instant at = clock.instant(); at.isBefore(START); at = at.plus(Duration.ofMinutes(10))) {
            clock.set(at);
            long fleetEvents = 0;
            long fleetBad = 0;
            for (int a = 0; a < agents.size(); a++) {
                String agent = agents.get(a);
                long events = 10L * (agent.equals(canary) ? CANARY_SESSIONS_PER_MINUTE : TASKS_PER_MINUTE);
                long bad = (seen[a] + events) / HISTORY_FAILURE_EVERY - seen[a] / HISTORY_FAILURE_EVERY;
                seen[a] += events;
                agentSlos.get(agent).errorBudget().recordEvents(events - bad, bad);
                fleetEvents += events;
                fleetBad += bad;
            }
            fleetSlo.errorBudget().recordEvents(fleetEvents - fleetBad, fleetBad);
        }
        clock.set(START);
    }

    private Slo slo(String name, String agent, double target, ExhaustionAction action) {
        Slo.Builder builder = Slo.builder(name);
        if (agent != null) {
            builder.agentId(agent);
        }
        // the budget counts every task (the 29 days of history included); the indicator watches latency beside it
        return builder.indicator(Slis.responseLatency().clock(clock).build())
                .errorBudget(ErrorBudget.builder().target(target).window(Duration.ofDays(30)).exhaustionAction(action).clock(clock).build())
                .eventBus(bus).clock(clock).build();
    }

    private void intro(List<String> agents) {
        console.say(String.format(Locale.ROOT, "Agent SRE fleet drill: %d agents, %d simulated hours from %s, seed %d%s", agents.size(), options.hours(),
                START, options.seed(), options.live() ? ", live at " + options.speed() + "x" : ""));
        console.say(String.format(Locale.ROOT, "One AgentSre pipeline: an SLO per agent (%.0f%%, four burn-rate tiers) and one for the fleet "
                + "(%.1f%%), evaluated every minute;", AGENT_TARGET * 100, FLEET_TARGET * 100));
        console.say(String.format(Locale.ROOT, "  task limits; budgets $%.2f per task and $%.2f per agent a day (throttle at %.0f%%, kill at %.0f%%); "
                + "rogue detector;", TASK_LIMIT_USD, DAILY_LIMIT_USD, THROTTLE_AT * 100, KILL_AT * 100));
        console.say("  breakers per agent and per model; chaos; the dependency topology for the incident manager.");
        console.say("Alerts: AlertManager -> webhook " + receiver.url("/alerts") + " (grouped by alertname); incidents page "
                + receiver.url("/pager") + ".");
        console.say("Lines with → are notifications as the local receiver got them, one per request; each incident is listed once at the end.");
        console.say("");
    }

    private void tick(long minute, boolean recording) throws Exception {
        Instant tickStart = START.plus(TICK.multipliedBy(minute));
        scheduler.advanceTo(tickStart);
        if (recording) {
            scriptFor(minute, tickStart);
        }
        int[] counts = new int[4]; // succeeded, failed, refused in flight, refused at the door
        List<String> agents = day.agents;
        List<String> others = new ArrayList<>(agents);
        others.remove(canary);
        int every = 60 / TASKS_PER_MINUTE;
        for (int second = 0; second < 60; second++) {
            if (second % (60 / CANARY_SESSIONS_PER_MINUTE) == 1) {
                scheduler.advanceTo(tickStart.plusSeconds(second));
                canaryTask(minute, counts);
            }
            if (recording && second == 30 && minute == script.replayAt && summarizer.equals(canary)) {
                failingTask(summarizer + "-" + minute, counts); // with four agents the summarizer is also the canary agent
            }
            for (int k = 0; k < others.size(); k++) {
                int offset = k * every / others.size();
                if (second % every == offset) {
                    scheduler.advanceTo(tickStart.plusSeconds(second));
                    agentTask(others.get(k), minute, second / every, recording, counts);
                }
            }
        }
        if (chaos.state() == ExperimentState.RUNNING && clock.instant().isAfter(chaos.startedAt().plus(chaos.duration()))) {
            chaos.complete(chaos.calculateResilience(0.99));
        }
        // the last tick stops a millisecond short, so the report reads the span's budgets, not the next day's
        boolean last = recording && minute == script.minutes - 1;
        scheduler.advanceTo(tickStart.plus(TICK).minusMillis(last ? 1 : 0));
        if (recording) {
            sample(counts);
            day.canaryMinutes.add(new FleetDay.CanaryMinute(clock.instant(), canaryWindow[0], canaryWindow[1], canaryWindow[2],
                    canaryWindow[3]));
        }
        java.util.Arrays.fill(canaryWindow, 0);
        pacer.await(TICK.multipliedBy(minute + 1));
    }

    private void scriptFor(long minute, Instant now) {
        if (minute == script.canaryAt) {
            marker(now, FleetScript.CANARY, canary + " prompt-v1 -> prompt-v2 (10% of sessions for 30 min, 50% for 1 h, then all); "
                    + "v2 fails validation on " + Math.round(CANDIDATE_INVALID_SHARE * 100) + "% of its answers");
            try {
                rollout.start();
            } catch (DeploymentFrozenException frozen) {
                console.say(now, "  the rollout did not start: " + frozen.getMessage());
            }
        }
        if (minute == script.outageFrom) {
            marker(now, FleetScript.OUTAGE, FleetFakes.SHARED_MODEL + ", the model every agent uses, answers 503 to every call for "
                    + FleetScript.OUTAGE_MINUTES + " minutes");
        } else if (minute == script.outageTo) {
            console.say(now, "  " + FleetFakes.SHARED_MODEL + " answers again");
        }
        if (minute == script.loopAt) {
            marker(now, FleetScript.LOOP, looper + " re-asks " + FleetFakes.LARGE_MODEL + " with its growing conversation, round after "
                    + "round; its orchestrator retries a failed task " + (LOOP_ATTEMPTS - 1) + " times");
        }
        if (minute == script.releaseAt && rogue.isQuarantined(looper)) {
            rogue.release(looper);
        }
        if (minute == script.costAt) {
            marker(now, FleetScript.COST, research + " re-reads a 200K-token corpus with " + FleetFakes.LARGE_MODEL
                    + " on every task ($0.52 a task instead of $0.0006)");
        }
        if (minute == script.chaosAt) {
            marker(now, FleetScript.CHAOS, "90% search timeouts injected into " + chaos.targetAgent() + " for 30 min; abort if success <= 50%");
            chaos.start();
        }
        if (minute == script.replayAt) {
            marker(now, FleetScript.REPLAY, summarizer + " gets a truncated JSON answer; the task is captured for replay");
        }
        if (minute == script.costFixedAt) {
            console.say(now, "  " + research + "'s corpus cache is fixed; the on-call revives its budget for the rest of the day");
            costGuard.revive(research);
        }
        onCall(now);
    }

    /** The on-call: acknowledges each page a few minutes after it went out, and resolves what the pipeline mitigated by itself. */
    private void onCall(Instant now) {
        for (Incident incident : incidents.open()) {
            Instant paged = pagedAt.get(incident.id());
            if (incident.acknowledgedAt().isEmpty() && paged != null
                    && !paged.plus(Duration.ofMinutes(FleetScript.ACKNOWLEDGE_AFTER)).isAfter(now)) {
                incident.acknowledge(ON_CALL);
                if (incident.dependencies().contains(FleetFakes.SHARED_MODEL)) {
                    incident.note(ON_CALL, "provider status page confirms elevated error rates for " + FleetFakes.SHARED_MODEL);
                }
            }
            if (incident.state() == IncidentState.MITIGATED && incident.mitigatedAt().isPresent()
                    && !incident.mitigatedAt().get().plus(Duration.ofMinutes(FleetScript.RESOLVE_MITIGATED_AFTER)).isAfter(now)) {
                incident.resolve(ON_CALL, "checked: the pipeline's own action holds");
            }
        }
    }

    private void agentTask(String agent, long minute, int slot, boolean recording, int[] counts) {
        FleetDay.AgentStats stats = day.stats.get(agent);
        String taskId = agent + "-" + minute + "-" + slot;
        boolean first = recording && slot == 0;
        if (first && agent.equals(looper) && minute == script.loopAt) {
            runawayLoop(taskId, counts);
            return;
        }
        if (first && agent.equals(summarizer) && minute == script.replayAt) {
            failingTask(taskId, counts);
            return;
        }
        boolean expensive = agent.equals(research) && script.expensive(minute);
        stats.tasks++;
        try {
            sre.agent(agent).task(taskId).estimatedCost(0.01).call(ctx -> expensive ? fakes.readCorpus(ctx) : fakes.task(ctx));
            stats.succeeded++;
            counts[0]++;
        } catch (TaskRefusedException refused) {
            refused(stats, refused, counts);
            if (agent.equals(research) && day.researchBudgetSpentAt == null && minute >= script.costFixedAt && !refused.inFlight()
                    && refused.reason().equals("budget")) {
                day.researchBudgetSpentAt = clock.instant();
                console.say(clock.instant(), "  " + research + "'s budget for the day is spent: its tasks no longer fit the limit and are "
                        + "refused at the door until midnight");
            }
        } catch (Exception failed) {
            stats.failed++;
            counts[1]++;
        }
    }

    private void canaryTask(long minute, int[] counts) {
        FleetDay.AgentStats stats = day.stats.get(canary);
        Ticket ticket = new Ticket("session-" + (minute * 7 + stats.tasks % 997) % 5_000);
        boolean candidate = rollout.route(ticket.sessionId()) == Variant.CANDIDATE;
        stats.tasks++;
        canaryWindow[candidate ? 2 : 0]++;
        try {
            rollout.call(ticket);
            stats.succeeded++;
            counts[0]++;
        } catch (TaskRefusedException refused) {
            canaryWindow[candidate ? 3 : 1]++;
            refused(stats, refused, counts);
        } catch (Exception failed) {
            canaryWindow[candidate ? 3 : 1]++;
            stats.failed++;
            counts[1]++;
        }
    }

    private static void refused(FleetDay.AgentStats stats, TaskRefusedException refused, int[] counts) {
        stats.refused.merge(refused.reason(), 1, Integer::sum);
        counts[refused.inFlight() ? 2 : 3]++;
    }

    /** The looping task and its orchestrator's retries: each stopped in flight, then the agent quarantined. */
    private void runawayLoop(String taskId, int[] counts) {
        FleetDay.AgentStats stats = day.stats.get(looper);
        Instant at = clock.instant();
        BigDecimal before = costGuard.snapshot(looper).spentUsd();
        List<String> stoppedBy = new ArrayList<>();
        int rounds = 0;
        for (int attempt = 1; attempt <= LOOP_ATTEMPTS; attempt++) {
            int[] round = new int[1];
            stats.tasks++;
            try {
                sre.agent(looper).task(taskId + "-attempt-" + attempt).estimatedCost(0.05).call(ctx -> fakes.loop(ctx, round));
                stats.succeeded++;
                counts[0]++;
                stoppedBy.add("nothing");
                break;
            } catch (TaskRefusedException refused) {
                refused(stats, refused, counts);
                String where = refused.inFlight() ? "in flight at " + refused.refusedCall() + " after " + round[0] + " rounds"
                        : "at the door";
                stoppedBy.add(refused.reason() + " " + where);
                console.say(clock.instant(), String.format(Locale.ROOT, "  attempt %d stopped %s: %s", attempt, where, refused.reason()
                        + (refused.reason().equals("budget") ? String.format(Locale.ROOT, " (per-task limit $%.2f)", TASK_LIMIT_USD) : "")));
            } catch (Exception failed) {
                stats.failed++;
                counts[1]++;
                stoppedBy.add("failure: " + failed.getMessage());
            }
            rounds += round[0];
        }
        BigDecimal spent = costGuard.snapshot(looper).spentUsd().subtract(before);
        BigDecimal unguarded = BigDecimal.ZERO;
        for (int round = 1; round <= FleetFakes.LOOP_ROUNDS; round++) {
            unguarded = unguarded.add(PriceTable.defaults().cost(FleetFakes.LARGE_MODEL,
                    TokenUsage.of(FleetFakes.LOOP_CONTEXT_GROWTH * round, 1_000)));
        }
        unguarded = unguarded.multiply(BigDecimal.valueOf(LOOP_ATTEMPTS));
        day.loop = new FleetDay.LoopFindings(at, stoppedBy.size(), stoppedBy, rounds, spent, unguarded);
        console.say(clock.instant(), String.format(Locale.ROOT, "  the loop cost $%s in %d rounds; unguarded, %d attempts of %d rounds would have cost $%s",
                spent.setScale(2, RoundingMode.HALF_UP), rounds, LOOP_ATTEMPTS, FleetFakes.LOOP_ROUNDS, unguarded.setScale(0, RoundingMode.HALF_UP)));
    }

    /** The summarizer's task that fails, through the capturing pipeline. */
    private void failingTask(String taskId, int[] counts) {
        FleetDay.AgentStats stats = day.stats.get(summarizer);
        stats.tasks++;
        try {
            capturing.agent(summarizer).task(taskId + "-captured").estimatedCost(0.01).call(ctx -> FleetFakes.summarize(ctx, fakes, false));
            stats.succeeded++;
            counts[0]++;
        } catch (TaskRefusedException refused) {
            refused(stats, refused, counts);
        } catch (Exception failed) {
            stats.failed++;
            counts[1]++;
        }
        List<String> captured = traces.list(); // emptied at the start, so this is the one task captured
        capturedTraceId = captured.isEmpty() ? null : captured.get(0);
        // the capturing pipeline has no SLOs of its own: this task counts for the summarizer's like any other
        agentSlos.get(summarizer).recordServed(false);
        fleetSlo.recordServed(false);
    }

    private void sample(int[] counts) {
        List<String> agents = day.agents;
        double[] budget = new double[agents.size()];
        double[] spend = new double[agents.size()];
        for (int a = 0; a < agents.size(); a++) {
            budget[a] = agentSlos.get(agents.get(a)).errorBudget().remainingPercent();
            spend[a] = costGuard.snapshot(agents.get(a)).spentUsd().doubleValue();
        }
        ErrorBudget fleet = fleetSlo.errorBudget();
        day.minutes.add(new FleetDay.Minute(clock.instant(), fleet.remainingPercent(), budget, fleet.burnRate(Duration.ofHours(1)),
                fleet.burnRate(Duration.ofMinutes(5)), fleet.burnRate(Duration.ofHours(6)), fleet.burnRate(Duration.ofMinutes(30)),
                fleetSlo.firingAlerts().stream().map(BurnRateAlert::name).collect(java.util.stream.Collectors.toUnmodifiableSet()), spend,
                counts[0], counts[1], counts[2], counts[3]));
    }

    // ------------------------------------------------------------------ what the components say

    private void listen(List<String> agents) {
        Set<String> agentSet = Set.copyOf(agents);
        bus.subscribe(CircuitStateChanged.class, e -> {
            boolean dependency = !agentSet.contains(e.agentId());
            day.breakerChanges.add(new FleetDay.BreakerChange(e.timestamp(), e.agentId(), dependency, e.to()));
            if (!dependency && e.to() == CircuitState.OPEN) {
                day.stats.get(e.agentId()).breakerTrips++;
            }
        });
        bus.subscribe(BurnRateAlertFired.class, e -> {
            if (e.agentId() == null) {
                day.fleetAlerts.add(new FleetDay.AlertChange(e.timestamp(), e.alert().name(), true));
            }
        });
        bus.subscribe(BurnRateAlertResolved.class, e -> {
            if (e.agentId() == null) {
                day.fleetAlerts.add(new FleetDay.AlertChange(e.timestamp(), e.alert().name(), false));
            }
        });
        bus.subscribe(AgentQuarantined.class, e -> {
            day.stats.get(e.agentId()).quarantines++;
            console.say(e.timestamp(), "  " + e.agentId() + " QUARANTINED (" + e.riskLevel() + "): " + FleetConsole.shorten(String.join("; ", e.reasons()), 140));
        });
        bus.subscribe(AgentReleased.class, e -> console.say(e.timestamp(), "  " + e.agentId() + " released by the on-call (" + e.reason() + ")"));
        bus.subscribe(BudgetStateChanged.class, e -> {
            if (e.scope() == BudgetScope.AGENT) {
                BigDecimal spent = costGuard.snapshot(e.owner()).spentUsd();
                day.budgetChanges.add(new FleetDay.BudgetChange(e.timestamp(), e.owner(), e.from(), e.to(), spent));
                console.say(e.timestamp(), String.format(Locale.ROOT, "  %s budget %s -> %s at $%s of $%.2f", e.owner(), e.from(), e.to(),
                        spent.setScale(2, RoundingMode.HALF_UP), DAILY_LIMIT_USD));
            }
        });
        bus.subscribe(ExperimentStateChanged.class, e -> {
            if (e.to() == ExperimentState.ABORTED || e.to() == ExperimentState.COMPLETED) {
                console.say(e.timestamp(), "  experiment " + e.experiment() + " " + e.to() + (e.reason() == null ? "" : ": " + e.reason()));
            }
        });
        bus.subscribe(RolloutStateChanged.class, e -> {
            day.rolloutChanges.add(new FleetDay.RolloutChange(e.timestamp(), e.to(), e.weight(), e.reason()));
            if (e.step() > 0 || e.to() == RolloutState.PROMOTED) {
                console.say(e.timestamp(), String.format(Locale.ROOT, "  %s rollout %s at %d%%", e.agentId(), e.to(), Math.round(e.weight() * 100)));
            }
        });
        bus.subscribe(RolloutRolledBack.class, e -> {
            String why = e.evidence() == null ? "" : e.evidence().trigger() + " on " + e.evidence().metric() + ": " + e.evidence().summary();
            day.rolloutChanges.add(new FleetDay.RolloutChange(e.timestamp(), RolloutState.ROLLED_BACK, 0, why));
            day.markers.add(new FleetDay.Marker(e.timestamp(), FleetScript.CANARY + " rolled back", why));
            console.say(e.timestamp(), String.format(Locale.ROOT, "  %s ROLLED BACK from %d%%: %s", e.agentId(), Math.round(e.weight() * 100),
                    FleetConsole.shorten(why, 120)));
        });
        bus.subscribe(TaskRefused.class, e -> day.refusals++);
        // when each incident became a page (SEV1 or SEV2): the on-call acknowledges it a few minutes later
        bus.subscribe(IncidentOpened.class, e -> {
            if (e.severity().compareTo(IncidentSeverity.SEV2) <= 0) {
                pagedAt.putIfAbsent(e.incidentId(), e.timestamp());
            }
        });
        bus.subscribe(IncidentSeverityChanged.class, e -> {
            if (e.to().compareTo(IncidentSeverity.SEV2) <= 0) {
                pagedAt.putIfAbsent(e.incidentId(), e.timestamp());
            }
        });
        // spend over the whole span: the guard's own snapshots restart with each daily period
        bus.subscribe(CostCharged.class, e -> {
            FleetDay.AgentStats stats = day.stats.get(e.agentId());
            if (stats != null) {
                stats.spendUsd = stats.spendUsd.add(e.usd());
            }
        });
    }

    // ------------------------------------------------------------------ after the span

    private void finish() throws Exception {
        day.notifications = receiver.received();
        day.receiverRequests = receiver.requests();
        day.incidents = incidents.all();
        Incident outage = outageIncident();
        if (outage != null) {
            day.outageIncidentId = outage.id();
            outage.summary("For " + FleetScript.OUTAGE_MINUTES + " minutes every call to " + FleetFakes.SHARED_MODEL
                            + " failed; every agent failed or refused its tasks until the provider recovered.")
                    .rootCauses("Provider-side outage of " + FleetFakes.SHARED_MODEL + " (their incident report, not ours).")
                    .authors(ON_CALL)
                    .lessons("One incident and one page for the whole fleet; the shared model was the top hint; the model's breaker "
                            + "failed calls fast instead of letting every task wait for a timeout.", null, null)
                    .actionItem(new ActionItem("Fail over to a second provider when the model's breaker opens", ActionItem.Type.MITIGATE,
                            "bob", "P2", null));
            day.outagePostmortem = incidents.postmortem(outage.id()).toMarkdown();
        }
        day.replay = capturedTraceId == null ? null : replayOffline(capturedTraceId);
        for (String agent : day.agents) {
            FleetDay.AgentStats stats = day.stats.get(agent);
            Slo slo = agentSlos.get(agent);
            stats.sloStatus = slo.evaluate();
            stats.budgetLeftPercent = slo.errorBudget().remainingPercent();
        }
        day.fleetStatus = fleetSlo.evaluate();
        day.fleetBudgetLeft = fleetSlo.errorBudget().remainingPercent();
        day.chaosState = chaos.state();
        day.chaosAbortReason = chaos.abortReason();
        day.canaryState = rollout.state();

        console.incidents(day);
        console.summary(day);
        day.report = FleetReport.write(day, options.out().resolve("fleet-drill-report.html"));
        console.say("");
        console.say("HTML report: " + day.report.toAbsolutePath());
        console.say("Traces:      " + traces.directory().toAbsolutePath());
        meters.forceFlush().join(10, TimeUnit.SECONDS);
        console.say(options.prometheusPort() > 0 ? "OpenTelemetry: every metric is served by the Prometheus exporter."
                : "OpenTelemetry: every metric exported through the SDK" + (options.otelLog() ? " and printed by the logging exporter "
                + "on standard error." : " (--otel-log prints them, --prometheus PORT serves them)."));
        day.consoleLines = console.lines();
        if (!(options.live() && options.prometheusPort() > 0)) {
            // nothing more will run: stop the receiver's and the managers' threads (the exporter keeps serving with --prometheus)
            alerts.close();
            incidents.close();
            receiver.close();
            sre.close();
            if (options.prometheusPort() <= 0) {
                telemetry.close();
                meters.close();
            }
        }
    }

    /** Stops everything the drill started: the receiver, the managers, the pipeline and the exporter. */
    @Override
    public void close() {
        if (receiver != null) {
            alerts.close();
            incidents.close();
            receiver.close();
            sre.close();
            telemetry.close();
            meters.close();
        }
    }

    /**
     * Prometheus rules and a Grafana dashboard for the drill's SLOs, next to the report. Prometheus measures its windows on the
     * wall clock, so in live mode the rules' windows are those of the simulated day: every window divided by the speed (at 60x
     * the page rule looks at 1 minute and 5 seconds, which needs a scrape every second).
     */
    private void prometheusArtifacts() throws java.io.IOException {
        List<Slo> slos = new ArrayList<>(agentSlos.values());
        slos.add(fleetSlo);
        int speed = options.live() ? options.speed() : 1;
        List<Slo> ruleSlos = new ArrayList<>();
        for (Slo slo : slos) {
            if (speed == 1) {
                ruleSlos.add(slo);
                continue;
            }
            Slo.Builder scaled = Slo.builder(slo.name()).errorBudget(ErrorBudget.builder()
                    .target(slo.agentId() == null ? FLEET_TARGET : AGENT_TARGET).window(Duration.ofDays(30).dividedBy(speed)).build());
            if (slo.agentId() != null) {
                scaled.agentId(slo.agentId());
            }
            ruleSlos.add(scaled.build());
        }
        Path rules = options.out().resolve("agentsre-rules.yml");
        Path dashboard = options.out().resolve("agentsre-dashboard.json");
        Files.writeString(rules, PrometheusRules.generate(ruleSlos), StandardCharsets.UTF_8);
        Files.writeString(dashboard, GrafanaDashboard.generate("Agent SRE fleet drill", slos), StandardCharsets.UTF_8);
        console.say("Prometheus:  burn-rate rules for these SLOs in " + rules.toAbsolutePath() + (speed == 1 ? ""
                : " (windows divided by " + speed + ": simulated time)") + "; a Grafana dashboard beside them");
    }

    /** The outage's incident: the one whose top hint is the shared model as a dependency, with the most agents. */
    private Incident outageIncident() {
        Incident outage = null;
        for (Incident incident : day.incidents) {
            List<RootCauseHint> hints = incident.hints();
            if (!hints.isEmpty() && hints.get(0).type() == RootCauseHint.Type.DEPENDENCY
                    && hints.get(0).subject().equals(FleetFakes.SHARED_MODEL)
                    && (outage == null || incident.agents().size() > outage.agents().size())) {
                outage = incident;
            }
        }
        return outage;
    }

    /** Loads the captured failing task, reproduces it offline, runs the fix, and diffs the two. */
    private FleetDay.ReplayFindings replayOffline(String traceId) throws Exception {
        Trace broken = traces.load(traceId);
        int liveBefore = fakes.liveCalls;
        String reproduced;
        try {
            FleetFakes.summarize(ReplayEngine.replay(broken), fakes, false);
            reproduced = "no failure (unexpected)";
        } catch (Exception e) {
            reproduced = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        int liveDuringReplay = fakes.liveCalls - liveBefore;
        TraceCapture fixedRun = ReplayEngine.captureBuilder(broken.agentId()).store(traces).clock(clock).start();
        String fixedAnswer = FleetFakes.summarize(fixedRun, fakes, true);
        fixedRun.close();
        TraceDiff diff = ReplayEngine.diff(broken, fixedRun.trace());
        console.say("");
        console.say(FleetScript.REPLAY + ", replayed: trace " + broken.traceId() + " (" + broken.spans().size() + " steps)");
        console.say("  offline with the buggy code: " + reproduced + "; live calls made: " + liveDuringReplay);
        console.say("  fixed run (max_tokens 64 -> 400): " + fixedAnswer);
        for (String line : diff.summary().strip().split("\n")) {
            console.say("  " + FleetConsole.shorten(line, 160));
        }
        return new FleetDay.ReplayFindings(broken.traceId(), broken.spans().size(), reproduced, liveDuringReplay, fixedAnswer, diff.summary());
    }

    // ------------------------------------------------------------------ printing

    private void marker(Instant at, String kind, String text) {
        day.markers.add(new FleetDay.Marker(at, kind, text));
        console.say(at, "# " + kind + ": " + text);
    }

    static List<String> agentNames(int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(i < ROLES.length ? ROLES[i] : "worker-" + (i + 1));
        }
        return names;
    }
}
