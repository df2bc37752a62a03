package dev.agentsre.incident;

import dev.agentsre.internal.Check;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One real problem, with its story: the signals that make it up, the agents it affects, its
 * lifecycle stamps, timeline, root-cause hints, impact and the human parts of its postmortem.
 * Obtain incidents from an {@link IncidentManager}; this is a live handle whose reads return
 * copies and whose lifecycle methods go through the manager (which stamps, records and publishes).
 *
 * <pre>{@code
 * Incident i = incidents.open().get(0);
 * i.acknowledge("alice");
 * i.mitigate("alice", "failed over to the backup model");
 * i.resolve("alice", "provider recovered");
 * i.timeToResolve();           // from detection
 * }</pre>
 *
 * <p><b>Lifecycle.</b> DETECTED → ACKNOWLEDGED → INVESTIGATING → MITIGATED → RESOLVED → CLOSED,
 * forward only; steps may be skipped. A skipped ACKNOWLEDGED or INVESTIGATING stays unstamped (so
 * {@link #timeToAcknowledge()} is empty: nobody acknowledged), while resolving without a
 * mitigation stamps the mitigation with the resolution (the impact ended then at the latest).
 * Moving backwards, or out of CLOSED, MERGED or DECLINED, throws
 * {@link IllegalIncidentTransitionException}; repeating the current state does nothing and returns
 * false. The only way back is a reopen, done by the manager when the problem returns within its
 * reopen window.
 *
 * <p><b>Memory.</b> Bounded by the manager's caps: at most {@code maxSignalsPerIncident} distinct
 * conditions, {@code maxAgentsPerIncident} agents and {@code maxTimelineEntries} timeline entries
 * (the first quarter and the latest ones kept, the middle counted as omitted).
 */
public final class Incident {

    private final IncidentManager manager;
    private final String id;

    // ---- guarded by manager.lock
    IncidentState state = IncidentState.DETECTED;
    IncidentSeverity severity;
    String title;
    final String primaryAgent;
    boolean expected;
    int reopenCount;
    String mergedInto;
    Instant impactStart;
    final Instant detectedAt;
    Instant acknowledgedAt;
    Instant investigatingAt;
    Instant mitigatedAt;
    Instant resolvedAt;
    Instant closedAt;
    Instant lastSignalAt;
    final LinkedHashSet<String> agents = new LinkedHashSet<>();
    long droppedAgents;
    final LinkedHashSet<String> dependencies = new LinkedHashSet<>();
    int dependencyLinks;
    /** The worst health seen of each failing dependency while it was part of the incident (evidence that outlives the outage). */
    final LinkedHashMap<String, DependencyTopology.Health> worstHealth = new LinkedHashMap<>();
    final LinkedHashMap<String, SignalState> signals = new LinkedHashMap<>();
    long droppedSignals;
    final List<Change> changes = new ArrayList<>();
    final LinkedHashSet<String> experiments = new LinkedHashSet<>();
    final LinkedHashMap<String, SloBaseline> slos = new LinkedHashMap<>();
    final Set<String> responded = new LinkedHashSet<>();
    final List<String> notifications = new ArrayList<>();
    final List<TimelineEntry> timelineHead = new ArrayList<>();
    final ArrayDeque<TimelineEntry> timelineTail = new ArrayDeque<>();
    long timelineOmitted;
    List<RootCauseHint> hintsCache;
    Postmortem.Status postmortemStatus = Postmortem.Status.DRAFT;
    String summaryText;
    String rootCauseText;
    String triggerText;
    String resolutionText;
    final List<String> authors = new ArrayList<>();
    final List<ActionItem> actionItems = new ArrayList<>();
    String wentWell;
    String wentWrong;
    String gotLucky;
    Postmortem draft;

    /** Money charged to the affected agents while they were in the incident, in nano-dollars (written without the lock). */
    final AtomicLong spentNanos = new AtomicLong();

    /** A condition's running state. */
    static final class SignalState {
        final SignalType type;
        IncidentSeverity severity;
        final String agentId;
        final String subject;
        String detail;
        final String firstDetail;
        final Instant firstSeen;
        Instant lastSeen;
        long occurrences;
        boolean active;
        Instant recoveredAt;

        SignalState(Signal s) {
            this.type = s.type();
            this.severity = s.severity();
            this.agentId = s.agentId();
            this.subject = s.subject();
            this.detail = s.detail();
            this.firstDetail = s.detail();
            this.firstSeen = s.timestamp();
            this.lastSeen = s.timestamp();
            this.occurrences = 1;
            this.active = s.type().hasRecovery();
        }

        /** What repeated the condition since {@link #detail} was written, and how to word it; null when current. */
        Object repeatedBy;
        java.util.function.Function<Object, String> wording;

        /** The newest detail, worded now from what repeated the condition last (under the manager's lock). */
        String detail() {
            Object source = repeatedBy;
            if (source != null) {
                repeatedBy = null;
                try {
                    detail = wording.apply(source);
                } catch (RuntimeException e) {
                    // the earlier wording stays: a detail is for people, never worth an exception
                }
            }
            return detail;
        }

        /** A detail worded by the caller: the newest. */
        void detail(String worded) {
            detail = worded;
            repeatedBy = null;
        }

        IncidentSignal snapshot() {
            return new IncidentSignal(type, severity, agentId, subject, detail(), firstDetail, firstSeen, lastSeen, occurrences, active,
                    recoveredAt);
        }
    }

    /** An SLO's ledger at the moment its agent joined, and at resolution. */
    static final class SloBaseline {
        final dev.agentsre.slo.Slo slo;
        final long badAtStart;
        final long eventsAtStart;
        long badAtEnd = -1;
        long eventsAtEnd = -1;
        double allowedAtEnd = Double.NaN;

        SloBaseline(dev.agentsre.slo.Slo slo) {
            this.slo = slo;
            this.badAtStart = slo.errorBudget().lifetimeBadEvents();
            this.eventsAtStart = slo.errorBudget().lifetimeEvents();
        }

        void freeze() {
            badAtEnd = slo.errorBudget().lifetimeBadEvents();
            eventsAtEnd = slo.errorBudget().lifetimeEvents();
            allowedAtEnd = slo.errorBudget().allowedBadEvents();
        }

        void unfreeze() {
            badAtEnd = -1;
            eventsAtEnd = -1;
            allowedAtEnd = Double.NaN;
        }
    }

    Incident(IncidentManager manager, String id, Signal first, Instant detectedAt) {
        this.manager = manager;
        this.id = id;
        this.severity = first.severity();
        this.primaryAgent = first.agentId() != null ? first.agentId() : first.agents().isEmpty() ? null : first.agents().get(0);
        this.detectedAt = detectedAt;
        this.impactStart = detectedAt;
        this.lastSignalAt = first.timestamp();
    }

    // ------------------------------------------------------------------ lifecycle

    /** Someone takes the incident. Returns false when it was already ACKNOWLEDGED. */
    public boolean acknowledge(String actor) {
        return manager.transition(this, IncidentState.ACKNOWLEDGED, actor, null);
    }

    /** Work on it has started. */
    public boolean investigate(String actor) {
        return manager.transition(this, IncidentState.INVESTIGATING, actor, null);
    }

    /** The impact has stopped ({@code note}: how). */
    public boolean mitigate(String actor, String note) {
        return manager.transition(this, IncidentState.MITIGATED, actor, note);
    }

    /** The cause is gone ({@code note}: how it was resolved). */
    public boolean resolve(String actor, String note) {
        return manager.transition(this, IncidentState.RESOLVED, actor, note);
    }

    /** Done; only from RESOLVED. */
    public boolean close(String actor) {
        return manager.transition(this, IncidentState.CLOSED, actor, null);
    }

    /** Not a real incident; only while open. */
    public boolean decline(String actor, String reason) {
        return manager.transition(this, IncidentState.DECLINED, actor, reason);
    }

    /** Adds a person's note to the timeline. */
    public void note(String actor, String text) {
        manager.note(this, actor, text);
    }

    // ------------------------------------------------------------------ the human parts of the postmortem

    /** The summary (human). */
    public Incident summary(String text) {
        synchronized (manager.lock) {
            summaryText = Check.notBlank("summary", text);
        }
        return this;
    }

    /** The root causes, as established by people (hints never fill this). */
    public Incident rootCauses(String text) {
        synchronized (manager.lock) {
            rootCauseText = Check.notBlank("rootCauses", text);
        }
        return this;
    }

    /** What triggered it. */
    public Incident trigger(String text) {
        synchronized (manager.lock) {
            triggerText = Check.notBlank("trigger", text);
        }
        return this;
    }

    /** How it was resolved (defaults to the mitigation and resolution notes). */
    public Incident resolution(String text) {
        synchronized (manager.lock) {
            resolutionText = Check.notBlank("resolution", text);
        }
        return this;
    }

    /** The postmortem's authors. */
    public Incident authors(String... names) {
        synchronized (manager.lock) {
            for (String name : names) {
                authors.add(Check.notBlank("author", name));
            }
        }
        return this;
    }

    /** Adds an action item. */
    public Incident actionItem(ActionItem item) {
        synchronized (manager.lock) {
            actionItems.add(Check.notNull("item", item));
        }
        return this;
    }

    /** Lessons learned; null leaves a part to be completed. */
    public Incident lessons(String wentWell, String wentWrong, String gotLucky) {
        synchronized (manager.lock) {
            this.wentWell = wentWell;
            this.wentWrong = wentWrong;
            this.gotLucky = gotLucky;
        }
        return this;
    }

    /** Moves the postmortem to IN_REVIEW or PUBLISHED. */
    public Incident postmortemStatus(Postmortem.Status status) {
        synchronized (manager.lock) {
            postmortemStatus = Check.notNull("status", status);
        }
        return this;
    }

    // ------------------------------------------------------------------ reads

    /** The id, e.g. {@code INC-1}. */
    public String id() {
        return id;
    }

    /** The current state. */
    public IncidentState state() {
        synchronized (manager.lock) {
            return state;
        }
    }

    /** The severity. */
    public IncidentSeverity severity() {
        synchronized (manager.lock) {
            return severity;
        }
    }

    /** The title, e.g. {@code 7 agents: dependency gpt-4o failing}. */
    public String title() {
        synchronized (manager.lock) {
            return title;
        }
    }

    /** The first affected agent, or null. */
    public String primaryAgent() {
        return primaryAgent;
    }

    /** Whether a chaos experiment explains it. */
    public boolean expected() {
        synchronized (manager.lock) {
            return expected;
        }
    }

    /** How often it was reopened. */
    public int reopenCount() {
        synchronized (manager.lock) {
            return reopenCount;
        }
    }

    /** The incident it was merged into, if any. */
    public Optional<String> mergedInto() {
        synchronized (manager.lock) {
            return Optional.ofNullable(mergedInto);
        }
    }

    /** The affected agents, in the order they joined. */
    public List<String> agents() {
        synchronized (manager.lock) {
            return List.copyOf(agents);
        }
    }

    /** Dependencies reported failing in this incident. */
    public List<String> dependencies() {
        synchronized (manager.lock) {
            return List.copyOf(dependencies);
        }
    }

    /** The conditions, in the order they joined. */
    public List<IncidentSignal> signals() {
        synchronized (manager.lock) {
            List<IncidentSignal> list = new ArrayList<>(signals.size());
            signals.values().forEach(s -> list.add(s.snapshot()));
            return list;
        }
    }

    /** Changes that preceded it and concern its agents. */
    public List<Change> changes() {
        synchronized (manager.lock) {
            return List.copyOf(changes);
        }
    }

    /** The timeline, in time order (entries beyond the cap are omitted from the middle). */
    public List<TimelineEntry> timeline() {
        synchronized (manager.lock) {
            List<TimelineEntry> all = new ArrayList<>(timelineHead);
            if (timelineOmitted > 0) {
                all.add(new TimelineEntry(timelineTail.isEmpty() ? detectedAt : timelineTail.peekFirst().timestamp(), TimelineEntry.SYSTEM,
                        TimelineEntry.Kind.NOTE, "… " + timelineOmitted + " timeline entries omitted …"));
            }
            all.addAll(timelineTail);
            all.sort(java.util.Comparator.comparing(TimelineEntry::timestamp));
            return all;
        }
    }

    /** Ranked root-cause hints with evidence (computed from signals, topology and changes). */
    public List<RootCauseHint> hints() {
        return manager.hints(this);
    }

    /** The impact so far (or at resolution), from the SLO and cost ledgers and the replay store. */
    public Impact impact() {
        return manager.impact(this);
    }

    /** When the impact started: the earliest of detection and the first failure of a failing dependency it names. */
    public Instant impactStart() {
        synchronized (manager.lock) {
            return impactStart;
        }
    }

    /** When it was detected (its first signal). */
    public Instant detectedAt() {
        return detectedAt;
    }

    /** When it was acknowledged, if it was. */
    public Optional<Instant> acknowledgedAt() {
        synchronized (manager.lock) {
            return Optional.ofNullable(acknowledgedAt);
        }
    }

    /** When work on it started, if it did. */
    public Optional<Instant> investigatingAt() {
        synchronized (manager.lock) {
            return Optional.ofNullable(investigatingAt);
        }
    }

    /** When it was mitigated, if it was. */
    public Optional<Instant> mitigatedAt() {
        synchronized (manager.lock) {
            return Optional.ofNullable(mitigatedAt);
        }
    }

    /** When it was resolved, if it is. */
    public Optional<Instant> resolvedAt() {
        synchronized (manager.lock) {
            return Optional.ofNullable(resolvedAt);
        }
    }

    /** When it was closed, if it is. */
    public Optional<Instant> closedAt() {
        synchronized (manager.lock) {
            return Optional.ofNullable(closedAt);
        }
    }

    /** Time to detect: detection − impact start. */
    public Duration timeToDetect() {
        synchronized (manager.lock) {
            return Duration.between(impactStart, detectedAt);
        }
    }

    /** Time to acknowledge: acknowledgement − detection; empty when nobody acknowledged. */
    public Optional<Duration> timeToAcknowledge() {
        return since(acknowledgedAt().orElse(null));
    }

    /** Time to mitigate: mitigation − detection. */
    public Optional<Duration> timeToMitigate() {
        return since(mitigatedAt().orElse(null));
    }

    /** Time to resolve: resolution − detection. */
    public Optional<Duration> timeToResolve() {
        return since(resolvedAt().orElse(null));
    }

    private Optional<Duration> since(Instant at) {
        return at == null ? Optional.empty() : Optional.of(Duration.between(detectedAt, at));
    }

    /** The postmortem's status. */
    public Postmortem.Status postmortemStatus() {
        synchronized (manager.lock) {
            return postmortemStatus;
        }
    }

    /** Names of the responses that ran for it. */
    public List<String> responses() {
        synchronized (manager.lock) {
            return List.copyOf(responded);
        }
    }

    /** Notification outcomes about this incident, e.g. {@code pager: firing delivered}. */
    public List<String> notifications() {
        synchronized (manager.lock) {
            return List.copyOf(notifications);
        }
    }

    Map<String, SloBaseline> sloBaselines() {
        return slos;
    }

    IncidentManager manager() {
        return manager;
    }

    @Override
    public String toString() {
        synchronized (manager.lock) {
            return "Incident{" + id + ", " + severity + ", " + state + ", " + title + ", agents=" + agents.size() + '}';
        }
    }
}
