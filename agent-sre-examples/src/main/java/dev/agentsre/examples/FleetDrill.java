package dev.agentsre.examples;

import dev.agentsre.AgentSre;
import dev.agentsre.TaskContext;
import dev.agentsre.TaskRefusedException;
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
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.event.AgentQuarantined;
import dev.agentsre.event.AgentReleased;
import dev.agentsre.event.BudgetStateChanged;
import dev.agentsre.event.BurnRateAlertFired;
import dev.agentsre.event.BurnRateAlertResolved;
import dev.agentsre.event.CircuitStateChanged;
import dev.agentsre.event.CostCharged;
import dev.agentsre.event.ExperimentStateChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.event.TaskRefused;
import dev.agentsre.otel.AgentSreTelemetry;
import dev.agentsre.otel.SreComponents;
import dev.agentsre.replay.AgentCalls;
import dev.agentsre.replay.ReplayEngine;
import dev.agentsre.replay.Trace;
import dev.agentsre.replay.TraceCapture;
import dev.agentsre.replay.TraceDiff;
import dev.agentsre.replay.TraceStore;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.ExhaustionAction;
import dev.agentsre.slo.Slis;
import dev.agentsre.slo.Slo;
import dev.agentsre.testing.ManualClock;
import io.opentelemetry.exporter.logging.LoggingMetricExporter;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The demo behind the README's run command: a simulated fleet of agents (fake model and tools, no
 * network, seeded) runs every task through one {@link AgentSre} pipeline over a simulated day on a
 * virtual clock. The day's script: normal traffic; an LLM provider outage (breakers open, burn-rate
 * alerts fire, everything recovers); an agent stuck in a tool loop (quarantined, later released); a
 * cost explosion (throttled, then killed); a chaos experiment that aborts itself; and a failing task
 * captured, replayed offline and diffed against the fixed code. Prints a per-agent summary, writes
 * an HTML report with inline SVG charts, and exports every metric through the OpenTelemetry SDK.
 */
public final class FleetDrill {

    static final Instant START = Instant.parse("2026-11-02T00:00:00Z");
    static final Duration TICK = Duration.ofMinutes(1);
    static final Duration SAMPLE_EVERY = Duration.ofMinutes(10);
    static final String[] ROLES = {"research-agent", "support-agent", "code-reviewer", "summarizer", "triage-agent", "billing-agent"};
    static final String CHEAP_MODEL = "gpt-4o-mini";
    static final String EXPENSIVE_MODEL = "gpt-4o";

    /** Headings of the scripted incidents, as they appear in the console and the report. */
    static final String OUTAGE = "LLM provider outage";
    static final String LOOP = "Tool loop";
    static final String COST = "Cost explosion";
    static final String CHAOS = "Chaos experiment";
    static final String REPLAY = "Replay of a failing task";

    private final PrintStream out;
    private final FleetDrillOptions options;
    private final MetricReader metricReader;

    /**
     * @param metricReader where the OTel SDK sends the drill's metrics (the logging exporter, a
     *        Prometheus server, or a test's in-memory reader)
     */
    FleetDrill(PrintStream out, FleetDrillOptions options, MetricReader metricReader) {
        this.out = out;
        this.options = options;
        this.metricReader = metricReader;
    }

    /** Entry point; see {@link FleetDrillOptions#USAGE}. Exits with status 2 on a bad flag. */
    public static void main(String[] args) throws Exception {
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
                // exported once, when the drill ends: a virtual day passes in seconds of real time
                : PeriodicMetricReader.builder(LoggingMetricExporter.create()).setInterval(Duration.ofDays(1)).build();
        new FleetDrill(System.out, options, reader).run();
        if (options.prometheusPort() > 0) {
            System.out.printf("%nServing the drill's metrics at http://localhost:%d/metrics — Ctrl-C to stop.%n", options.prometheusPort());
            Thread.currentThread().join();
        }
    }

