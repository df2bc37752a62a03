package dev.agentsre.incident;

import dev.agentsre.internal.Check;
import dev.agentsre.time.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which agents depend on which models and tools, and whether those dependencies are failing —
 * learned from the calls the pipeline sees ({@link #observe}) and from dependency breakers. The
 * incident manager correlates the signals of agents that share a failing dependency into one
 * incident and ranks that dependency as a root-cause hint.
 *
 * <pre>{@code
 * DependencyTopology topology = DependencyTopology.builder().build();
 * AgentSre sre = AgentSre.builder()...guard(topology.guard()).build();   // every call is observed
 * // or by hand, once per model or tool call:
 * topology.observe("research-agent", DependencyKind.MODEL, "gpt-4o", succeeded, clock.instant());
 * topology.isFailing("gpt-4o", now);   // failure ratio >= 50% over >= 5 calls in the last 5 minutes, or its breaker open
 * }</pre>
 *
 * <p><b>Failing</b> means: the dependency's breaker is open (a {@code CircuitStateChanged} for a
 * breaker whose name is a known dependency, see {@link #breakerChanged}), or at least
 * {@code minCalls} calls in the last {@code window} of which at least {@code failureRatio} failed.
 * {@link #failingSince} is the first failure of the current run of failing buckets.
 *
 * <p><b>Cost.</b> {@link #observe} is O(1) and allocates nothing once the edge is known: two map
 * lookups and an update of one bucket under the dependency's own short lock.
 *
 * <p><b>Memory.</b> At most {@code maxAgents} agents (default {@value #DEFAULT_MAX_AGENTS}) with at
 * most {@code maxDependenciesPerAgent} edges each (default {@value #DEFAULT_MAX_DEPENDENCIES_PER_AGENT}),
 * and at most {@code maxDependencies} dependencies (default {@value #DEFAULT_MAX_DEPENDENCIES}) of
 * {@code window / bucket} buckets each; beyond a cap the least recently seen agent or dependency is
 * forgotten first, and an agent's extra edges are ignored (counted in {@link #droppedEdges()}).
 * About 200 bytes per edge and 400 bytes per dependency plus 24 bytes per bucket.
 * Thread-safe.
 */
public final class DependencyTopology {

    /** Default cap on agents. */
    public static final int DEFAULT_MAX_AGENTS = 10_000;
    /** Default cap on dependencies. */
    public static final int DEFAULT_MAX_DEPENDENCIES = 1_000;
    /** Default cap on edges per agent. */
    public static final int DEFAULT_MAX_DEPENDENCIES_PER_AGENT = 64;
    /** Default window of the failure ratio. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);
    /** Default bucket width. */
    public static final Duration DEFAULT_BUCKET = Duration.ofMinutes(1);
    /** Default failure ratio that makes a dependency failing. */
    public static final double DEFAULT_FAILURE_RATIO = 0.5;
    /** Default calls needed in the window before the ratio counts. */
    public static final int DEFAULT_MIN_CALLS = 5;

    private final Clock clock;
    private final int maxAgents;
    private final int maxDependencies;
    private final int maxDependenciesPerAgent;
    private final long bucketMillis;
    private final int buckets;
    private final double failureRatio;
    private final int minCalls;

    private final ConcurrentHashMap<String, AgentNode> agents = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, DependencyNode> dependencies = new ConcurrentHashMap<>();
    private final AtomicLong droppedEdges = new AtomicLong();

    private static final class AgentNode {
        final Set<String> dependencies = ConcurrentHashMap.newKeySet();
        volatile long lastSeen;
    }

    /** One dependency's health: a ring of (start, calls, failures, first failure) buckets and its breaker. */
    private static final class DependencyNode {
        final String name;
        final DependencyKind kind;
        final Set<String> dependents = ConcurrentHashMap.newKeySet();
        final long[] start;
        final long[] calls;
        final long[] failures;
        final long[] firstFailure;
        volatile long lastSeen;
        volatile long breakerOpenSince = Long.MIN_VALUE;

        DependencyNode(String name, DependencyKind kind, int buckets) {
            this.name = name;
            this.kind = kind;
            this.start = new long[buckets];
            this.calls = new long[buckets];
            this.failures = new long[buckets];
            this.firstFailure = new long[buckets];
            java.util.Arrays.fill(start, Long.MIN_VALUE);
        }
    }

    private DependencyTopology(Builder b) {
        this.clock = b.clock;
        this.maxAgents = Check.positive("maxAgents", b.maxAgents);
        this.maxDependencies = Check.positive("maxDependencies", b.maxDependencies);
        this.maxDependenciesPerAgent = Check.positive("maxDependenciesPerAgent", b.maxDependenciesPerAgent);
        Check.positive("window", b.window);
        Check.positive("bucket", b.bucket);
        if (b.bucket.compareTo(b.window) > 0) {
            throw new IllegalArgumentException("bucket must not be longer than window (" + Durations.format(b.window) + "), got "
                    + Durations.format(b.bucket));
        }
        this.bucketMillis = b.bucket.toMillis();
        this.buckets = (int) Math.max(1, b.window.toMillis() / bucketMillis);
        this.failureRatio = Check.closedRange("failureRatio", b.failureRatio, Double.MIN_VALUE, 1.0);
        this.minCalls = Check.positive("minCalls", b.minCalls);
    }

    /** A topology with the defaults. */
    public static DependencyTopology create() {
        return builder().build();
    }

    /** Starts a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Records one call of {@code agentId} to a dependency and whether it succeeded.
     *
     * @throws IllegalArgumentException for a blank agent or dependency, or a null kind or time
     */
    public void observe(String agentId, DependencyKind kind, String dependency, boolean success, Instant at) {
        Check.notNull("kind", kind);
        Check.notNull("at", at);
        long now = at.toEpochMilli();
        DependencyNode node = edge(agentId, kind, dependency, now);
        if (node == null) {
            return;
        }
        long bucketStart = Math.floorDiv(now, bucketMillis) * bucketMillis;
        int i = (int) Math.floorMod(Math.floorDiv(now, bucketMillis), (long) buckets);
        synchronized (node) {
            if (node.start[i] != bucketStart) {
                node.start[i] = bucketStart;
                node.calls[i] = 0;
                node.failures[i] = 0;
                node.firstFailure[i] = Long.MAX_VALUE;
            }
            node.calls[i]++;
            if (!success) {
                node.failures[i]++;
                if (now < node.firstFailure[i]) {
                    node.firstFailure[i] = now;
                }
            }
        }
        node.lastSeen = now;
    }

    /** Records that {@code agentId} depends on {@code dependency}, without a call outcome (static knowledge). */
    public void declare(String agentId, DependencyKind kind, String dependency) {
        Check.notNull("kind", kind);
        edge(agentId, kind, dependency, clock.millis());
    }

    private DependencyNode edge(String agentId, DependencyKind kind, String dependency, long now) {
        Check.notBlank("agentId", agentId);
        Check.notBlank("dependency", dependency);
        AgentNode agent = agents.get(agentId);
        if (agent == null) {
            if (agents.size() >= maxAgents) {
                evictOldest(agents, a -> a.lastSeen, maxAgents);
            }
            agent = agents.computeIfAbsent(agentId, k -> new AgentNode());
        }
        agent.lastSeen = now;
        DependencyNode node = dependencies.get(dependency);
        if (node == null) {
            if (dependencies.size() >= maxDependencies) {
                evictOldest(dependencies, d -> d.lastSeen, maxDependencies);
            }
            node = dependencies.computeIfAbsent(dependency, k -> new DependencyNode(k, kind, buckets));
        }
        if (!agent.dependencies.contains(dependency)) {
            if (agent.dependencies.size() >= maxDependenciesPerAgent) {
                droppedEdges.incrementAndGet();
                return node;
            }
            agent.dependencies.add(dependency);
            node.dependents.add(agentId);
        }
        return node;
    }

    private static <T> void evictOldest(ConcurrentHashMap<String, T> map, java.util.function.ToLongFunction<T> lastSeen, int max) {
        // Forget the least recently seen tenth: eviction is rare and this keeps it amortised O(1).
        List<Map.Entry<String, T>> entries = new ArrayList<>(map.entrySet());
        entries.sort(Comparator.comparingLong(e -> lastSeen.applyAsLong(e.getValue())));
        int remove = Math.max(1, entries.size() - max + max / 10);
        for (int i = 0; i < remove && i < entries.size(); i++) {
            map.remove(entries.get(i).getKey(), entries.get(i).getValue());
        }
    }

    /**
     * Tells the topology that the breaker named {@code name} opened or closed; counts only when the
     * name is a known dependency (a dependency breaker keyed by model or tool).
     */
    public void breakerChanged(String name, boolean open, Instant at) {
        DependencyNode node = name == null ? null : dependencies.get(name);
        if (node != null) {
            node.breakerOpenSince = open ? (node.breakerOpenSince == Long.MIN_VALUE ? at.toEpochMilli() : node.breakerOpenSince)
                    : Long.MIN_VALUE;
        }
    }

    /** Whether {@code name} is a known dependency. */
    public boolean isDependency(String name) {
        return name != null && dependencies.containsKey(name);
    }

    /** The kind of a known dependency, or null. */
    public DependencyKind kindOf(String dependency) {
        DependencyNode node = dependency == null ? null : dependencies.get(dependency);
        return node == null ? null : node.kind;
    }

    /** The dependencies of {@code agentId}, sorted (empty when unknown). */
    public Set<String> dependenciesOf(String agentId) {
        AgentNode agent = agentId == null ? null : agents.get(agentId);
        return agent == null ? Set.of() : Collections.unmodifiableSet(new TreeSet<>(agent.dependencies));
    }

    /** Whether {@code agentId} depends on {@code dependency}. */
    public boolean dependsOn(String agentId, String dependency) {
        AgentNode agent = agentId == null ? null : agents.get(agentId);
        return agent != null && agent.dependencies.contains(dependency);
    }

    /** The agents that depend on {@code dependency}, sorted. */
    public Set<String> dependents(String dependency) {
        DependencyNode node = dependency == null ? null : dependencies.get(dependency);
        return node == null ? Set.of() : Collections.unmodifiableSet(new TreeSet<>(node.dependents));
    }

    /** Whether {@code dependency} is failing at {@code now} (see the class comment). */
    public boolean isFailing(String dependency, Instant now) {
        return health(dependency, now).failing();
    }

    /** The first failure of the current failing run, or null when not failing by its calls. */
    public Instant failingSince(String dependency, Instant now) {
        return health(dependency, now).failingSince();
    }

    /** The health of {@code dependency} at {@code now}; an unknown one is healthy with no calls. */
    public Health health(String dependency, Instant now) {
        DependencyNode node = dependency == null ? null : dependencies.get(dependency);
        if (node == null) {
            return new Health(dependency, null, 0, 0, false, null, null);
        }
        long t = now.toEpochMilli();
        long current = Math.floorDiv(t, bucketMillis) * bucketMillis;
        long oldest = current - (long) (buckets - 1) * bucketMillis;
        long calls = 0;
        long failures = 0;
        long since = Long.MAX_VALUE;
        synchronized (node) {
            for (int i = 0; i < buckets; i++) {
                if (node.start[i] >= oldest && node.start[i] <= current) {
                    calls += node.calls[i];
                    failures += node.failures[i];
                }
            }
            // Walk back from the newest bucket while buckets fail at the ratio: the run's first failure.
            for (long b = current; b >= oldest; b -= bucketMillis) {
                int i = (int) Math.floorMod(Math.floorDiv(b, bucketMillis), (long) buckets);
                if (node.start[i] != b || node.calls[i] == 0) {
                    if (b == current) {
                        continue; // the current bucket may simply not have calls yet
                    }
                    break;
                }
                if (node.failures[i] < failureRatio * node.calls[i]) {
                    break;
                }
                since = Math.min(since, node.firstFailure[i]);
            }
        }
        boolean byCalls = calls >= minCalls && failures >= failureRatio * calls;
        long breaker = node.breakerOpenSince;
        Instant breakerOpen = breaker == Long.MIN_VALUE ? null : Instant.ofEpochMilli(breaker);
        Instant failingSince = byCalls && since != Long.MAX_VALUE ? Instant.ofEpochMilli(since) : null;
        return new Health(node.name, node.kind, calls, failures, byCalls || breakerOpen != null, failingSince, breakerOpen);
    }

    /**
     * A call guard for the pipeline that records every model, tool and delegation call here:
     * {@code AgentSre.builder().guard(topology.guard())}. Calls refused by the dependency's own open
     * breaker count as failures; other refusals are skipped.
     */
    public dev.agentsre.guard.CallGuard guard() {
        return new TopologyGuard(this);
    }

    /** Number of agents known. */
    public int agentCount() {
        return agents.size();
    }

    /** Number of dependencies known. */
    public int dependencyCount() {
        return dependencies.size();
    }

    /** Edges ignored because an agent had {@code maxDependenciesPerAgent} already. */
    public long droppedEdges() {
        return droppedEdges.get();
    }

    /** The clock. */
    public Clock clock() {
        return clock;
    }

    /**
     * The health of one dependency.
     *
     * @param dependency its name
     * @param kind model, tool or agent; null when unknown
     * @param calls calls in the window
     * @param failures failed calls in the window
     * @param failing whether it is failing (by calls or breaker)
     * @param failingSince first failure of the current failing run, or null
     * @param breakerOpenSince when its breaker opened, or null when closed or unknown
     */
    public record Health(String dependency, DependencyKind kind, long calls, long failures, boolean failing, Instant failingSince,
                         Instant breakerOpenSince) {

        /** A sentence for evidence. */
        public String describe() {
            StringBuilder text = new StringBuilder();
            if (calls > 0) {
                text.append(String.format(Locale.ROOT, "%d of %d calls failed in the window", failures, calls));
            }
            if (breakerOpenSince != null) {
                text.append(text.length() == 0 ? "" : "; ").append("breaker open since ").append(breakerOpenSince);
            }
            return text.length() == 0 ? "no calls observed" : text.toString();
        }
    }

    /** Builder for {@link DependencyTopology}. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private int maxAgents = DEFAULT_MAX_AGENTS;
        private int maxDependencies = DEFAULT_MAX_DEPENDENCIES;
        private int maxDependenciesPerAgent = DEFAULT_MAX_DEPENDENCIES_PER_AGENT;
        private Duration window = DEFAULT_WINDOW;
        private Duration bucket = DEFAULT_BUCKET;
        private double failureRatio = DEFAULT_FAILURE_RATIO;
        private int minCalls = DEFAULT_MIN_CALLS;

        private Builder() {
        }

        /** The clock used by {@link #declare} (observations carry their own time). */
        public Builder clock(Clock clock) {
            this.clock = Check.notNull("clock", clock);
            return this;
        }

        /** Cap on agents. */
        public Builder maxAgents(int max) {
            this.maxAgents = max;
            return this;
        }

        /** Cap on dependencies. */
        public Builder maxDependencies(int max) {
            this.maxDependencies = max;
            return this;
        }

        /** Cap on edges per agent. */
        public Builder maxDependenciesPerAgent(int max) {
            this.maxDependenciesPerAgent = max;
            return this;
        }

        /** Window of the failure ratio (default 5 min). */
        public Builder window(Duration window) {
            this.window = window;
            return this;
        }

        /** Bucket width (default 1 min). */
        public Builder bucket(Duration bucket) {
            this.bucket = bucket;
            return this;
        }

        /** Failure ratio in (0, 1] that makes a dependency failing (default 0.5). */
        public Builder failureRatio(double ratio) {
            this.failureRatio = ratio;
            return this;
        }

        /** Calls in the window before the ratio counts (default 5). */
        public Builder minCalls(int calls) {
            this.minCalls = calls;
            return this;
        }

        /** Validates and builds. */
        public DependencyTopology build() {
            return new DependencyTopology(this);
        }
    }
}
