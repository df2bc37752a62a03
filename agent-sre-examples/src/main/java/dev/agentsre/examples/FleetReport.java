package dev.agentsre.examples;

import dev.agentsre.breaker.CircuitState;
import dev.agentsre.chaos.ExperimentState;
import dev.agentsre.slo.SloStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fleet drill's HTML report: a summary table, four inline-SVG charts (error budget over the
 * drill, fleet burn rate, spend per agent, breaker state timeline), the incident log and the replay
 * findings. One self-contained file: no scripts, no fonts, no network resources.
 */
final class FleetReport {

    private static final String[] PALETTE = {"#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951", "#ff8ab7", "#a463f2", "#97bbf5",
        "#9c6b4e", "#9498a0"};
    private static final int WIDTH = 860;
    private static final int HEIGHT = 260;
    private static final int LEFT = 60;
    private static final int RIGHT = 160;
    private static final int TOP = 20;
    private static final int BOTTOM = 40;

    private FleetReport() {
    }

    /** Everything the drill observed. */
    static final class Data {
        final FleetDrillOptions options;
        final List<String> agents;
        final Map<String, AgentStats> stats = new LinkedHashMap<>();
        final List<Sample> samples = new ArrayList<>();
        final List<BreakerChange> breakerChanges = new ArrayList<>();
        final List<Incident> incidents = new ArrayList<>();
        int refusals;
        SloStatus fleetStatus;
        ExperimentState chaosState;
        String chaosAbortReason;
        ReplayFindings replay;
        Path report;

        Data(FleetDrillOptions options, List<String> agents) {
            this.options = options;
            this.agents = List.copyOf(agents);
            agents.forEach(a -> stats.put(a, new AgentStats()));
        }

        void incident(Instant at, String kind, String text, PrintStream out) {
            incidents.add(new Incident(at, kind, text));
            out.printf("  %s  %-6s %s%n", FleetDrill.time(at), kind.toUpperCase(Locale.ROOT), text);
        }
    }

    /** Per-agent counts. */
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

    /** A periodic reading. */
    record Sample(Instant at, double fleetBudgetLeft, double fleetBurnRate1h, Map<String, Double> budgetLeft, Map<String, Double> spend) {
    }

    /** A breaker transition. */
    record BreakerChange(Instant at, String agent, CircuitState to) {
    }

    /** A line of the incident log. */
    record Incident(Instant at, String kind, String text) {
    }

    /** What replaying the captured failing task showed. */
    record ReplayFindings(String traceId, int steps, String reproducedFailure, int liveCallsDuringReplay, String fixedAnswer,
                          String diffSummary) {
    }