    /** Runs the drill and returns what it observed. */
    FleetReport.Data run() throws Exception {
        ManualClock clock = ManualClock.at(START.minus(Duration.ofDays(29)));
        SreEventBus bus = new SreEventBus();
        FleetReport.Data data = new FleetReport.Data(options, agentNames(options.agents()));
        Files.createDirectories(options.out());

        // ---- the components, each configured as a team would
        Slo fleetSlo = slo("fleet-task-success", null, 0.995, ExhaustionAction.ALERT, clock, bus);
        Map<String, Slo> agentSlos = new LinkedHashMap<>();
        for (String agent : data.agents) {
            agentSlos.put(agent, slo(agent + "-success", agent, 0.99, ExhaustionAction.THROTTLE, clock, bus));
        }
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.builder()
                .failureThreshold(3).recoveryTimeout(Duration.ofMinutes(3)).clock(clock).build(), bus);
        CostGuard costGuard = CostGuard.builder().perTaskLimit(2.00).perAgentDailyLimit(10.00).orgMonthlyBudget(5_000)
                .autoThrottle(true).throttleThreshold(0.80).throttledTasksPerMinute(0.2).killSwitchThreshold(0.95)
                .anomalyDetection(true).priceTable(PriceTable.defaults()).clock(clock).eventBus(bus).build();
        RogueAgentDetector rogue = new RogueAgentDetector(RogueDetectorConfig.builder().quarantineRiskLevel(RiskLevel.HIGH)
                .deniedTools(Set.of("shell_exec")).clock(clock).build(), bus);
        String chaosTarget = data.agents.get(2);
        ChaosExperiment chaos = ChaosExperiment.builder("search-timeouts").targetAgent(chaosTarget)
                .fault(Fault.errorInjection("search", "timeout", 0.9))
                .abortCondition(AbortCondition.atMost(ChaosExperiment.SUCCESS_RATE, 0.5))
                .duration(Duration.ofMinutes(30)).seed(options.seed()).clock(clock).eventBus(bus).build();
        AgentSre.Builder pipeline = AgentSre.builder().clock(clock).eventBus(bus).slo(fleetSlo).breakers(breakers)
                .costGuard(costGuard).rogueDetector(rogue).chaos(chaos);
        agentSlos.values().forEach(pipeline::slo);
        AgentSre sre = pipeline.build();
        // Tasks to capture for replay go through a second pipeline sharing the same guards, plus a trace store.
        TraceStore traces = TraceStore.directory(options.out().resolve("traces"));
        SreEventBus captureBus = new SreEventBus();
        AgentSre capturing = AgentSre.builder().clock(clock).eventBus(captureBus).breakers(breakers).costGuard(costGuard)
                .rogueDetector(rogue).traceStore(traces).build();
        traces.list().forEach(traces::delete); // the drill's own directory: start each run empty
        String capturedTraceId = null;
        captureBus.subscribe(TaskRefused.class, e -> data.refusals++);

        // ---- export: every metric of every component through the OTel SDK
        SdkMeterProvider meters = SdkMeterProvider.builder().registerMetricReader(metricReader).build();
        OpenTelemetrySdk otel = OpenTelemetrySdk.builder().setMeterProvider(meters).build();
        SreComponents.Builder exported = SreComponents.builder().bus(bus).slo(fleetSlo).breakers(breakers).costGuard(costGuard)
                .rogueDetector(rogue).experiment(chaos);
        agentSlos.values().forEach(exported::slo);
        AgentSreTelemetry telemetry = AgentSreTelemetry.create(otel, exported.build());

        listen(bus, data);

        // ---- 29 quiet days of history behind every SLO, one batch every 10 minutes (fine enough for the 5m/1h alert windows)
        for (int batch = 0; batch < 29 * 24 * 6; batch++) {
            int fleetBad = batch % 12 == 0 ? 1 : 0;
            fleetSlo.errorBudget().recordEvents(10L * data.agents.size() - fleetBad, fleetBad);
            for (Slo slo : agentSlos.values()) {
                int bad = batch % 72 == 0 ? 1 : 0;
                slo.errorBudget().recordEvents(10 - bad, bad);
            }
            clock.advance(Duration.ofMinutes(10));
        }

