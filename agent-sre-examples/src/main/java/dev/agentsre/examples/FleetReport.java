package dev.agentsre.examples;

import dev.agentsre.incident.Incident;
import dev.agentsre.incident.RootCauseHint;
import dev.agentsre.incident.TimelineEntry;
import java.io.IOException;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The fleet drill's HTML report: the simulated span at a glance (what happened and what the library
 * did), a timeline with the incidents and notifications, traffic, error budgets, burn rates, spend,
 * breakers, the canary, every incident with its hints and timeline, the outage's postmortem, the
 * replay, and the notifications. One self-contained file: inline SVG and CSS, no scripts, no fonts,
 * nothing fetched.
 */
final class FleetReport {

    /** Section headings, as the report shows them (the tests look for them). */
    static final String TIMELINE = "The day";
    static final String TRAFFIC = "Served and refused tasks";
    static final String BUDGETS = "Error budget per agent";
    static final String BURN = "Burn rate: both windows of each page";
    static final String SPEND = "Spend against the daily limit";
    static final String BREAKERS = "Circuit breakers";
    static final String CANARY = "The canary";
    static final String INCIDENTS = "Incidents";
    static final String POSTMORTEM = "Postmortem of the outage";
    static final String REPLAY = "Replay of the failing task";
    static final String NOTIFICATIONS = "Notifications delivered";

    private static final String CSS = String.join("",
            "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:1.5em auto;max-width:1080px;color:#222;padding:0 10px;",
            "line-height:1.45}",
            "h1{margin-bottom:.2em}h2{margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}h3{margin:1.2em 0 .3em}",
            ".sub{color:#555;margin-top:0}.note{color:#444;font-size:14px;max-width:980px}",
            "table{border-collapse:collapse;margin:.6em 0;font-size:14px}td,th{padding:3px 9px;border-bottom:1px solid #e4e4e4;",
            "text-align:left;vertical-align:top}th{background:#f6f6f6}td.n,th.n{text-align:right}",
            "svg.chart{display:block;max-width:100%;height:auto;margin:.4em 0}",
            "svg text{font-size:11px;fill:#444}svg text.lane{font-size:12px;font-weight:600;fill:#333}",
            "svg text.marker{font-size:12px;font-weight:600}svg text.band{font-size:11.5px;fill:#333}",
            "svg text.cell{font-size:12.5px;font-weight:600;fill:#222}svg text.cellvalue{font-size:12px;fill:#333}",
            "svg text.legend{font-size:11.5px}",
            "pre{background:#f6f6f6;padding:.8em 1em;white-space:pre-wrap;overflow-wrap:anywhere;font-size:12.5px;max-width:100%}",
            "code{font-size:92%;overflow-wrap:anywhere}",
            ".incident{border-left:5px solid #ccc;padding:.2em 0 .2em 1em;margin:1.2em 0}",
            ".incident h3{margin-top:.2em}.facts{color:#444;font-size:14px}",
            "details{margin:.4em 0}summary{cursor:pointer;color:#333;font-size:14px}",
            ".postmortem{border:1px solid #ddd;padding:.4em 1.2em;background:#fcfcfc}",
            ".postmortem table.md td,.postmortem table.md th{font-size:13px}.postmortem table.md td:nth-child(-n+2){white-space:nowrap}",
            ".story td:first-child{white-space:nowrap}.sev{font-weight:600}.tl td:nth-child(-n+2){white-space:nowrap}");

    private FleetReport() {
    }

