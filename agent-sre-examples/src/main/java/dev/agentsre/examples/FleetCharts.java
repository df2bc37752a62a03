package dev.agentsre.examples;

import dev.agentsre.breaker.CircuitState;
import dev.agentsre.cost.BudgetState;
import dev.agentsre.delivery.RolloutState;
import dev.agentsre.incident.Incident;
import dev.agentsre.incident.IncidentSeverity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The fleet drill report's charts, each an inline SVG over the drill's span: the day's timeline,
 * served and refused traffic, the error budget per agent, both windows of the burn-rate alerts,
 * spend against the daily limit, breaker states and the canary.
 */
final class FleetCharts {

    static final int WIDTH = 1060;
    /** A minute's sample is read at its end: its state began up to a minute earlier. */
    private static final Duration TICK_ROUNDING = Duration.ofMinutes(1);
    private static final int LEFT = 120;
    private static final int RIGHT = 20;
    static final String GREEN = "#3ca951";
    static final String RED = "#d62728";
    static final String ORANGE = "#f28e2b";
    static final String GREY = "#9498a0";
    static final String BLUE = "#4269d0";
    static final String AMBER = "#efb118";
    private static final String[] PALETTE = {"#4269d0", "#ff725c", "#3ca951", "#a463f2", "#efb118", "#6cc5b0", "#ff8ab7", "#9c6b4e",
        "#97bbf5", "#9498a0"};

    private FleetCharts() {
    }

    static String colour(int index) {
        return PALETTE[index % PALETTE.length];
    }

    static String severityColour(IncidentSeverity severity) {
        switch (severity) {
            case SEV1:
                return "#a50f15";
            case SEV2:
                return "#de2d26";
            case SEV3:
                return "#fb6a4a";
            default:
                return "#fcae91";
        }
    }

    // ------------------------------------------------------------------ the day's timeline