        out.printf("Fleet drill: %d agents, %d simulated hours from %s (seed %d)%n", data.agents.size(), options.hours(),
                START, options.seed());
        out.println("Every task runs through one AgentSre pipeline: quarantine -> SLO throttle -> cost reservation -> breaker.");
        out.println();

        Script script = new Script(options.hours());
        Fakes fakes = new Fakes(new SplittableRandom(options.seed()), clock, script);
        long minutes = Duration.ofHours(options.hours()).toMinutes();
        String researcher = data.agents.get(0);
        String looper = data.agents.get(1);
        String summarizer = data.agents.get(3);
        for (long minute = 0; minute < minutes; minute++) {
            Instant tickStart = clock.instant();
            script.announce(minute, data, out, tickStart);
            if (minute == script.chaosAt) {
                chaos.start();
            }
            if (minute == script.releaseAt && rogue.isQuarantined(looper)) {
                rogue.release(looper);
            }
            for (String agent : data.agents) {
                FleetReport.AgentStats stats = data.stats.get(agent);
                String taskId = agent + "-" + minute;
                boolean loop = agent.equals(looper) && minute == script.loopAt;
                boolean expensive = agent.equals(researcher) && minute >= script.costAt;
                boolean broken = agent.equals(summarizer) && minute == script.replayAt;
                stats.tasks++;
                try {
                    if (broken) {
                        capturing.agent(agent).task(taskId).estimatedCost(0.01).call(ctx -> Summarizer.run(ctx, fakes, false));
                    } else {
                        sre.agent(agent).task(taskId).estimatedCost(0.01).call(ctx -> fakes.task(ctx, expensive, loop));
                        stats.succeeded++;
                    }
                } catch (TaskRefusedException refused) {
                    stats.refused.merge(refused.reason(), 1, Integer::sum);
                } catch (Exception failed) {
                    stats.failed++;
                }
                if (broken) {
                    List<String> captured = traces.list(); // emptied at the start, so this is the one task captured
                    capturedTraceId = captured.isEmpty() ? null : captured.get(0);
                    agentSlos.get(agent).recordEvent(false); // the capturing pipeline has no SLOs of its own
                    fleetSlo.recordEvent(false);
                }
            }
            if (chaos.state() == ExperimentState.RUNNING && clock.instant().isAfter(chaos.startedAt().plus(chaos.duration()))) {
                chaos.complete(chaos.calculateResilience(0.99));
            }
            // the last tick stops a millisecond short, so the report reads the day's budgets, not the next day's
            clock.set(tickStart.plus(TICK).minusMillis(minute == minutes - 1 ? 1 : 0));
            if (minute % SAMPLE_EVERY.toMinutes() == 0 || minute == minutes - 1) {
                fleetSlo.evaluate();
                agentSlos.values().forEach(Slo::evaluate);
                data.samples.add(sample(clock.instant(), data, fleetSlo, agentSlos));
            }
        }

        data.replay = capturedTraceId == null ? null : replayOffline(traces, capturedTraceId, fakes, clock);
        for (String agent : data.agents) {
            FleetReport.AgentStats stats = data.stats.get(agent);
            stats.sloStatus = agentSlos.get(agent).evaluate();
            stats.budgetLeftPercent = agentSlos.get(agent).errorBudget().remainingPercent();
        }
        data.fleetStatus = fleetSlo.evaluate();
        data.chaosState = chaos.state();
        data.chaosAbortReason = chaos.abortReason();

