package dev.agentsre.examples;

import dev.agentsre.incident.Incident;
import dev.agentsre.incident.RootCauseHint;
import java.io.PrintStream;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fleet drill's console: lines printed and counted (the drill's thread and the local receiver's
 * print through it), the incident list and the summary, and the time and duration formats the
 * console and the report share.
 */
final class FleetConsole {

    private final PrintStream out;
    private final AtomicInteger lines = new AtomicInteger();

    FleetConsole(PrintStream out) {
        this.out = out;
    }

    /** Prints one line. */
    void say(String line) {
        out.println(line);
        lines.incrementAndGet();
    }

    /** Prints one line stamped with the simulated time. */
    void say(Instant at, String text) {
        say(time(at) + "  " + text);
    }

    /** Lines printed so far. */
    int lines() {
        return lines.get();
    }

    /** Each incident once: its headline, then its times and top hint. */
    void incidents(FleetDay day) {
        say("");
        say("Incidents (" + day.incidents.size() + "), each once:");
        for (Incident i : day.incidents) {
            RootCauseHint top = i.hints().isEmpty() ? null : i.hints().get(0);
            say(String.format(Locale.ROOT, "  %-6s %s %-12s %s%s", i.id(), i.severity(), i.state(), i.title(), i.expected() ? " (expected: chaos)" : ""));
            say(String.format(Locale.ROOT, "         detected %s, acknowledged %s, resolved %s; %s; top hint %s", time(i.detectedAt()),
                    i.timeToAcknowledge().map(FleetConsole::minutes).orElse("-"), i.timeToResolve().map(d -> "after " + minutes(d)).orElse("-"),
                    i.agents().size() == 1 ? "1 agent" : i.agents().size() + " agents", top == null ? "none" : top.headline()));
        }
        if (day.outageIncidentId != null) {
            say("  The outage's postmortem (" + day.outageIncidentId + ") is in the report.");
        }
    }

    /** A line per agent and one for the fleet. */
    void summary(FleetDay day) {
        say("");
        say(String.format(Locale.ROOT, "%-16s %6s %8s %7s %8s %9s %-9s %7s %6s", "agent", "tasks", "success", "failed", "refused", "spend",
                "SLO", "budget", "trips"));
        for (String agent : day.agents) {
            FleetDay.AgentStats s = day.stats.get(agent);
            say(String.format(Locale.ROOT, "%-16s %6d %7.2f%% %7d %8d %9s %-9s %6.1f%% %6d", agent, s.tasks, s.successPercent(), s.failed,
                    s.refusedTotal(), "$" + s.spendUsd.setScale(2, RoundingMode.HALF_UP), s.sloStatus, s.budgetLeftPercent, s.breakerTrips));
        }
        say(String.format(Locale.ROOT, "Fleet SLO %s (%.1f%% of its budget left); canary %s; chaos experiment %s; %d tasks refused; "
                        + "%d notifications delivered.", day.fleetStatus, day.fleetBudgetLeft, day.canaryState, day.chaosState, day.refusals,
                day.notifications.size()));
    }

    /** {@code day N HH:mm:ss} of the simulated span. */
    static String time(Instant at) {
        LocalDateTime t = LocalDateTime.ofInstant(at, ZoneOffset.UTC);
        return String.format(Locale.ROOT, "day %d %02d:%02d:%02d", Duration.between(FleetDrill.START, at).toDays() + 1, t.getHour(),
                t.getMinute(), t.getSecond());
    }

    /** {@code 45s}, {@code 19m55s}, {@code 1h59m}. */
    static String minutes(Duration d) {
        long s = d.toSeconds();
        return s < 60 ? s + "s" : s < 3_600 ? (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s") : (s / 3_600) + "h" + ((s % 3_600) / 60) + "m";
    }

    /** {@code text}, cut to {@code max} characters with an ellipsis. */
    static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