    /** What happened when: the scripted causes, one band per incident, and every notification delivered. */
    static void timeline(StringBuilder html, FleetDay day) {
        List<FleetDay.Marker> markers = day.markers;
        int markerRows = 3;
        int top = 16;
        int markerHeight = markerRows * 16 + 8;
        int incidentRow = 24;
        int incidentsTop = top + markerHeight + 10;
        int notesTop = incidentsTop + Math.max(1, day.incidents.size()) * incidentRow + 12;
        int axisY = notesTop + 2 * 20 + 6;
        int height = axisY + 26;
        Svg svg = Svg.open(html, WIDTH, height, "The drill's span: scripted events, incidents and notifications");
        Svg.TimeAxis time = new Svg.TimeAxis(day.start, day.end, LEFT, WIDTH - RIGHT);
        time.draw(svg, top, axisY);
        svg.text(LEFT - 10, top + 12, "what happened", "end", "lane");
        // scripted events: a flag each, labels in the first free row
        double[] rowEnds = new double[markerRows];
        java.util.Arrays.fill(rowEnds, -1);
        for (FleetDay.Marker m : markers) {
            double x = time.x(m.at());
            String label = Svg.TimeAxis.label(m.at(), false) + " " + m.kind();
            double w = label.length() * 7.4 + 14;
            int row = 0;
            while (row < markerRows - 1 && rowEnds[row] > x) {
                row++;
            }
            rowEnds[row] = x + w;
            double y = top + 12 + row * 16;
            boolean outcome = m.kind().endsWith("rolled back");
            String colour = outcome ? "#555" : "#222";
            svg.line(x, y + 3, x, axisY, outcome ? "#bbb" : "#999", 1, "3 3");
            svg.out.append(Svg.fmt("<path d=\"M%.1f,%.1f l-4,-8 h8 z\" fill=\"%s\"><title>%s</title></path>\n", x, y + 3,
                    outcome ? ORANGE : "#222", Svg.escape(m.kind() + ": " + m.text())));
            svg.text(x + 6, y, label, "start", "marker", colour);
        }
        // the outage as a band behind everything
        FleetScript script = new FleetScript(day.options.hours());
        Instant outageFrom = day.start.plus(Duration.ofMinutes(script.outageFrom));
        Instant outageTo = day.start.plus(Duration.ofMinutes(script.outageTo));
        svg.rect(time.x(outageFrom), top, Math.max(2, time.x(outageTo) - time.x(outageFrom)), axisY - top, RED, 0.08);
        // incidents
        int row = 0;
        for (Incident incident : day.incidents) {
            double y = incidentsTop + row * incidentRow;
            Instant from = incident.impactStart().isBefore(incident.detectedAt()) ? incident.impactStart() : incident.detectedAt();
            Instant to = incident.resolvedAt().orElse(day.end);
            double x0 = time.x(from);
            double x1 = Math.max(x0 + 5, time.x(to));
            String colour = severityColour(incident.severity());
            svg.text(LEFT - 10, y + 14, incident.id() + " " + incident.severity(), "end", "lane", colour);
            svg.rect(x0, y + 3, x1 - x0, incidentRow - 8, colour, Svg.fmt("%s %s %s: %s, %s - %s", incident.id(), incident.severity(),
                    incident.state(), incident.title(), FleetConsole.time(from), incident.resolvedAt().map(FleetConsole::time).orElse("still open")));
            if (incident.expected()) {
                svg.rect(x0, y + 3, x1 - x0, incidentRow - 8, "#ffffff", 0.45);
            }
            String label = incident.title() + (incident.expected() ? " (expected: chaos)" : "") + " · "
                    + incident.timeToResolve().map(d -> "resolved after " + FleetConsole.minutes(d)).orElse(incident.state().toString());
            boolean right = x1 + 8 + label.length() * 6.3 < WIDTH - RIGHT;
            svg.text(right ? x1 + 6 : x0 - 6, y + 14, label, right ? "start" : "end", "band");
            row++;
        }
        // notifications
        svg.text(LEFT - 10, notesTop + 13, "webhook", "end", "lane");
        svg.text(LEFT - 10, notesTop + 33, "pager", "end", "lane");
        for (LocalAlertReceiver.Received r : day.notifications) {
            double x = time.x(r.at());
            boolean pager = r.receiver().equals("pager");
            double y = notesTop + (pager ? 20 : 0);
            String colour = r.resolved() ? GREEN : pager ? RED : ORANGE;
            svg.rect(x - 1.5, y + 2, 3, 15, colour, FleetConsole.time(r.at()) + " " + r.line());
        }
        svg.close();
    }

    // ------------------------------------------------------------------ traffic

    /** Tasks per bucket, stacked by outcome; below, only the ones not served as asked, on their own scale. */
    static void traffic(StringBuilder html, FleetDay day) {
        List<FleetDay.Minute> minutes = day.minutes;
        int bucket = bucketMinutes(day);
        int n = (minutes.size() + bucket - 1) / bucket;
        int[][] sums = new int[n][4];
        for (int i = 0; i < minutes.size(); i++) {
            FleetDay.Minute m = minutes.get(i);
            int[] s = sums[i / bucket];
            s[0] += m.succeeded();
            s[1] += m.failed();
            s[2] += m.refusedInFlight();
            s[3] += m.refusedAtDoor();
        }
        int panel = 150;
        int top = 34;
        int gap = 40;
        int height = top + panel + gap + panel + 34;
        Svg svg = Svg.open(html, WIDTH, height, "Tasks per " + bucket + " minutes by outcome");
        Svg.TimeAxis time = new Svg.TimeAxis(day.start, day.end, LEFT, WIDTH - RIGHT);
        String[] colours = {GREEN, RED, ORANGE, GREY};
        String[] names = {"succeeded", "failed", "refused in flight", "refused at the door"};
        double lx = LEFT;
        for (int k = 0; k < 4; k++) {
            svg.rect(lx, 8, 12, 10, colours[k], null);
            svg.text(lx + 16, 17, names[k], "start", "legend");
            lx += 30 + names[k].length() * 6.5;
        }
        for (int p = 0; p < 2; p++) {
            int from = p == 0 ? 0 : 1;
            double panelTop = top + p * (panel + gap);
            double max = 1;
            for (int[] s : sums) {
                int total = 0;
                for (int k = from; k < 4; k++) {
                    total += s[k];
                }
                max = Math.max(max, total);
            }
            max = niceCeiling(max);
            time.draw(svg, panelTop, panelTop + panel);
            for (int g = 0; g <= 2; g++) {
                double v = max * g / 2;
                double y = panelTop + panel - panel * v / max;
                svg.line(LEFT, y, WIDTH - RIGHT, y, "#ececec", 1, null);
                svg.text(LEFT - 6, y + 4, trim(v), "end", "axis");
            }
            svg.text(LEFT - 40, panelTop + panel / 2.0, p == 0 ? "all tasks" : "not served", "end", "lane");
            if (p == 1) {
                svg.text(LEFT - 40, panelTop + panel / 2.0 + 15, "as asked", "end", "lane");
            }
            double bw = (WIDTH - RIGHT - LEFT) / (double) n;
            for (int b = 0; b < n; b++) {
                double x = LEFT + b * bw;
                double y = panelTop + panel;
                Instant at = day.start.plus(Duration.ofMinutes((long) b * bucket));
                for (int k = from; k < 4; k++) {
                    double h = panel * sums[b][k] / max;
                    if (h > 0) {
                        svg.rect(x, y - h, Math.max(0.8, bw - 0.6), h, colours[k], Svg.fmt("%s, %d min from %s: %d %s", names[k], bucket,
                                Svg.TimeAxis.label(at, false), sums[b][k], names[k]));
                        y -= h;
                    }
                }
            }
        }
        svg.close();
    }

