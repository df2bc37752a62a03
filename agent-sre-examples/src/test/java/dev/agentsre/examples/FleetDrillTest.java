package dev.agentsre.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.chaos.ExperimentState;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetDrillTest {

    private record Run(FleetReport.Data data, String console, List<MetricData> metrics) {
    }

    /** Keeps what it is sent (the SDK's in-memory exporter forgets everything when it is shut down). */
    private static final class KeepingExporter implements MetricExporter {
        final List<MetricData> exported = new CopyOnWriteArrayList<>();

        @Override
        public CompletableResultCode export(Collection<MetricData> metrics) {
            exported.addAll(metrics);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
            return AggregationTemporality.CUMULATIVE;
        }
    }

    private static Run drill(Path out, String... flags) throws Exception {
        String[] args = new String[flags.length + 2];
        System.arraycopy(flags, 0, args, 0, flags.length);
        args[flags.length] = "--out";
        args[flags.length + 1] = out.toString();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        KeepingExporter exporter = new KeepingExporter();
        PeriodicMetricReader reader = PeriodicMetricReader.builder(exporter).setInterval(Duration.ofDays(1)).build();
        FleetReport.Data data = new FleetDrill(new PrintStream(buffer, true, StandardCharsets.UTF_8), FleetDrillOptions.parse(args), reader).run();
        return new Run(data, buffer.toString(StandardCharsets.UTF_8), exporter.exported);
    }

    @Test
    void aShortDrillShowsEveryScriptedIncidentInTheConsoleAndTheReport(@TempDir Path out) throws Exception {
        Run run = drill(out, "--hours", "4", "--agents", "4", "--seed", "11");
        FleetReport.Data data = run.data();
        String console = run.console();
        String research = data.agents.get(0);
        String looper = data.agents.get(1);

        // the outage: every agent's breaker trips, the fleet SLO pages, and it resolves
        assertThat(data.agents).allSatisfy(agent -> assertThat(data.stats.get(agent).breakerTrips).isPositive());
        assertThat(console).contains(FleetDrill.OUTAGE + " begins", "fleet-task-success: fast_burn fired", "fleet-task-success: fast_burn resolved");
        // the loop: quarantined, refused while quarantined, then released
        assertThat(data.stats.get(looper).quarantines).isEqualTo(1);
        assertThat(data.stats.get(looper).refused).containsKey("quarantine");
        assertThat(console).contains(looper + " QUARANTINED", looper + " released");
        // the cost explosion: throttled, then killed, and refused for both reasons
        assertThat(console).contains("ACTIVE -> THROTTLED", "THROTTLED -> KILLED");
        assertThat(data.stats.get(research).refused).containsKeys("throttled", "budget");
        // killed at 95%; the last task's actual cost (well over its estimate) may overshoot, by less than one task
        assertThat(data.stats.get(research).spendUsd.doubleValue()).isBetween(9.5, 10.6);
        // the chaos experiment aborted itself
        assertThat(data.chaosState).isEqualTo(ExperimentState.ABORTED);
        assertThat(data.chaosAbortReason).contains("success_rate");
        // the failing task: reproduced offline without a live call, and the diff shows the fix
        assertThat(data.replay).isNotNull();
        assertThat(data.replay.reproducedFailure()).contains("not complete JSON");
        assertThat(data.replay.liveCallsDuringReplay()).isZero();
        assertThat(data.replay.diffSummary()).contains("max_tokens: 64 -> 400");
        assertThat(Files.list(out.resolve("traces")).count()).isEqualTo(2); // the captured task and the fixed run

        String html = Files.readString(data.report);
        assertThat(html).contains(FleetDrill.OUTAGE, FleetDrill.LOOP, FleetDrill.COST, FleetDrill.CHAOS, FleetDrill.REPLAY)
                .contains("Error budget remaining", "Fleet burn rate", "Spend per agent", "Circuit breaker states")
                .contains("max_tokens: 64 -&gt; 400");
        assertThat(Pattern.compile("<svg ").matcher(html).results().count()).isEqualTo(4);
        // self-contained: nothing is fetched from anywhere
        assertThat(html).doesNotContain("<script", "<link", " src=", " href=");
        assertThat(html.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http://", "https://");
    }

    @Test
    void everyComponentIsExportedThroughTheOtelSdk(@TempDir Path out) throws Exception {
        Run run = drill(out, "--hours", "2", "--agents", "4");

        assertThat(run.metrics()).extracting(MetricData::getName).contains(
                "agentsre.slo.error_budget.remaining", "agentsre.slo.burn_rate", "agentsre.breaker.transitions",
                "agentsre.cost.spend", "agentsre.cost.budget.utilisation", "agentsre.rogue.quarantines",
                "agentsre.chaos.experiment.state");
    }

    @Test
    void theSameSeedGivesTheSameDrill(@TempDir Path a, @TempDir Path b) throws Exception {
        String first = drill(a, "--hours", "3", "--seed", "5").console();
        String second = drill(b, "--hours", "3", "--seed", "5").console();
        Pattern paths = Pattern.compile("trace [0-9a-f-]{36}|/\\S+");
        assertThat(paths.matcher(first).replaceAll("")).isEqualTo(paths.matcher(second).replaceAll(""));
    }

    @Test
    void badFlagsAreRejectedWithAMessage() {
        assertThatThrownBy(() -> FleetDrillOptions.parse("--colour")).hasMessageContaining("--colour");
        assertThatThrownBy(() -> FleetDrillOptions.parse("--agents", "2")).hasMessageContaining("--agents").hasMessageContaining("2");
        assertThatThrownBy(() -> FleetDrillOptions.parse("--hours", "0")).hasMessageContaining("--hours");
        assertThatThrownBy(() -> FleetDrillOptions.parse("--seed", "abc")).hasMessageContaining("abc");
        assertThatThrownBy(() -> FleetDrillOptions.parse("--out")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> FleetDrillOptions.parse("--prometheus", "70000")).hasMessageContaining("--prometheus");
        FleetDrillOptions options = FleetDrillOptions.parse("--seed", "9", "--agents", "12", "--hours", "48", "--out", "x", "--prometheus", "9464");
        assertThat(options.seed()).isEqualTo(9);
        assertThat(options.agents()).isEqualTo(12);
        assertThat(options.hours()).isEqualTo(48);
        assertThat(options.out()).isEqualTo(Path.of("x"));
        assertThat(options.prometheusPort()).isEqualTo(9464);
        assertThat(FleetDrillOptions.parse("--help").help()).isTrue();
    }
}
