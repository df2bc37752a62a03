package dev.agentsre.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.chaos.ExperimentState;
import dev.agentsre.cost.BudgetState;
import dev.agentsre.delivery.RolloutState;
import dev.agentsre.incident.Incident;
import dev.agentsre.incident.IncidentState;
import dev.agentsre.incident.RootCauseHint;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo as a user runs it: the default drill once (a simulated day, a few seconds), read by
 * every story's test; a span across midnight for spend per day; live mode with a recording pacer
 * (nothing sleeps).
 */
class FleetDrillTest {

    @TempDir
    static Path defaultOut;

    private static Run day;

    private record Run(FleetDay day, String console, Set<String> metrics) {
        List<String> lines() {
            return console.lines().toList();
        }
    }

    private static String[] withOut(Path out, String... flags) {
        String[] args = Arrays.copyOf(flags, flags.length + 2);
        args[flags.length] = "--out";
        args[flags.length + 1] = out.toString();
        return args;
    }

    private static Run drill(Path out, String... flags) throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        NameRecordingExporter exporter = new NameRecordingExporter();
        MetricReader reader = PeriodicMetricReader.builder(exporter).setInterval(Duration.ofDays(1)).build();
        FleetDay result = new FleetDrill(new PrintStream(buffer, true, StandardCharsets.UTF_8), FleetDrillOptions.parse(withOut(out, flags)),
                reader, FleetDrill.Pacer.none()).run();
        return new Run(result, buffer.toString(StandardCharsets.UTF_8), exporter.names());
    }

    @BeforeAll
    static void theDefaultDrill() throws Exception {
        day = drill(defaultOut);
    }

    private static Incident outage() {
        return day.day().incidents.stream().filter(i -> i.id().equals(day.day().outageIncidentId)).findFirst().orElseThrow();
    }

    private static Instant at(long minute) {
        return FleetDrill.START.plus(Duration.ofMinutes(minute));
    }

    // ------------------------------------------------------------------ the console

    @Test
    void theConsoleTellsTheStoryInUnder200LinesWithEachIncidentOnce() {
        List<String> lines = day.lines();
        assertThat(lines).hasSizeLessThan(200).hasSize(day.day().consoleLines);
        List<Incident> incidents = day.day().incidents;
        assertThat(incidents).hasSizeBetween(4, 8);
        for (Incident incident : incidents) {
            assertThat(lines.stream().filter(line -> line.startsWith("  " + incident.id() + " ")))
                    .as("the incident list shows %s once", incident.id()).hasSize(1);
        }
        // the list is the only place incidents are listed: no other line starts with an incident id
        assertThat(lines.stream().filter(line -> line.matches("^\\s*INC-\\d+ .*"))).hasSize(incidents.size());
        // no incident is a duplicate of another: one per scripted problem
        assertThat(incidents.stream().map(Incident::title)).doesNotHaveDuplicates();
        // every scripted event is told, in order, and nothing is dumped by the OTel logging exporter
        assertThat(day.console()).containsSubsequence("# " + FleetScript.CANARY, "# " + FleetScript.OUTAGE, "# " + FleetScript.LOOP,
                "# " + FleetScript.COST, "# " + FleetScript.CHAOS, "# " + FleetScript.REPLAY, "Incidents (");
        assertThat(day.console()).doesNotContain("LoggingMetricExporter", "InstrumentationScopeInfo", "ImmutableMetricData");
    }

    @Test
    void everyNotificationLineIsOneRequestTheLocalReceiverGot() {
        List<String> notificationLines = day.lines().stream().filter(line -> line.contains("  → ")).toList();
        assertThat(notificationLines).isNotEmpty().hasSize(day.day().receiverRequests).hasSize(day.day().notifications.size());
        long pages = notificationLines.stream().filter(line -> line.contains("→ pager")).count();
        assertThat(pages).isEqualTo(day.day().notifications.stream().filter(r -> r.receiver().equals("pager")).count()).isPositive();
        assertThat(notificationLines).allMatch(line -> line.matches("day \\d+ \\d\\d:\\d\\d:\\d\\d  → (webhook|pager) .*"));
    }

    // ------------------------------------------------------------------ the stories

    @Test
    void theProviderOutageIsOneIncidentWithTheSharedModelAsTopHintAndOnePage() {
        FleetScript script = new FleetScript(24);
        Incident outage = outage();
        assertThat(outage.agents()).containsExactlyInAnyOrderElementsOf(day.day().agents);
        RootCauseHint top = outage.hints().get(0);
        assertThat(top.type()).isEqualTo(RootCauseHint.Type.DEPENDENCY);
        assertThat(top.subject()).isEqualTo(FleetFakes.SHARED_MODEL);
        assertThat(outage.state()).isEqualTo(IncidentState.RESOLVED);
        // one incident for the whole outage: nothing else opened between its start and an hour after
        assertThat(day.day().incidents.stream().filter(i -> !i.detectedAt().isBefore(at(script.outageFrom))
                && i.detectedAt().isBefore(at(script.outageTo + 60)))).containsExactly(outage);
        // one page, and its resolve
        assertThat(day.day().notifications.stream().filter(r -> r.receiver().equals("pager") && r.summary().contains(outage.id()))
                .map(LocalAlertReceiver.Received::status)).containsExactly("TRIGGER", "RESOLVE");
        // the postmortem: facts from the incident, the on-call's words, nothing invented
        assertThat(day.day().outagePostmortem).contains("## Summary", "## Impact", "## Root Causes", "## Timeline",
                "Provider-side outage of " + FleetFakes.SHARED_MODEL, "**DEPENDENCY** `" + FleetFakes.SHARED_MODEL + "`", "_To be completed_");
    }

    @Test
    void theCanaryRegressesAndRollsBackBeforeTheOutage() {
        FleetScript script = new FleetScript(24);
        FleetDay d = day.day();
        assertThat(d.canaryState).isEqualTo(RolloutState.ROLLED_BACK);
        FleetDay.RolloutChange rollback = d.rolloutChanges.stream().filter(c -> c.to() == RolloutState.ROLLED_BACK).findFirst().orElseThrow();
        assertThat(rollback.at()).isAfter(at(script.canaryAt)).isBefore(at(script.outageFrom));
        assertThat(rollback.text()).contains("error_rate");
        assertThat(d.markers).anyMatch(m -> m.kind().equals(FleetScript.CANARY + " rolled back") && m.at().equals(rollback.at()));
        // the candidate served some sessions before, none after
        assertThat(d.canaryMinutes.stream().filter(m -> m.end().isBefore(rollback.at())).mapToLong(FleetDay.CanaryMinute::candidateCalls).sum())
                .isPositive();
        assertThat(d.canaryMinutes.stream().filter(m -> m.end().isAfter(rollback.at().plus(Duration.ofMinutes(1))))
                .mapToLong(FleetDay.CanaryMinute::candidateCalls).sum()).isZero();
        assertThat(d.notifications).anyMatch(r -> r.name().equals("RolloutRolledBack") && r.status().equals("FIRING"));
    }

    @Test
    void theRunawayLoopIsStoppedInFlightByThePerTaskBudgetThenQuarantined() {
        FleetDay.LoopFindings loop = day.day().loop;
        assertThat(loop.stoppedBy().get(0)).startsWith("budget in flight");
        assertThat(loop.stoppedBy()).anyMatch(s -> s.startsWith("quarantine"));
        // bounded by the per-task limit: each attempt overshoots it by at most one call
        assertThat(loop.spentUsd().doubleValue()).isLessThan(FleetDrill.LOOP_ATTEMPTS * (FleetDrill.TASK_LIMIT_USD + 0.5));
        assertThat(loop.unguardedUsd().doubleValue()).isGreaterThan(100 * loop.spentUsd().doubleValue());
        FleetDay.AgentStats looper = day.day().stats.get(day.day().agents.get(1));
        assertThat(looper.refused).containsKeys("budget", "quarantine");
        assertThat(day.console()).contains(day.day().agents.get(1) + " QUARANTINED", day.day().agents.get(1) + " released");
    }

    @Test
    void theCostExplosionIsThrottledAt80KilledAt95AndRevivedOnceFixed() {
        FleetDay d = day.day();
        assertThat(d.budgetChanges).extracting(FleetDay.BudgetChange::to)
                .containsExactly(BudgetState.THROTTLED, BudgetState.KILLED, BudgetState.ACTIVE);
        assertThat(d.budgetChanges.get(0).spentUsd().doubleValue()).isBetween(8.0, 8.0 + 0.6);
        assertThat(d.budgetChanges.get(1).spentUsd().doubleValue()).isBetween(9.5, 9.5 + 0.6);
        assertThat(d.stats.get(d.agents.get(0)).refused).containsKeys("throttled", "budget");
        assertThat(d.stats.get(d.agents.get(0)).spendUsd.doubleValue()).isLessThanOrEqualTo(FleetDrill.DAILY_LIMIT_USD + 0.6);
    }

    @Test
    void theChaosExperimentAbortsItselfAndItsIncidentIsExpected() {
        assertThat(day.day().chaosState).isEqualTo(ExperimentState.ABORTED);
        assertThat(day.day().chaosAbortReason).contains("success_rate");
        assertThat(day.day().incidents).filteredOn(Incident::expected).singleElement()
                .satisfies(i -> assertThat(i.hints().get(0).type()).isEqualTo(RootCauseHint.Type.CHAOS));
    }

    @Test
    void theFailingTaskIsReplayedOfflineAndDiffedAgainstTheFix() throws Exception {
        FleetDay.ReplayFindings replay = day.day().replay;
        assertThat(replay.reproducedFailure()).contains("not complete JSON");
        assertThat(replay.liveCallsDuringReplay()).isZero();
        assertThat(replay.diffSummary()).contains("max_tokens: 64 -> 400");
        try (var traces = Files.list(defaultOut.resolve("traces"))) {
            assertThat(traces.count()).isEqualTo(2); // the captured task and the fixed run
        }
    }

    @Test
    void everyComponentIsExportedThroughTheOtelSdk() {
        assertThat(day.metrics()).contains(
                "agentsre.slo.error_budget.remaining", "agentsre.slo.burn_rate", "agentsre.breaker.transitions",
                "agentsre.cost.spend", "agentsre.cost.budget.utilisation", "agentsre.rogue.quarantines",
                "agentsre.chaos.experiment.state", "agentsre.alert.notifications");
    }

    // ------------------------------------------------------------------ the report

    @Test
    void theReportHasEveryChartAndSectionAndIsSelfContained() throws Exception {
        String html = Files.readString(day.day().report);
        assertThat(html).contains(FleetReport.TIMELINE, FleetReport.TRAFFIC, FleetReport.BUDGETS, FleetReport.BURN, FleetReport.SPEND,
                FleetReport.BREAKERS, FleetReport.CANARY, FleetReport.INCIDENTS, FleetReport.POSTMORTEM, FleetReport.REPLAY,
                FleetReport.NOTIFICATIONS);
        // the timeline marks every scripted event and the rollback, and bands every incident
        assertThat(html).contains(FleetScript.CANARY, FleetScript.OUTAGE, FleetScript.LOOP, FleetScript.COST, FleetScript.CHAOS,
                FleetScript.REPLAY, FleetScript.CANARY + " rolled back");
        for (Incident incident : day.day().incidents) {
            assertThat(html).contains("<h3>" + incident.id() + " ");
        }
        // charts: timeline, 2-panel traffic, budgets, fast burn + zoom, slow burn, spend, breakers + zooms, canary
        assertThat(count(html, "<svg ")).isGreaterThanOrEqualTo(10);
        assertThat(html).contains("fast_burn fires at 14.4×", "slow_burn fires at 6×", "daily limit $10.00", "throttle 80%",
                "kill switch 95%", "model gpt-4o-mini", "Zoomed: ");
        // one small chart per agent
        for (String agent : day.day().agents) {
            assertThat(html).contains("class=\"cell\">" + agent + "</text>");
        }
        // the postmortem rendered, the replay diff wrapped to the page
        assertThat(html).contains("<h3>Summary</h3>", "<div class=\"postmortem\">", "white-space:pre-wrap", "max_tokens: 64 -&gt; 400");
        // self-contained: nothing is fetched from anywhere
        assertThat(html).doesNotContain("<script", "<link", " src=", " href=", "<img");
        assertThat(html.replace("http://www.w3.org/2000/svg", "").replaceAll("http://127\\.0\\.0\\.1:\\d+", "")).doesNotContain("http://",
                "https://");
    }

    @Test
    void spendIsDrawnPerBudgetDayAcrossMidnight(@TempDir Path out) throws Exception {
        FleetDay d = drill(out, "--hours", "26").day();
        int research = 0;
        FleetDay.Minute beforeMidnight = d.minutes.get(24 * 60 - 2);
        FleetDay.Minute afterMidnight = d.minutes.get(24 * 60 + 1);
        assertThat(beforeMidnight.spendToday()[research]).isGreaterThan(FleetDrill.DAILY_LIMIT_USD * FleetDrill.KILL_AT - 0.5);
        assertThat(afterMidnight.spendToday()[research]).isLessThan(0.1);
        assertThat(d.minutes).allMatch(m -> m.spendToday()[research] <= FleetDrill.DAILY_LIMIT_USD + 0.6);
        assertThat(Files.readString(d.report)).contains("new budget day");
    }

    // ------------------------------------------------------------------ determinism, flags, live

    @Test
    void theSameSeedGivesTheSameDrill(@TempDir Path a, @TempDir Path b) throws Exception {
        String first = drill(a, "--hours", "3", "--seed", "5").console();
        String second = drill(b, "--hours", "3", "--seed", "5").console();
        Pattern varying = Pattern.compile("trace [0-9a-f-]{36}|/\\S+|127\\.0\\.0\\.1:\\d+");
        assertThat(varying.matcher(first).replaceAll("")).isEqualTo(varying.matcher(second).replaceAll(""));
    }

    @Test
    void badFlagsAreRejectedWithAMessage() {
        assertThatThrownBy(() -> FleetDrillOptions.parse("--colour")).hasMessageContaining("--colour");
        assertThatThrownBy(() -> FleetDrillOptions.parse("--agents", "2")).hasMessageContaining("--agents").hasMessageContaining("2");
        assertThatThrownBy(() -> FleetDrillOptions.parse("--hours", "0")).hasMessageContaining("--hours");
        assertThatThrownBy(() -> FleetDrillOptions.parse("--seed", "abc")).hasMessageContaining("abc");
        assertThatThrownBy(() -> FleetDrillOptions.parse("--out")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> FleetDrillOptions.parse("--prometheus", "70000")).hasMessageContaining("--prometheus");
        assertThatThrownBy(() -> FleetDrillOptions.parse("--live", "--speed", "0")).hasMessageContaining("--speed").hasMessageContaining("0");
        assertThatThrownBy(() -> FleetDrillOptions.parse("--speed", "60")).hasMessageContaining("--speed only applies with --live");
        FleetDrillOptions options = FleetDrillOptions.parse("--seed", "9", "--agents", "12", "--hours", "48", "--out", "x", "--prometheus",
                "9464", "--live", "--speed", "120", "--otel-log");
        assertThat(options.seed()).isEqualTo(9);
        assertThat(options.agents()).isEqualTo(12);
        assertThat(options.hours()).isEqualTo(48);
        assertThat(options.out()).isEqualTo(Path.of("x"));
        assertThat(options.prometheusPort()).isEqualTo(9464);
        assertThat(options.live()).isTrue();
        assertThat(options.speed()).isEqualTo(120);
        assertThat(options.otelLog()).isTrue();
        assertThat(FleetDrillOptions.parse("--help").help()).isTrue();
        assertThat(FleetDrillOptions.defaults().live()).isFalse();
        assertThat(FleetDrillOptions.defaults().speed()).isEqualTo(60);
        assertThat(FleetDrillOptions.USAGE).contains("--seed", "--agents", "--hours", "--out", "--prometheus", "--live", "--speed",
                "--otel-log", "--help");
    }

    @Test
    void liveModePacesEveryMinuteAndKeepsTrafficFlowingForPrometheus(@TempDir Path out) throws Exception {
        List<Duration> paced = new ArrayList<>();
        int[] extraMinutes = {0};
        int hours = 2;
        FleetDrill.Pacer recording = simulated -> {
            paced.add(simulated);
            if (simulated.toMinutes() > hours * 60L && ++extraMinutes[0] > 3) {
                throw new InterruptedException("the test has seen enough");
            }
        };
        PrometheusMetricReader prometheus = new PrometheusMetricReader(null);
        try (FleetDrill drill = new FleetDrill(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                FleetDrillOptions.parse(withOut(out, "--hours", String.valueOf(hours), "--live", "--speed", "60", "--prometheus", "9464")),
                prometheus, recording)) {
            liveDrill(drill, paced, hours, prometheus);
        }
        // rules and a dashboard for the SLOs being scraped, so a Prometheus can evaluate their burn-rate alerts
        assertThat(Files.readString(out.resolve("agentsre-rules.yml"))).contains("support-agent-reliability", "fleet-task-success");
        assertThat(out.resolve("agentsre-dashboard.json")).exists();
    }

    private static void liveDrill(FleetDrill drill, List<Duration> paced, int hours, PrometheusMetricReader prometheus) throws Exception {
        FleetDay d = drill.run();
        // one wait per simulated minute, each for the time since the start: at 60x, a minute of the drill is a second
        assertThat(paced).hasSize(hours * 60);
        assertThat(paced.get(0)).isEqualTo(Duration.ofMinutes(1));
        assertThat(paced.get(paced.size() - 1)).isEqualTo(Duration.ofHours(hours));

        String first = scrape(prometheus);
        long tasksBefore = d.stats.values().stream().mapToLong(s -> s.tasks).sum();
        assertThatThrownBy(drill::keepTrafficFlowing).isInstanceOf(InterruptedException.class);
        String second = scrape(prometheus);
        // after the scripted span traffic goes on: the counters move, and nothing reads NaN
        assertThat(d.stats.values().stream().mapToLong(s -> s.tasks).sum()).isGreaterThan(tasksBefore);
        assertThat(sum(second, "agentsre_slo_events_total")).isGreaterThan(sum(first, "agentsre_slo_events_total"));
        assertThat(sum(second, "agentsre_cost_spend")).isGreaterThan(sum(first, "agentsre_cost_spend"));
        assertThat(second).doesNotContain("NaN");
    }

    private static String scrape(PrometheusMetricReader reader) throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(text, reader.collect());
        return text.toString(StandardCharsets.UTF_8);
    }

    /** The sum of every sample of the metric family {@code name} (with its unit and _total suffixes in the text format). */
    private static double sum(String exposition, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:_[A-Za-z]+)?(?:_total)?(?:\\{[^}]*\\})? (\\S+)").matcher(exposition);
        double sum = 0;
        boolean found = false;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
            found = true;
        }
        assertThat(found).as("the scrape has %s", name).isTrue();
        return sum;
    }

    private static long count(String text, String needle) {
        return Pattern.compile(Pattern.quote(needle)).matcher(text).results().count();
    }
}