    static int bucketMinutes(FleetDay day) {
        return Math.max(10, day.minutes.size() / 150 / 10 * 10);
    }

    // ------------------------------------------------------------------ error budgets

    /** One small chart per agent (and the fleet), on one shared scale, with the agent's incidents shaded. */
    static void budgets(StringBuilder html, FleetDay day) {
        List<FleetDay.Minute> minutes = day.minutes;
        double lo = 100;
        double hi = 0;
        for (FleetDay.Minute m : minutes) {
            for (double v : m.budgetLeft()) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        lo = Math.max(0, Math.floor(lo / 2) * 2 - 2);
        hi = Math.min(100, Math.ceil(hi / 2) * 2 + 2);
        int columns = 3;
        int cellW = WIDTH / columns;
        int cellH = 150;
        int rows = (day.agents.size() + columns - 1) / columns;
        Svg svg = Svg.open(html, WIDTH, rows * cellH + 4, "Error budget left per agent");
        for (int a = 0; a < day.agents.size(); a++) {
            String agent = day.agents.get(a);
            int index = a;
            double ox = (a % columns) * cellW;
            double oy = (a / columns) * cellH;
            double left = ox + 44;
            double right = ox + cellW - 14;
            double top = oy + 26;
            double bottom = oy + cellH - 22;
            Svg.TimeAxis time = new Svg.TimeAxis(day.start, day.end, left, right);
            for (Incident incident : day.incidents) {
                if (incident.agents().contains(agent)) {
                    Instant from = incident.impactStart().isBefore(incident.detectedAt()) ? incident.impactStart() : incident.detectedAt();
                    double x0 = time.x(from);
                    double x1 = Math.max(x0 + 2, time.x(incident.resolvedAt().orElse(day.end)));
                    svg.rect(x0, top, x1 - x0, bottom - top, severityColour(incident.severity()), 0.18);
                }
            }
            for (double v = lo; v <= hi + 1e-9; v += Math.max(2, Math.round((hi - lo) / 4))) {
                double y = yOf(v, lo, hi, top, bottom);
                svg.line(left, y, right, y, "#ececec", 1, null);
                svg.text(left - 4, y + 4, trim(v) + "%", "end", "axis");
            }
            double[] points = new double[minutes.size() * 2];
            for (int i = 0; i < minutes.size(); i++) {
                points[2 * i] = time.x(minutes.get(i).at());
                points[2 * i + 1] = yOf(minutes.get(i).budgetLeft()[index], lo, hi, top, bottom);
            }
            svg.polyline(points, colour(a), 2, null);
            double first = minutes.isEmpty() ? Double.NaN : minutes.get(0).budgetLeft()[index];
            double last = minutes.isEmpty() ? Double.NaN : minutes.get(minutes.size() - 1).budgetLeft()[index];
            svg.text(left, oy + 16, agent, "start", "cell");
            svg.text(right, oy + 16, Svg.fmt("%.1f%% → %.1f%%", first, last), "end", "cellvalue");
            svg.text(left, bottom + 14, Svg.TimeAxis.label(day.start, false), "start", "axis");
            svg.text(right, bottom + 14, Svg.TimeAxis.label(day.end, false), "end", "axis");
        }
        svg.close();
    }

    private static double yOf(double v, double lo, double hi, double top, double bottom) {
        double c = Math.max(lo, Math.min(hi, v));
        return bottom - (bottom - top) * (c - lo) / (hi - lo);
    }

    // ------------------------------------------------------------------ burn rate

    /**
     * The fleet SLO's burn rate in both windows of a page rule, on a log scale, with the rule's
     * threshold and the time its alert was open shaded: it fires when both windows burn at the rate
     * and resolves when one of them falls below 90% of it.
     */
    static void burn(StringBuilder html, FleetDay day, String rule, double rate, String longName, String shortName, boolean fast) {
        burn(html, day, rule, rate, longName, shortName, fast, day.start, day.end, null);
        // zoomed on the first time the fleet SLO paged: a 15-minute page is a sliver of a day
        Instant opened = null;
        Instant closed = null;
        for (FleetDay.AlertChange change : day.fleetAlerts) {
            if (change.firing() && opened == null) {
                opened = change.at();
            } else if (!change.firing() && opened != null && closed == null) {
                closed = change.at();
            }
        }
        if (fast && opened != null && Duration.between(day.start, day.end).toHours() > 3) {
            Instant from = floor(opened.minus(Duration.ofMinutes(30)));
            Instant to = floor((closed == null ? opened : closed).plus(Duration.ofMinutes(70)));
            burn(html, day, rule, rate, longName, shortName, fast, from.isBefore(day.start) ? day.start : from,
                    to.isAfter(day.end) ? day.end : to, "Zoomed: " + Svg.TimeAxis.label(from, false) + " – " + Svg.TimeAxis.label(to, false));
        }
    }

    private static void burn(StringBuilder html, FleetDay day, String rule, double rate, String longName, String shortName, boolean fast,
                             Instant from, Instant to, String title) {
        List<FleetDay.Minute> minutes = day.minutes.stream().filter(m -> !m.at().isBefore(from) && !m.at().isAfter(to)).toList();
        int height = 210;
        double top = 26;
        double bottom = height - 30;
        Svg svg = Svg.open(html, WIDTH, height, "Fleet burn rate, " + rule + (title == null ? "" : ", " + title));
        Svg.TimeAxis time = new Svg.TimeAxis(from, to, LEFT, WIDTH - RIGHT);
        if (title != null) {
            svg.text(WIDTH - RIGHT, 18, title, "end", "lane");
        }
        time.draw(svg, top, bottom);
        double lo = -1;
        double hi = 3;
        for (int e = -1; e <= 3; e++) {
            double y = bottom - (bottom - top) * (e - lo) / (hi - lo);
            svg.line(LEFT, y, WIDTH - RIGHT, y, "#ececec", 1, null);
            svg.text(LEFT - 6, y + 4, (e < 0 ? "0.1" : trim(Math.pow(10, e))) + "×", "end", "axis");
        }
        // the rule firing, minute by minute
        Instant since = null;
        for (FleetDay.Minute m : minutes) {
            boolean firing = m.fleetFiring().contains(rule);
            if (firing && since == null) {
                since = m.at().minus(TICK_ROUNDING);
            } else if (!firing && since != null) {
                shade(svg, time, since, m.at().minus(TICK_ROUNDING), top, bottom);
                since = null;
            }
        }
        if (since != null) {
            shade(svg, time, since, to, top, bottom);
        }
        double[] longLine = new double[minutes.size() * 2];
        double[] shortLine = new double[minutes.size() * 2];
        for (int i = 0; i < minutes.size(); i++) {
            FleetDay.Minute m = minutes.get(i);
            double x = time.x(m.at());
            longLine[2 * i] = x;
            shortLine[2 * i] = x;
            longLine[2 * i + 1] = logY(fast ? m.burn1h() : m.burn6h(), lo, hi, top, bottom);
            shortLine[2 * i + 1] = logY(fast ? m.burn5m() : m.burn30m(), lo, hi, top, bottom);
        }
        svg.polyline(shortLine, "#f4a582", 1.2, null);
        svg.polyline(longLine, "#b2182b", 2.2, null);
        double ty = logY(rate, lo, hi, top, bottom);
        svg.line(LEFT, ty, WIDTH - RIGHT, ty, "#222", 1.2, "6 4");
        double ry = logY(rate * 0.9, lo, hi, top, bottom);
        svg.line(LEFT, ry, WIDTH - RIGHT, ry, "#888", 1, "1 3");
        svg.text(LEFT + 4, ry + 13, Svg.fmt("%s fires at %s× in both windows, holds until one falls below %s×", rule, trim(rate),
                trim(rate * 0.9)), "start", "legend");
        double lx = LEFT;
        svg.line(lx, 14, lx + 18, 14, "#b2182b", 2.2, null);
        svg.text(lx + 22, 18, "long window (" + longName + ")", "start", "legend");
        lx += 170;
        svg.line(lx, 14, lx + 18, 14, "#f4a582", 1.2, null);
        svg.text(lx + 22, 18, "short window (" + shortName + ")", "start", "legend");
        lx += 170;
        svg.rect(lx, 8, 14, 10, RED, 0.15);
        svg.text(lx + 20, 18, rule + " firing for the fleet SLO", "start", "legend");
        svg.close();
    }

    private static void shade(Svg svg, Svg.TimeAxis time, Instant from, Instant to, double top, double bottom) {
        double x0 = time.x(from);
        svg.rect(x0, top, Math.max(2, time.x(to) - x0), bottom - top, RED, 0.15);
    }

    private static double logY(double value, double lo, double hi, double top, double bottom) {
        double e = value <= 0 || Double.isNaN(value) ? lo : Math.max(lo, Math.min(hi, Math.log10(value)));
        return bottom - (bottom - top) * (e - lo) / (hi - lo);
    }

    // ------------------------------------------------------------------ spend

    /** Each agent's spend in its budget day against the daily limit, with the throttle and kill lines and the budget's transitions. */
    static void spend(StringBuilder html, FleetDay day, double limit, double throttleAt, double killAt) {
        List<FleetDay.Minute> minutes = day.minutes;
        int height = 300;
        double top = 20;
        double bottom = height - 30;
        double right = WIDTH - 190;
        double max = limit * 1.1;
        Svg svg = Svg.open(html, WIDTH, height, "Spend per agent in its budget day against the daily limit");
        Svg.TimeAxis time = new Svg.TimeAxis(day.start, day.end, LEFT, right);
        time.draw(svg, top, bottom);
        for (int d = 0; d <= (int) max; d += 2) {
            double y = bottom - (bottom - top) * d / max;
            svg.line(LEFT, y, right, y, "#ececec", 1, null);
            svg.text(LEFT - 6, y + 4, "$" + d, "end", "axis");
        }
        double[][] levels = {{limit, 0}, {limit * killAt, 1}, {limit * throttleAt, 2}};
        String[] labels = {Svg.fmt("daily limit $%.2f", limit), Svg.fmt("kill switch %.0f%%", killAt * 100),
            Svg.fmt("throttle %.0f%%", throttleAt * 100)};
        for (double[] level : levels) {
            double y = bottom - (bottom - top) * level[0] / max;
            svg.line(LEFT, y, right, y, level[1] == 0 ? "#222" : RED, 1, level[1] == 0 ? null : "5 4");
            svg.text(LEFT + 4, level[1] == 1 ? y + 12 : y - 3, labels[(int) level[1]], "start", "legend");
        }
        // each budget day starts at zero: mark the midnights
        for (Instant midnight = day.start.plus(Duration.ofDays(1)); midnight.isBefore(day.end); midnight = midnight.plus(Duration.ofDays(1))) {
            double x = time.x(midnight);
            svg.line(x, top, x, bottom, "#555", 1, "2 3");
            svg.text(x + 4, bottom - 6, "new budget day", "start", "legend");
        }
        Map<String, Double> ends = new LinkedHashMap<>();
        for (int a = 0; a < day.agents.size(); a++) {
            double[] points = new double[minutes.size() * 2];
            for (int i = 0; i < minutes.size(); i++) {
                FleetDay.Minute m = minutes.get(i);
                points[2 * i] = time.x(m.at());
                points[2 * i + 1] = bottom - (bottom - top) * Math.min(max, m.spendToday()[a]) / max;
                // a new budget day starts at zero: break the line rather than draw the drop
                if (i > 0 && m.spendToday()[a] < minutes.get(i - 1).spendToday()[a] - 0.005) {
                    points[2 * i - 2] = Double.NaN;
                }
            }
            svg.polyline(points, colour(a), 1.8, null);
            ends.put(day.agents.get(a), minutes.isEmpty() ? 0 : minutes.get(minutes.size() - 1).spendToday()[a]);
        }
        // labels at the right end; agents within 30 cents share one
        List<String> order = new ArrayList<>(ends.keySet());
        order.sort((x, y) -> Double.compare(ends.get(y), ends.get(x)));
        double lastY = -100;
        List<String> group = new ArrayList<>();
        for (int i = 0; i <= order.size(); i++) {
            if (i < order.size() && !group.isEmpty() && Math.abs(ends.get(group.get(0)) - ends.get(order.get(i))) < 0.3) {
                group.add(order.get(i));
                continue;
            }
            if (!group.isEmpty()) {
                double v = ends.get(group.get(0));
                double y = Math.max(lastY + 13, bottom - (bottom - top) * Math.min(max, v) / max + 4);
                String names = group.size() <= 2 ? String.join(", ", group) : group.size() + " agents";
                svg.text(right + 6, y, Svg.fmt("$%.2f %s", v, names), "start", "legend", group.size() == 1
                        ? colour(day.agentIndex(group.get(0))) : "#555");
                lastY = y;
            }
            group.clear();
            if (i < order.size()) {
                group.add(order.get(i));
            }
        }
        for (FleetDay.BudgetChange change : day.budgetChanges) {
            double x = time.x(change.at());
            double y = bottom - (bottom - top) * Math.min(max, change.spentUsd().doubleValue()) / max;
            String colour = change.to() == BudgetState.KILLED ? RED : change.to() == BudgetState.THROTTLED ? ORANGE : GREEN;
            String label = change.to() == BudgetState.ACTIVE ? "revived" : change.to().toString().toLowerCase(Locale.ROOT);
            svg.circle(x, y, 5, colour, Svg.fmt("%s %s: %s -> %s at $%.2f", FleetConsole.time(change.at()), change.agent(), change.from(),
                    change.to(), change.spentUsd()));
            svg.text(x + (change.to() == BudgetState.ACTIVE ? 8 : -8), y + (change.to() == BudgetState.KILLED ? -8 : 16), label + " "
                    + Svg.TimeAxis.label(change.at(), false), change.to() == BudgetState.ACTIVE ? "start" : "end", "legend", colour);
        }
        svg.close();
    }

    // ------------------------------------------------------------------ breakers

    /** Breaker states over the whole span, then zoomed on each stretch where breakers moved. */
    static void breakers(StringBuilder html, FleetDay day) {
        List<FleetDay.BreakerChange> changes = day.breakerChanges;
        Set<String> names = new LinkedHashSet<>();
        changes.stream().filter(FleetDay.BreakerChange::dependency).forEach(c -> names.add(c.name()));
        names.addAll(day.agents);
        breakerStrip(html, day, new ArrayList<>(names), day.start, day.end, "The whole span");
        // zooms: stretches of changes less than an hour apart
        List<Instant[]> stretches = new ArrayList<>();
        for (FleetDay.BreakerChange c : changes) {
            Instant[] last = stretches.isEmpty() ? null : stretches.get(stretches.size() - 1);
            if (last != null && !c.at().isAfter(last[1].plus(Duration.ofHours(1)))) {
                last[1] = c.at();
            } else {
                stretches.add(new Instant[] {c.at(), c.at()});
            }
        }
        for (Instant[] s : stretches.subList(0, Math.min(3, stretches.size()))) {
            Instant from = floor(s[0].minus(Duration.ofMinutes(10)));
            Instant to = floor(s[1].plus(Duration.ofMinutes(20)));
            Set<String> moved = new LinkedHashSet<>();
            changes.stream().filter(c -> !c.at().isBefore(s[0]) && !c.at().isAfter(s[1])).forEach(c -> moved.add(c.name()));
            List<String> rows = new ArrayList<>();
            names.stream().filter(moved::contains).forEach(rows::add);
            breakerStrip(html, day, rows, from.isBefore(day.start) ? day.start : from, to.isAfter(day.end) ? day.end : to,
                    "Zoomed: " + Svg.TimeAxis.label(from, false) + " – " + Svg.TimeAxis.label(to, false));
        }
    }

    private static Instant floor(Instant at) {
        long step = Duration.ofMinutes(10).toMillis();
        return Instant.ofEpochMilli(at.toEpochMilli() / step * step);
    }

    private static void breakerStrip(StringBuilder html, FleetDay day, List<String> rows, Instant from, Instant to, String title) {
        int row = 18;
        int top = 22;
        int height = top + rows.size() * row + 30;
        Svg svg = Svg.open(html, WIDTH, height, "Breaker states: " + title);
        Svg.TimeAxis time = new Svg.TimeAxis(from, to, LEFT + 60, WIDTH - RIGHT);
        svg.text(LEFT + 60, 14, title, "start", "lane");
        time.draw(svg, top, top + rows.size() * row + 2);
        for (int r = 0; r < rows.size(); r++) {
            String name = rows.get(r);
            boolean dependency = !day.agents.contains(name);
            double y = top + r * row;
            svg.text(LEFT + 54, y + 13, (dependency ? "model " : "") + name, "end", dependency ? "lane" : "axis");
            svg.rect(LEFT + 60, y + 2, WIDTH - RIGHT - LEFT - 60, row - 4, GREEN, 0.25);
            CircuitState state = CircuitState.CLOSED;
            Instant since = day.start;
            List<FleetDay.BreakerChange> mine = new ArrayList<>();
            day.breakerChanges.stream().filter(c -> c.name().equals(name)).forEach(mine::add);
            mine.add(new FleetDay.BreakerChange(day.end, name, dependency, CircuitState.CLOSED));
            for (FleetDay.BreakerChange c : mine) {
                if (state != CircuitState.CLOSED && c.at().isAfter(from) && since.isBefore(to)) {
                    double x0 = time.x(since.isBefore(from) ? from : since);
                    double x1 = time.x(c.at().isAfter(to) ? to : c.at());
                    svg.rect(x0, y + 2, Math.max(1.5, x1 - x0), row - 4, state == CircuitState.HALF_OPEN ? AMBER : RED,
                            Svg.fmt("%s %s %s – %s", name, state, FleetConsole.time(since), FleetConsole.time(c.at())));
                }
                since = c.at();
                state = c.to();
            }
        }
        svg.close();
    }

    // ------------------------------------------------------------------ canary

    /**
     * The canary's weight, and each version's error rate since the rollout started — the counts the
     * sequential test judges — around the rollout.
     */
    static void canary(StringBuilder html, FleetDay day) {
        if (day.rolloutChanges.isEmpty()) {
            return;
        }
        Instant first = day.rolloutChanges.get(0).at();
        Instant last = day.rolloutChanges.get(day.rolloutChanges.size() - 1).at();
        Instant from = floor(first.minus(Duration.ofMinutes(10)));
        Instant to = floor(last.plus(Duration.ofMinutes(40)));
        from = from.isBefore(day.start) ? day.start : from;
        to = to.isAfter(day.end) ? day.end : to;
        int height = 240;
        double top = 34;
        double bottom = height - 30;
        double right = WIDTH - 70;
        double maxRate = 0.20;
        Svg svg = Svg.open(html, WIDTH, height, "Canary of prompt-v2 for " + day.canaryAgent);
        Svg.TimeAxis time = new Svg.TimeAxis(from, to, LEFT, right);
        time.draw(svg, top, bottom);
        for (int g = 0; g <= 4; g++) {
            double y = bottom - (bottom - top) * g / 4;
            svg.line(LEFT, y, right, y, "#ececec", 1, null);
            svg.text(LEFT - 6, y + 4, (25 * g) + "%", "end", "axis", BLUE);
            svg.text(right + 6, y + 4, trim(maxRate * 100 * g / 4) + "%", "start", "axis", RED);
        }
        svg.text(LEFT - 6, top - 14, "weight", "end", "legend", BLUE);
        svg.text(right + 60, top - 14, "error rate", "end", "legend", RED);
        // weight: a step line
        List<Double> points = new ArrayList<>();
        double weight = 0;
        points.add(time.x(from));
        points.add(bottom);
        Instant rolledBack = null;
        for (FleetDay.RolloutChange c : day.rolloutChanges) {
            double x = time.x(c.at());
            points.add(x);
            points.add(bottom - (bottom - top) * weight);
            weight = c.to() == RolloutState.ROLLED_BACK || c.to() == RolloutState.ABORTED ? 0 : c.weight();
            points.add(x);
            points.add(bottom - (bottom - top) * weight);
            boolean back = c.to() == RolloutState.ROLLED_BACK;
            if (back && rolledBack == null) {
                rolledBack = c.at();
            }
            svg.line(x, top, x, bottom, back ? RED : "#999", 1, "4 3");
            svg.text(x + 4, top + 11, back ? "rolled back " + Svg.TimeAxis.label(c.at(), false)
                    : c.to().toString().toLowerCase(Locale.ROOT) + " " + Math.round(c.weight() * 100) + "%", "start", "legend",
                    back ? RED : "#555");
        }
        points.add(time.x(to));
        points.add(bottom - (bottom - top) * weight);
        svg.polyline(points.stream().mapToDouble(Double::doubleValue).toArray(), BLUE, 2, null);
        // each version's error rate since the start, minute by minute
        long[] totals = new long[4];
        List<Double> candidate = new ArrayList<>();
        List<Double> baseline = new ArrayList<>();
        for (FleetDay.CanaryMinute m : day.canaryMinutes) {
            if (m.end().isBefore(first) || m.end().isAfter(to)) {
                continue;
            }
            totals[0] += m.baselineCalls();
            totals[1] += m.baselineErrors();
            totals[2] += m.candidateCalls();
            totals[3] += m.candidateErrors();
            double x = time.x(m.end());
            if (totals[0] > 0) {
                baseline.add(x);
                baseline.add(bottom - (bottom - top) * Math.min(maxRate, (double) totals[1] / totals[0]) / maxRate);
            }
            if (totals[2] > 0 && (rolledBack == null || !m.end().isAfter(rolledBack.plus(Duration.ofMinutes(1))))) {
                candidate.add(x);
                candidate.add(bottom - (bottom - top) * Math.min(maxRate, (double) totals[3] / totals[2]) / maxRate);
            }
        }
        svg.polyline(baseline.stream().mapToDouble(Double::doubleValue).toArray(), GREY, 1.8, null);
        double[] c = candidate.stream().mapToDouble(Double::doubleValue).toArray();
        svg.polyline(c, RED, 2.2, null);
        if (c.length >= 2) {
            svg.circle(c[c.length - 2], c[c.length - 1], 4, RED, null);
            svg.text(c[c.length - 2] - 6, c[c.length - 1] - 8, Svg.fmt("prompt-v2: %d errors in %d answers", totals[3], totals[2]), "end",
                    "legend", RED);
        }
        svg.line(LEFT + 60, 16, LEFT + 78, 16, RED, 2.2, null);
        svg.text(LEFT + 82, 20, "prompt-v2 (candidate) errors since the start", "start", "legend");
        svg.line(LEFT + 360, 16, LEFT + 378, 16, GREY, 1.8, null);
        svg.text(LEFT + 382, 20, "prompt-v1 (baseline)", "start", "legend");
        svg.close();
    }

    // ------------------------------------------------------------------ helpers

    static double niceCeiling(double v) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (v <= m * magnitude) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }

    static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Svg.fmt("%.1f", v);
    }
}