    /** Writes the report to {@code file} and returns it. */
    static Path write(Data data, Path file) throws IOException {
        StringBuilder html = new StringBuilder(64 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Agent SRE fleet drill</title>\n<style>")
                .append("body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2em auto;max-width:960px;color:#222}")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}")
                .append("td:first-child,th:first-child{text-align:left}.log td{text-align:left;font-size:13px}")
                .append("svg text{font-size:11px;fill:#444}h2{margin-top:1.6em}.kind{color:#666;text-transform:uppercase;font-size:11px}")
                .append("pre{background:#f6f6f6;padding:1em;overflow:auto}</style></head><body>\n");
        html.append("<h1>Agent SRE fleet drill</h1>\n<p>").append(data.agents.size()).append(" agents, ")
                .append(data.options.hours()).append(" simulated hours from ").append(FleetDrill.START).append(", seed ")
                .append(data.options.seed()).append(". Every task ran through one <code>AgentSre</code> pipeline.</p>\n");
        summary(html, data);
        html.append("<h2>Error budget remaining</h2>\n<p>Per agent SLO (99% of tasks succeed over 30 days) and the fleet SLO (99.5%, bold).</p>\n");
        budgetChart(html, data);
        html.append("<h2>Fleet burn rate (1 h)</h2>\n<p>How fast the fleet SLO spends its budget; the dashed line is the fast-burn threshold (14.4&times;).</p>\n");
        burnChart(html, data);
        html.append("<h2>Spend per agent</h2>\n<p>The bars are the day's committed spend against the $10 daily limit (throttle at 80%, kill switch at 95%).</p>\n");
        spendChart(html, data);
        html.append("<h2>Circuit breaker states</h2>\n");
        breakerTimeline(html, data);
        html.append("<h2>Incident log</h2>\n<table class=\"log\">\n");
        for (Incident i : data.incidents) {
            html.append("<tr><td>").append(FleetDrill.time(i.at())).append("</td><td class=\"kind\">").append(escape(i.kind()))
                    .append("</td><td>").append(escape(i.text())).append("</td></tr>\n");
        }
        html.append("</table>\n");
        if (data.replay != null) {
            ReplayFindings r = data.replay;
            html.append("<h2>").append(FleetDrill.REPLAY).append("</h2>\n<p>Trace <code>").append(escape(r.traceId())).append("</code>, ")
                    .append(r.steps()).append(" steps. Replayed offline with the original code it fails the same way: <code>")
                    .append(escape(r.reproducedFailure())).append("</code> (live calls made: ").append(r.liveCallsDuringReplay())
                    .append("). With the fixed parser it answers: <code>").append(escape(r.fixedAnswer())).append("</code>.</p>\n<pre>")
                    .append(escape(r.diffSummary())).append("</pre>\n");
        }
        html.append("</body></html>\n");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, html, StandardCharsets.UTF_8);
        return file;
    }

    private static void summary(StringBuilder html, Data data) {
        html.append("<table><tr><th>agent</th><th>tasks</th><th>success</th><th>failed</th><th>refused</th><th>spend</th>")
                .append("<th>SLO</th><th>budget left</th><th>breaker trips</th><th>quarantines</th></tr>\n");
        for (String agent : data.agents) {
            AgentStats s = data.stats.get(agent);
            html.append("<tr><td>").append(escape(agent)).append("</td><td>").append(s.tasks).append("</td><td>")
                    .append(fmt("%.2f%%", s.successPercent())).append("</td><td>").append(s.failed).append("</td><td title=\"")
                    .append(escape(s.refused.toString())).append("\">").append(s.refusedTotal()).append("</td><td>$")
                    .append(s.spendUsd.setScale(2, RoundingMode.HALF_UP)).append("</td><td>").append(s.sloStatus).append("</td><td>")
                    .append(fmt("%.1f%%", s.budgetLeftPercent)).append("</td><td>").append(s.breakerTrips).append("</td><td>")
                    .append(s.quarantines).append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    // ------------------------------------------------------------------ charts

    private static void budgetChart(StringBuilder html, Data data) {
        double min = 100;
        for (Sample s : data.samples) {
            min = Math.min(min, s.fleetBudgetLeft());
            for (double v : s.budgetLeft().values()) {
                min = Math.min(min, v);
            }
        }
        double low = Math.max(0, Math.floor(min / 10) * 10 - 10);
        Axes axes = new Axes(data, low, 100, "%");
        axes.open(html);
        for (int a = 0; a < data.agents.size(); a++) {
            String agent = data.agents.get(a);
            axes.line(html, data.samples.stream().map(s -> s.budgetLeft().get(agent)).toList(), colour(a), 1.5, null);
            axes.legend(html, a, agent, colour(a));
        }
        axes.line(html, data.samples.stream().map(Sample::fleetBudgetLeft).toList(), "#222", 3, null);
        axes.legend(html, data.agents.size(), "fleet", "#222");
        html.append("</svg>\n");
    }

    private static void burnChart(StringBuilder html, Data data) {
        double max = 16;
        for (Sample s : data.samples) {
            max = Math.max(max, s.fleetBurnRate1h());
        }
        Axes axes = new Axes(data, 0, Math.ceil(max / 5) * 5, "x");
        axes.open(html);
        axes.line(html, data.samples.stream().map(Sample::fleetBurnRate1h).toList(), "#ff725c", 2, null);
        axes.horizontal(html, 14.4, "#888", "4 3");
        axes.horizontal(html, 1, "#3ca951", "2 3");
        axes.legend(html, 0, "burn rate 1h", "#ff725c");
        axes.legend(html, 1, "fast burn 14.4x", "#888");
        axes.legend(html, 2, "sustainable 1x", "#3ca951");
        html.append("</svg>\n");
    }

    private static void spendChart(StringBuilder html, Data data) {
        int rowHeight = 26;
        int height = TOP + rowHeight * data.agents.size() + BOTTOM;
        double max = 10;
        for (String agent : data.agents) {
            max = Math.max(max, data.stats.get(agent).spendUsd.doubleValue());
        }
        int plot = WIDTH - LEFT - 60 - 100;
        html.append(svgOpen(height));
        for (int a = 0; a < data.agents.size(); a++) {
            String agent = data.agents.get(a);
            double spend = data.stats.get(agent).spendUsd.doubleValue();
            int y = TOP + a * rowHeight;
            int w = (int) Math.round(plot * spend / max);
            html.append(fmt("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", LEFT + 95, y + 16, escape(agent)))
                    .append(fmt("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" fill=\"%s\"><title>%s: $%.2f</title></rect>",
                            LEFT + 100, y + 3, Math.max(1, w), colour(a), escape(agent), spend))
                    .append(fmt("<text x=\"%d\" y=\"%d\">$%.2f</text>", LEFT + 105 + w, y + 16, spend));
        }
        for (double limit : new double[] {8.0, 9.5, 10.0}) {
            int x = LEFT + 100 + (int) Math.round(plot * limit / max);
            html.append(fmt("<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#888\" stroke-dasharray=\"4 3\"/>", x, x, TOP,
                    height - BOTTOM + 4))
                    .append(fmt("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>", x, height - BOTTOM + 18,
                            limit == 8.0 ? "throttle" : limit == 9.5 ? "kill" : "limit"));
        }
        html.append("</svg>\n");
    }

    private static void breakerTimeline(StringBuilder html, Data data) {
        int rowHeight = 22;
        int height = TOP + rowHeight * data.agents.size() + BOTTOM;
        Instant start = FleetDrill.START;
        Instant end = start.plus(Duration.ofHours(data.options.hours()));
        int plot = WIDTH - LEFT - 100 - 20;
        html.append("<p>Green closed, red open, amber half-open; hover a band for its times.</p>\n").append(svgOpen(height));
        for (int a = 0; a < data.agents.size(); a++) {
            String agent = data.agents.get(a);
            int y = TOP + a * rowHeight;
            html.append(fmt("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", LEFT + 95, y + 15, escape(agent)))
                    .append(fmt("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"#3ca951\" opacity=\"0.35\"/>", LEFT + 100, y + 2, plot));
            Instant since = start;
            CircuitState state = CircuitState.CLOSED;
            List<BreakerChange> changes = new ArrayList<>(data.breakerChanges.stream().filter(c -> c.agent().equals(agent)).toList());
            changes.add(new BreakerChange(end, agent, CircuitState.CLOSED));
            for (BreakerChange change : changes) {
                if (state != CircuitState.CLOSED && change.at().isAfter(since)) {
                    double x0 = plot * fraction(start, end, since);
                    double x1 = plot * fraction(start, end, change.at());
                    html.append(fmt("<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"%s\"><title>%s %s %s&#8211;%s</title></rect>",
                            LEFT + 100 + x0, y + 2, Math.max(1.5, x1 - x0), state == CircuitState.HALF_OPEN ? "#efb118" : "#e0413a",
                            escape(agent), state, FleetDrill.time(since), FleetDrill.time(change.at())));
                }
                since = change.at();
                state = change.to();
            }
        }
        int axisY = TOP + rowHeight * data.agents.size() + 14;
        for (int h = 0; h <= data.options.hours(); h += Math.max(1, data.options.hours() / 8)) {
            int x = LEFT + 100 + (int) Math.round(plot * h / (double) data.options.hours());
            html.append(fmt("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%dh</text>", x, axisY, h));
        }
        html.append("</svg>\n");
    }

    /** A time-series plot area over the drill's span. */
    private static final class Axes {
        private final Data data;
        private final double low;
        private final double high;
        private final String unit;

        Axes(Data data, double low, double high, String unit) {
            this.data = data;
            this.low = low;
            this.high = high <= low ? low + 1 : high;
            this.unit = unit;
        }

        void open(StringBuilder html) {
            html.append(svgOpen(HEIGHT));
            for (int i = 0; i <= 4; i++) {
                double v = low + (high - low) * i / 4;
                double y = y(v);
                html.append(fmt("<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>", LEFT, WIDTH - RIGHT, y, y))
                        .append(fmt("<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s%s</text>", LEFT - 6, y + 4, trim(v), unit));
            }
            int hours = data.options.hours();
            for (int h = 0; h <= hours; h += Math.max(1, hours / 8)) {
                double x = LEFT + (WIDTH - LEFT - RIGHT) * h / (double) hours;
                html.append(fmt("<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%dh</text>", x, HEIGHT - BOTTOM + 16, h));
            }
        }

        void line(StringBuilder html, List<Double> values, String colour, double width, String dash) {
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < values.size(); i++) {
                double x = x(data.samples.get(i).at());
                points.append(fmt("%.1f,%.1f ", x, y(values.get(i))));
            }
            html.append(fmt("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\"%s points=\"%s\"/>", colour, width,
                    dash == null ? "" : " stroke-dasharray=\"" + dash + "\"", points.toString().trim()));
        }

        void horizontal(StringBuilder html, double value, String colour, String dash) {
            if (value < low || value > high) {
                return;
            }
            double y = y(value);
            html.append(fmt("<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-dasharray=\"%s\"/>", LEFT,
                    WIDTH - RIGHT, y, y, colour, dash));
        }

        void legend(StringBuilder html, int row, String label, String colour) {
            int y = TOP + 6 + row * 16;
            html.append(fmt("<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"4\" fill=\"%s\"/>", WIDTH - RIGHT + 12, y, colour))
                    .append(fmt("<text x=\"%d\" y=\"%d\">%s</text>", WIDTH - RIGHT + 30, y + 5, escape(label)));
        }

        private double x(Instant at) {
            Instant start = FleetDrill.START;
            Instant end = start.plus(Duration.ofHours(data.options.hours()));
            return LEFT + (WIDTH - LEFT - RIGHT) * fraction(start, end, at);
        }

        private double y(double value) {
            double clamped = Math.max(low, Math.min(high, value));
            return TOP + (HEIGHT - TOP - BOTTOM) * (1 - (clamped - low) / (high - low));
        }
    }

    private static double fraction(Instant start, Instant end, Instant at) {
        double f = (at.toEpochMilli() - start.toEpochMilli()) / (double) (end.toEpochMilli() - start.toEpochMilli());
        return Math.max(0, Math.min(1, f));
    }

    private static String svgOpen(int height) {
        return fmt("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">", WIDTH, height,
                WIDTH, height);
    }

    private static String colour(int index) {
        return PALETTE[index % PALETTE.length];
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : fmt("%.1f", v);
    }

    private static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