    /** Writes the report to {@code file} and returns it. */
    static Path write(FleetDay day, Path file) throws IOException {
        StringBuilder html = new StringBuilder(256 * 1024);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Agent SRE fleet drill</title>\n<style>")
                .append(CSS).append("</style></head><body>\n");
        html.append("<h1>Agent SRE fleet drill</h1>\n<p class=\"sub\">").append(day.agents.size()).append(" simulated agents, ")
                .append(day.options.hours()).append(" hours from ").append(day.start).append(", seed ").append(day.options.seed())
                .append(". Every task ran through one <code>AgentSre</code> pipeline; alerts went through the <code>AlertManager</code> ")
                .append("to a webhook and a pager on 127.0.0.1; the <code>IncidentManager</code> made the incidents.</p>\n");
        glance(html, day);

        section(html, TIMELINE, "Each flag is a scripted event (or the canary's automatic rollback); each band an incident, from the "
                + "first failure it counts to its resolution, coloured by severity (pale: expected, caused by chaos); each tick a "
                + "notification the local receivers got (orange firing, red a page, green resolved). The red wash is the provider "
                + "outage. Hover for details.");
        FleetCharts.timeline(html, day);

        section(html, TRAFFIC, "Tasks per " + FleetCharts.bucketMinutes(day) + " minutes by outcome. A task refused <em>in flight</em> "
                + "was stopped by a guard while it ran (the shared model's open breaker, the per-task budget, a quarantine); one refused "
                + "<em>at the door</em> never started (a throttled or killed budget, a quarantined agent, an open agent breaker). The "
                + day.canaryAgent + " serves " + FleetDrill.CANARY_SESSIONS_PER_MINUTE + " sessions a minute, the others "
                + FleetDrill.TASKS_PER_MINUTE + " tasks; "
                + "the lower panel shows only what was not served as asked, on its own scale.");
        FleetCharts.traffic(html, day);

        section(html, BUDGETS, String.format(java.util.Locale.ROOT, "Each agent's SLO: %.0f%% of tasks succeed over 30 days. The budgets "
                + "do not start at 100%%: the 29 days before the drill ran at a background failure rate of one task in %d (%.2f%%), which "
                + "used %.1f%% of each agent's 1%% budget, so each starts the day at %.1f%% (the fleet SLO, %.1f%% over 30 days, starts at "
                + "%.1f%% and ends at %.1f%%). One shared scale; shaded: the agent's incidents. A step down is failed tasks: the outage "
                + "costs every agent about the same share, the loop and the chaos experiment their own agent.", FleetDrill.AGENT_TARGET * 100,
                FleetDrill.HISTORY_FAILURE_EVERY, 100.0 / FleetDrill.HISTORY_FAILURE_EVERY, 100 - day.agentBudgetAtStart, day.agentBudgetAtStart,
                FleetDrill.FLEET_TARGET * 100, day.fleetBudgetAtStart, day.fleetBudgetLeft));
        FleetCharts.budgets(html, day);

        section(html, BURN, "How fast the fleet SLO spends its budget (1× spends it exactly in 30 days), log scale. A page rule fires "
                + "only when <em>both</em> its windows burn at its rate: the long window proves the problem is big, the short one that it "
                + "is still happening. It holds until either falls below 90% of the rate — which is why a page ends while the long "
                + "window is still high. Shaded: the rule firing. An SLO has one open alert, so while any page rule fires the SLO "
                + "pages once: slow_burn can hold the page after fast_burn has let go.");
        FleetCharts.burn(html, day, "fast_burn", 14.4, "1 h", "5 min", true);
        FleetCharts.burn(html, day, "slow_burn", 6, "6 h", "30 min", false);

        section(html, SPEND, String.format(java.util.Locale.ROOT, "What each agent spent in its budget day (it starts again at zero at "
                + "midnight UTC) against the daily limit of $%.2f: throttled at %.0f%% (one task per five minutes), killed at %.0f%% "
                + "(refused at the door), revived by the on-call once the cause was fixed. Every model call is priced from its token "
                + "usage with the price table and charged as it returns; the per-task limit ($%.2f) stops a runaway task in flight.",
                FleetDrill.DAILY_LIMIT_USD, FleetDrill.THROTTLE_AT * 100, FleetDrill.KILL_AT * 100, FleetDrill.TASK_LIMIT_USD));
        FleetCharts.spend(html, day, FleetDrill.DAILY_LIMIT_USD, FleetDrill.THROTTLE_AT, FleetDrill.KILL_AT);

        section(html, BREAKERS, "Green closed, red open, amber half-open (probing). The model breaker is shared by every agent: when it "
                + "opens, every agent's calls to that model fail fast, while the agents' own breakers count only failures of tasks that ran. "
                + "Below the whole span, each stretch where breakers moved, zoomed.");
        FleetCharts.breakers(html, day);

        section(html, CANARY, "The " + day.canaryAgent + "'s new prompt, routed by session (sticky: a session stays on its version): 10% "
                + "of sessions for 30 minutes, then 50% for an hour, then all. Rollback triggers: a sequential test of the error rate "
                + "(valid however often it is checked) and the candidate's burn rate above 10×. Final state: " + day.canaryState + ".");
        FleetCharts.canary(html, day);

        incidents(html, day);
        if (day.outagePostmortem != null) {
            section(html, POSTMORTEM, "As <code>IncidentManager.postmortem(\"" + day.outageIncidentId + "\").toMarkdown()</code> renders "
                    + "it: facts from the incident, the human parts written by the on-call; what nobody wrote says so.");
            html.append("<div class=\"postmortem\">\n").append(MarkdownHtml.render(day.outagePostmortem, 1)).append("</div>\n");
        }
        replay(html, day);
        notifications(html, day);
        agents(html, day);
        html.append("</body></html>\n");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, html, StandardCharsets.UTF_8);
        return file;
    }

    private static void section(StringBuilder html, String title, String note) {
        html.append("<h2>").append(Svg.escape(title)).append("</h2>\n<p class=\"note\">").append(note).append("</p>\n");
    }

    /** What happened, and what the library did about it, one row per scripted event. */
    private static void glance(StringBuilder html, FleetDay day) {
        FleetScript script = new FleetScript(day.options.hours());
        html.append("<table class=\"story\"><tr><th>when</th><th>what happened</th><th>what the library did</th></tr>\n");
        for (FleetDay.Marker m : day.markers) {
            if (m.kind().endsWith("rolled back")) {
                continue;
            }
            html.append("<tr><td>").append(FleetConsole.time(m.at())).append("</td><td><b>").append(Svg.escape(m.kind())).append("</b>: ")
                    .append(Svg.escape(m.text())).append("</td><td>").append(outcome(day, m.kind(), script)).append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private static String outcome(FleetDay day, String kind, FleetScript script) {
        switch (kind) {
            case FleetScript.CANARY:
                return day.rolloutChanges.stream().filter(c -> c.to() == dev.agentsre.delivery.RolloutState.ROLLED_BACK).findFirst()
                        .map(c -> "rolled back by itself at " + FleetConsole.time(c.at()) + ": " + Svg.escape(c.text())).orElse("rollout "
                        + day.canaryState);
            case FleetScript.OUTAGE:
                return day.outageIncidentId == null ? "no incident" : "the model's breaker failed calls fast in every agent; <b>one</b> "
                        + "incident (" + day.outageIncidentId + ") and one page for the fleet, the shared model its top hint; resolved "
                        + "on its own when the provider recovered";
            case FleetScript.LOOP:
                return day.loop == null ? "" : Svg.escape(String.format(java.util.Locale.ROOT, "each attempt stopped in flight (%s); $%s "
                        + "spent where unguarded it would have been $%s; the agent quarantined, then released by the on-call",
                        String.join("; ", day.loop.stoppedBy()), day.loop.spentUsd().setScale(2, RoundingMode.HALF_UP),
                        day.loop.unguardedUsd().setScale(0, RoundingMode.HALF_UP)));
            case FleetScript.COST:
                StringBuilder cost = new StringBuilder();
                for (FleetDay.BudgetChange c : day.budgetChanges) {
                    cost.append(cost.length() == 0 ? "" : "; ").append(c.to()).append(" at ").append(Svg.TimeAxis.label(c.at(), false))
                            .append(" ($").append(c.spentUsd().setScale(2, RoundingMode.HALF_UP)).append(')');
                }
                return "budget " + cost + (day.researchBudgetSpentAt == null ? "" : "; the day's budget spent at "
                        + Svg.TimeAxis.label(day.researchBudgetSpentAt, false) + ": refused at the door until midnight");
            case FleetScript.CHAOS:
                return "experiment " + day.chaosState + (day.chaosAbortReason == null ? "" : " (" + Svg.escape(day.chaosAbortReason) + ")")
                        + "; the agent's signals held by the experiment, then one incident marked expected";
            case FleetScript.REPLAY:
                return day.replay == null ? "" : "captured; replayed offline with " + day.replay.liveCallsDuringReplay()
                        + " live calls, same failure; the fix diffed against it (below)";
            default:
                return "";
        }
    }

    private static void incidents(StringBuilder html, FleetDay day) {
        section(html, INCIDENTS, day.incidents.size() + " incidents, one per real problem: signals of one problem (the same agent, a "
                + "shared dependency that is failing, a recent change) join one incident. Hints are ranked with their evidence; they "
                + "suggest, a person confirms.");
        for (Incident i : day.incidents) {
            html.append("<div class=\"incident\" style=\"border-color:").append(FleetCharts.severityColour(i.severity())).append("\">\n")
                    .append("<h3>").append(i.id()).append(" <span class=\"sev\" style=\"color:").append(FleetCharts.severityColour(i.severity()))
                    .append("\">").append(i.severity()).append("</span> ").append(Svg.escape(i.title()))
                    .append(i.expected() ? " <small>(expected: chaos)</small>" : "").append("</h3>\n<p class=\"facts\">")
                    .append(i.state()).append(" · agents: ").append(Svg.escape(String.join(", ", i.agents())))
                    .append(i.dependencies().isEmpty() ? "" : " · dependencies: " + Svg.escape(String.join(", ", i.dependencies())))
                    .append("<br>impact from ").append(FleetConsole.time(i.impactStart())).append(" · detected ")
                    .append(FleetConsole.time(i.detectedAt())).append(" (").append(FleetConsole.minutes(i.timeToDetect())).append(" after)")
                    .append(" · acknowledged ").append(i.timeToAcknowledge().map(d -> "after " + FleetConsole.minutes(d)).orElse("—"))
                    .append(" · mitigated ").append(i.timeToMitigate().map(d -> "after " + FleetConsole.minutes(d)).orElse("—"))
                    .append(" · resolved ").append(i.timeToResolve().map(d -> "after " + FleetConsole.minutes(d)).orElse("—"))
                    .append("<br>impact: ").append(i.impact().failedTasks()).append(" failed tasks, $")
                    .append(i.impact().spentUsd().setScale(2, RoundingMode.HALF_UP)).append(" spent by the affected agents</p>\n");
            if (!i.hints().isEmpty()) {
                html.append("<ol class=\"hints\">\n");
                for (RootCauseHint hint : i.hints().subList(0, Math.min(3, i.hints().size()))) {
                    html.append("<li><b>").append(hint.type()).append("</b> <code>").append(Svg.escape(hint.subject())).append("</code> — score ")
                            .append(String.format(java.util.Locale.ROOT, "%.2f", hint.score())).append("<ul>");
                    for (RootCauseHint.Evidence e : hint.evidence().subList(0, Math.min(3, hint.evidence().size()))) {
                        html.append("<li>").append(Svg.escape(e.text())).append("</li>");
                    }
                    html.append("</ul></li>\n");
                }
                html.append("</ol>\n");
            }
            List<TimelineEntry> timeline = i.timeline();
            html.append("<details").append(i.id().equals(day.outageIncidentId) ? " open" : "").append("><summary>timeline (")
                    .append(timeline.size()).append(" entries)</summary>\n<table class=\"tl\"><tr><th>time</th><th>actor</th><th>event</th></tr>\n");
            for (TimelineEntry e : timeline) {
                html.append("<tr><td>").append(FleetConsole.time(e.timestamp())).append("</td><td>").append(Svg.escape(e.actor()))
                        .append("</td><td>").append(Svg.escape(e.text())).append("</td></tr>\n");
            }
            html.append("</table></details>\n</div>\n");
        }
    }

    private static void replay(StringBuilder html, FleetDay day) {
        if (day.replay == null) {
            return;
        }
        FleetDay.ReplayFindings r = day.replay;
        section(html, REPLAY, "The summarizer's failing task was captured as trace <code>" + Svg.escape(r.traceId()) + "</code> ("
                + r.steps() + " steps). Replayed offline with the original code it fails the same way — <code>"
                + Svg.escape(r.reproducedFailure()) + "</code> — with " + r.liveCallsDuringReplay() + " live calls: every model and tool "
                + "result comes from the recording. The fixed code answers <code>" + Svg.escape(r.fixedAnswer()) + "</code>; the diff of "
                + "the two runs shows why:");
        html.append("<pre>").append(Svg.escape(r.diffSummary().strip())).append("</pre>\n");
    }

    private static void notifications(StringBuilder html, FleetDay day) {
        section(html, NOTIFICATIONS, day.notifications.size() + " notifications, each one HTTP request the local receivers on 127.0.0.1 "
                + "answered (" + day.receiverRequests + " requests): the webhook gets Alertmanager's JSON grouped by alert name, the "
                + "pager PagerDuty's Events API v2, one page per incident.");
        html.append("<details><summary>all notifications</summary>\n<table class=\"tl\"><tr><th>time</th><th>receiver</th><th>status</th><th>alert</th>"
                + "<th class=\"n\">alerts</th><th>text</th></tr>\n");
        for (LocalAlertReceiver.Received r : day.notifications) {
            html.append("<tr><td>").append(FleetConsole.time(r.at())).append("</td><td>").append(r.receiver()).append("</td><td>")
                    .append(r.status()).append("</td><td>").append(Svg.escape(r.name())).append("</td><td class=\"n\">").append(r.alerts())
                    .append("</td><td>").append(Svg.escape(r.summary())).append("</td></tr>\n");
        }
        html.append("</table></details>\n");
    }

    private static void agents(StringBuilder html, FleetDay day) {
        section(html, "Per agent", "Over the whole span. Success is among the tasks that ran; refused counts both kinds of refusal.");
        html.append("<table><tr><th>agent</th><th class=\"n\">tasks</th><th class=\"n\">success</th><th class=\"n\">failed</th>")
                .append("<th class=\"n\">refused</th><th>refusals by reason</th><th class=\"n\">spend</th><th>SLO</th>")
                .append("<th class=\"n\">budget left</th><th class=\"n\">breaker trips</th></tr>\n");
        for (String agent : day.agents) {
            FleetDay.AgentStats s = day.stats.get(agent);
            html.append("<tr><td>").append(Svg.escape(agent)).append("</td><td class=\"n\">").append(s.tasks).append("</td><td class=\"n\">")
                    .append(String.format(java.util.Locale.ROOT, "%.2f%%", s.successPercent())).append("</td><td class=\"n\">").append(s.failed)
                    .append("</td><td class=\"n\">").append(s.refusedTotal()).append("</td><td>").append(Svg.escape(s.refused.toString()))
                    .append("</td><td class=\"n\">$").append(s.spendUsd.setScale(2, RoundingMode.HALF_UP)).append("</td><td>")
                    .append(s.sloStatus).append("</td><td class=\"n\">").append(String.format(java.util.Locale.ROOT, "%.1f%%", s.budgetLeftPercent))
                    .append("</td><td class=\"n\">").append(s.breakerTrips).append("</td></tr>\n");
        }
        html.append("</table>\n");
    }
}
