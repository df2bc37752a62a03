package dev.agentsre.chaos;

import dev.agentsre.event.ExperimentStateChanged;
import dev.agentsre.event.FaultInjected;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.internal.Check;
import dev.agentsre.internal.window.RollingHistogram;
import dev.agentsre.time.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * A chaos experiment: faults injected into an agent's calls for a limited time, stopped early when
 * an abort condition is met, and scored for resilience.
 *
 * <pre>{@code
 * ChaosExperiment experiment = ChaosExperiment.builder("llm-latency-resilience")
 *         .targetAgent("code-reviewer")
 *         .fault(Fault.latencyInjection("openai-api", Duration.ofMillis(5000), 0.3))
 *         .fault(Fault.errorInjection("search_tool", "timeout", 0.1))
 *         .abortCondition(AbortCondition.atMost("success_rate", 0.5))
 *         .duration(Duration.ofMinutes(30)).blastRadius(0.3)
 *         .build();
 * experiment.start();
 * String r = experiment.injector().wrap("search_tool", () -> search(q)).call();
 * experiment.checkAbort(Map.of("success_rate", 0.85));
 * experiment.complete(experiment.calculateResilience(0.99, 0.85));
 * }</pre>
 *
 * <p><b>Lifecycle.</b> PENDING → {@link #start()} → RUNNING → COMPLETED (the duration elapsed,
 * {@link #stop()}, or {@link #complete}) or ABORTED (an abort condition was met). The duration is
 * enforced: the first call or state read after it ends the experiment, stamped with its scheduled
 * end. No fault is injected outside RUNNING. Each transition publishes
 * {@link ExperimentStateChanged}; each injected fault {@link FaultInjected}.
 *
 * <p><b>Abort conditions</b> are checked against metrics the caller passes to {@link #checkAbort}
 * and, after every wrapped call (once {@value #MINIMUM_CALLS_FOR_ABORT} calls have been seen),
 * against what the experiment measures itself: {@value #SUCCESS_RATE}, {@value #P95_LATENCY_MS} and
 * {@value #COST_PER_CALL}.
 *
 * <p><b>Memory.</b> Fixed: counters, one latency histogram (about 5 KiB) and the planted attacks
 * (at most {@value #MAX_ATTACKS} kept). Thread-safe.
 */
public final class ChaosExperiment {

    /** Share of wrapped calls that succeeded during the experiment. */
    public static final String SUCCESS_RATE = "success_rate";
    /** 95th percentile latency of wrapped calls, in ms (injected waits included). */
    public static final String P95_LATENCY_MS = "p95_latency_ms";
    /** Mean cost of the amounts passed through {@link ChaosInjector#injectCost}. */
    public static final String COST_PER_CALL = "cost_per_call";
    /** Calls measured before self-measured metrics are checked against abort conditions. */
    public static final int MINIMUM_CALLS_FOR_ABORT = 10;
    /** Planted attacks remembered. */
    public static final int MAX_ATTACKS = 10_000;

    private final String name;
    private final String targetAgent;
    private final String description;
    private final List<Fault> faults;
    private final List<AbortCondition> abortConditions;
    private final Duration duration;
    private final double blastRadius;
    private final long seed;
    private final Clock clock;
    private final Sleeper sleeper;
    private final SreEventBus eventBus;
    private final ChaosInjector injector;
    private final AtomicReference<ExperimentState> state = new AtomicReference<>(ExperimentState.PENDING);
    private volatile boolean running;
    private volatile long startedAtMillis = Long.MIN_VALUE;
    private volatile long endedAtMillis = Long.MIN_VALUE;
    private volatile long firstSuccessAfterEndMillis = Long.MIN_VALUE;
    private volatile String abortReason;
    private volatile ResilienceScore resilience;
    private final LongAdder faultsInjected = new LongAdder();
    private final ConcurrentHashMap<Long, InjectedAttack> attacks = new ConcurrentHashMap<>();
    final Metrics metrics = new Metrics();

    private ChaosExperiment(Builder b) {
        this.name = Check.notBlank("name", b.name);
        this.targetAgent = b.targetAgent;
        this.description = b.description == null ? "" : b.description;
        if (b.faults.isEmpty()) {
            throw new IllegalArgumentException("faults must not be empty: an experiment needs at least one fault");
        }
        this.faults = List.copyOf(b.faults);
        this.abortConditions = List.copyOf(b.abortConditions);
        this.duration = Check.positive("duration", b.duration);
        this.blastRadius = Check.closedRange("blastRadius", b.blastRadius, Double.MIN_VALUE, 1.0);
        this.seed = b.seed;
        this.clock = Check.notNull("clock", b.clock);
        this.sleeper = Check.notNull("sleeper", b.sleeper);
        this.eventBus = b.eventBus == null ? new SreEventBus() : b.eventBus;
        this.injector = new ChaosInjector(this, faults, seed, blastRadius);
    }

    /** Starts a builder: duration 30 min, blast radius 1.0, seed 42, system clock, real sleeps. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Starts injecting. @throws IllegalStateException unless PENDING */
    public void start() {
        long now = clock.millis();
        if (!state.compareAndSet(ExperimentState.PENDING, ExperimentState.RUNNING)) {
            throw new IllegalStateException("experiment '" + name + "' can only start once; it is " + state.get());
        }
        startedAtMillis = now;
        running = true;
        publish(ExperimentState.PENDING, ExperimentState.RUNNING, "started for " + Durations.format(duration), now);
    }

    /** Ends a running experiment early as COMPLETED; returns whether it was running. */
    public boolean stop() {
        return end(ExperimentState.COMPLETED, "stopped", clock.millis());
    }

    /**
     * Checks the abort conditions against {@code metrics}; if one is met the experiment is ABORTED
     * (and injects nothing more) and this returns true. Metrics a condition names but the map lacks
     * are taken from the experiment's own measurements when it has them.
     */
    public boolean checkAbort(Map<String, ? extends Number> metrics) {
        Check.notNull("metrics", metrics);
        if (!isRunning()) {
            return state.get() == ExperimentState.ABORTED;
        }
        for (AbortCondition condition : abortConditions) {
            Number given = metrics.get(condition.metric());
            double value = given != null ? given.doubleValue() : measured(condition.metric());
            if (condition.isMet(value)) {
                abortReason = condition.describe(value);
                end(ExperimentState.ABORTED, abortReason, clock.millis());
                return true;
            }
        }
        return false;
    }

    /** The reference's simple score: reliability from a baseline and an experiment success rate. */
    public ResilienceScore calculateResilience(double baselineSuccessRate, double experimentSuccessRate) {
        return withSecurity(ResilienceScore.reliability(baselineSuccessRate, experimentSuccessRate));
    }

    /** The score from the success rate the experiment measured on wrapped calls, against {@code baselineSuccessRate}. */
    public ResilienceScore calculateResilience(double baselineSuccessRate) {
        double measured = metrics.successRate();
        return withSecurity(ResilienceScore.reliability(baselineSuccessRate, Double.isNaN(measured) ? 1.0 : measured));
    }

    private ResilienceScore withSecurity(double reliability) {
        Map<String, long[]> byCategory = new HashMap<>();
        long judged = 0;
        long caught = 0;
        for (InjectedAttack attack : attacks.values()) {
            if (attack.caught() == null) {
                continue;
            }
            long[] counts = byCategory.computeIfAbsent(attack.attack().owaspCategory(), k -> new long[2]);
            counts[0]++;
            judged++;
            if (attack.caught()) {
                counts[1]++;
                caught++;
            }
        }
        Map<String, Double> security = new HashMap<>();
        byCategory.forEach((category, counts) -> security.put(category, 100.0 * counts[1] / counts[0]));
        double overallSecurity = judged == 0 ? Double.NaN : 100.0 * caught / judged;
        double overall = judged == 0 ? reliability : (reliability + overallSecurity) / 2;
        return new ResilienceScore(overall, reliability, overallSecurity, security, recoveryTime());
    }

    /** Ends the experiment (if still running) as COMPLETED with {@code score}. */
    public void complete(ResilienceScore score) {
        this.resilience = Check.notNull("score", score);
        end(ExperimentState.COMPLETED, "completed", clock.millis());
    }

    /** Records whether the agent's defences caught the attack planted in call {@code callId}. */
    public void reportDefense(long callId, boolean caught) {
        InjectedAttack attack = attacks.get(callId);
        if (attack == null) {
            throw new IllegalArgumentException("callId has no planted attack: " + callId);
        }
        attacks.put(callId, attack.judged(caught));
    }

    /**
     * Judges every attack not yet judged with {@code check} (a user-supplied check, or
     * {@link DefenseCheck#rogueDetector}); returns how many were judged caught.
     */
    public int evaluateDefenses(DefenseCheck check) {
        Check.notNull("check", check);
        int caught = 0;
        for (InjectedAttack attack : attacks()) {
            if (attack.caught() == null) {
                boolean wasCaught = check.caught(attack);
                attacks.put(attack.callId(), attack.judged(wasCaught));
                caught += wasCaught ? 1 : 0;
            }
        }
        return caught;
    }

    /** Attacks planted so far, oldest first, with what the defences did. */
    public List<InjectedAttack> attacks() {
        List<InjectedAttack> list = new ArrayList<>(attacks.values());
        list.sort((a, b) -> Long.compare(a.callId(), b.callId()));
        return list;
    }

    /** The state, after ending the experiment if its duration has elapsed. */
    public ExperimentState state() {
        isRunning();
        return state.get();
    }

    /** Why the experiment aborted, or null. */
    public String abortReason() {
        return abortReason;
    }

    /** The score given to {@link #complete}, or null. */
    public ResilienceScore resilience() {
        return resilience;
    }

    /** The injector that applies this experiment's faults. */
    public ChaosInjector injector() {
        return injector;
    }

    /** A metric the experiment measured on wrapped calls: success_rate, p95_latency_ms, cost_per_call (NaN if none). */
    public double measured(String metric) {
        switch (metric) {
            case SUCCESS_RATE:
                return metrics.successRate();
            case P95_LATENCY_MS:
                return metrics.p95();
            case COST_PER_CALL:
                return metrics.costPerCall();
            default:
                return Double.NaN;
        }
    }

    /** Faults injected so far. */
    public long faultsInjected() {
        return faultsInjected.sum();
    }

    /** Calls measured during the experiment. */
    public long callsMeasured() {
        return metrics.calls.sum();
    }

    /** The experiment's name. */
    public String name() {
        return name;
    }

    /** The agent under test, or null. */
    public String targetAgent() {
        return targetAgent;
    }

    /** A description. */
    public String description() {
        return description;
    }

    /** The faults. */
    public List<Fault> faults() {
        return faults;
    }

    /** The abort conditions. */
    public List<AbortCondition> abortConditions() {
        return abortConditions;
    }

    /** How long it runs. */
    public Duration duration() {
        return duration;
    }

    /** Share of sessions in scope. */
    public double blastRadius() {
        return blastRadius;
    }

    /** The random seed. */
    public long seed() {
        return seed;
    }

    /** When it started, or null. */
    public Instant startedAt() {
        long s = startedAtMillis;
        return s == Long.MIN_VALUE ? null : Instant.ofEpochMilli(s);
    }

    /** When it ended, or null. */
    public Instant endedAt() {
        long e = endedAtMillis;
        return e == Long.MIN_VALUE ? null : Instant.ofEpochMilli(e);
    }

    /** From the end of the experiment to the first successful wrapped call after it; null until then. */
    public Duration recoveryTime() {
        long end = endedAtMillis;
        long first = firstSuccessAfterEndMillis;
        return end == Long.MIN_VALUE || first == Long.MIN_VALUE ? null : Duration.ofMillis(Math.max(0, first - end));
    }

    @Override
    public String toString() {
        return "ChaosExperiment{" + name + ", " + state.get() + ", " + faults.size() + " faults}";
    }

    // ------------------------------------------------------------------ used by the injector

    Clock clock() {
        return clock;
    }

    Sleeper sleeper() {
        return sleeper;
    }

    /** Whether faults may be injected now; ends the experiment when its duration has elapsed. */
    boolean isRunning() {
        if (!running) {
            return false;
        }
        long end = startedAtMillis + duration.toMillis();
        if (clock.millis() >= end) {
            end(ExperimentState.COMPLETED, "duration of " + Durations.format(duration) + " elapsed", end);
            return false;
        }
        return true;
    }

    void injected(String target, Fault fault, long callId, String detail) {
        faultsInjected.increment();
        eventBus.publish(new FaultInjected(clock.instant(), targetAgent, name, target, fault.type(), callId, detail));
    }

    void attackPlanted(long callId, String target, AttackCorpus.Attack attack) {
        if (attacks.size() < MAX_ATTACKS) {
            attacks.putIfAbsent(callId, new InjectedAttack(callId, clock.instant(), target, attack, null));
        }
    }

    /** Self-measured abort check after a wrapped call. */
    void afterCall() {
        if (abortConditions.isEmpty() || metrics.calls.sum() < MINIMUM_CALLS_FOR_ABORT || !running) {
            return;
        }
        for (AbortCondition condition : abortConditions) {
            double value = measured(condition.metric());
            if (!Double.isNaN(value) && condition.isMet(value)) {
                abortReason = condition.describe(value);
                end(ExperimentState.ABORTED, abortReason, clock.millis());
                return;
            }
        }
    }

    /** Runs a call outside the experiment, noting the first success after it ended (recovery time). */
    <T> T measureAfterEnd(Callable<T> call) throws Exception {
        T result = call.call();
        if (endedAtMillis != Long.MIN_VALUE && firstSuccessAfterEndMillis == Long.MIN_VALUE) {
            firstSuccessAfterEndMillis = clock.millis();
        }
        return result;
    }

    private boolean end(ExperimentState to, String reason, long at) {
        ExperimentState from = state.get();
        if (from != ExperimentState.RUNNING || !state.compareAndSet(ExperimentState.RUNNING, to)) {
            return false;
        }
        running = false;
        endedAtMillis = at;
        publish(from, to, reason, at);
        return true;
    }

    private void publish(ExperimentState from, ExperimentState to, String reason, long at) {
        eventBus.publish(new ExperimentStateChanged(Instant.ofEpochMilli(at), targetAgent, name, from, to, reason));
    }

    /** What the experiment measures on wrapped calls. */
    static final class Metrics {
        final LongAdder calls = new LongAdder();
        final LongAdder successes = new LongAdder();
        final RollingHistogram latency = new RollingHistogram(Long.MAX_VALUE / 4, 1);
        final DoubleAdder cost = new DoubleAdder();
        final AtomicLong costCalls = new AtomicLong();

        void recordCall(boolean success, long millis) {
            calls.increment();
            if (success) {
                successes.increment();
            }
            latency.record(0, Math.max(0, millis), true);
        }

        void recordCost(double usd) {
            cost.add(usd);
            costCalls.incrementAndGet();
        }

        double successRate() {
            long n = calls.sum();
            return n == 0 ? Double.NaN : (double) successes.sum() / n;
        }

        double p95() {
            return latency.read(0.95, Long.MAX_VALUE / 4, 0).quantile();
        }

        double costPerCall() {
            long n = costCalls.get();
            return n == 0 ? Double.NaN : cost.sum() / n;
        }
    }

    /** Builder for {@link ChaosExperiment}. */
    public static final class Builder {
        private final String name;
        private String targetAgent;
        private String description;
        private final List<Fault> faults = new ArrayList<>();
        private final List<AbortCondition> abortConditions = new ArrayList<>();
        private Duration duration = Duration.ofMinutes(30);
        private double blastRadius = 1.0;
        private long seed = 42;
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.SYSTEM;
        private SreEventBus eventBus;

        private Builder(String name) {
            this.name = name;
        }

        /** The agent under test. */
        public Builder targetAgent(String agentId) {
            this.targetAgent = Check.notBlank("targetAgent", agentId);
            return this;
        }

        /** A description. */
        public Builder description(String description) {
            this.description = description;
            return this;
        }

        /** Adds a fault. */
        public Builder fault(Fault fault) {
            faults.add(Check.notNull("fault", fault));
            return this;
        }

        /** Replaces every fault (used by progressive severity). */
        public Builder faults(List<Fault> faults) {
            this.faults.clear();
            faults.forEach(this::fault);
            return this;
        }

        /** Adds an abort condition. */
        public Builder abortCondition(AbortCondition condition) {
            abortConditions.add(Check.notNull("abortCondition", condition));
            return this;
        }

        /** How long it runs (default 30 min). */
        public Builder duration(Duration duration) {
            this.duration = duration;
            return this;
        }

        /** Share of sessions in scope, in (0, 1] (default 1). */
        public Builder blastRadius(double share) {
            this.blastRadius = share;
            return this;
        }

        /** The random seed (default 42): the same seed injects the same faults into the same call ids. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The clock. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** How latency and timeouts wait (default: real sleeps). */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = sleeper;
            return this;
        }

        /** Where events are published. */
        public Builder eventBus(SreEventBus eventBus) {
            this.eventBus = eventBus;
            return this;
        }

        List<Fault> currentFaults() {
            return List.copyOf(faults);
        }

        /** Validates and builds. */
        public ChaosExperiment build() {
            return new ChaosExperiment(this);
        }
    }
}