        printSummary(data);
        data.report = FleetReport.write(data, options.out().resolve("fleet-drill-report.html"));
        out.println();
        out.println("HTML report: " + data.report.toAbsolutePath());
        out.println("Traces:      " + traces.directory().toAbsolutePath());
        out.println();
        out.println(options.prometheusPort() > 0 ? "OpenTelemetry metrics: served by the Prometheus exporter (below)."
                : "OpenTelemetry metrics (logging exporter, on standard error):");
        meters.forceFlush().join(10, java.util.concurrent.TimeUnit.SECONDS);
        if (options.prometheusPort() <= 0) {
            telemetry.close();
            meters.close();
        }
        return data;
    }

    static List<String> agentNames(int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(i < ROLES.length ? ROLES[i] : "worker-" + (i + 1));
        }
        return names;
    }

    private static Slo slo(String name, String agent, double target, ExhaustionAction action, ManualClock clock, SreEventBus bus) {
        Slo.Builder builder = Slo.builder(name);
        if (agent != null) {
            builder.agentId(agent);
        }
        return builder
                .indicator(Slis.taskSuccessRate().target(target).clock(clock).build())
                .indicator(Slis.responseLatency().clock(clock).build())
                .indicator(Slis.costPerTask().target(0.50).clock(clock).build())
                .errorBudget(ErrorBudget.builder().target(target).window(Duration.ofDays(30)).exhaustionAction(action).clock(clock).build())
                .eventBus(bus).clock(clock).build();
    }

    private void listen(SreEventBus bus, FleetReport.Data data) {
        bus.subscribe(BurnRateAlertFired.class, e -> data.incident(e.timestamp(), "alert", String.format("%s: %s fired (burn %.1fx over %s)",
                e.sloName(), e.alert().name(), e.longWindowRate(), dev.agentsre.time.Durations.format(e.alert().longWindow())), out));
        bus.subscribe(BurnRateAlertResolved.class, e -> data.incident(e.timestamp(), "alert", e.sloName() + ": " + e.alert().name()
                + " resolved", out));
        bus.subscribe(CircuitStateChanged.class, e -> {
            data.breakerChanges.add(new FleetReport.BreakerChange(e.timestamp(), e.agentId(), e.to()));
            if (e.to() == CircuitState.OPEN) {
                data.stats.get(e.agentId()).breakerTrips++;
            }
        });
        bus.subscribe(AgentQuarantined.class, e -> {
            data.stats.get(e.agentId()).quarantines++;
            data.incident(e.timestamp(), "rogue", e.agentId() + " QUARANTINED (" + e.riskLevel() + "): " + String.join("; ", e.reasons()), out);
        });
        bus.subscribe(AgentReleased.class, e -> data.incident(e.timestamp(), "rogue", e.agentId() + " released (" + e.reason() + ")", out));
        bus.subscribe(BudgetStateChanged.class, e -> data.incident(e.timestamp(), "cost", String.format("%s %s budget %s -> %s (%s)",
                e.owner(), e.scope(), e.from(), e.to(), e.reason()), out));
        bus.subscribe(ExperimentStateChanged.class, e -> data.incident(e.timestamp(), "chaos", String.format("experiment %s %s -> %s%s",
                e.experiment(), e.from(), e.to(), e.reason() == null ? "" : " (" + e.reason() + ")"), out));
        bus.subscribe(TaskRefused.class, e -> data.refusals++);
        // Spend over the whole drill: the guard's own snapshots restart with each daily period.
        bus.subscribe(CostCharged.class, e -> data.stats.get(e.agentId()).spendUsd = data.stats.get(e.agentId()).spendUsd.add(e.usd()));
    }

    private static FleetReport.Sample sample(Instant at, FleetReport.Data data, Slo fleetSlo, Map<String, Slo> agentSlos) {
        Map<String, Double> budget = new LinkedHashMap<>();
        Map<String, Double> spend = new LinkedHashMap<>();
        for (String agent : data.agents) {
            budget.put(agent, agentSlos.get(agent).errorBudget().remainingPercent());
            spend.put(agent, data.stats.get(agent).spendUsd.doubleValue());
        }
        return new FleetReport.Sample(at, fleetSlo.errorBudget().remainingPercent(), fleetSlo.errorBudget().burnRate(Duration.ofHours(1)),
                budget, spend);
    }

    // ------------------------------------------------------------------ replay

    /** Loads the captured failing task, reproduces it offline, replays the fix, and diffs a fixed run against it. */
    private FleetReport.ReplayFindings replayOffline(TraceStore traces, String traceId, Fakes fakes, ManualClock clock) throws Exception {
        Trace broken = traces.load(traceId);
        int liveBefore = fakes.liveCalls;
        String reproduced;
        try {
            Summarizer.run(ReplayEngine.replay(broken), fakes, false);
            reproduced = "no failure (unexpected)";
        } catch (Exception e) {
            reproduced = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        int liveDuringReplay = fakes.liveCalls - liveBefore;
        TraceCapture fixedRun = ReplayEngine.captureBuilder(broken.agentId()).store(traces).clock(clock).start();
        String fixedAnswer = Summarizer.run(fixedRun, fakes, true);
        fixedRun.close();
        TraceDiff diff = ReplayEngine.diff(broken, fixedRun.trace());
        out.println();
        out.println(REPLAY + ": trace " + broken.traceId() + " (" + broken.spans().size() + " steps)");
        out.println("  replayed offline with the buggy parser: " + reproduced + " — live calls made: " + liveDuringReplay);
        out.println("  fixed run (max_tokens 64 -> 400):       " + fixedAnswer);
        out.print("  diff broken -> fixed run: " + diff.summary().replace("\n", "\n  "));
        out.println();
        return new FleetReport.ReplayFindings(broken.traceId(), broken.spans().size(), reproduced, liveDuringReplay, fixedAnswer,
                diff.summary());
    }

    /**
     * The summarizer agent: fetch a document, ask the model for a JSON summary, parse it. The bug: a
     * 64-token limit truncates the JSON; the fix asks for 400.
     */
    static final class Summarizer {
        private Summarizer() {
        }

        static String run(AgentCalls calls, Fakes fakes, boolean fixed) throws Exception {
            String doc = calls.tool("fetch_doc", Map.of("id", "Q3-incident-review"), fakes::document);
            int maxTokens = fixed ? 400 : 64;
            Map<String, Object> request = Map.of("prompt", "summarise as {\"summary\": ...}: " + doc, "max_tokens", maxTokens);
            String json = calls.llm(CHEAP_MODEL, request, () -> fakes.summary(maxTokens));
            return Fakes.parseSummary(json);
        }
    }

    // ------------------------------------------------------------------ console

    private void printSummary(FleetReport.Data data) {
        out.println();
        out.printf("%-16s %6s %8s %7s %9s %10s %-9s %6s %6s %7s%n", "agent", "tasks", "success", "failed", "refused", "spend",
                "SLO", "budget", "trips", "quarant");
        for (String agent : data.agents) {
            FleetReport.AgentStats s = data.stats.get(agent);
            out.printf("%-16s %6d %7.2f%% %7d %9d %10s %-9s %5.1f%% %6d %7d%n", agent, s.tasks, s.successPercent(), s.failed,
                    s.refusedTotal(), "$" + s.spendUsd.setScale(2, java.math.RoundingMode.HALF_UP), s.sloStatus, s.budgetLeftPercent,
                    s.breakerTrips, s.quarantines);
        }
        out.printf("%nFleet SLO %s; chaos experiment ended %s%s; %d tasks refused in all.%n", data.fleetStatus, data.chaosState,
                data.chaosAbortReason == null ? "" : " (" + data.chaosAbortReason + ")", data.refusals);
    }

    /** When each scripted incident happens, as minutes into the drill; spread over any span. */
    static final class Script {
        final long outageFrom;
        final long outageTo;
        final long loopAt;
        final long releaseAt;
        final long costAt;
        final long chaosAt;
        final long replayAt;

        Script(int hours) {
            long m = hours * 60L;
            outageFrom = m / 4;
            outageTo = outageFrom + 15;
            loopAt = m * 2 / 5;
            releaseAt = loopAt + Math.max(10, m / 12);
            costAt = m * 11 / 20;
            chaosAt = m * 7 / 10;
            replayAt = m * 17 / 20;
        }

        boolean outage(long minute) {
            return minute >= outageFrom && minute < outageTo;
        }

        void announce(long minute, FleetReport.Data data, PrintStream out, Instant now) {
            if (minute == outageFrom) {
                data.incident(now, "script", OUTAGE + " begins: every model call fails for 15 minutes", out);
            } else if (minute == outageTo) {
                data.incident(now, "script", OUTAGE + " ends", out);
            } else if (minute == loopAt) {
                data.incident(now, "script", LOOP + ": " + data.agents.get(1) + " calls search_kb with the same query 30 times", out);
            } else if (minute == costAt) {
                data.incident(now, "script", COST + ": " + data.agents.get(0) + " starts re-reading a 200K-token corpus with "
                        + EXPENSIVE_MODEL + " on every task", out);
            } else if (minute == chaosAt) {
                data.incident(now, "script", CHAOS + ": 90% search timeouts injected into " + data.agents.get(2)
                        + ", abort if success <= 50%", out);
            } else if (minute == replayAt) {
                data.incident(now, "script", REPLAY + ": " + data.agents.get(3) + " gets a truncated JSON answer; the task is captured",
                        out);
            }
        }
    }

    /** Fake model and tools: deterministic for a seed, no network. */
    static final class Fakes {
        private final SplittableRandom random;
        private final ManualClock clock;
        private final Script script;
        private final long startMillis;
        int liveCalls;

        Fakes(SplittableRandom random, ManualClock clock, Script script) {
            this.random = random;
            this.clock = clock;
            this.script = script;
            this.startMillis = clock.millis();
        }

        /** One normal task: a search, a model call, occasionally a bad answer. */
        String task(TaskContext ctx, boolean expensive, boolean loop) throws Exception {
            int repeats = loop ? 30 : 1;
            String query = loop ? "how do I reset my password" : "topic-" + random.nextInt(1_000_000);
            String found = null;
            for (int i = 0; i < repeats; i++) {
                found = ctx.tool(loop ? "search_kb" : "search", Map.of("q", query), () -> search(query));
            }
            String model = expensive ? EXPENSIVE_MODEL : CHEAP_MODEL;
            TokenUsage usage = expensive ? TokenUsage.of(200_000, 2_000)
                    : TokenUsage.of(1_500 + random.nextInt(1_000), 300 + random.nextInt(300));
            String prompt = found;
            String answer = ctx.llm(model, Map.of("prompt", prompt), () -> complete(prompt), reply -> usage);
            if (random.nextDouble() < 0.002) {
                throw new IllegalStateException("answer failed validation");
            }
            return answer;
        }

        String search(String query) {
            liveCalls++;
            return "results for " + query;
        }

        String complete(String prompt) {
            liveCalls++;
            clock.advanceMillis(300 + random.nextInt(900)); // the model's latency, on the virtual clock
            long minute = (clock.millis() - startMillis) / 60_000;
            if (script.outage(minute)) {
                throw new IllegalStateException("503 Service Unavailable from the model provider");
            }
            return "answer to " + prompt.length() + " chars";
        }

        String document() {
            liveCalls++;
            return "Q3 incident review: three outages, two caused by expired certificates, one by a bad deploy.";
        }

        /** The model's JSON summary, cut off when the token limit is too small. */
        String summary(int maxTokens) {
            liveCalls++;
            String full = "{\"summary\": \"Three outages in Q3: two expired certificates, one bad deploy.\"}";
            return maxTokens < 100 ? full.substring(0, 60) : full;
        }

        static String parseSummary(String json) {
            if (!json.endsWith("\"}")) {
                throw new IllegalArgumentException("model answer is not complete JSON (" + json.length() + " chars, no closing brace)");
            }
            return json.substring(json.indexOf(": \"") + 3, json.length() - 2);
        }
    }

    static String time(Instant at) {
        LocalDateTime t = LocalDateTime.ofInstant(at, ZoneOffset.UTC);
        return String.format("day %d %02d:%02d", Duration.between(START, at).toDays() + 1, t.getHour(), t.getMinute());
    }

}
