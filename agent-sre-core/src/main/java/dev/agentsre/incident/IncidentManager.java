package dev.agentsre.incident;

import dev.agentsre.chaos.ExperimentState;
import dev.agentsre.event.AlertEvent;
import dev.agentsre.event.CircuitStateChanged;
import dev.agentsre.event.CostCharged;
import dev.agentsre.event.ExperimentStateChanged;
import dev.agentsre.event.IncidentEvent;
import dev.agentsre.event.IncidentOpened;
import dev.agentsre.event.IncidentResponseExecuted;
import dev.agentsre.event.IncidentSeverityChanged;
import dev.agentsre.event.IncidentStateChanged;
import dev.agentsre.event.NotificationDelivered;
import dev.agentsre.event.NotificationFailed;
import dev.agentsre.event.RolloutRolledBack;
import dev.agentsre.event.SreEvent;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.event.SreEventListener;
import dev.agentsre.breaker.CircuitState;
import dev.agentsre.internal.Check;
import dev.agentsre.internal.Money;
import dev.agentsre.slo.Slo;
import dev.agentsre.slo.SloTemplate;
import dev.agentsre.time.Durations;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One incident per real problem. Fed by the event spine, it turns events into {@link Signal}s
 * ({@link DetectionPolicy}), deduplicates them onto the open incident that has the same condition,
 * correlates related signals into one incident, ranks root-cause hints, keeps the timeline and the
 * impact, runs automatic {@link Response}s and {@link Runbooks}, and writes the {@link Postmortem}.
 *
 * <pre>{@code
 * IncidentManager incidents = IncidentManager.builder()
 *         .topology(topology).slos(allSlos).controls(controls)
 *         .respond(IncidentSeverity.SEV1, Responses.captureTraces(20, Responses.Target.AFFECTED_AGENTS))
 *         .eventBus(bus).clock(clock)
 *         .build();
 * bus.subscribe(incidents);
 * Incident i = incidents.open().get(0);
 * Postmortem pm = incidents.postmortem(i.id());
 * }</pre>
 *
 * <p><b>Dedup and reopen.</b> A signal whose condition ({@link Signal#key()}) an open incident has
 * is counted on that incident. A signal whose condition belonged to an incident resolved less than
 * {@code reopenWindow} ago (default 30 min) reopens it (RESOLVED → INVESTIGATING).
 *
 * <p><b>Correlation.</b> Otherwise the signal joins an open incident that is still active (it has
 * a condition that has not recovered, or a signal within {@code correlationWindow}, default 5 min)
 * and is related to it: the <em>same agent</em>; a <em>shared dependency that is failing</em> (the
 * signal's agent and the incident's agents call a model or tool the {@link DependencyTopology}
 * sees failing, or the incident reports that dependency failing); or a <em>recent change</em> (a
 * {@link Change} within {@code changeLookback}, default 30 min, before the incident that also
 * concerns the signal's agent). A cascade names its agents, so it joins them all. When a signal is
 * related to several incidents they are merged into the oldest. Otherwise a signal at the policy's
 * {@link DetectionPolicy#openThreshold() open threshold} or worse opens a new incident.
 *
 * <p><b>Resolution.</b> Each condition ends with its recovery event; with {@code autoResolve} (the
 * default) an incident whose conditions have all ended is resolved by {@code agent-sre}. People move
 * incidents with {@link Incident#acknowledge} and the other lifecycle methods.
 *
 * <p><b>Chaos.</b> While a chaos experiment targeting an agent runs, that agent's signals are held
 * by the experiment (bounded) rather than opening incidents; when the experiment aborts they open
 * one incident, marked {@linkplain Incident#expected() expected}, with a CHAOS hint. An experiment
 * that completes drops them.
 *
 * <p><b>Impact</b> ({@link Incident#impact()}): for each affected agent, from when it joined until
 * resolution — bad and total events from its SLOs' ledgers ({@code lifetimeBadEvents},
 * {@code lifetimeEvents}), the error budget consumed as {@code bad / allowedBadEvents × 100} with
 * the budget's own allowed bad events at resolution, the money the cost guard charged
 * ({@code CostCharged} events, exact), and failing replay traces ({@link FailingTraces}).
 *
 * <p><b>Threads.</b> Signals are processed on the publishing thread under one short lock (no I/O,
 * no user code); events are published and responses handed to the response executor after the
 * lock is released. A {@code CostCharged} of an agent without an open incident costs one map lookup
 * and allocates nothing.
 *
 * <p><b>Memory.</b> At most {@code maxOpenIncidents} open incidents (default
 * {@value #DEFAULT_MAX_OPEN_INCIDENTS}; a signal that would open one more is counted in
 * {@link #incidentsNotOpened()}) and {@code maxRetainedIncidents} ended ones (default
 * {@value #DEFAULT_MAX_RETAINED_INCIDENTS}, oldest dropped first); per incident at most
 * {@code maxSignalsPerIncident} conditions (default {@value #DEFAULT_MAX_SIGNALS}),
 * {@code maxAgentsPerIncident} agents (default {@value #DEFAULT_MAX_AGENTS}) and
 * {@code maxTimelineEntries} entries (default {@value #DEFAULT_MAX_TIMELINE}); at most
 * {@value #MAX_CHANGES} changes and {@value #MAX_EXPERIMENT_SIGNALS} held signals per running
 * experiment. Stated bound: {@value #BYTES_PER_INCIDENT_BOUND} bytes per incident at the default
 * caps (with signals, agents and timeline full), plus the topology; tested with 1,000,000 signals
 * from 10,000 sources.
 */
public final class IncidentManager implements SreEventListener<SreEvent>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IncidentManager.class);

    /** Default correlation window. */
    public static final Duration DEFAULT_CORRELATION_WINDOW = Duration.ofMinutes(5);
    /** Default reopen window. */
    public static final Duration DEFAULT_REOPEN_WINDOW = Duration.ofMinutes(30);
    /** Default change lookback. */
    public static final Duration DEFAULT_CHANGE_LOOKBACK = Duration.ofMinutes(30);
    /** Default cap on open incidents. */
    public static final int DEFAULT_MAX_OPEN_INCIDENTS = 1_000;
    /** Default cap on ended incidents kept. */
    public static final int DEFAULT_MAX_RETAINED_INCIDENTS = 1_000;
    /** Default cap on conditions per incident. */
    public static final int DEFAULT_MAX_SIGNALS = 200;
    /** Default cap on agents per incident. */
    public static final int DEFAULT_MAX_AGENTS = 200;
    /** Default cap on timeline entries per incident. */
    public static final int DEFAULT_MAX_TIMELINE = 200;
    /** Changes remembered. */
    public static final int MAX_CHANGES = 1_000;
    /** Signals held per running chaos experiment. */
    public static final int MAX_EXPERIMENT_SIGNALS = 200;
    /** Stated memory bound per incident at the default caps. */
    public static final long BYTES_PER_INCIDENT_BOUND = 384 * 1024;
    /** Dependency links (index entries) per incident at most; beyond it, further dependencies do not correlate. */
    public static final int MAX_DEPENDENCY_LINKS = 1_000;
    /** Failing trace ids reported at most. */
    public static final int MAX_TRACE_IDS = 20;

    final Object lock = new Object();

    private final Clock clock;
    private final SreEventBus bus;
    private final DetectionPolicy policy;
    private final DependencyTopology topology;
    private final Duration correlationWindow;
    private final Duration reopenWindow;
    private final Duration changeLookback;
    /** Static SLOs by name and agent ({@link #sloKey}); several agents' SLOs may share a name. */
    private final Map<String, Slo> slosByKey;
    private final Map<String, List<Slo>> slosByName;
    private final Map<String, List<Slo>> slosByAgent;
    private final List<SloTemplate> sloTemplates;
    private final FailingTraces failingTraces;
    private final Controls controls;
    private final EnumMap<IncidentSeverity, List<Response>> bySeverity;
    private final EnumMap<SignalType, List<Response>> bySignal;
    private final List<Response> onResolve;
    private final Runbooks runbooks;
    private final boolean autoResolve;
    private final Executor responseExecutor;
    private final ExecutorService ownedExecutor;
    private final String idPrefix;
    private final int maxOpen;
    private final int maxRetained;
    private final int maxSignals;
    private final int maxAgents;
    private final int maxTimeline;

    // ---- guarded by lock
    private final LinkedHashMap<String, Incident> open = new LinkedHashMap<>();
    private final LinkedHashMap<String, Incident> ended = new LinkedHashMap<>();
    private final HashMap<String, Incident> bySignalKey = new HashMap<>();
    private final HashMap<String, Incident> resolvedBySignalKey = new HashMap<>();
    private final HashMap<String, List<Incident>> byAgent = new HashMap<>();
    private final HashMap<String, List<Incident>> byDependency = new HashMap<>();
    private final HashMap<String, List<Incident>> byChange = new HashMap<>();
    private final ArrayDeque<Change> changes = new ArrayDeque<>();
    private final HashMap<String, Experiment> experimentsByAgent = new HashMap<>();
    private long sequence;

    /** Open incidents per agent, for the allocation-free spend path: read without the lock. */
    private final ConcurrentHashMap<String, Incident[]> spendIndex = new ConcurrentHashMap<>();
    private final AtomicLong notOpened = new AtomicLong();
    private final AtomicLong attributedToChaos = new AtomicLong();

    /** A running chaos experiment and the signals it explains. */
    private static final class Experiment {
        final String name;
        final Instant started;
        final List<Signal> signals = new ArrayList<>();

        Experiment(String name, Instant started) {
            this.name = name;
            this.started = started;
        }
    }

    private IncidentManager(Builder b) {
        this.clock = b.clock;
        this.bus = b.eventBus == null ? new SreEventBus() : b.eventBus;
        this.policy = b.policy;
        this.topology = b.topology == null ? DependencyTopology.builder().clock(b.clock).build() : b.topology;
        this.correlationWindow = Check.positive("correlationWindow", b.correlationWindow);
        this.reopenWindow = Check.positive("reopenWindow", b.reopenWindow);
        this.changeLookback = Check.positive("changeLookback", b.changeLookback);
        Map<String, Slo> keys = new LinkedHashMap<>();
        Map<String, List<Slo>> names = new HashMap<>();
        Map<String, List<Slo>> agents = new HashMap<>();
        for (Slo slo : b.slos) {
            if (keys.putIfAbsent(sloKey(slo), slo) != null) {
                throw new IllegalArgumentException("SLO '" + slo.name() + "'" + (slo.agentId() == null ? "" : " of agent '"
                        + slo.agentId() + "'") + " is given twice (an SLO is identified by its name and agent)");
            }
            names.computeIfAbsent(slo.name(), k -> new ArrayList<>()).add(slo);
            if (slo.agentId() != null) {
                agents.computeIfAbsent(slo.agentId(), k -> new ArrayList<>()).add(slo);
            }
        }
        Set<String> templateNames = new HashSet<>();
        for (SloTemplate template : b.sloTemplates) {
            if (!templateNames.add(template.name())) {
                throw new IllegalArgumentException("SLO template '" + template.name() + "' is given twice");
            }
        }
        this.slosByKey = Map.copyOf(keys);
        this.slosByName = Map.copyOf(names);
        this.slosByAgent = Map.copyOf(agents);
        this.sloTemplates = List.copyOf(b.sloTemplates);
        this.failingTraces = b.failingTraces;
        this.controls = b.controls;
        this.bySeverity = new EnumMap<>(b.bySeverity);
        this.bySignal = new EnumMap<>(b.bySignal);
        this.onResolve = List.copyOf(b.onResolve);
        this.runbooks = b.runbooks;
        this.autoResolve = b.autoResolve;
        if (b.responseExecutor != null) {
            this.responseExecutor = b.responseExecutor;
            this.ownedExecutor = null;
        } else {
            this.ownedExecutor = Executors.newSingleThreadExecutor(task -> {
                Thread thread = new Thread(task, "agent-sre-incident-responses");
                thread.setDaemon(true);
                return thread;
            });
            this.responseExecutor = ownedExecutor;
        }
        this.idPrefix = Check.notBlank("idPrefix", b.idPrefix);
        this.maxOpen = Check.positive("maxOpenIncidents", b.maxOpen);
        this.maxRetained = Check.positive("maxRetainedIncidents", b.maxRetained);
        this.maxSignals = Check.positive("maxSignalsPerIncident", b.maxSignals);
        this.maxAgents = Check.positive("maxAgentsPerIncident", b.maxAgents);
        this.maxTimeline = Check.positive("maxTimelineEntries", b.maxTimeline);
        if (maxTimeline < 8) {
            throw new IllegalArgumentException("maxTimelineEntries must be >= 8, got " + maxTimeline);
        }
    }

    /** Starts a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Subscribes to every event of {@code bus}; closing the handle unsubscribes. */
    public SreEventBus.Subscription subscribeTo(SreEventBus bus) {
        return Check.notNull("bus", bus).subscribe(this);
    }

    // ------------------------------------------------------------------ events in

    @Override
    public void onEvent(SreEvent event) {
        if (event instanceof CostCharged) {
            charge((CostCharged) event);
            return;
        }
        if (event instanceof IncidentEvent) {
            if (event instanceof dev.agentsre.event.RunbookExecutionChanged) {
                dev.agentsre.event.RunbookExecutionChanged r = (dev.agentsre.event.RunbookExecutionChanged) event;
                if (r.incidentId() != null) {
                    runbookProgress(r.incidentId(), r.timestamp(), "runbook " + r.runbook() + " (" + r.executionId() + "): " + r.state()
                            + (r.stepId() == null ? "" : " at step " + r.stepId()) + (r.detail() == null ? "" : " — " + r.detail()));
                }
            }
            return; // the rest are our own
        }
        if (event instanceof AlertEvent) {
            notification((AlertEvent) event);
            return;
        }
        if (event instanceof CircuitStateChanged) {
            CircuitStateChanged c = (CircuitStateChanged) event;
            // Half-open is still not healthy: only a closed (or disabled) breaker ends the failure.
            topology.breakerChanged(c.agentId(), c.to() != dev.agentsre.breaker.CircuitState.CLOSED
                    && c.to() != dev.agentsre.breaker.CircuitState.DISABLED, c.timestamp());
        }
        if (event instanceof ExperimentStateChanged) {
            experiment((ExperimentStateChanged) event);
        } else if (event instanceof dev.agentsre.event.RolloutStateChanged) {
            rolloutStep((dev.agentsre.event.RolloutStateChanged) event);
        }
        if (policy.handles(event.getClass())) {
            detect(event);
        }
        if (event instanceof RolloutRolledBack) {
            // After the detection: the rollback is a change later incidents of its agent may be blamed on,
            // never a cause of the incident its own signal opens.
            rolledBack((RolloutRolledBack) event);
        }
    }

    private void detect(SreEvent event) {
        // A rule usually reports nothing (a task refused for another reason than capability): the
        // thread's reusable sink keeps that path allocation-free. Anything reported is copied out
        // before processing, which may publish and so re-enter on this thread.
        Detection detection = SCRATCH.get();
        detection.reset(event.timestamp(), event, policy, topology);
        detection.manager = this;
        try {
            policy.apply(event, detection);
        } finally {
            detection.event = null;
            detection.policy = null;
            detection.topology = null;
            detection.manager = null;
        }
        if (detection.signals.isEmpty() && detection.recoveries.isEmpty()) {
            return;
        }
        Detection batch = new Detection(detection.at, event.getClass().getSimpleName(), policy, topology);
        batch.signals.addAll(detection.signals);
        batch.recoveries.addAll(detection.recoveries);
        detection.signals.clear();
        detection.recoveries.clear();
        process(batch);
    }

    /** One reusable sink per thread; static and holding nothing between uses, so it keeps no manager alive. */
    private static final ThreadLocal<Detection> SCRATCH = ThreadLocal.withInitial(() -> new Detection(Instant.EPOCH, "", null, null));

    /** Collects what the policy's rules report for one event. */
    static final class Detection implements SignalSink {
        Instant at;
        String eventName;
        SreEvent event;
        DetectionPolicy policy;
        DependencyTopology topology;
        /** The manager the event is for, while its rules run (null for signals reported directly). */
        IncidentManager manager;
        final List<Signal> signals = new ArrayList<>(2);
        final List<String> recoveries = new ArrayList<>(2);

        Detection(Instant at, String eventName, DetectionPolicy policy, DependencyTopology topology) {
            this.at = at;
            this.eventName = eventName;
            this.policy = policy;
            this.topology = topology;
        }

        void reset(Instant at, SreEvent event, DetectionPolicy policy, DependencyTopology topology) {
            this.at = at;
            this.event = event;
            this.eventName = null;
            this.policy = policy;
            this.topology = topology;
            signals.clear();
            recoveries.clear();
        }

        private String eventName() {
            if (eventName == null) {
                eventName = event == null ? "" : event.getClass().getSimpleName();
            }
            return eventName;
        }

        @Override
        public void signal(SignalType type, String agentId, String subject, String detail, List<String> agents) {
            signals.add(new Signal(type, policy.severityOf(type), agentId, subject, detail, at, eventName(), agents));
        }

        @Override
        public void recovered(SignalType type, String agentId, String subject) {
            recoveries.add(Signal.key(type, agentId, subject));
        }

        @Override
        public boolean isDependency(String name) {
            return topology.isDependency(name);
        }

        /**
         * The fast path of a signal that repeats a condition (a burn-rate alert fires on every evaluation
         * while it burns): when an open incident has the active condition of {@code type}, {@code agentId}
         * and the subject {@code subject + "/" + qualifier} ({@code subject} alone when {@code qualifier}
         * is null), and the signal would change nothing but its count, it is counted there — its detail
         * worded by {@code wording} from {@code source} when someone reads it — and true is returned,
         * without building the signal. Otherwise false: the rule reports the signal in full.
         */
        <E> boolean repeated(SignalType type, String agentId, String subject, String qualifier, E source,
                             java.util.function.Function<? super E, String> wording) {
            return manager != null && manager.repeated(type, agentId, subject, qualifier, at, source, wording);
        }
    }

    /**
     * A key equal to the signal key ({@link Signal#key}) of its parts, for looking up the maps keyed by
     * it without concatenating: {@link HashMap#get} compares the probe with the stored keys by the
     * probe's {@code equals}, and its hash is the key string's. Only ever used for lookups, under the lock.
     */
    private static final class SignalKeyProbe {
        private String type;
        private String agent;
        private String subject;
        private String qualifier;
        private int length;
        private int hash;

        SignalKeyProbe set(SignalType type, String agentId, String subject, String qualifier) {
            this.type = type.id();
            this.agent = agentId == null ? "" : agentId;
            this.subject = subject == null ? "" : subject;
            this.qualifier = qualifier;
            this.length = this.type.length() + 1 + agent.length() + 1 + this.subject.length() + (qualifier == null ? 0 : 1 + qualifier.length());
            int h = hash(0, this.type);
            h = hash(31 * h + '|', agent);
            h = hash(31 * h + '|', this.subject);
            this.hash = qualifier == null ? h : hash(31 * h + '/', qualifier);
            return this;
        }

        private static int hash(int h, String part) {
            for (int i = 0; i < part.length(); i++) {
                h = 31 * h + part.charAt(i);
            }
            return h;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof String) || ((String) o).length() != length) {
                return false;
            }
            String key = (String) o;
            int at = 0;
            if (!key.startsWith(type, at) || key.charAt(at += type.length()) != '|' || !key.startsWith(agent, ++at)
                    || key.charAt(at += agent.length()) != '|' || !key.startsWith(subject, ++at)) {
                return false;
            }
            at += subject.length();
            return qualifier == null || key.charAt(at) == '/' && key.startsWith(qualifier, at + 1);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private final SignalKeyProbe keyProbe = new SignalKeyProbe();

    /** See {@link Detection#repeated}. Allocates nothing. */
    @SuppressWarnings("unchecked")
    private <E> boolean repeated(SignalType type, String agentId, String subject, String qualifier, Instant at, E source,
                                 java.util.function.Function<? super E, String> wording) {
        if (type == SignalType.DEPENDENCY_FAILING) {
            return false; // each of its signals adds evidence of the dependency's health
        }
        IncidentSeverity severity = policy.severityOf(type);
        synchronized (lock) {
            SignalKeyProbe key = keyProbe.set(type, agentId, subject, qualifier);
            Incident incident = bySignalKey.get(key);
            Incident.SignalState state = incident == null ? null : incident.signals.get(key);
            if (state == null || !state.active || severity.isWorseThan(state.severity) || severity.isWorseThan(incident.severity)
                    || agentId != null && !incident.agents.contains(agentId)) {
                return false; // new, returning, escalating or not fully joined: the full path
            }
            // What join() does for a repeated signal, minus what cannot change here.
            state.occurrences++;
            state.lastSeen = at;
            state.repeatedBy = source;
            state.wording = (java.util.function.Function<Object, String>) wording;
            if (at.isAfter(incident.lastSignalAt)) {
                incident.lastSignalAt = at;
            }
            incident.hintsCache = null;
            return true;
        }
    }

    /** Records a signal that no event carries (from a custom detector, or an operator). */
    public void signal(Signal signal) {
        Check.notNull("signal", signal);
        Detection detection = new Detection(signal.timestamp(), signal.event(), policy, topology);
        detection.signals.add(signal);
        process(detection);
    }

    /** Records that the condition of {@code type}, agent and subject is over. */
    public void recovered(SignalType type, String agentId, String subject, Instant at) {
        Check.notNull("type", type);
        Detection detection = new Detection(Check.notNull("at", at), "recovery", policy, topology);
        detection.recoveries.add(Signal.key(type, agentId, subject));
        process(detection);
    }

    /**
     * Records a change (rollout step, config reload, ...) that later incidents of the agent (or of every
     * agent, when it has none) are correlated with and may be blamed on.
     */
    public void recordChange(Change change) {
        Check.notNull("change", change);
        synchronized (lock) {
            changes.addLast(change);
            while (changes.size() > MAX_CHANGES) {
                Change dropped = changes.removeFirst();
                byChange.remove(dropped.id());
            }
        }
    }

    private void charge(CostCharged charge) {
        Incident[] incidents = spendIndex.get(charge.agentId());
        if (incidents == null) {
            return;
        }
        long nanos = Money.toNanos("usd", charge.usd());
        for (Incident incident : incidents) {
            incident.spentNanos.addAndGet(nanos);
        }
    }

    private void notification(AlertEvent event) {
        String incidentId;
        String text;
        if (event instanceof NotificationDelivered) {
            NotificationDelivered d = (NotificationDelivered) event;
            incidentId = d.commonLabels().get("incident_id");
            text = d.status() + " notification delivered" + (d.attempts() > 1 ? " after " + d.attempts() + " attempts" : "");
        } else if (event instanceof NotificationFailed) {
            NotificationFailed f = (NotificationFailed) event;
            incidentId = f.commonLabels().get("incident_id");
            text = f.status() + " notification FAILED after " + f.attempts() + " attempts: " + f.reason();
        } else {
            return;
        }
        if (incidentId == null) {
            return;
        }
        synchronized (lock) {
            Incident incident = find(incidentId);
            if (incident != null) {
                timeline(incident, event.timestamp(), event instanceof NotificationDelivered ? ((NotificationDelivered) event).receiver()
                        : ((NotificationFailed) event).receiver(), TimelineEntry.Kind.NOTIFICATION, text);
                if (incident.notifications.size() < 100) {
                    incident.notifications.add((event instanceof NotificationDelivered ? ((NotificationDelivered) event).receiver()
                            : ((NotificationFailed) event).receiver()) + ": " + text);
                }
            }
        }
    }

    private void experiment(ExperimentStateChanged e) {
        synchronized (lock) {
            if (e.to() == ExperimentState.RUNNING) {
                if (e.agentId() != null) {
                    experimentsByAgent.put(e.agentId(), new Experiment(e.experiment(), e.timestamp()));
                }
                changes.addLast(new Change(e.experiment(), Change.Kind.CHAOS, e.agentId(), "chaos experiment " + e.experiment() + " started",
                        e.timestamp()));
                while (changes.size() > MAX_CHANGES) {
                    byChange.remove(changes.removeFirst().id());
                }
            } else if (e.to() == ExperimentState.COMPLETED && e.agentId() != null) {
                Experiment x = experimentsByAgent.get(e.agentId());
                if (x != null && x.name.equals(e.experiment())) {
                    experimentsByAgent.remove(e.agentId());
                }
            }
            // ABORTED: the CHAOS_ABORTED signal opens the expected incident with the held signals (see process).
        }
    }

    /** A rollout starting, advancing a step or being promoted is a change later incidents of its agent may be blamed on. */
    private void rolloutStep(dev.agentsre.event.RolloutStateChanged e) {
        dev.agentsre.delivery.RolloutState to = e.to();
        if (to != dev.agentsre.delivery.RolloutState.SHADOW && to != dev.agentsre.delivery.RolloutState.CANARY
                && to != dev.agentsre.delivery.RolloutState.PROMOTED) {
            return;
        }
        String what = to == dev.agentsre.delivery.RolloutState.PROMOTED ? "promoted"
                : to.name().toLowerCase(Locale.ROOT) + " step " + e.step() + " at " + dev.agentsre.internal.Decimals.one(e.weight() * 100) + "%";
        recordChange(new Change(e.rollout() + "@" + (e.step() < 0 ? "promoted" : "step-" + e.step()), Change.Kind.ROLLOUT, e.agentId(),
                "rollout " + e.rollout() + " " + what, e.timestamp()));
    }

    /** A rolled-back rollout restored the baseline: a change too. */
    private void rolledBack(RolloutRolledBack e) {
        String why = e.evidence() == null ? "" : ": " + e.evidence().summary();
        recordChange(new Change(e.rollout() + "@rolled-back", Change.Kind.ROLLOUT, e.agentId(), "rollout " + e.rollout()
                + " rolled back from " + dev.agentsre.internal.Decimals.one(e.weight() * 100) + "% to the baseline" + why, e.timestamp()));
    }

    // ------------------------------------------------------------------ processing

    /** What to do once the lock is released. */
    private final class Outbox {
        final List<SreEvent> events = new ArrayList<>();
        final List<Runnable> responses = new ArrayList<>();
    }

    private void process(Detection detection) {
        Outbox out = new Outbox();
        synchronized (lock) {
            for (Signal signal : detection.signals) {
                handle(signal, out);
            }
            for (String key : detection.recoveries) {
                recover(key, detection.at, out);
            }
        }
        flush(out);
    }

    private void flush(Outbox out) {
        for (SreEvent event : out.events) {
            bus.publish(event);
        }
        for (Runnable response : out.responses) {
            try {
                responseExecutor.execute(response);
            } catch (RuntimeException e) {
                LOG.warn("could not hand an incident response to its executor", e);
            }
        }
    }

    private void handle(Signal s, Outbox out) {
        Instant at = s.timestamp();
        // Chaos: the experiment explains its target's signals; an abort opens the expected incident.
        if (s.agentId() != null && s.type() != SignalType.CHAOS_ABORTED) {
            Experiment x = experimentsByAgent.get(s.agentId());
            if (x != null && bySignalKey.get(s.key()) == null) {
                if (x.signals.size() < MAX_EXPERIMENT_SIGNALS) {
                    x.signals.add(s);
                }
                attributedToChaos.incrementAndGet();
                return;
            }
        }
        Incident same = bySignalKey.get(s.key());
        if (same != null) {
            join(same, s, out);
            return;
        }
        Incident resolved = resolvedBySignalKey.get(s.key());
        if (resolved != null && resolved.state == IncidentState.RESOLVED && !resolved.resolvedAt.plus(reopenWindow).isBefore(at)) {
            reopen(resolved, s, out);
            return;
        }
        List<Incident> related = correlated(s, at);
        Incident target;
        if (!related.isEmpty()) {
            target = related.get(0);
            for (int i = 1; i < related.size(); i++) {
                mergeLocked(related.get(i), target, TimelineEntry.SYSTEM, "correlated by " + s.type().id() + " of " + s.component(), out);
            }
        } else if (s.type() == SignalType.CHAOS_ABORTED || policy.opens(s.severity())) {
            if (open.size() >= maxOpen) {
                if (notOpened.incrementAndGet() == 1) {
                    LOG.warn("{} incidents are open (maxOpenIncidents); signals that would open more are counted, not opened", maxOpen);
                }
                return;
            }
            target = openLocked(s, out);
        } else {
            return; // below the open threshold and related to nothing
        }
        join(target, s, out);
        if (s.type() == SignalType.CHAOS_ABORTED) {
            Experiment x = s.agentId() == null ? null : experimentsByAgent.remove(s.agentId());
            target.expected = true;
            target.experiments.add(s.subject());
            if (x != null) {
                for (Signal held : x.signals) {
                    join(target, held, out);
                }
            }
        }
    }

    /** An SLO's identity among the manager's: its name, and its agent's id when it has one. */
    static String sloKey(Slo slo) {
        return slo.agentId() == null ? slo.name() : slo.name() + "@" + slo.agentId();
    }

    /** The SLO a signal names: a static one (of the signal's agent, or of none), or a template's SLO of the agent. */
    private Slo sloOf(String name, String agentId) {
        List<Slo> named = slosByName.get(name);
        if (named != null) {
            for (Slo slo : named) {
                if (Objects.equals(slo.agentId(), agentId)) {
                    return slo;
                }
            }
            if (named.size() == 1 && agentId == null) {
                return named.get(0);
            }
        }
        if (agentId != null) {
            for (SloTemplate template : sloTemplates) {
                if (template.name().equals(name)) {
                    return template.find(agentId).orElse(null); // pure: never creates an agent's SLO
                }
            }
        }
        return null;
    }

    private List<Incident> correlated(Signal s, Instant at) {
        LinkedHashSet<Incident> found = new LinkedHashSet<>();
        List<String> agents = new ArrayList<>(1 + s.agents().size());
        if (s.agentId() != null) {
            agents.add(s.agentId());
        }
        agents.addAll(s.agents());
        for (String agent : agents) {
            for (Incident incident : byAgent.getOrDefault(agent, List.of())) {
                if (active(incident, at)) {
                    found.add(incident);
                }
            }
        }
        Set<String> deps = new LinkedHashSet<>();
        if (s.type() == SignalType.DEPENDENCY_FAILING && s.subject() != null) {
            deps.add(s.subject());
        }
        for (String agent : agents) {
            deps.addAll(topology.dependenciesOf(agent));
        }
        for (String dep : deps) {
            List<Incident> users = byDependency.get(dep);
            if (users == null || users.isEmpty()) {
                continue;
            }
            boolean failing = s.type() == SignalType.DEPENDENCY_FAILING && dep.equals(s.subject()) || topology.isFailing(dep, at);
            for (Incident incident : users) {
                if ((failing || incident.dependencies.contains(dep)) && active(incident, at)) {
                    found.add(incident);
                }
            }
        }
        for (Change change : changes) {
            List<Incident> linked = byChange.get(change.id());
            if (linked == null || change.timestamp().isAfter(at)) {
                continue;
            }
            for (String agent : agents) {
                if (change.covers(agent)) {
                    for (Incident incident : linked) {
                        if (active(incident, at)) {
                            found.add(incident);
                        }
                    }
                }
            }
        }
        if (found.isEmpty() && agents.isEmpty() && deps.isEmpty()) {
            // A fleet-wide signal (an SLO of no agent): the fleet burns because some agent fails, so it joins
            // the incident that signalled last — never merges incidents it cannot tell apart.
            Incident latest = null;
            for (Incident incident : open.values()) {
                if (active(incident, at) && (latest == null || incident.lastSignalAt.isAfter(latest.lastSignalAt))) {
                    latest = incident;
                }
            }
            return latest == null ? List.of() : List.of(latest);
        }
        List<Incident> list = new ArrayList<>(found);
        list.sort(Comparator.comparing((Incident i) -> i.detectedAt).thenComparing(Incident::id));
        return list;
    }

    private boolean active(Incident incident, Instant at) {
        if (!incident.state.isOpen()) {
            return false;
        }
        if (!incident.lastSignalAt.plus(correlationWindow).isBefore(at)) {
            return true;
        }
        for (Incident.SignalState s : incident.signals.values()) {
            if (s.active) {
                return true;
            }
        }
        return false;
    }

    private Incident openLocked(Signal s, Outbox out) {
        String id = idPrefix + (++sequence);
        Incident incident = new Incident(this, id, s, s.timestamp());
        incident.title = title(incident, s);
        open.put(id, incident);
        timeline(incident, s.timestamp(), TimelineEntry.SYSTEM, TimelineEntry.Kind.IMPACT_START, "impact began (first signal)");
        timeline(incident, s.timestamp(), TimelineEntry.SYSTEM, TimelineEntry.Kind.DETECTED, "incident opened (" + s.severity() + ") from "
                + s.type().id() + " of " + s.component());
        List<String> agents = new ArrayList<>();
        if (s.agentId() != null) {
            agents.add(s.agentId());
        }
        agents.addAll(s.agents());
        out.events.add(new IncidentOpened(s.timestamp(), incident.primaryAgent, id, incident.severity, incident.title, agents, incident.expected));
        respond(incident, bySeverityAtLeast(incident.severity), out);
        if (s.type() == SignalType.ROLLOUT_ROLLED_BACK) {
            transitionLocked(incident, IncidentState.MITIGATED, TimelineEntry.SYSTEM, "the rollout was rolled back automatically",
                    s.timestamp(), out);
        }
        LOG.info("incident {} opened ({}): {}", id, incident.severity, s.detail());
        return incident;
    }

    private void join(Incident incident, Signal s, Outbox out) {
        String key = s.key();
        Incident.SignalState state = incident.signals.get(key);
        boolean fresh = state == null;
        if (fresh) {
            if (incident.signals.size() >= maxSignals) {
                incident.droppedSignals++;
            } else {
                state = new Incident.SignalState(s);
                incident.signals.put(key, state);
                bySignalKey.put(key, incident);
            }
        } else {
            state.occurrences++;
            state.lastSeen = s.timestamp();
            state.detail(s.detail());
            if (s.type().hasRecovery()) {
                state.active = true;
                state.recoveredAt = null;
            }
            if (s.severity().isWorseThan(state.severity)) {
                state.severity = s.severity();
            }
        }
        if (s.timestamp().isAfter(incident.lastSignalAt)) {
            incident.lastSignalAt = s.timestamp();
        }
        if (fresh) {
            timeline(incident, s.timestamp(), TimelineEntry.SYSTEM, TimelineEntry.Kind.SIGNAL, s.severity() + " " + s.type().id()
                    + (s.agentId() == null ? "" : " of " + s.agentId()) + (s.subject() == null ? "" : " (" + s.subject() + ")") + ": " + s.detail());
        }
        if (s.agentId() != null) {
            addAgent(incident, s.agentId(), s.timestamp());
        }
        for (String agent : s.agents()) {
            addAgent(incident, agent, s.timestamp());
        }
        if (s.type() == SignalType.DEPENDENCY_FAILING && s.subject() != null) {
            noteHealth(incident, topology.health(s.subject(), s.timestamp())); // every reopening of its breaker adds evidence
        }
        if (s.type() == SignalType.DEPENDENCY_FAILING && s.subject() != null && incident.dependencies.size() < maxSignals
                && incident.dependencies.add(s.subject())) {
            index(byDependency, s.subject(), incident);
            Instant since = topology.failingSince(s.subject(), s.timestamp());
            if (since != null && since.isBefore(incident.impactStart)) {
                setImpactStart(incident, since, s.subject());
            }
        }
        if (s.subject() != null && (s.type() == SignalType.SLO_BREACH || s.type() == SignalType.SLO_BURN_TICKET
                || s.type() == SignalType.ERROR_BUDGET_EXHAUSTED)) {
            Slo slo = sloOf(s.subject(), s.agentId());
            if (slo == null && s.subject().lastIndexOf('/') > 0) { // a burn signal names "slo/rule"
                slo = sloOf(s.subject().substring(0, s.subject().lastIndexOf('/')), s.agentId());
            }
            if (slo != null) {
                Slo measured = slo;
                incident.slos.computeIfAbsent(sloKey(measured), n -> new Incident.SloBaseline(measured));
            }
        }
        incident.hintsCache = null;
        if (s.severity().isWorseThan(incident.severity)) {
            IncidentSeverity from = incident.severity;
            incident.severity = s.severity();
            incident.title = title(incident, s);
            timeline(incident, s.timestamp(), TimelineEntry.SYSTEM, TimelineEntry.Kind.SEVERITY, "severity " + from + " → " + incident.severity);
            out.events.add(new IncidentSeverityChanged(s.timestamp(), incident.primaryAgent, incident.id(), from, incident.severity,
                    incident.title, List.copyOf(incident.agents)));
            respond(incident, bySeverityAtLeast(incident.severity), out);
        } else if (fresh) {
            incident.title = title(incident, s);
        }
        if (fresh) {
            respond(incident, bySignal.getOrDefault(s.type(), List.of()), out);
        }
    }

    private void addAgent(Incident incident, String agent, Instant at) {
        if (incident.agents.contains(agent)) {
            return;
        }
        if (incident.agents.size() >= maxAgents) {
            incident.droppedAgents++;
            return;
        }
        incident.agents.add(agent);
        index(byAgent, agent, incident);
        Incident[] current = spendIndex.get(agent);
        Incident[] next = current == null ? new Incident[] {incident} : java.util.Arrays.copyOf(current, current.length + 1);
        next[next.length - 1] = incident;
        spendIndex.put(agent, next);
        for (String dep : topology.dependenciesOf(agent)) {
            if (incident.dependencyLinks >= MAX_DEPENDENCY_LINKS) {
                break;
            }
            if (index(byDependency, dep, incident)) {
                incident.dependencyLinks++;
            }
            DependencyTopology.Health health = topology.health(dep, at);
            if (health.failing()) {
                noteHealth(incident, health);
                Instant since = health.failingSince();
                if (since != null && since.isBefore(incident.impactStart) && !since.isBefore(incident.detectedAt.minus(changeLookback))) {
                    setImpactStart(incident, since, dep);
                }
            }
        }
        for (Slo slo : slosByAgent.getOrDefault(agent, List.of())) {
            incident.slos.computeIfAbsent(sloKey(slo), n -> new Incident.SloBaseline(slo));
        }
        for (SloTemplate template : sloTemplates) {
            template.find(agent).ifPresent(slo -> incident.slos.computeIfAbsent(sloKey(slo), n -> new Incident.SloBaseline(slo)));
        }
        Instant from = incident.detectedAt.minus(changeLookback);
        for (Change change : changes) {
            if (change.covers(agent) && !change.timestamp().isBefore(from) && !change.timestamp().isAfter(at)
                    && !incident.changes.contains(change) && incident.changes.size() < 50) {
                incident.changes.add(change);
                index(byChange, change.id(), incident);
                if (change.kind() == Change.Kind.CHAOS && incident.experiments.size() < 50) {
                    incident.experiments.add(change.id());
                }
            }
        }
    }

    /** Keeps the worst health seen of a failing dependency (bounded by the incident's dependency links). */
    private static void noteHealth(Incident incident, DependencyTopology.Health health) {
        if (!health.failing()) {
            return;
        }
        DependencyTopology.Health seen = incident.worstHealth.get(health.dependency());
        if (seen == null && incident.worstHealth.size() >= MAX_DEPENDENCY_LINKS) {
            return;
        }
        if (seen == null || health.failures() > seen.failures() || (seen.breakerOpenSince() == null && health.breakerOpenSince() != null)) {
            incident.worstHealth.put(health.dependency(), health);
        }
    }

    private void setImpactStart(Incident incident, Instant since, String dependency) {
        incident.impactStart = since;
        incident.timelineHead.removeIf(e -> e.kind() == TimelineEntry.Kind.IMPACT_START);
        timeline(incident, since, TimelineEntry.SYSTEM, TimelineEntry.Kind.IMPACT_START, "impact began: first failed call to " + dependency);
    }

    private static boolean index(Map<String, List<Incident>> index, String key, Incident incident) {
        List<Incident> list = index.computeIfAbsent(key, k -> new ArrayList<>(1));
        if (!list.contains(incident)) {
            list.add(incident);
            return true;
        }
        return false;
    }

    private static void unindex(Map<String, List<Incident>> index, String key, Incident incident) {
        List<Incident> list = index.get(key);
        if (list != null) {
            list.remove(incident);
            if (list.isEmpty()) {
                index.remove(key);
            }
        }
    }

    private String title(Incident incident, Signal latest) {
        String cause = null;
        if (!incident.dependencies.isEmpty()) {
            cause = "dependency " + incident.dependencies.iterator().next() + " failing";
        } else if (incident.expected && !incident.experiments.isEmpty()) {
            cause = "chaos experiment " + incident.experiments.iterator().next();
        }
        if (cause == null) {
            Incident.SignalState worst = null;
            for (Incident.SignalState s : incident.signals.values()) {
                if (worst == null || s.severity.isWorseThan(worst.severity)) {
                    worst = s;
                }
            }
            SignalType type = worst != null ? worst.type : latest.type();
            cause = type.id().replace('_', ' ');
        }
        int agents = Math.max(incident.agents.size(), latest.agentId() == null ? 0 : 1);
        if (agents > 1) {
            return agents + " agents: " + cause;
        }
        String who = incident.primaryAgent != null ? incident.primaryAgent : latest.component();
        return cause + " (" + who + ")";
    }

    private void recover(String key, Instant at, Outbox out) {
        for (Experiment x : experimentsByAgent.values()) {
            x.signals.removeIf(s -> s.key().equals(key));
        }
        Incident incident = bySignalKey.get(key);
        if (incident == null) {
            return;
        }
        Incident.SignalState state = incident.signals.get(key);
        if (state == null || !state.active) {
            return;
        }
        state.active = false;
        state.recoveredAt = at;
        timeline(incident, at, TimelineEntry.SYSTEM, TimelineEntry.Kind.RECOVERY, state.type.id()
                + (state.agentId == null ? "" : " of " + state.agentId) + (state.subject == null ? "" : " (" + state.subject + ")") + " recovered");
        if (!autoResolve || !incident.state.isOpen()) {
            return;
        }
        for (Incident.SignalState s : incident.signals.values()) {
            if (s.active) {
                return;
            }
        }
        transitionLocked(incident, IncidentState.RESOLVED, TimelineEntry.SYSTEM, "every signal recovered", at, out);
    }

    private void reopen(Incident incident, Signal s, Outbox out) {
        IncidentState from = incident.state;
        incident.state = IncidentState.INVESTIGATING;
        incident.reopenCount++;
        incident.resolvedAt = null;
        incident.mitigatedAt = null;
        ended.remove(incident.id());
        open.put(incident.id(), incident);
        for (Incident.SloBaseline baseline : incident.slos.values()) {
            baseline.unfreeze();
        }
        reindex(incident);
        timeline(incident, s.timestamp(), TimelineEntry.SYSTEM, TimelineEntry.Kind.STATE, "REOPENED (" + from + " → INVESTIGATING): "
                + s.type().id() + " of " + s.component() + " returned");
        out.events.add(new IncidentStateChanged(s.timestamp(), incident.primaryAgent, incident.id(), from, IncidentState.INVESTIGATING,
                TimelineEntry.SYSTEM, "reopened: " + s.detail(), incident.severity, incident.title));
        join(incident, s, out);
    }

    private void reindex(Incident incident) {
        for (String key : incident.signals.keySet()) {
            resolvedBySignalKey.remove(key, incident);
            bySignalKey.put(key, incident);
        }
        List<String> agents = new ArrayList<>(incident.agents);
        incident.agents.clear();
        for (String agent : agents) {
            addAgent(incident, agent, clock.instant());
        }
        for (String dep : incident.dependencies) {
            index(byDependency, dep, incident);
        }
        for (Change change : incident.changes) {
            index(byChange, change.id(), incident);
        }
    }

    private void deindex(Incident incident) {
        incident.dependencyLinks = 0;
        for (String key : incident.signals.keySet()) {
            bySignalKey.remove(key, incident);
        }
        for (String agent : incident.agents) {
            unindex(byAgent, agent, incident);
            Incident[] current = spendIndex.get(agent);
            if (current != null) {
                Incident[] next = java.util.Arrays.stream(current).filter(i -> i != incident).toArray(Incident[]::new);
                if (next.length == 0) {
                    spendIndex.remove(agent, current);
                } else {
                    spendIndex.put(agent, next);
                }
            }
            for (String dep : topology.dependenciesOf(agent)) {
                unindex(byDependency, dep, incident);
            }
        }
        for (String dep : incident.dependencies) {
            unindex(byDependency, dep, incident);
        }
        for (Change change : incident.changes) {
            unindex(byChange, change.id(), incident);
        }
    }

    // ------------------------------------------------------------------ lifecycle

    boolean transition(Incident incident, IncidentState target, String actor, String note) {
        Check.notBlank("actor", actor);
        Outbox out = new Outbox();
        boolean changed;
        synchronized (lock) {
            changed = transitionLocked(incident, target, actor, note, clock.instant(), out);
        }
        flush(out);
        return changed;
    }

    private boolean transitionLocked(Incident incident, IncidentState target, String actor, String note, Instant at, Outbox out) {
        IncidentState from = incident.state;
        if (from == target) {
            return false;
        }
        if (from.isTerminal()) {
            throw new IllegalIncidentTransitionException(incident.id(), from, target);
        }
        if (target == IncidentState.DECLINED) {
            if (!from.isOpen()) {
                throw new IllegalIncidentTransitionException(incident.id(), from, target);
            }
        } else if (target == IncidentState.MERGED || target.ordinal() < from.ordinal()) {
            throw new IllegalIncidentTransitionException(incident.id(), from, target);
        } else if (target == IncidentState.CLOSED && from != IncidentState.RESOLVED) {
            throw new IllegalIncidentTransitionException(incident.id(), from, target,
                    "incident " + incident.id() + " must be RESOLVED before it is CLOSED, it is " + from);
        }
        incident.state = target;
        switch (target) {
            case ACKNOWLEDGED:
                incident.acknowledgedAt = at;
                break;
            case INVESTIGATING:
                incident.investigatingAt = at;
                break;
            case MITIGATED:
                incident.mitigatedAt = at;
                break;
            case RESOLVED:
                if (incident.mitigatedAt == null) {
                    incident.mitigatedAt = at;
                }
                incident.resolvedAt = at;
                break;
            case CLOSED:
                incident.closedAt = at;
                break;
            default:
                break;
        }
        timeline(incident, at, actor, TimelineEntry.Kind.STATE, target + (note == null || note.isBlank() ? "" : ": " + note));
        out.events.add(new IncidentStateChanged(at, incident.primaryAgent, incident.id(), from, target, actor, note, incident.severity,
                incident.title));
        if (!target.isOpen() && from.isOpen()) {
            end(incident, target == IncidentState.RESOLVED);
            if (target == IncidentState.RESOLVED) {
                respond(incident, onResolve, out);
            }
        }
        LOG.info("incident {}: {} → {} by {}{}", incident.id(), from, target, actor, note == null ? "" : " (" + note + ")");
        return true;
    }

    /** An incident stops being open: freeze its ledgers, unindex it, remember its conditions for reopening. */
    private void end(Incident incident, boolean reopenable) {
        for (Incident.SloBaseline baseline : incident.slos.values()) {
            baseline.freeze();
        }
        deindex(incident);
        open.remove(incident.id());
        if (reopenable) {
            for (String key : incident.signals.keySet()) {
                resolvedBySignalKey.put(key, incident);
            }
        }
        incident.hintsCache = null;
        hints(incident); // freeze the hints as they stood at the end
        retain(incident);
    }

    private void retain(Incident incident) {
        ended.put(incident.id(), incident);
        while (ended.size() > maxRetained) {
            Iterator<Incident> it = ended.values().iterator();
            Incident oldest = it.next();
            it.remove();
            for (String key : oldest.signals.keySet()) {
                resolvedBySignalKey.remove(key, oldest);
            }
        }
    }

    void note(Incident incident, String actor, String text) {
        Check.notBlank("actor", actor);
        Check.notBlank("text", text);
        synchronized (lock) {
            timeline(incident, clock.instant(), actor, TimelineEntry.Kind.NOTE, text);
        }
    }

    /**
     * Merges {@code childId} into {@code parentId}: the child's conditions, agents and spend move to
     * the parent, the child becomes MERGED.
     *
     * @throws IllegalArgumentException for unknown ids or the same incident twice
     * @throws IllegalIncidentTransitionException when either has ended
     */
    public void merge(String childId, String parentId, String actor) {
        Check.notBlank("actor", actor);
        Outbox out = new Outbox();
        synchronized (lock) {
            Incident child = requireLocked(childId);
            Incident parent = requireLocked(parentId);
            if (child == parent) {
                throw new IllegalArgumentException("cannot merge incident " + childId + " into itself");
            }
            if (!parent.state.isOpen()) {
                throw new IllegalIncidentTransitionException(parent.id(), parent.state, IncidentState.INVESTIGATING);
            }
            if (!child.state.isOpen()) {
                throw new IllegalIncidentTransitionException(child.id(), child.state, IncidentState.MERGED);
            }
            mergeLocked(child, parent, actor, "merged by " + actor, out);
        }
        flush(out);
    }

    private void mergeLocked(Incident child, Incident parent, String actor, String reason, Outbox out) {
        Instant at = clock.instant();
        deindex(child);
        open.remove(child.id());
        IncidentState from = child.state;
        child.state = IncidentState.MERGED;
        child.mergedInto = parent.id();
        retain(child);
        for (Incident.SignalState s : child.signals.values()) {
            String key = Signal.key(s.type, s.agentId, s.subject);
            if (!parent.signals.containsKey(key) && parent.signals.size() < maxSignals) {
                parent.signals.put(key, s);
                bySignalKey.put(key, parent);
            }
        }
        for (String dep : child.dependencies) {
            if (parent.dependencies.size() < maxSignals && parent.dependencies.add(dep)) {
                index(byDependency, dep, parent);
            }
        }
        for (Map.Entry<String, Incident.SloBaseline> slo : child.slos.entrySet()) {
            parent.slos.merge(slo.getKey(), slo.getValue(), (a, b) -> a.badAtStart <= b.badAtStart ? a : b);
        }
        for (String agent : child.agents) {
            addAgent(parent, agent, at);
        }
        for (Change change : child.changes) {
            if (!parent.changes.contains(change) && parent.changes.size() < 50) {
                parent.changes.add(change);
                index(byChange, change.id(), parent);
            }
        }
        for (String experiment : child.experiments) {
            if (parent.experiments.size() < 50) {
                parent.experiments.add(experiment);
            }
        }
        parent.expected |= child.expected;
        parent.spentNanos.addAndGet(child.spentNanos.get());
        child.worstHealth.values().forEach(h -> noteHealth(parent, h));
        if (child.impactStart.isBefore(parent.impactStart)) {
            parent.impactStart = child.impactStart;
        }
        if (child.lastSignalAt.isAfter(parent.lastSignalAt)) {
            parent.lastSignalAt = child.lastSignalAt;
        }
        for (TimelineEntry entry : child.timelineHead) {
            timeline(parent, entry.timestamp(), entry.actor(), entry.kind(), "[" + child.id() + "] " + entry.text());
        }
        for (TimelineEntry entry : child.timelineTail) {
            timeline(parent, entry.timestamp(), entry.actor(), entry.kind(), "[" + child.id() + "] " + entry.text());
        }
        parent.hintsCache = null;
        timeline(parent, at, actor, TimelineEntry.Kind.MERGE, "incident " + child.id() + " merged in (" + reason + ")");
        timeline(child, at, actor, TimelineEntry.Kind.STATE, "MERGED into " + parent.id());
        out.events.add(new IncidentStateChanged(at, child.primaryAgent, child.id(), from, IncidentState.MERGED, actor,
                "merged into " + parent.id(), child.severity, child.title));
        if (child.severity.isWorseThan(parent.severity)) {
            IncidentSeverity before = parent.severity;
            parent.severity = child.severity;
            out.events.add(new IncidentSeverityChanged(at, parent.primaryAgent, parent.id(), before, parent.severity, parent.title,
                    List.copyOf(parent.agents)));
        }
        parent.title = title(parent, new Signal(SignalType.CUSTOM, parent.severity, parent.primaryAgent, null, "", at, "", List.of()));
    }

    private void timeline(Incident incident, Instant at, String actor, TimelineEntry.Kind kind, String text) {
        TimelineEntry entry = new TimelineEntry(at, actor, kind, text);
        int headCap = maxTimeline / 4;
        if (incident.timelineHead.size() < headCap && incident.timelineTail.isEmpty()) {
            incident.timelineHead.add(entry);
            return;
        }
        incident.timelineTail.addLast(entry);
        if (incident.timelineTail.size() > maxTimeline - headCap) {
            incident.timelineTail.removeFirst();
            incident.timelineOmitted++;
        }
    }

    // ------------------------------------------------------------------ responses

    private List<Response> bySeverityAtLeast(IncidentSeverity severity) {
        List<Response> list = new ArrayList<>();
        for (Map.Entry<IncidentSeverity, List<Response>> entry : bySeverity.entrySet()) {
            if (!entry.getKey().isWorseThan(severity)) {
                list.addAll(entry.getValue());
            }
        }
        return list;
    }

    private void respond(Incident incident, List<Response> responses, Outbox out) {
        for (Response response : responses) {
            if (!incident.responded.add(response.name())) {
                continue; // once per incident
            }
            out.responses.add(() -> execute(incident, response));
        }
    }

    /** Runs {@code response} for an incident now, on this thread, and records its outcome. */
    public Response.Result execute(Incident incident, Response response) {
        Check.notNull("incident", incident);
        Check.notNull("response", response);
        Response.Result result;
        try {
            result = response.execute(new Response.Context(incident, controls, this));
            if (result == null) {
                result = Response.Result.failed("", "the response returned nothing");
            }
        } catch (Exception e) {
            result = Response.Result.failed("", e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        Instant at = clock.instant();
        synchronized (lock) {
            incident.responded.add(response.name());
            timeline(incident, at, TimelineEntry.SYSTEM, TimelineEntry.Kind.RESPONSE, response.name() + " " + result.status()
                    + (result.target().isEmpty() ? "" : " on " + result.target()) + ": " + result.detail());
        }
        if (result.status() == ResponseStatus.FAILED) {
            LOG.warn("incident {}: response {} failed: {}", incident.id(), response.name(), result.detail());
        }
        bus.publish(new IncidentResponseExecuted(at, incident.primaryAgent, incident.id(), response.name(), result.target(), result.status(),
                result.detail()));
        return result;
    }

    void runbookProgress(String incidentId, Instant at, String text) {
        synchronized (lock) {
            Incident incident = find(incidentId);
            if (incident != null) {
                timeline(incident, at, TimelineEntry.SYSTEM, TimelineEntry.Kind.RUNBOOK, text);
            }
        }
    }

    // ------------------------------------------------------------------ hints and impact

    List<RootCauseHint> hints(Incident incident) {
        synchronized (lock) {
            if (incident.hintsCache != null && !incident.state.isOpen()) {
                return incident.hintsCache; // an ended incident's hints are frozen at its end
            }
            Instant now = incident.resolvedAt != null ? incident.resolvedAt : clock.instant();
            List<RootCauseHint> hints = new ArrayList<>();
            dependencyHints(incident, now, hints);
            changeHints(incident, hints);
            firstFailureHint(incident, hints);
            costHints(incident, hints);
            chaosHints(incident, hints);
            hints.sort(Comparator.comparingDouble(RootCauseHint::score).reversed()
                    .thenComparing(h -> h.evidence().isEmpty() ? Instant.MAX : h.evidence().get(0).timestamp()));
            List<RootCauseHint> result = List.copyOf(hints);
            if (!incident.state.isOpen()) {
                incident.hintsCache = result;
            }
            return result;
        }
    }

    private void dependencyHints(Incident incident, Instant now, List<RootCauseHint> hints) {
        Map<String, Integer> users = new LinkedHashMap<>();
        for (String agent : incident.agents) {
            for (String dep : topology.dependenciesOf(agent)) {
                users.merge(dep, 1, Integer::sum);
            }
        }
        for (String dep : incident.dependencies) {
            users.putIfAbsent(dep, 0);
        }
        int affected = Math.max(1, incident.agents.size());
        for (Map.Entry<String, Integer> entry : users.entrySet()) {
            String dep = entry.getKey();
            // Live evidence while the dependency fails; afterwards the worst seen while it was part of the incident.
            DependencyTopology.Health current = topology.health(dep, now);
            DependencyTopology.Health worst = incident.worstHealth.get(dep);
            DependencyTopology.Health health = current.failing() || worst == null ? current : worst;
            boolean reported = incident.dependencies.contains(dep);
            boolean failing = reported || health.failing();
            double share = incident.agents.isEmpty() ? 1.0 : (double) entry.getValue() / affected;
            double score = share * (failing ? 1.0 : 0.25);
            if (!failing && share < 0.5) {
                continue;
            }
            List<RootCauseHint.Evidence> evidence = new ArrayList<>();
            Instant since = health.failingSince() != null ? health.failingSince() : health.breakerOpenSince();
            Instant stamp = since != null ? since : incident.detectedAt;
            evidence.add(new RootCauseHint.Evidence(stamp, entry.getValue() + " of " + incident.agents.size() + " affected agents call "
                    + (health.kind() == null ? "" : health.kind().name().toLowerCase(Locale.ROOT) + " ") + dep));
            evidence.add(new RootCauseHint.Evidence(stamp, health.describe() + (failing ? "" : " (not failing)")));
            for (Incident.SignalState s : incident.signals.values()) {
                if (s.type == SignalType.DEPENDENCY_FAILING && dep.equals(s.subject)) {
                    evidence.add(new RootCauseHint.Evidence(s.firstSeen, s.firstDetail));
                }
            }
            hints.add(new RootCauseHint(RootCauseHint.Type.DEPENDENCY, dep, round(score), evidence));
        }
    }

    private void changeHints(Incident incident, List<RootCauseHint> hints) {
        for (Change change : incident.changes) {
            if (change.kind() == Change.Kind.CHAOS) {
                continue; // reported as CHAOS
            }
            Duration before = Duration.between(change.timestamp(), incident.impactStart);
            double recency = 1.0 - Math.max(0, before.toMillis()) / (double) changeLookback.toMillis();
            hints.add(new RootCauseHint(RootCauseHint.Type.CHANGE, change.id(), round(Math.max(0.1, recency)),
                    List.of(new RootCauseHint.Evidence(change.timestamp(), change.kind() + " " + change.id()
                            + (change.agentId() == null ? " (all agents)" : " of " + change.agentId()) + ", " + Durations.format(
                                    before.isNegative() ? Duration.ZERO : before.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                            + " before the impact" + (change.description().isEmpty() ? "" : ": " + change.description())))));
        }
    }

    private void firstFailureHint(Incident incident, List<RootCauseHint> hints) {
        Incident.SignalState first = null;
        for (Incident.SignalState s : incident.signals.values()) {
            if (first == null || s.firstSeen.isBefore(first.firstSeen)) {
                first = s;
            }
        }
        if (first != null) {
            String subject = first.type == SignalType.DEPENDENCY_FAILING && first.subject != null ? first.subject
                    : first.agentId != null ? first.agentId : first.subject != null ? first.subject : first.type.id();
            hints.add(new RootCauseHint(RootCauseHint.Type.FIRST_FAILURE, subject, 0.5,
                    List.of(new RootCauseHint.Evidence(first.firstSeen, "first signal: " + first.type.id() + ": " + first.firstDetail))));
        }
    }

    private void costHints(Incident incident, List<RootCauseHint> hints) {
        for (Incident.SignalState s : incident.signals.values()) {
            double score;
            switch (s.type) {
                case COST_KILL:
                case COST_ANOMALY:
                    score = 0.7;
                    break;
                case COST_THROTTLE:
                    score = 0.5;
                    break;
                default:
                    continue;
            }
            String subject = s.agentId != null ? s.agentId : s.subject;
            hints.add(new RootCauseHint(RootCauseHint.Type.COST, subject, score,
                    List.of(new RootCauseHint.Evidence(s.firstSeen, s.type.id() + ": " + s.detail()))));
        }
    }

    private void chaosHints(Incident incident, List<RootCauseHint> hints) {
        for (String experiment : incident.experiments) {
            Instant at = incident.detectedAt;
            for (Change change : incident.changes) {
                if (change.kind() == Change.Kind.CHAOS && change.id().equals(experiment)) {
                    at = change.timestamp();
                }
            }
            hints.add(new RootCauseHint(RootCauseHint.Type.CHAOS, experiment, 1.0,
                    List.of(new RootCauseHint.Evidence(at, "chaos experiment " + experiment + " was injecting faults into an affected agent"))));
            incident.expected = true;
        }
    }

    private static double round(double score) {
        return Math.round(score * 100) / 100.0;
    }

    Impact impact(Incident incident) {
        Instant from;
        Instant to;
        long failed = 0;
        List<Impact.SloImpact> slos = new ArrayList<>();
        List<String> agents;
        synchronized (lock) {
            from = incident.detectedAt;
            to = incident.resolvedAt != null ? incident.resolvedAt : clock.instant();
            Map<String, Long> worstPerAgent = new HashMap<>();
            for (Incident.SloBaseline b : incident.slos.values()) {
                long badEnd = b.badAtEnd >= 0 ? b.badAtEnd : b.slo.errorBudget().lifetimeBadEvents();
                long eventsEnd = b.eventsAtEnd >= 0 ? b.eventsAtEnd : b.slo.errorBudget().lifetimeEvents();
                double allowed = !Double.isNaN(b.allowedAtEnd) ? b.allowedAtEnd : b.slo.errorBudget().allowedBadEvents();
                long bad = badEnd - b.badAtStart;
                long events = eventsEnd - b.eventsAtStart;
                double consumed = allowed > 0 ? bad / allowed * 100.0 : bad > 0 ? 100.0 : 0.0;
                slos.add(new Impact.SloImpact(b.slo.name(), b.slo.agentId(), bad, events, allowed, consumed));
                worstPerAgent.merge(b.slo.agentId() == null ? b.slo.name() : b.slo.agentId(), bad, Math::max);
            }
            for (long v : worstPerAgent.values()) {
                failed += v;
            }
            agents = List.copyOf(incident.agents);
        }
        List<String> traces = List.of();
        if (failingTraces != null && !agents.isEmpty()) {
            try {
                traces = failingTraces.find(agents, incident.impactStart(), to, MAX_TRACE_IDS);
            } catch (RuntimeException e) {
                LOG.warn("incident {}: could not look up failing traces", incident.id(), e);
            }
        }
        BigDecimal usd = Money.toUsd(incident.spentNanos.get());
        return new Impact(from, to, failed, slos, usd, traces);
    }

    // ------------------------------------------------------------------ queries

    /** The open incidents, oldest first. */
    public List<Incident> open() {
        synchronized (lock) {
            return List.copyOf(open.values());
        }
    }

    /** Every incident held (open and ended), oldest first. */
    public List<Incident> all() {
        synchronized (lock) {
            List<Incident> list = new ArrayList<>(ended.values());
            list.addAll(open.values());
            list.sort(Comparator.comparing((Incident i) -> i.detectedAt).thenComparing(Incident::id));
            return list;
        }
    }

    /** The incident with this id. */
    public java.util.Optional<Incident> incident(String id) {
        synchronized (lock) {
            return java.util.Optional.ofNullable(find(id));
        }
    }

    private Incident find(String id) {
        Incident incident = open.get(id);
        return incident != null ? incident : ended.get(id);
    }

    private Incident requireLocked(String id) {
        Incident incident = find(Check.notBlank("id", id));
        if (incident == null) {
            throw new IllegalArgumentException("no incident with id '" + id + "'");
        }
        return incident;
    }

    /** The postmortem of an incident as it stands now. */
    public Postmortem postmortem(String incidentId) {
        Incident incident;
        synchronized (lock) {
            incident = requireLocked(incidentId);
        }
        return Postmortem.of(incident);
    }

    Postmortem draftPostmortem(Incident incident) {
        Postmortem draft = Postmortem.of(incident);
        synchronized (lock) {
            incident.draft = draft;
        }
        return draft;
    }

    /** Signals that would have opened an incident beyond {@code maxOpenIncidents}. */
    public long incidentsNotOpened() {
        return notOpened.get();
    }

    /** Signals held by running chaos experiments instead of opening incidents. */
    public long signalsAttributedToChaos() {
        return attributedToChaos.get();
    }

    /** The dependency topology. */
    public DependencyTopology topology() {
        return topology;
    }

    /** The runbooks, or null. */
    public Runbooks runbooks() {
        return runbooks;
    }

    /** The controls responses act on. */
    public Controls controls() {
        return controls;
    }

    /** The bus incident events are published on. */
    public SreEventBus eventBus() {
        return bus;
    }

    /** The clock. */
    public Clock clock() {
        return clock;
    }

    /** The detection policy. */
    public DetectionPolicy policy() {
        return policy;
    }

    /** Stops the response executor the manager created (if any). */
    @Override
    public void close() {
        if (ownedExecutor != null) {
            ownedExecutor.shutdownNow();
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "IncidentManager{open=" + open.size() + ", ended=" + ended.size() + '}';
        }
    }

    /** Builder for {@link IncidentManager}. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private SreEventBus eventBus;
        private DetectionPolicy policy = DetectionPolicy.defaults();
        private DependencyTopology topology;
        private Duration correlationWindow = DEFAULT_CORRELATION_WINDOW;
        private Duration reopenWindow = DEFAULT_REOPEN_WINDOW;
        private Duration changeLookback = DEFAULT_CHANGE_LOOKBACK;
        private final List<Slo> slos = new ArrayList<>();
        private final List<SloTemplate> sloTemplates = new ArrayList<>();
        private FailingTraces failingTraces;
        private Controls controls = Controls.none();
        private final EnumMap<IncidentSeverity, List<Response>> bySeverity = new EnumMap<>(IncidentSeverity.class);
        private final EnumMap<SignalType, List<Response>> bySignal = new EnumMap<>(SignalType.class);
        private final List<Response> onResolve = new ArrayList<>();
        private Runbooks runbooks;
        private boolean autoResolve = true;
        private Executor responseExecutor;
        private String idPrefix = "INC-";
        private int maxOpen = DEFAULT_MAX_OPEN_INCIDENTS;
        private int maxRetained = DEFAULT_MAX_RETAINED_INCIDENTS;
        private int maxSignals = DEFAULT_MAX_SIGNALS;
        private int maxAgents = DEFAULT_MAX_AGENTS;
        private int maxTimeline = DEFAULT_MAX_TIMELINE;

        private Builder() {
        }

        /** Which events are signals (default {@link DetectionPolicy#defaults()}). */
        public Builder detection(DetectionPolicy policy) {
            this.policy = Check.notNull("detection", policy);
            return this;
        }

        /** The dependency topology to correlate with (default: an empty one, learning from dependency breakers only). */
        public Builder topology(DependencyTopology topology) {
            this.topology = Check.notNull("topology", topology);
            return this;
        }

        /** How long after its last signal an incident still attracts related signals (default 5 min). */
        public Builder correlationWindow(Duration window) {
            this.correlationWindow = window;
            return this;
        }

        /** {@link #correlationWindow(Duration)} from text. */
        public Builder correlationWindow(String window) {
            return correlationWindow(Durations.parsePositive("correlationWindow", window));
        }

        /** How long after resolution a returning condition reopens the incident (default 30 min). */
        public Builder reopenWindow(Duration window) {
            this.reopenWindow = window;
            return this;
        }

        /** {@link #reopenWindow(Duration)} from text. */
        public Builder reopenWindow(String window) {
            return reopenWindow(Durations.parsePositive("reopenWindow", window));
        }

        /** How far before an incident a change may be its cause (default 30 min). */
        public Builder changeLookback(Duration lookback) {
            this.changeLookback = lookback;
            return this;
        }

        /** {@link #changeLookback(Duration)} from text. */
        public Builder changeLookback(String lookback) {
            return changeLookback(Durations.parsePositive("changeLookback", lookback));
        }

        /** SLOs whose ledgers measure the impact (by agent and by name). */
        public Builder slos(Collection<Slo> slos) {
            for (Slo slo : Check.notNull("slos", slos)) {
                this.slos.add(Check.notNull("slo", slo));
            }
            return this;
        }

        /** One SLO. */
        public Builder slo(Slo slo) {
            this.slos.add(Check.notNull("slo", slo));
            return this;
        }

        /**
         * A template whose agents' SLOs measure the impact: an incident of agent {@code a} takes the SLO
         * the template holds for {@code a} when the agent joins (looked up, never created), and a burn
         * signal of the template's SLO name for agent {@code a} takes that agent's SLO.
         */
        public Builder sloTemplate(SloTemplate template) {
            this.sloTemplates.add(Check.notNull("sloTemplate", template));
            return this;
        }

        /** Where failing replay traces are found (e.g. {@link FailingTraces#of(dev.agentsre.replay.TraceStore)}). */
        public Builder failingTraces(FailingTraces traces) {
            this.failingTraces = Check.notNull("failingTraces", traces);
            return this;
        }

        /** The components responses act on. */
        public Builder controls(Controls controls) {
            this.controls = Check.notNull("controls", controls);
            return this;
        }

        /** Runs these responses once per incident that reaches {@code severity} or worse. */
        public Builder respond(IncidentSeverity severity, Response... responses) {
            Check.notNull("severity", severity);
            List<Response> list = bySeverity.computeIfAbsent(severity, k -> new ArrayList<>());
            for (Response r : responses) {
                list.add(Check.notNull("response", r));
            }
            return this;
        }

        /** Runs these responses once per incident that receives a signal of {@code type}. */
        public Builder respond(SignalType type, Response... responses) {
            Check.notNull("type", type);
            List<Response> list = bySignal.computeIfAbsent(type, k -> new ArrayList<>());
            for (Response r : responses) {
                list.add(Check.notNull("response", r));
            }
            return this;
        }

        /** Runs these responses when an incident is resolved (e.g. close the circuits it opened). */
        public Builder respondOnResolve(Response... responses) {
            for (Response r : responses) {
                onResolve.add(Check.notNull("response", r));
            }
            return this;
        }

        /** The runbooks {@link Responses#runbook} starts. */
        public Builder runbooks(Runbooks runbooks) {
            this.runbooks = Check.notNull("runbooks", runbooks);
            return this;
        }

        /** Whether an incident whose conditions have all recovered is resolved automatically (default true). */
        public Builder autoResolve(boolean autoResolve) {
            this.autoResolve = autoResolve;
            return this;
        }

        /** Where responses run (default: one daemon thread owned by the manager; tests pass {@code Runnable::run}). */
        public Builder responseExecutor(Executor executor) {
            this.responseExecutor = Check.notNull("responseExecutor", executor);
            return this;
        }

        /** Where incident events are published (default: a private bus). */
        public Builder eventBus(SreEventBus bus) {
            this.eventBus = Check.notNull("eventBus", bus);
            return this;
        }

        /** The clock for people's actions (signals carry their events' times). */
        public Builder clock(Clock clock) {
            this.clock = Check.notNull("clock", clock);
            return this;
        }

        /** The incident id prefix (default {@code INC-}). */
        public Builder idPrefix(String prefix) {
            this.idPrefix = prefix;
            return this;
        }

        /** Cap on open incidents. */
        public Builder maxOpenIncidents(int max) {
            this.maxOpen = max;
            return this;
        }

        /** Cap on ended incidents kept. */
        public Builder maxRetainedIncidents(int max) {
            this.maxRetained = max;
            return this;
        }

        /** Cap on conditions per incident. */
        public Builder maxSignalsPerIncident(int max) {
            this.maxSignals = max;
            return this;
        }

        /** Cap on agents per incident. */
        public Builder maxAgentsPerIncident(int max) {
            this.maxAgents = max;
            return this;
        }

        /** Cap on timeline entries per incident. */
        public Builder maxTimelineEntries(int max) {
            this.maxTimeline = max;
            return this;
        }

        /** Validates and builds. */
        public IncidentManager build() {
            return new IncidentManager(this);
        }
    }
}
