package dev.agentsre.incident;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentsre.time.Durations;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A postmortem with the sections of the Google SRE book's example, in its order — summary, impact,
 * root causes, trigger, resolution, detection, action items, lessons learned, timeline, supporting
 * information — rendered as Markdown ({@link #toMarkdown()}) or JSON ({@link #toJson()}).
 *
 * <p>Facts come from the incident (its ledgers, timeline, hints, stamps); judgements come from
 * people (the incident's summary, root causes, trigger, lessons, action items). A judgement nobody
 * wrote is rendered as {@value #TO_BE_COMPLETED} in Markdown and as {@code null} (listed in
 * {@code toBeCompleted}) in JSON — never invented. Root-cause hints are listed apart from the human
 * root causes and marked as automatic. Immutable.
 *
 * @param incidentId the incident
 * @param title the incident's title
 * @param date the detection date (UTC)
 * @param authors the authors (empty: to be completed)
 * @param status DRAFT, IN_REVIEW or PUBLISHED
 * @param severity the incident's severity
 * @param state the incident's state when drafted
 * @param expected whether a chaos experiment explains it
 * @param summary the human summary, or null
 * @param facts a generated one-line account of the facts
 * @param impact the measured impact
 * @param impactStart when the impact began
 * @param detectedAt detection
 * @param timeToDetect detection − impact start
 * @param timeToAcknowledge acknowledgement − detection, or null
 * @param timeToMitigate mitigation − detection, or null
 * @param timeToResolve resolution − detection, or null
 * @param agents the affected agents
 * @param rootCauses the human root causes, or null
 * @param hints the ranked root-cause hints
 * @param trigger the human trigger, or null
 * @param resolution how it was mitigated and resolved (the people's notes), or null
 * @param detection how it was detected (generated from the first signal)
 * @param actionItems the action items
 * @param wentWell lesson, or null
 * @param wentWrong lesson, or null
 * @param gotLucky lesson, or null
 * @param timeline the timeline
 * @param responders the people on the timeline
 * @param changes the changes linked to the incident
 * @param notifications the notifications about it
 * @param responses the automatic responses that ran
 */
public record Postmortem(String incidentId, String title, LocalDate date, List<String> authors, Status status, IncidentSeverity severity,
                         IncidentState state, boolean expected, String summary, String facts, Impact impact, Instant impactStart,
                         Instant detectedAt, Duration timeToDetect, Duration timeToAcknowledge, Duration timeToMitigate,
                         Duration timeToResolve, List<String> agents, String rootCauses, List<RootCauseHint> hints, String trigger,
                         String resolution, String detection, List<ActionItem> actionItems, String wentWell, String wentWrong,
                         String gotLucky, List<TimelineEntry> timeline, List<String> responders, List<Change> changes,
                         List<String> notifications, List<String> responses) {

    /** What fields without data say. */
    public static final String TO_BE_COMPLETED = "_To be completed_";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    /** Where a postmortem is in its review. */
    public enum Status {
        /** Being written. */
        DRAFT,
        /** Being reviewed. */
        IN_REVIEW,
        /** Published. */
        PUBLISHED
    }

    /** Copies the lists. */
    public Postmortem {
        authors = List.copyOf(authors);
        agents = List.copyOf(agents);
        hints = List.copyOf(hints);
        actionItems = List.copyOf(actionItems);
        timeline = List.copyOf(timeline);
        responders = List.copyOf(responders);
        changes = List.copyOf(changes);
        notifications = List.copyOf(notifications);
        responses = List.copyOf(responses);
    }

    /** Builds the postmortem of {@code incident} as it is now. */
    static Postmortem of(Incident incident) {
        Impact impact = incident.impact();
        List<TimelineEntry> timeline = incident.timeline();
        List<RootCauseHint> hints = incident.hints();
        String summary;
        String rootCauses;
        String trigger;
        String resolution;
        List<String> authors;
        List<ActionItem> items;
        String wentWell;
        String wentWrong;
        String gotLucky;
        Status status;
        synchronized (incident.manager().lock) {
            summary = incident.summaryText;
            rootCauses = incident.rootCauseText;
            trigger = incident.triggerText;
            resolution = incident.resolutionText;
            authors = List.copyOf(incident.authors);
            items = List.copyOf(incident.actionItems);
            wentWell = incident.wentWell;
            wentWrong = incident.wentWrong;
            gotLucky = incident.gotLucky;
            status = incident.postmortemStatus;
        }
        if (resolution == null) {
            resolution = notes(timeline);
        }
        Set<String> responders = new LinkedHashSet<>();
        for (TimelineEntry entry : timeline) {
            if (entry.kind() == TimelineEntry.Kind.STATE || entry.kind() == TimelineEntry.Kind.NOTE) {
                if (!entry.actor().equals(TimelineEntry.SYSTEM)) {
                    responders.add(entry.actor());
                }
            }
        }
        List<IncidentSignal> signals = incident.signals();
        String detection = detection(incident, signals);
        String facts = facts(incident, impact, hints);
        return new Postmortem(incident.id(), incident.title(), incident.detectedAt().atZone(ZoneOffset.UTC).toLocalDate(), authors, status,
                incident.severity(), incident.state(), incident.expected(), summary, facts, impact, incident.impactStart(), incident.detectedAt(),
                incident.timeToDetect(), incident.timeToAcknowledge().orElse(null), incident.timeToMitigate().orElse(null),
                incident.timeToResolve().orElse(null), incident.agents(), rootCauses, hints, trigger, resolution, detection, items, wentWell,
                wentWrong, gotLucky, timeline, List.copyOf(responders), incident.changes(), incident.notifications(), incident.responses());
    }

    private static String notes(List<TimelineEntry> timeline) {
        List<String> notes = new ArrayList<>();
        for (TimelineEntry entry : timeline) {
            if (entry.kind() == TimelineEntry.Kind.STATE && entry.text().contains(": ")
                    && (entry.text().startsWith("MITIGATED") || entry.text().startsWith("RESOLVED"))) {
                notes.add(entry.text() + " (" + entry.actor() + ", " + TIME.format(entry.timestamp()) + ")");
            }
        }
        return notes.isEmpty() ? null : String.join("\n", notes);
    }

    private static String detection(Incident incident, List<IncidentSignal> signals) {
        IncidentSignal first = null;
        for (IncidentSignal s : signals) {
            if (first == null || s.firstSeen().isBefore(first.firstSeen())) {
                first = s;
            }
        }
        StringBuilder text = new StringBuilder();
        text.append("Detected at ").append(incident.detectedAt());
        if (first != null) {
            text.append(" from ").append(first.type().id()).append(first.agentId() == null ? "" : " of " + first.agentId())
                    .append(first.subject() == null ? "" : " (" + first.subject() + ")").append(": ").append(first.firstDetail());
        }
        Duration ttd = incident.timeToDetect();
        text.append(". Time to detect: ").append(format(ttd));
        if (!ttd.isZero()) {
            text.append(" after the impact began at ").append(incident.impactStart());
        }
        text.append('.');
        return text.toString();
    }

    private static String facts(Incident incident, Impact impact, List<RootCauseHint> hints) {
        StringBuilder text = new StringBuilder();
        text.append(incident.severity()).append(" incident affecting ").append(incident.agents().size())
                .append(incident.agents().size() == 1 ? " agent" : " agents");
        incident.timeToResolve().ifPresent(ttr -> text.append(", resolved after ").append(format(ttr)));
        text.append("; ").append(impact.failedTasks()).append(" failed tasks, ")
                .append(String.format(Locale.ROOT, "%.1f%%", impact.maxBudgetConsumedPercent())).append(" of an error budget, $")
                .append(impact.spentUsd().toPlainString()).append(" spent");
        if (!hints.isEmpty()) {
            text.append("; top hint ").append(hints.get(0).headline());
        }
        if (incident.expected()) {
            text.append("; expected (chaos experiment)");
        }
        return text.append('.').toString();
    }

    private static String format(Duration d) {
        if (d == null) {
            return "n/a";
        }
        Duration rounded = d.truncatedTo(ChronoUnit.SECONDS);
        return rounded.isZero() ? (d.isZero() ? "0s" : d.toMillis() + "ms") : Durations.format(rounded);
    }

    private static String orTbc(String text) {
        return text == null || text.isBlank() ? TO_BE_COMPLETED : text;
    }

    /** The postmortem as Markdown, sections in the Google SRE template's order. */
    public String toMarkdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Postmortem: ").append(incidentId).append(" — ").append(title).append("\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| Date | ").append(date).append(" |\n");
        md.append("| Authors | ").append(authors.isEmpty() ? TO_BE_COMPLETED : String.join(", ", authors)).append(" |\n");
        md.append("| Status | ").append(status).append(" |\n");
        md.append("| Severity | ").append(severity).append(expected ? " (expected: chaos experiment)" : "").append(" |\n");
        md.append("| Incident | ").append(incidentId).append(" (").append(state).append(") |\n\n");

        md.append("## Summary\n\n").append(orTbc(summary)).append("\n\n").append("Facts (automatic): ").append(facts).append("\n\n");

        md.append("## Impact\n\n");
        md.append("| measure | value |\n|---|---|\n");
        md.append("| Interval | ").append(impact.from()).append(" – ").append(impact.to()).append(" |\n");
        md.append("| Affected agents | ").append(agents.size()).append(agents.isEmpty() ? "" : ": " + String.join(", ", agents)).append(" |\n");
        md.append("| Failed tasks | ").append(impact.failedTasks()).append(" |\n");
        for (Impact.SloImpact slo : impact.slos()) {
            md.append("| Error budget of ").append(slo.slo()).append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f%% consumed (%d bad of %d events; %.1f allowed in its window)",
                            slo.budgetConsumedPercent(), slo.badEvents(), slo.events(), slo.allowedBadEvents()))
                    .append(" |\n");
        }
        md.append("| Spend of the affected agents | $").append(impact.spentUsd().toPlainString()).append(" |\n");
        md.append("| Sessions affected | not measured |\n\n");

        md.append("## Root Causes\n\n").append(orTbc(rootCauses)).append("\n\n");
        md.append("Root-cause hints (automatic, unconfirmed):\n\n");
        if (hints.isEmpty()) {
            md.append("- none\n");
        }
        int rank = 1;
        for (RootCauseHint hint : hints) {
            md.append(rank++).append(". **").append(hint.type()).append("** `").append(hint.subject()).append("` — score ")
                    .append(String.format(Locale.ROOT, "%.2f", hint.score())).append('\n');
            for (RootCauseHint.Evidence evidence : hint.evidence()) {
                md.append("   - ").append(TIME.format(evidence.timestamp())).append(' ').append(evidence.text()).append('\n');
            }
        }
        md.append('\n');

        md.append("## Trigger\n\n").append(orTbc(trigger)).append("\n\n");
        md.append("## Resolution\n\n").append(orTbc(resolution)).append("\n\n");
        md.append("## Detection\n\n").append(detection).append("\n\n");
        md.append("| metric | value |\n|---|---|\n");
        md.append("| Time to detect | ").append(format(timeToDetect)).append(" |\n");
        md.append("| Time to acknowledge | ").append(timeToAcknowledge == null ? "not acknowledged" : format(timeToAcknowledge)).append(" |\n");
        md.append("| Time to mitigate | ").append(timeToMitigate == null ? "not mitigated" : format(timeToMitigate)).append(" |\n");
        md.append("| Time to resolve | ").append(timeToResolve == null ? "not resolved" : format(timeToResolve)).append(" |\n\n");

        md.append("## Action Items\n\n");
        if (actionItems.isEmpty()) {
            md.append(TO_BE_COMPLETED).append("\n\n");
        } else {
            md.append("| action item | type | owner | priority | tracking |\n|---|---|---|---|---|\n");
            for (ActionItem item : actionItems) {
                md.append("| ").append(item.item()).append(" | ").append(item.type().name().toLowerCase(Locale.ROOT)).append(" | ")
                        .append(item.owner() == null ? TO_BE_COMPLETED : item.owner()).append(" | ")
                        .append(item.priority() == null ? "" : item.priority()).append(" | ")
                        .append(item.trackingId() == null ? "" : item.trackingId()).append(" |\n");
            }
            md.append('\n');
        }

        md.append("## Lessons Learned\n\n");
        md.append("### What went well\n\n").append(orTbc(wentWell)).append("\n\n");
        md.append("### What went wrong\n\n").append(orTbc(wentWrong)).append("\n\n");
        md.append("### Where we got lucky\n\n").append(orTbc(gotLucky)).append("\n\n");

        md.append("## Timeline\n\n");
        md.append("All times UTC, ").append(date).append(".\n\n");
        md.append("| time | actor | event |\n|---|---|---|\n");
        for (TimelineEntry entry : timeline) {
            md.append("| ").append(TIME.format(entry.timestamp())).append(" | ").append(entry.actor()).append(" | ")
                    .append(entry.text().replace("|", "\\|").replace("\n", " ")).append(" |\n");
        }
        md.append('\n');

        md.append("## Supporting Information\n\n");
        md.append("- Responders: ").append(responders.isEmpty() ? TO_BE_COMPLETED : String.join(", ", responders)).append('\n');
        md.append("- Failing traces (replay): ").append(impact.failingTraceIds().isEmpty() ? "none found"
                : "`" + String.join("`, `", impact.failingTraceIds()) + "`").append('\n');
        md.append("- Changes: ").append(changes.isEmpty() ? "none recorded" : changesText()).append('\n');
        md.append("- Notifications: ").append(notifications.isEmpty() ? "none recorded" : String.join("; ", notifications)).append('\n');
        md.append("- Automatic responses: ").append(responses.isEmpty() ? "none" : String.join(", ", responses)).append('\n');
        return md.toString();
    }

    private String changesText() {
        List<String> text = new ArrayList<>();
        for (Change c : changes) {
            text.add(c.kind() + " " + c.id() + (c.agentId() == null ? "" : " (" + c.agentId() + ")") + " at " + c.timestamp()
                    + (c.description().isEmpty() ? "" : ": " + c.description()));
        }
        return String.join("; ", text);
    }

    /** The postmortem as JSON; judgements nobody wrote are {@code null} and listed in {@code toBeCompleted}. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("incidentId", incidentId);
        root.put("title", title);
        root.put("date", date.toString());
        ArrayNode authorsNode = root.putArray("authors");
        authors.forEach(authorsNode::add);
        root.put("status", status.name());
        root.put("severity", severity.name());
        root.put("state", state.name());
        root.put("expected", expected);
        List<String> missing = new ArrayList<>();
        putText(root, "summary", summary, missing);
        root.put("facts", facts);
        ObjectNode impactNode = root.putObject("impact");
        impactNode.put("from", impact.from().toString());
        impactNode.put("to", impact.to().toString());
        impactNode.put("failedTasks", impact.failedTasks());
        impactNode.put("spentUsd", impact.spentUsd());
        ArrayNode slos = impactNode.putArray("slos");
        for (Impact.SloImpact slo : impact.slos()) {
            slos.addObject().put("slo", slo.slo()).put("agentId", slo.agentId()).put("badEvents", slo.badEvents()).put("events", slo.events())
                    .put("allowedBadEvents", slo.allowedBadEvents()).put("budgetConsumedPercent", slo.budgetConsumedPercent());
        }
        ArrayNode traces = impactNode.putArray("failingTraceIds");
        impact.failingTraceIds().forEach(traces::add);
        ArrayNode agentsNode = impactNode.putArray("agents");
        agents.forEach(agentsNode::add);
        putText(root, "rootCauses", rootCauses, missing);
        ArrayNode hintsNode = root.putArray("rootCauseHints");
        for (RootCauseHint hint : hints) {
            ObjectNode h = hintsNode.addObject().put("type", hint.type().name()).put("subject", hint.subject()).put("score", hint.score());
            ArrayNode evidence = h.putArray("evidence");
            hint.evidence().forEach(e -> evidence.addObject().put("timestamp", e.timestamp().toString()).put("text", e.text()));
        }
        putText(root, "trigger", trigger, missing);
        putText(root, "resolution", resolution, missing);
        ObjectNode detectionNode = root.putObject("detection");
        detectionNode.put("text", detection);
        detectionNode.put("impactStart", impactStart.toString());
        detectionNode.put("detectedAt", detectedAt.toString());
        detectionNode.put("timeToDetect", timeToDetect.toString());
        detectionNode.put("timeToAcknowledge", timeToAcknowledge == null ? null : timeToAcknowledge.toString());
        detectionNode.put("timeToMitigate", timeToMitigate == null ? null : timeToMitigate.toString());
        detectionNode.put("timeToResolve", timeToResolve == null ? null : timeToResolve.toString());
        ArrayNode items = root.putArray("actionItems");
        for (ActionItem item : actionItems) {
            items.addObject().put("item", item.item()).put("type", item.type().name()).put("owner", item.owner())
                    .put("priority", item.priority()).put("trackingId", item.trackingId());
        }
        if (actionItems.isEmpty()) {
            missing.add("actionItems");
        }
        ObjectNode lessons = root.putObject("lessons");
        putText(lessons, "wentWell", wentWell, missing);
        putText(lessons, "wentWrong", wentWrong, missing);
        putText(lessons, "gotLucky", gotLucky, missing);
        ArrayNode timelineNode = root.putArray("timeline");
        for (TimelineEntry entry : timeline) {
            timelineNode.addObject().put("timestamp", entry.timestamp().toString()).put("actor", entry.actor()).put("kind", entry.kind().name())
                    .put("text", entry.text());
        }
        ObjectNode supporting = root.putObject("supportingInformation");
        ArrayNode respondersNode = supporting.putArray("responders");
        responders.forEach(respondersNode::add);
        ArrayNode changesNode = supporting.putArray("changes");
        changes.forEach(c -> changesNode.addObject().put("id", c.id()).put("kind", c.kind().name()).put("agentId", c.agentId())
                .put("timestamp", c.timestamp().toString()).put("description", c.description()));
        ArrayNode notificationsNode = supporting.putArray("notifications");
        notifications.forEach(notificationsNode::add);
        ArrayNode responsesNode = supporting.putArray("responses");
        responses.forEach(responsesNode::add);
        if (authors.isEmpty()) {
            missing.add(0, "authors");
        }
        ArrayNode tbc = root.putArray("toBeCompleted");
        missing.forEach(tbc::add);
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write the postmortem", e);
        }
    }

    private static void putText(ObjectNode node, String field, String value, List<String> missing) {
        if (value == null || value.isBlank()) {
            node.putNull(field);
            missing.add(field);
        } else {
            node.put(field, value);
        }
    }

    /** Total spend as a plain amount. */
    public BigDecimal spentUsd() {
        return impact.spentUsd();
    }
}
