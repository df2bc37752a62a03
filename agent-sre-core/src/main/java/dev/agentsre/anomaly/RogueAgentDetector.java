package dev.agentsre.anomaly;

import dev.agentsre.event.AgentEvicted;
import dev.agentsre.event.AgentQuarantined;
import dev.agentsre.event.AgentReleased;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.internal.BoundedRegistry;
import dev.agentsre.internal.CanonicalJson;
import dev.agentsre.internal.Combiner;
import dev.agentsre.internal.Check;
import dev.agentsre.internal.OrderedEvents;
import dev.agentsre.store.Flag;
import dev.agentsre.store.FlagKeys;
import dev.agentsre.store.FlagStore;
import dev.agentsre.time.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Catches agents that loop, go chaotic or use tools outside their profile (OWASP agentic ASI-10,
 * rogue agents), and quarantines them.
 *
 * <pre>{@code
 * RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder()
 *         .quarantineRiskLevel(RiskLevel.HIGH).deniedTools(Set.of("shell_exec")).build());
 * detector.registerCapabilityProfile("support-agent", Set.of("search_kb", "create_ticket", "send_email"));
 * detector.recordAction("support-agent", "exfiltrate", "shell_exec", Instant.now());
 * RogueAssessment a = detector.assess("support-agent");   // riskLevel(), quarantineRecommended(), reasons()
 * detector.isQuarantined("support-agent");                 // the pipeline refuses its calls
 * }</pre>
 *
 * <p><b>Tasks.</b> The {@code AgentSre} pipeline records the tool calls of each task through
 * {@link #taskActions}: repeats and cycles are then judged over that task's calls only (the same
 * popular tool called once by each of fifteen tasks is not a loop), while frequency and entropy stay
 * per agent. Calls recorded with {@code recordAction} (no task) are judged together as before.
 * {@link RogueDetectorConfig#enforcement()} says whether a tool outside the agent's profile is
 * refused before it runs ({@link Enforcement#ENFORCE}, the default) or only scored.
 *
 * <p><b>Signals</b>, each scored in [0, 1] with the evidence in words:
 * <ul>
 *   <li>{@link Signal#FREQUENCY}: calls in the current aligned bucket of {@code frequencyWindow}
 *       against an EWMA baseline of past buckets (idle buckets count as zero), with a noise floor;
 *       scored as the bucket fills, so a burst is caught within seconds. Up to 0.65.</li>
 *   <li>{@link Signal#ENTROPY}: Shannon entropy of the tools of the last W actions, below
 *       {@code entropyLowThreshold} (repetitive) or above {@code entropyHighThreshold} (chaotic).
 *       Up to 0.65.</li>
 *   <li>{@link Signal#LOOP}: one (tool, arguments) pair {@code repeatThreshold} times in the last W
 *       calls of one task, or a cycle of 2-4 identical calls repeated {@code cycleRepeats} times
 *       (entropy alone misses an A/B oscillation); a task's loop counts for its agent for
 *       {@code violationWindow}. Calls are compared with their arguments, so a workflow that runs
 *       the same tools in the same order on fresh inputs is not a loop. Up to 0.8.</li>
 *   <li>{@link Signal#CAPABILITY}: tools outside the agent's profile within {@code violationWindow}:
 *       0.4 + 0.1 per violation; a tool on the denied list makes it at least 0.7 at once. Up to 1.</li>
 * </ul>
 *
 * <p><b>Risk</b> = the strongest signal + 0.15 for every other signal at 0.4 or more, capped at 1;
 * {@link RiskLevel#of} maps it to LOW / MEDIUM (0.4) / HIGH (0.7) / CRITICAL (0.9). Frequency and
 * entropy alone therefore stay MEDIUM: a legitimate burst does not quarantine anyone; a loop, or
 * any two corroborating signals, can.
 *
 * <p><b>Quarantine</b> is checked on every action, so a rogue agent is isolated within seconds:
 * when the risk reaches {@code quarantineRiskLevel} the agent is quarantined ({@link AgentQuarantined}),
 * {@link #isQuarantined} says so, and it stays so until {@link #release} ({@link AgentReleased}) or,
 * when {@code autoReleaseAfter} is set, until it has been calm that long. The calm period is measured
 * by the checks that act on it — {@link #admit} (the pipeline's door), an action, an assessment —
 * from the first one that finds the agent calm; the release happens at the first of them once it is
 * due (as a breaker's half-open probe happens on the next call, never on a read).
 *
 * <p><b>Reads are pure.</b> {@link #isQuarantined}, {@link #quarantinedAgents}, {@link #riskSnapshot},
 * {@link #history}, {@link #agents} and {@link #recordedActions} never release, create or evict
 * anything and publish nothing.
 *
 * <p><b>Events in order.</b> An agent's quarantines and releases (and its eviction) are queued under
 * its lock as they happen and reach listeners in that order, even when threads race.
 *
 * <p><b>Chain.</b> Each {@link #assess} appends a record whose SHA-256 covers the whole assessment and
 * the previous record's hash; {@link #verifyChain(String)} detects an edited record.
 *
 * <p><b>Bounds.</b> At most {@code maxAgents} agents (default
 * {@value RogueDetectorConfig#DEFAULT_MAX_AGENTS}) of about 5.8 KiB each with the default window (measured) —
 * about 58 MiB at the cap; a new agent evicts the least recently active one ({@link AgentEvicted}),
 * never a quarantined one (that would release it), and when every agent is quarantined a new one is
 * refused with an {@link IllegalStateException} naming the cap. Assessments: at most
 * {@code historySize} per agent and {@code maxHistoryBytes} (default 16 MiB) for the whole detector,
 * the oldest dropped first. Capability profiles: at most {@code maxCapabilityProfiles} (default
 * 10,000; registering one more is an {@link IllegalStateException}, since dropping one would lift
 * it), each a set of tool names. So at the defaults the detector stays under about 75 MiB however many
 * agents and assessments pass through. {@link #recordAction} is O(1) and allocates nothing;
 * {@link #assess} is O(W), independent of how many actions were ever recorded, and allocates little
 * more than its record: the chain's SHA-256 is written in one pass into a pooled digest, and a calm
 * agent's assessments share one scores map. Threads recording actions of one agent do not queue on
 * its lock: an action that finds it busy is recorded by the thread holding it, in an order the lock
 * could have given, and its verdict handed back. Thread-safe: agents are
 * independent; each agent's state is updated under its own short lock.
 */
public final class RogueAgentDetector {

    private static final Logger LOG = LoggerFactory.getLogger(RogueAgentDetector.class);

    /** The previous hash of an agent's first assessment. */
    public static final String GENESIS = "0".repeat(64);

    private final RogueDetectorConfig config;
    private final SreEventBus eventBus;
    private final OrderedEvents events;
    private final Clock clock;
    private final long frequencyWindowMillis;
    /** Whether a risk of 0 stays below the quarantine level (unless it is LOW): then a quiet agent needs no scores. */
    private final boolean quietIsSafe;
    /** The latest time the clock has shown this detector (timestamps up to it need no clock read). */
    private volatile long clockSeen = Long.MIN_VALUE;
    private final BoundedRegistry<String, AgentBehaviour> agents;
    private final AssessmentHistory history;
    private final ConcurrentHashMap<String, Set<String>> profiles = new ConcurrentHashMap<>();
    /** One instance of each distinct profile: many agents share a handful of profiles. */
    private final ConcurrentHashMap<Set<String>, Set<String>> distinctProfiles = new ConcurrentHashMap<>();
    /** Where quarantines are shared; null when they are not. */
    private final FlagStore flags;

    /** A detector publishing on a private bus. */
    public RogueAgentDetector(RogueDetectorConfig config) {
        this(config, new SreEventBus());
    }

    /** A detector publishing quarantines and releases on {@code eventBus}. */
    public RogueAgentDetector(RogueDetectorConfig config, SreEventBus eventBus) {
        this(config, eventBus, null);
    }

    /**
     * A detector whose quarantines are shared through {@code quarantines} (a {@link FlagStore}; with
     * Redis, every JVM of a fleet): a quarantine decided here is written there as
     * {@code quarantine:<agent>} and every detector over the same flags refuses the agent
     * ({@link #admit}, {@link #isQuarantined}, actions) within the store's propagation bound; a release
     * in one clears it in all. While the store is unreachable the flags last read stay applied.
     */
    public RogueAgentDetector(RogueDetectorConfig config, SreEventBus eventBus, FlagStore quarantines) {
        this.flags = quarantines;
        this.config = Check.notNull("config", config);
        this.eventBus = Check.notNull("eventBus", eventBus);
        this.events = new OrderedEvents(eventBus);
        this.clock = config.clock;
        this.frequencyWindowMillis = config.frequencyWindow.toMillis();
        this.quietIsSafe = !RiskLevel.of(0).atLeast(config.quarantineRiskLevel);
        this.history = new AssessmentHistory(config.historySize, config.maxHistoryBytes);
        this.agents = new BoundedRegistry<>(config.maxAgents, AgentBehaviour::tryRetire, (agentId, behaviour) -> {
            history.forget(behaviour.history);
            events.enqueue(new AgentEvicted(clock.instant(), agentId));
            events.drain();
        });
    }

    /**
     * Registers the tools {@code agentId} is allowed to use; any other tool is a violation.
     *
     * @throws IllegalArgumentException for a blank agent id, or a null set or tool name
     * @throws IllegalStateException if {@code maxCapabilityProfiles} profiles are registered already
     */
    public void registerCapabilityProfile(String agentId, Set<String> allowedTools) {
        Check.notBlank("agentId", agentId);
        Check.notNull("allowedTools", allowedTools);
        for (String tool : allowedTools) {
            Check.notBlank("allowedTools element", tool);
        }
        Set<String> copy = Set.copyOf(allowedTools);
        Set<String> tools = distinctProfiles.computeIfAbsent(copy, t -> t);
        synchronized (profiles) { // registrations are rare: one lock keeps the cap exact
            if (!profiles.containsKey(agentId) && profiles.size() >= config.maxCapabilityProfiles) {
                throw new IllegalStateException("capability profiles are capped at " + config.maxCapabilityProfiles
                        + " (dropping one would lift it), so agent '" + agentId + "' gets none; raise maxCapabilityProfiles or "
                        + "remove profiles no longer needed");
            }
            Set<String> previous = profiles.put(agentId, tools);
            forgetIfUnused(previous);
        }
        AgentBehaviour behaviour = agents.peek(agentId);
        if (behaviour != null) {
            behaviour.allowedTools = tools;
        }
    }

    /** Removes the capability profile of {@code agentId} (the denied list applies to it again); returns whether it had one. */
    public boolean removeCapabilityProfile(String agentId) {
        Check.notBlank("agentId", agentId);
        Set<String> previous;
        synchronized (profiles) {
            previous = profiles.remove(agentId);
            forgetIfUnused(previous);
        }
        AgentBehaviour behaviour = agents.peek(agentId);
        if (behaviour != null) {
            behaviour.allowedTools = null;
        }
        return previous != null;
    }

    // Under the profiles lock: O(profiles), on a rare operation.
    private void forgetIfUnused(Set<String> profile) {
        if (profile != null && !profiles.containsValue(profile)) {
            distinctProfiles.remove(profile);
        }
    }

    /** Whether {@code agentId} may use {@code tool}: in its profile, or — without a profile — not on the denied list. */
    public boolean isAuthorised(String agentId, String tool) {
        Check.notBlank("agentId", agentId);
        Check.notBlank("tool", tool);
        Set<String> profile = profiles.get(agentId);
        return profile != null ? profile.contains(tool) : !config.deniedTools.contains(tool);
    }

    /**
     * The recorder of one task's tool calls: loops are judged over this task's calls; frequency,
     * entropy and capability count for the agent as with {@link #recordAction}. Made per task (by the
     * pipeline, or by hand for agent code that runs tasks), used by that task only.
     */
    public TaskActions taskActions(String agentId, String taskId) {
        return new TaskActions(Check.notBlank("agentId", agentId), Check.notBlank("taskId", taskId));
    }

    /**
     * The tool calls of one task (see {@link #taskActions}). Its loop window is made on the first
     * call; thread-safe (updated under the agent's lock).
     */
    public final class TaskActions {
        private final String agentId;
        private final String taskId;
        // Guarded by the agent's lock: the first call's key, then the loop window.
        boolean hasFirst;
        long firstKey;
        TaskWindow window;

        private TaskActions(String agentId, String taskId) {
            this.agentId = agentId;
            this.taskId = taskId;
        }

        /**
         * Records a call of {@code toolName} with {@code arguments} (compared by canonical JSON) now, and
         * says whether the pipeline should let it run: {@link ActionVerdict#UNAUTHORISED} for a tool
         * outside the profile when profiles are enforced (the attempt is recorded as a violation),
         * {@link ActionVerdict#QUARANTINED} when the agent is — or by this call becomes — quarantined.
         */
        public ActionVerdict record(String toolName, Object arguments) {
            Check.notBlank("toolName", toolName);
            return recordInTask(this, toolName, arguments == null ? 0 : CanonicalJson.hash64(arguments));
        }

        /** The agent. */
        public String agentId() {
            return agentId;
        }

        /** The task. */
        public String taskId() {
            return taskId;
        }
    }

    private ActionVerdict recordInTask(TaskActions task, String toolName, long argumentsHash) {
        long at = clock.millis();
        if (quarantinedElsewhere(task.agentId)) {
            return ActionVerdict.QUARANTINED; // by another JVM: refused before it is recorded
        }
        int outcome = act(task.agentId, task, toolName, argumentsHash, at);
        if ((outcome & Action.REFUSED) != 0) {
            return ActionVerdict.QUARANTINED; // refused before it was recorded: a quarantined agent does nothing
        }
        if ((outcome & Action.VIOLATION) != 0 && config.enforcement == Enforcement.ENFORCE) {
            return ActionVerdict.UNAUTHORISED;
        }
        return (outcome & Action.QUARANTINED) != 0 ? ActionVerdict.QUARANTINED : ActionVerdict.ALLOWED;
    }

    /**
     * One action of an agent, applied under the agent's lock by the thread that holds it: its own, or —
     * when it found the lock busy — another thread's, handed over instead of queueing on the lock
     * ({@link Combiner}). Carries the outcome back as bits.
     */
    static final class Action extends Combiner.Request {
        static final int RETIRED = 1;
        static final int REFUSED = 2;
        static final int VIOLATION = 4;
        static final int QUARANTINED = 8;
        static final int RELEASED = 16;

        TaskActions task; // null: an action recorded without a task
        String tool;
        long argumentsHash;
        long at;
        int outcome;
        String shared;

        Action set(TaskActions task, String tool, long argumentsHash, long at) {
            this.task = task;
            this.tool = tool;
            this.argumentsHash = argumentsHash;
            this.at = at;
            this.outcome = 0;
            this.shared = null;
            return this;
        }
    }

    /**
     * Records an action of {@code agentId} (in {@code task}, or without one when null) and carries out
     * what follows outside the lock (events, shared flags); returns the outcome bits of {@link Action}.
     * Uncontended the agent's own reusable action is used (nothing allocated); with shared flags, or
     * when the agent is busy, a new one.
     */
    private int act(String agentId, TaskActions task, String toolName, long argumentsHash, long at) {
        while (true) {
            AgentBehaviour behaviour = behaviour(agentId, at);
            int outcome;
            String shared;
            if (flags == null && behaviour.turn.tryLock()) {
                try {
                    Action action = behaviour.ownAction.set(task, toolName, argumentsHash, at);
                    apply(behaviour, action);
                    outcome = action.outcome;
                    shared = null; // no shared flags
                    action.set(null, null, 0, 0); // keeps no task alive
                } finally {
                    behaviour.turn.unlock();
                }
            } else {
                Action action = new Action().set(task, toolName, argumentsHash, at);
                behaviour.turn.submit(action);
                outcome = action.outcome;
                shared = action.shared;
            }
            if ((outcome & Action.RETIRED) != 0) {
                continue; // evicted between the lookup and the lock: the agent's new entry
            }
            events.drain();
            unshare(agentId, (outcome & Action.RELEASED) != 0);
            share(agentId, shared);
            return outcome;
        }
    }

    /** Under the agent's lock: one action recorded, and the agent quarantined if it became risky. */
    private void apply(AgentBehaviour behaviour, Action action) {
        if (behaviour.retired) {
            action.outcome = Action.RETIRED;
            return;
        }
        long at = action.at;
        int outcome = 0;
        if (action.task != null) {
            if (behaviour.quarantined) {
                if (autoRelease(behaviour, RiskLevel.of(behaviour.risk(at)).atLeast(config.quarantineRiskLevel), at)) {
                    outcome |= Action.RELEASED;
                }
                if (behaviour.quarantined) {
                    action.outcome = outcome | Action.REFUSED; // refused before it is recorded
                    return;
                }
            }
            if (behaviour.recordInTask(action.task, action.tool, action.argumentsHash, at)) {
                outcome |= Action.VIOLATION;
            }
        } else {
            behaviour.record(action.tool, action.argumentsHash, at);
        }
        action.shared = quarantineIfRisky(behaviour, at);
        if (behaviour.quarantined) {
            outcome |= Action.QUARANTINED;
        }
        action.outcome = outcome;
    }

    /**
     * Under the agent's lock: quarantines it (queueing the event) when its risk reached the level.
     * Returns the reason to share, or null when nothing changed.
     */
    private String quarantineIfRisky(AgentBehaviour behaviour, long at) {
        if (behaviour.quarantined || quietIsSafe && behaviour.quiet(at)) {
            return null; // a calm agent (the usual case): no score computed
        }
        if (RiskLevel.of(behaviour.risk(at)).atLeast(config.quarantineRiskLevel)) {
            List<String> reasons = new ArrayList<>();
            behaviour.scores(at, reasons);
            RiskLevel level = RiskLevel.of(behaviour.lastRisk());
            behaviour.quarantined = true;
            behaviour.calmSince = Long.MIN_VALUE;
            events.enqueue(new AgentQuarantined(Instant.ofEpochMilli(at), behaviour.agentId, level, reasons));
            return sharing(behaviour, level + ": " + String.join("; ", reasons));
        }
        return null;
    }

    /** Under the agent's lock: marks a new quarantine as shared and returns its reason, if quarantines are shared. */
    private String sharing(AgentBehaviour behaviour, String reason) {
        if (flags == null) {
            return null;
        }
        behaviour.quarantineShared = true;
        return reason.isEmpty() ? "quarantined" : reason;
    }

    /** Outside any lock (a shared store may do I/O): writes a new quarantine to the shared flags. */
    private void share(String agentId, String reason) {
        if (reason != null) {
            try {
                flags.set(FlagKeys.quarantine(agentId), reason.length() > FlagKeys.MAX_VALUE_LENGTH
                        ? reason.substring(0, FlagKeys.MAX_VALUE_LENGTH) : reason, null);
            } catch (RuntimeException e) {
                LOG.warn("Could not share the quarantine of '{}': {}", agentId, e.getMessage());
            }
        }
    }

    /** Outside any lock: clears a shared quarantine (a release here). */
    private void unshare(String agentId, boolean released) {
        if (released && flags != null) {
            try {
                flags.clear(FlagKeys.quarantine(agentId));
            } catch (RuntimeException e) {
                LOG.warn("Could not share the release of '{}': {}", agentId, e.getMessage());
            }
        }
    }

    /** Whether another detector over the shared flags (or this one) quarantined {@code agentId}. */
    private boolean quarantinedElsewhere(String agentId) {
        return flags != null && flags.isSet(FlagKeys.quarantine(agentId));
    }

    /** Records an action at the clock's current time. */
    public void recordAction(String agentId, String action, String toolName) {
        recordAction(agentId, action, toolName, clock.instant());
    }

    /** Records an action at {@code timestamp}; the action's name stands in for its arguments. */
    public void recordAction(String agentId, String action, String toolName, Instant timestamp) {
        record(agentId, toolName, Objects.hashCode(Check.notNull("action", action)), timestamp);
    }

    /**
     * Records an action with its arguments: repeats are counted per (tool, canonical JSON of the
     * arguments), so the same call with the same arguments is told apart from a busy but varied agent.
     */
    public void recordAction(String agentId, String action, String toolName, Instant timestamp, Object arguments) {
        Check.notNull("action", action);
        record(agentId, toolName, arguments == null ? 0 : CanonicalJson.hash64(arguments), timestamp);
    }

    /** Records an action with a precomputed hash of its arguments. */
    public void recordAction(String agentId, String action, String toolName, Instant timestamp, long argumentsHash) {
        Check.notNull("action", action);
        record(agentId, toolName, argumentsHash, timestamp);
    }

    private void record(String agentId, String toolName, long argumentsHash, Instant timestamp) {
        Check.notBlank("agentId", agentId);
        Check.notBlank("toolName", toolName);
        Check.notNull("timestamp", timestamp);
        long at = timestamp.toEpochMilli();
        if (at > clockSeen) { // most timestamps are at or before a time the clock has shown: no read
            long now = clock.millis();
            clockSeen = Math.max(clockSeen, now); // a benign race: a lower value only costs another read
            if (at > now + frequencyWindowMillis) {
                // A time far ahead (a unit mistake, a skewed host) would park the frequency bucket in the
                // future and silence the agent's frequency signal until the clock got there.
                throw new IllegalArgumentException("timestamp must not be more than the frequency window ("
                        + Durations.format(Duration.ofMillis(frequencyWindowMillis)) + ") ahead of the detector's clock ("
                        + Instant.ofEpochMilli(now) + "), got " + timestamp);
            }
            at = Math.min(at, now); // a little ahead (clock skew): counted now
        }
        act(agentId, null, toolName, argumentsHash, at);
    }

    /**
     * Assesses {@code agentId} now, records the assessment in its chain, and quarantines it if due.
     *
     * @throws IllegalStateException if the agent is new and every tracked agent is quarantined (the cap is full)
     */
    public RogueAssessment assess(String agentId) {
        Check.notBlank("agentId", agentId);
        long now = clock.millis();
        RogueAssessment assessment;
        while (true) {
            AgentBehaviour behaviour = behaviour(agentId, now);
            String shared = null;
            boolean released;
            behaviour.turn.lock();
            try {
                if (behaviour.retired) {
                    continue;
                }
                List<String> found = behaviour.reasonScratch;
                found.clear();
                Map<Signal, Double> scores = behaviour.scores(now, found);
                double risk = behaviour.lastRisk();
                List<String> reasons = List.copyOf(found); // none (the usual case): the shared empty list
                found.clear();
                RiskLevel level = RiskLevel.of(risk);
                boolean recommended = level.atLeast(config.quarantineRiskLevel);
                if (recommended && !behaviour.quarantined) {
                    behaviour.quarantined = true;
                    events.enqueue(new AgentQuarantined(Instant.ofEpochMilli(now), agentId, level, reasons));
                    shared = sharing(behaviour, level + ": " + String.join("; ", reasons));
                }
                released = autoRelease(behaviour, recommended, now);
                assessment = chain(behaviour, Instant.ofEpochMilli(now), level, risk, scores, recommended, reasons);
            } finally {
                behaviour.turn.unlock();
            }
            events.drain();
            share(agentId, shared);
            unshare(agentId, released);
            return assessment;
        }
    }

    /**
     * Whether {@code agentId} is quarantined, as it stands: a pure read, never releasing (an automatic
     * release that is due happens at the next {@link #admit}, action or assessment).
     */
    public boolean isQuarantined(String agentId) {
        AgentBehaviour behaviour = agents.peek(Check.notBlank("agentId", agentId));
        return behaviour != null && behaviour.quarantined && !releasedElsewhere(behaviour) || quarantinedElsewhere(agentId);
    }

    /** Whether a quarantine this detector shared was cleared from the shared flags (a release in another JVM). */
    private boolean releasedElsewhere(AgentBehaviour behaviour) {
        return flags != null && behaviour.quarantineShared && !flags.isSet(FlagKeys.quarantine(behaviour.agentId));
    }

    /**
     * Whether {@code agentId} may act now: false while it is quarantined. The check the pipeline makes
     * at the door and before a model call: it carries out an automatic release that is due (and
     * starts measuring the calm period), like a breaker's half-open transition on the next call.
     * Creates nothing for an unknown agent.
     */
    public boolean admit(String agentId) {
        AgentBehaviour behaviour = agents.peek(Check.notBlank("agentId", agentId));
        if (quarantinedElsewhere(agentId)) {
            return false;
        }
        if (behaviour == null || !behaviour.quarantined) {
            return true;
        }
        if (releasedElsewhere(behaviour)) {
            releaseHere(behaviour, "released in another JVM");
            return true;
        }
        if (config.autoReleaseAfter == null) {
            return false;
        }
        long now = clock.millis();
        boolean quarantined;
        boolean released;
        behaviour.turn.lock();
        try {
            released = autoRelease(behaviour, RiskLevel.of(behaviour.risk(now)).atLeast(config.quarantineRiskLevel), now);
            quarantined = behaviour.quarantined;
        } finally {
            behaviour.turn.unlock();
        }
        events.drain();
        unshare(agentId, released);
        return !quarantined;
    }

    /** Ends a quarantine that another JVM released (the shared flag is gone). */
    private void releaseHere(AgentBehaviour behaviour, String reason) {
        behaviour.turn.lock();
        try {
            if (!behaviour.quarantined) {
                return;
            }
            behaviour.quarantined = false;
            behaviour.quarantineShared = false;
            behaviour.calmSince = Long.MIN_VALUE;
            behaviour.forgetRecentActions();
            events.enqueue(new AgentReleased(clock.instant(), behaviour.agentId, reason));
        } finally {
            behaviour.turn.unlock();
        }
        events.drain();
    }

    /**
     * Ends the quarantine of {@code agentId} (an operator's decision that it is fixed) and forgets its
     * recent actions, so the loop that got it quarantined does not quarantine it again on its next
     * action; its frequency baseline and assessment chain are kept. Returns whether it was quarantined.
     */
    public boolean release(String agentId) {
        AgentBehaviour behaviour = agents.peek(Check.notBlank("agentId", agentId));
        boolean elsewhere = quarantinedElsewhere(agentId);
        unshare(agentId, elsewhere); // a release here releases the agent in every JVM sharing the flags
        if (behaviour == null) {
            return elsewhere;
        }
        behaviour.turn.lock();
        try {
            if (!behaviour.quarantined) {
                return elsewhere;
            }
            behaviour.quarantined = false;
            behaviour.quarantineShared = false;
            behaviour.calmSince = Long.MIN_VALUE;
            behaviour.forgetRecentActions();
            events.enqueue(new AgentReleased(clock.instant(), agentId, "released manually"));
        } finally {
            behaviour.turn.unlock();
        }
        events.drain();
        return true;
    }

    /**
     * Quarantines {@code agentId} by decision — an operator's, or an incident response's — whatever its
     * risk, publishing {@link AgentQuarantined} with the reason (in order with the agent's other
     * quarantines and releases). It stays quarantined until {@link #release} (or, when
     * {@code autoReleaseAfter} is set, until it has been calm that long, as after a detected
     * quarantine). Returns whether it was not quarantined before.
     *
     * @throws IllegalStateException if the agent is new and every tracked agent is quarantined (the cap is full)
     */
    public boolean quarantine(String agentId, String reason) {
        Check.notBlank("agentId", agentId);
        Check.notBlank("reason", reason);
        long now = clock.millis();
        while (true) {
            AgentBehaviour behaviour = behaviour(agentId, now);
            String shared;
            behaviour.turn.lock();
            try {
                if (behaviour.retired) {
                    continue; // evicted between the lookup and the lock: the agent's new entry
                }
                if (behaviour.quarantined) {
                    return false;
                }
                behaviour.quarantined = true;
                behaviour.calmSince = Long.MIN_VALUE;
                events.enqueue(new AgentQuarantined(Instant.ofEpochMilli(now), agentId, RiskLevel.of(behaviour.risk(now)),
                        List.of("quarantined by decision: " + reason)));
                shared = sharing(behaviour, "quarantined by decision: " + reason);
            } finally {
                behaviour.turn.unlock();
            }
            events.drain();
            share(agentId, shared);
            return true;
        }
    }

    /** Quarantined agents, sorted; a pure read. */
    public List<String> quarantinedAgents() {
        java.util.TreeSet<String> quarantined = new java.util.TreeSet<>();
        agents.forEach((agentId, behaviour) -> {
            if (behaviour.quarantined && !releasedElsewhere(behaviour)) {
                quarantined.add(agentId);
            }
        });
        if (flags != null) {
            for (Flag flag : flags.list(FlagKeys.QUARANTINE)) {
                quarantined.add(flag.key().substring(FlagKeys.QUARANTINE.length()));
            }
        }
        return new ArrayList<>(quarantined);
    }

    /**
     * The agent's assessment chain, oldest first: at most {@code historySize} records, fewer when the
     * detector's {@code maxHistoryBytes} made it drop the oldest.
     */
    public List<RogueAssessment> history(String agentId) {
        AgentBehaviour behaviour = agents.peek(Check.notBlank("agentId", agentId));
        return behaviour == null ? List.of() : history.records(behaviour.history);
    }

    /** Whether the agent's kept assessment chain is intact. */
    public boolean verifyChain(String agentId) {
        return firstBrokenLink(history(agentId)) < 0;
    }

    /** Whether {@code chain} (oldest first, e.g. exported and stored) is intact. */
    public static boolean verifyChain(List<RogueAssessment> chain) {
        return firstBrokenLink(chain) < 0;
    }

    /**
     * The index of the first record of {@code chain} whose hash does not match its content or whose
     * previous hash does not match the record before it; -1 when the chain is intact.
     */
    public static int firstBrokenLink(List<RogueAssessment> chain) {
        Check.notNull("chain", chain);
        for (int i = 0; i < chain.size(); i++) {
            RogueAssessment record = chain.get(i);
            if (!record.hash().equals(hashOf(record.agentId(), record.timestamp(), record.riskLevel(), record.riskScore(),
                    record.signals(), record.quarantineRecommended(), record.quarantined(), record.reasons(), record.previousHash()))) {
                return i;
            }
            if (i > 0 && !record.previousHash().equals(chain.get(i - 1).hash())) {
                return i;
            }
        }
        return -1;
    }

    /** Agents tracked now, sorted. */
    public List<String> agents() {
        List<String> ids = agents.keys();
        ids.sort(null);
        return ids;
    }

    /**
     * The agent's risk now, without recording an assessment in its chain and without quarantining:
     * for dashboards and exporters that poll. Null for an unknown agent.
     */
    public RiskSnapshot riskSnapshot(String agentId) {
        AgentBehaviour behaviour = agents.peek(Check.notBlank("agentId", agentId));
        if (behaviour == null) {
            return null;
        }
        long now = clock.millis();
        behaviour.turn.lock();
        try {
            Map<Signal, Double> scores = behaviour.scores(now, null);
            double risk = behaviour.lastRisk();
            return new RiskSnapshot(agentId, RiskLevel.of(risk), risk, scores, behaviour.quarantined);
        } finally {
            behaviour.turn.unlock();
        }
    }

    /**
     * An agent's risk at one instant.
     *
     * @param agentId the agent
     * @param riskLevel the combined risk level
     * @param riskScore the combined score in [0, 1]
     * @param signals each signal's score
     * @param quarantined whether the agent is quarantined
     */
    public record RiskSnapshot(String agentId, RiskLevel riskLevel, double riskScore, Map<Signal, Double> signals, boolean quarantined) {

        /** Copies the map. */
        public RiskSnapshot {
            signals = Map.copyOf(signals);
        }
    }

    /** Actions recorded for {@code agentId} since it was first seen (0 if unknown). */
    public long recordedActions(String agentId) {
        AgentBehaviour behaviour = agents.peek(Check.notBlank("agentId", agentId));
        if (behaviour == null) {
            return 0;
        }
        behaviour.turn.lock();
        try {
            return behaviour.recordedActions;
        } finally {
            behaviour.turn.unlock();
        }
    }

    /** The agent's state, or null (for tests of its lock). */
    AgentBehaviour peekBehaviour(String agentId) {
        return agents.peek(agentId);
    }

    /** The detector's assessment history (for tests of its memory bound). */
    AssessmentHistory assessmentHistory() {
        return history;
    }

    /** The configuration. */
    public RogueDetectorConfig config() {
        return config;
    }

    /** The bus quarantines and releases are published on. */
    public SreEventBus eventBus() {
        return eventBus;
    }

    // ------------------------------------------------------------------ internals

    /** The agent's behaviour, made if new (evicting one that is not quarantined at the cap). */
    private AgentBehaviour behaviour(String agentId, long now) {
        AgentBehaviour behaviour = agents.get(agentId);
        if (behaviour != null) {
            return behaviour;
        }
        behaviour = agents.getOrCreate(agentId, id -> {
            AgentBehaviour b = new AgentBehaviour(id, config, now, this::apply);
            b.allowedTools = profiles.get(id);
            return b;
        });
        if (behaviour == null) {
            throw new IllegalStateException("the rogue-agent detector tracks its cap of " + config.maxAgents + " agents and every one is "
                    + "quarantined (evicting one would release it), so agent '" + agentId + "' is refused; release agents or raise maxAgents");
        }
        return behaviour;
    }

    /** Under the agent's lock: releases a quarantined agent calm for {@code autoReleaseAfter} (queueing the event). */
    /** Under the agent's lock; returns whether a shared quarantine was released (to clear it outside the lock). */
    private boolean autoRelease(AgentBehaviour behaviour, boolean risky, long now) {
        if (!behaviour.quarantined || config.autoReleaseAfter == null) {
            return false;
        }
        if (risky) {
            behaviour.calmSince = Long.MIN_VALUE;
            return false;
        }
        if (behaviour.calmSince == Long.MIN_VALUE) {
            behaviour.calmSince = now;
            return false;
        }
        if (now - behaviour.calmSince >= config.autoReleaseAfter.toMillis()) {
            behaviour.quarantined = false;
            behaviour.calmSince = Long.MIN_VALUE;
            events.enqueue(new AgentReleased(Instant.ofEpochMilli(now), behaviour.agentId, "calm for "
                    + Durations.format(config.autoReleaseAfter)));
            boolean shared = behaviour.quarantineShared;
            behaviour.quarantineShared = false;
            return shared;
        }
        return false;
    }

    private RogueAssessment chain(AgentBehaviour behaviour, Instant at, RiskLevel level, double risk, Map<Signal, Double> scores,
                                  boolean recommended, List<String> reasons) {
        String previous = behaviour.lastHash;
        String hash = hashOf(behaviour.agentId, at, level, risk, scores, recommended, behaviour.quarantined, reasons, previous);
        RogueAssessment record = new RogueAssessment(behaviour.agentId, at, level, risk, scores, recommended, behaviour.quarantined,
                reasons, previous, hash);
        behaviour.lastHash = hash;
        history.append(behaviour.history, record);
        return record;
    }

    // One pass into a pooled digest (AssessmentHasher): the bytes the chain has always hashed.
    private static String hashOf(String agentId, Instant at, RiskLevel level, double risk, Map<Signal, Double> scores,
                                 boolean recommended, boolean quarantined, List<String> reasons, String previous) {
        return AssessmentHasher.hash(agentId, at, level, risk, scores, recommended, quarantined, reasons, previous);
    }
}
