package dev.agentsre.delivery;

import dev.agentsre.AgentSre;
import dev.agentsre.cost.BudgetAction;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.delivery.stats.ErrorCountTest;
import dev.agentsre.delivery.stats.MixtureSprt;
import dev.agentsre.delivery.stats.SequentialResult;
import dev.agentsre.event.AgentQuarantined;
import dev.agentsre.event.CostAlertRaised;
import dev.agentsre.event.RolloutRolledBack;
import dev.agentsre.event.RolloutStateChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.event.TaskRefused;
import dev.agentsre.internal.Check;
import dev.agentsre.internal.Money;
import dev.agentsre.internal.OrderedEvents;
import dev.agentsre.internal.Throwables;
import dev.agentsre.replay.TraceCapture;
import dev.agentsre.slo.Comparison;
import dev.agentsre.time.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.ToDoubleBiFunction;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A progressive rollout of one agent from a baseline version to a candidate, inside the process:
 * shadow steps that run the candidate on copies of real requests, canary steps that give it a sticky
 * share of sessions, pauses, gates judged when a step's clock-enforced duration is over, and rollback
 * triggers checked all the way through — including sequential tests that stay valid when looked at
 * after every request.
 *
 * <pre>{@code
 * AgentRollout<Question, Answer> rollout = AgentRollout.<Question, Answer>builder("support-bot-v4")
 *         .agent("support-bot")
 *         .baseline("v3", v3)                         // AgentVersion: (request, calls) -> answer
 *         .candidate("v4", v4)
 *         .routingKey(Question::sessionId)
 *         .steps(RolloutStep.shadow(1.0).duration("1h").gate(Gate.atLeast("similarity", 0.9)),
 *                RolloutStep.canary(0.05).duration("2h").gate(Gate.maxIncrease("cost_per_task", 0.20)),
 *                RolloutStep.canary(0.25).duration("4h"),
 *                RolloutStep.canary(1.0))
 *         .rollbackOn(RollbackTrigger.burnRateAbove(5.0), RollbackTrigger.sequentialRegression("error_rate"))
 *         .comparator(OutputComparator.json("requestId")).noiseFloor(0.05)
 *         .shadowBudget(5.00)
 *         .freeze(DeploymentFreeze.of(sre)).eventBus(bus).clock(clock).scheduler(scheduler)
 *         .build();
 * rollout.start();                       // DeploymentFrozenException under a freeze
 * Answer a = rollout.call(question);     // routed, served, shadowed, recorded
 * }</pre>
 *
 * <p><b>States.</b> PENDING → (SHADOW | CANARY | PAUSED)* → PROMOTED, or ROLLED_BACK, ABORTED. Every
 * transition publishes a {@link RolloutStateChanged} (a rollback: {@link RolloutRolledBack}, with the
 * {@link Evidence}), in the order of the transitions, never under the rollout's lock.
 *
 * <p><b>Routing.</b> A call's routing key (its session id: {@link #call(String, Object)}, or
 * {@link Builder#routingKey} of the request) is hashed with the rollout's name into a bucket; the
 * candidate serves a key while its bucket is below the step's weight. The decision is deterministic
 * (every JVM, every restart), sticky (a session stays on its version within a step) and monotone (a
 * session in the canary at 5 % is still in it at 25 %). After a rollback or abort every call goes to
 * the baseline; after promotion to the candidate. A call without a key is routed by a random draw and
 * counted as unkeyed. {@link #route} is the decision alone: under 100 ns, no allocation.
 *
 * <p><b>Shadow.</b> In a shadow step the baseline serves every call. For the sampled share, its run is
 * recorded ({@link TraceCapture}); then the candidate runs on a copy of the request on the shadow
 * executor — after the baseline has answered, so it can neither delay nor fail the answer — at most
 * {@code maxShadowConcurrency} at a time (more are skipped, never queued). The candidate's tool calls
 * and delegations are served from the baseline's recording of the same request (matched by name and
 * arguments) and never run; a call the baseline did not make gets a
 * {@link ShadowToolNotRecordedException}. Its model calls go live, and their cost is charged to the
 * shadow budget: the scope {@code shadow:<rollout name>} of a {@link CostGuard} (a dedicated one made by
 * {@link Builder#shadowBudget(double)}, or yours, {@link Builder#shadowCostGuard}); when the scope has
 * no room, shadows are skipped. A shadow is not a production task: it does not pass the pipeline's
 * guards and is not counted in the agent's SLOs or budgets. Outputs are compared by the
 * {@link OutputComparator}; with a {@link Builder#noiseFloor noise floor} a sample of requests also runs
 * the baseline a second time the same way, and the {@code similarity} metric is the candidate's
 * similarity divided by that A/A similarity, so a model's own non-determinism is not called a
 * regression. A shadow that does not finish within the shadow timeout counts as a candidate failure.
 *
 * <p><b>Steps, gates, triggers.</b> A step advances when its duration has elapsed by the clock, every
 * cohort with traffic has its minimum samples and every gate passes; a failing gate rolls back; a gate
 * that cannot be decided within the step's maximum duration makes it inconclusive
 * ({@link InconclusiveAction}). Triggers are checked on every evaluation and, for the ones that can
 * change with a single call, at once: a candidate error checks the burn-rate and error triggers, a
 * signal the signal triggers, a finished shadow the paired tests. A sequential trigger's α is split
 * evenly over the steps that carry candidate traffic (Bonferroni), so the whole rollout rolls back a
 * healthy candidate with probability at most α per trigger. {@link #evaluate()} runs at most once per
 * {@code evaluationInterval} after calls, on every tick of the optional scheduler, and when called.
 *
 * <p><b>Error-budget policy.</b> While the {@link DeploymentFreeze} says the agent is frozen,
 * {@link #start()}, {@link #promote()}, {@link #promoteFully()} and resuming a frozen pause throw
 * {@link DeploymentFrozenException}, and a step that is ready to advance pauses
 * ({@link PauseReason#FROZEN}) until the freeze lifts. {@link #abort} and {@link #rollback} always work.
 *
 * <p><b>Signals.</b> A candidate that runs as its own agent through {@link AgentSre} (an agent id other
 * than the baseline's) has its events attributed: an {@link AgentQuarantined} is a {@code quarantine}
 * signal, a cost alert with action ANOMALY a {@code cost_anomaly}, a {@link TaskRefused} with reason
 * {@code capability} or {@code policy} a {@code policy_violation}. Anything else:
 * {@link #recordSignal}.
 *
 * <p><b>Threads.</b> Thread-safe. No thread ever sleeps; time comes from the clock and the optional
 * scheduler. User code (versions, scorers, comparators, judges, listeners) never runs under the
 * rollout's lock. A failure in recording, comparing or evaluating is logged and never reaches the
 * caller, whose call returns (or throws) exactly what the serving version returned (or threw).
 *
 * <p><b>Cost.</b> Routing is a hash of the key (see {@link #route}). A canary call adds the routing,
 * two clock reads, one cohort update under an uncontended lock and two counter increments — well
 * under 500 ns — plus one small object for metering. A shadowed call additionally records the
 * baseline's calls as JSON (a few µs per call).
 *
 * <p><b>Memory.</b> Fixed by the configuration, not by traffic: per step two cohorts (moments per
 * metric and a 5 KiB latency histogram) and, for shadow steps, the paired moments; two burn-rate rings
 * of 61 one-minute buckets; at most {@code maxShadowConcurrency} shadows in flight, each holding one
 * recorded request of at most {@code maxShadowSteps} steps.
 *
 * @param <Req> the request
 * @param <Res> the answer
 */
public final class AgentRollout<Req, Res> implements AutoCloseable {

    /** Default minimum time between evaluations triggered by calls. */
    public static final Duration DEFAULT_EVALUATION_INTERVAL = Duration.ofSeconds(1);
    /** Default cap on shadows running at once. */
    public static final int DEFAULT_MAX_SHADOW_CONCURRENCY = 4;
    /** Default time after which an unfinished shadow counts as a candidate failure. */
    public static final Duration DEFAULT_SHADOW_TIMEOUT = Duration.ofSeconds(30);
    /** Default cap on the recorded steps of one shadowed baseline run. */
    public static final int DEFAULT_MAX_SHADOW_STEPS = 1_000;
    /** Default SLO target the candidate cohort's burn rate is measured against. */
    public static final double DEFAULT_SLO_TARGET = 0.99;
    /** Default number of consecutive failed measurements of a score after which its gates fail (Argo's default). */
    public static final int DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;
    /** A/A comparisons needed before the noise-adjusted similarity has a value. */
    public static final long NOISE_FLOOR_MIN_SAMPLES = 10;

    private static final Logger LOG = LoggerFactory.getLogger(AgentRollout.class);

    private final String name;
    private final String agentId;
    private final VersionRunner<Req, Res> baseline;
    private final VersionRunner<Req, Res> candidate;
    private final List<RolloutStep> steps;
    private final List<RollbackTrigger> triggers;
    private final List<RollbackTrigger> errorTriggers;
    private final List<RollbackTrigger> signalTriggers;
    private final boolean automaticRollback;
    private final InconclusiveAction onInconclusive;
    private final Function<? super Req, String> routingKey;
    private final double noiseFloorRate;
    private final List<Scorer<Req, Res>> scorers;
    private final MetricLayout layout;
    private final Analysis analysis;
    private final DeploymentFreeze freeze;
    private final ExecutorService ownedExecutor;
    private final CostGuard shadowGuard;
    private final String shadowScope;
    private final PriceTable prices;
    private final Shadows<Req, Res> shadows;
    private final long evaluationIntervalMillis;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final SreEventBus eventBus;
    private final OrderedEvents events;
    private final long seed;

    private final ReentrantLock transitions = new ReentrantLock();
    /** Set while one thread evaluates; a flag, not a lock, so that no lock is held while listeners run. */
    private final AtomicBoolean evaluating = new AtomicBoolean();
    private volatile Phase phase = Phase.PENDING;
    private volatile Evidence evidence;
    private final AtomicLong nextEvaluation = new AtomicLong(Long.MIN_VALUE);
    private final LongAdder baselineCalls = new LongAdder();
    private final LongAdder candidateCalls = new LongAdder();
    private final LongAdder unkeyed = new LongAdder();
    private final List<SreEventBus.Subscription> subscriptions = new ArrayList<>();
    private final AtomicBoolean failureLogged = new AtomicBoolean();
    private volatile ScheduledFuture<?> tick;
    private volatile boolean closed;

    private AgentRollout(Builder<Req, Res> b) {
        this.name = b.name;
        this.clock = b.clock;
        this.eventBus = b.eventBus == null ? new SreEventBus() : b.eventBus;
        this.events = new OrderedEvents(eventBus);
        if (b.baseline == null) {
            throw new IllegalArgumentException("baseline is required: the version in production now");
        }
        if (b.candidate == null) {
            throw new IllegalArgumentException("candidate is required: the version being rolled out");
        }
        if (b.baseline.version.equals(b.candidate.version)) {
            throw new IllegalArgumentException("the candidate's version name must differ from the baseline's, both are '"
                    + b.baseline.version + "'");
        }
        String agent = b.agentId != null ? b.agentId : b.baseline.agentId;
        if (agent == null) {
            throw new IllegalArgumentException("agent is required (the agent being rolled out) unless the baseline runs through AgentSre");
        }
        this.agentId = agent;
        this.baseline = new VersionRunner<>(b.baseline.version, b.baseline.body, b.baseline.sre, b.baseline.agentId, name);
        this.candidate = new VersionRunner<>(b.candidate.version, b.candidate.body, b.candidate.sre, b.candidate.agentId, name);
        if (b.steps.isEmpty()) {
            throw new IllegalArgumentException("steps are required: at least one shadow, canary or pause step");
        }
        this.layout = new MetricLayout(b.scoreDirections, b.signals);
        this.noiseFloorRate = b.noiseFloorRate;
        this.steps = resolveSteps(b.steps);
        this.triggers = List.copyOf(b.triggers);
        validateTriggers();
        this.errorTriggers = triggers.stream().filter(t -> t.kind() == RollbackTrigger.Kind.BURN_RATE
                || MetricLayout.isErrorMetric(t.metric()) || t.metric().equals(RolloutMetrics.ERROR_BUDGET_BURN_RATE)).toList();
        this.signalTriggers = triggers.stream().filter(t -> t.kind() == RollbackTrigger.Kind.SIGNAL
                || t.kind() == RollbackTrigger.Kind.THRESHOLD && layout.signalSlot(t.metric()) >= 0 && layout.scoreSlot(t.metric()) < 0).toList();
        this.automaticRollback = b.automaticRollback;
        this.onInconclusive = b.onInconclusive;
        this.routingKey = b.routingKey;
        this.scorers = List.copyOf(b.scorers);
        int trafficSteps = (int) steps.stream().filter(s -> s.kind() != RolloutStep.Kind.PAUSE).count();
        this.analysis = new Analysis(layout, noiseFloorRate > 0, NOISE_FLOOR_MIN_SAMPLES, b.effectSize, b.burnIn, b.concentration,
                b.sloTarget, trafficSteps, b.consecutiveErrorLimit);
        this.freeze = b.freeze;
        boolean shadowSteps = steps.stream().anyMatch(s -> s.kind() == RolloutStep.Kind.SHADOW);
        Executor shadowExecutor;
        if (b.shadowExecutor != null || !shadowSteps) {
            this.ownedExecutor = null;
            shadowExecutor = b.shadowExecutor == null ? Runnable::run : b.shadowExecutor; // unused without shadow steps
        } else {
            this.ownedExecutor = Executors.newFixedThreadPool(b.maxShadowConcurrency, daemonThreads("agentsre-shadow-" + name));
            shadowExecutor = ownedExecutor;
        }
        AgentSre contextSource = b.baseline.sre != null ? b.baseline.sre : b.candidate.sre;
        if (contextSource != null && shadowSteps) {
            // the shadow runs with the caller's thread-bound context (a tracing span) of its pipeline's guards
            Executor plain = shadowExecutor;
            shadowExecutor = work -> plain.execute(contextSource.propagate(work));
        }
        this.shadowScope = "shadow:" + name;
        if (b.shadowGuard != null) {
            this.shadowGuard = b.shadowGuard;
        } else if (b.shadowBudgetUsd != null) {
            this.shadowGuard = CostGuard.builder().perAgentDailyLimit(b.shadowBudgetUsd).clock(clock).eventBus(eventBus)
                    .priceTable(b.prices == null ? PriceTable.defaults() : b.prices).build();
        } else {
            this.shadowGuard = null;
        }
        this.prices = b.prices != null ? b.prices : shadowGuard != null && shadowGuard.priceTable() != null ? shadowGuard.priceTable()
                : PriceTable.defaults();
        this.shadows = new Shadows<>(new ShadowHost(), agentId, baseline, candidate, b.copier, b.comparator, noiseFloorRate, layout,
                shadowExecutor, b.maxShadowConcurrency, b.shadowTimeout.toMillis(), b.maxShadowSteps, shadowGuard, shadowScope,
                b.shadowEstimate, prices, clock);
        this.evaluationIntervalMillis = b.evaluationInterval.toMillis();
        this.scheduler = b.scheduler;
        this.seed = Routing.seed(name);
        subscribeToCandidateSignals();
    }

    /** Starts a builder for a rollout named {@code name} (also the routing salt: rename it and every session is re-bucketed). */
    public static <Req, Res> Builder<Req, Res> builder(String name) {
        return new Builder<>(Check.notBlank("name", name));
    }

    /** A builder with the name, agent, steps and rollback triggers of {@code spec}; add the versions and build. */
    public static <Req, Res> Builder<Req, Res> builder(AgentRolloutSpec spec) {
        Check.notNull("spec", spec);
        Builder<Req, Res> b = new Builder<>(spec.name());
        if (spec.agent() != null) {
            b.agent(spec.agent());
        }
        b.steps.addAll(spec.steps());
        b.triggers.addAll(spec.rollbackOn());
        b.automaticRollback = spec.automaticRollback();
        return b;
    }

    // ------------------------------------------------------------------ serving

    /**
     * Serves {@code request} with the version its routing key is routed to (the key from
     * {@link Builder#routingKey}; none configured: a random draw per call).
     *
     * @throws Exception what the serving version threw, unchanged
     */
    public Res call(Req request) throws Exception {
        return call(routingKey == null ? null : routingKey.apply(request), request);
    }

    /**
     * Serves {@code request} for the session {@code routingKey}: routes, serves, shadows when the step
     * says so, records, and evaluates at most once per evaluation interval. Never throws for anything
     * but the serving version's own failure.
     *
     * @param routingKey the session id (or user id, ...); {@code null} routes by a random draw
     * @throws Exception what the serving version threw, unchanged
     */
    public Res call(String routingKey, Req request) throws Exception {
        Phase p = phase;
        long bucket;
        if (routingKey == null) {
            unkeyed.increment();
            bucket = ThreadLocalRandom.current().nextLong() >>> 1;
        } else {
            bucket = Routing.bucket(seed, routingKey);
        }
        StepRun run = p.running() ? p.run : null;
        VersionRunner.Observation outcome;
        if (Routing.inside(bucket, p.candidateThreshold)) {
            outcome = serve(Variant.CANDIDATE, run, request);
        } else if (p.shadowThreshold != Routing.NONE && Routing.inside(bucket, p.shadowThreshold) && run != null && run.shadow != null) {
            outcome = shadows.serve(run, request);
        } else {
            outcome = serve(Variant.BASELINE, run, request);
        }
        afterCall();
        if (outcome.failure != null) {
            throw Throwables.<Exception>sneakyThrow(outcome.failure);
        }
        @SuppressWarnings("unchecked")
        Res value = (Res) outcome.value;
        return value;
    }

    /**
     * The version that serves {@code routingKey} now: a pure, allocation-free read (no counting, no
     * recording). For a routing guard that serves the variant itself and reports with {@link #recordOutcome}.
     * A shadow step routes every key to the baseline; a {@code null} key is routed by a random draw.
     */
    public Variant route(String routingKey) {
        Phase p = phase;
        long bucket = routingKey == null ? ThreadLocalRandom.current().nextLong() >>> 1 : Routing.bucket(seed, routingKey);
        return Routing.inside(bucket, p.candidateThreshold) ? Variant.CANDIDATE : Variant.BASELINE;
    }

    /**
     * Records the outcome of a call served outside {@link #call} (by a routing guard that used
     * {@link #route}) into the current step, counts it, and evaluates when due.
     *
     * @throws IllegalArgumentException for a null variant or latency, a negative latency, a NaN or negative cost, or negative tokens
     */
    public void recordOutcome(Variant variant, boolean success, Duration latency, double costUsd, long tokens) {
        Check.notNull("variant", variant);
        Check.notNull("latency", latency);
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative, got " + latency);
        }
        long costNanos = Money.toNanos("costUsd", costUsd);
        Check.nonNegative("tokens", tokens);
        (variant == Variant.CANDIDATE ? candidateCalls : baselineCalls).increment();
        Phase p = phase;
        if (p.running()) {
            record(p.run, variant, new VersionRunner.Observation(null, success ? null : RECORDED_FAILURE, latency.toNanos() / 1e6,
                    costNanos, tokens), null);
        }
        afterCall();
    }

    /**
     * Records a quality score of an answer given later (human feedback, an offline judge) into the
     * current step's cohort of {@code variant}.
     *
     * @throws IllegalArgumentException for an undeclared score or a non-finite value
     */
    public void recordScore(Variant variant, String metric, double value) {
        Check.notNull("variant", variant);
        int slot = layout.scoreSlot(Check.notBlank("metric", metric));
        if (slot < 0) {
            throw new IllegalArgumentException("metric '" + metric + "' is not a declared score; declared: " + layout.scores());
        }
        Check.finite("value", value);
        Phase p = phase;
        if (p.running()) {
            (variant == Variant.CANDIDATE ? p.run.candidate : p.run.baseline).recordScore(slot, value);
        }
    }

    /**
     * Attributes a signal (a policy violation, a cost anomaly, ...) to {@code variant} in the current
     * step; signal triggers of the candidate are checked at once.
     *
     * @throws IllegalArgumentException for a signal that is neither built in nor declared ({@link Builder#signal})
     */
    public void recordSignal(Variant variant, String signal) {
        Check.notNull("variant", variant);
        int slot = layout.signalSlot(Check.notBlank("signal", signal));
        if (slot < 0) {
            throw new IllegalArgumentException("signal '" + signal + "' is neither built in nor declared; known: " + layout.signals());
        }
        Phase p = phase;
        if (!p.running()) {
            return;
        }
        (variant == Variant.CANDIDATE ? p.run.candidate : p.run.baseline).recordSignal(slot);
        if (variant == Variant.CANDIDATE) {
            checkTriggers(p.run, signalTriggers);
        }
    }

    private VersionRunner.Observation serve(Variant variant, StepRun run, Req request) {
        VersionRunner<Req, Res> runner = variant == Variant.CANDIDATE ? candidate : baseline;
        (variant == Variant.CANDIDATE ? candidateCalls : baselineCalls).increment();
        VersionRunner.Observation outcome = runner.serve(request, null, prices, clock);
        if (run != null) {
            record(run, variant, outcome, scores(request, outcome));
        }
        return outcome;
    }

    /** Records one served call into {@code run}; never throws. */
    private void record(StepRun run, Variant variant, VersionRunner.Observation outcome, double[] scores) {
        try {
            Cohort cohort = variant == Variant.CANDIDATE ? run.candidate : run.baseline;
            cohort.record(outcome.ok(), outcome.latencyMs, outcome.costUsd(), outcome.tokens);
            recordScores(cohort, scores);
            long now = clock.millis();
            (variant == Variant.CANDIDATE ? analysis.candidateBurn : analysis.baselineBurn).record(now, !outcome.ok());
            if (variant == Variant.CANDIDATE && !outcome.ok() && !errorTriggers.isEmpty()) {
                checkTriggers(run, errorTriggers);
            }
        } catch (RuntimeException e) {
            logFailure("recording a call", e);
        }
    }

    private void recordScores(Cohort cohort, double[] scores) {
        if (scores == null) {
            return;
        }
        for (int i = 0; i < scores.length; i++) {
            int slot = layout.scoreSlot(scorers.get(i).metric);
            if (scores[i] == Scorer.ERROR) {
                cohort.recordScoreError(slot);
            } else if (!Double.isNaN(scores[i])) {
                cohort.recordScore(slot, scores[i]);
            }
        }
    }

    /** The scorers' values for an answer ({@link Scorer#ERROR} where one failed, NaN for a failed answer), or null when there are none. */
    private double[] scores(Req request, VersionRunner.Observation outcome) {
        if (scorers.isEmpty()) {
            return null;
        }
        double[] values = new double[scorers.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = outcome.ok() ? scorers.get(i).score(request, outcome.value) : Double.NaN;
        }
        return values;
    }

    private void afterCall() {
        long now = clock.millis();
        long next = nextEvaluation.get();
        if (now >= next && nextEvaluation.compareAndSet(next, now + evaluationIntervalMillis) && evaluating.compareAndSet(false, true)) {
            try {
                evaluateOnce();
            } catch (RuntimeException e) {
                logFailure("evaluating", e);
            } finally {
                evaluating.set(false);
            }
        }
    }

    /** What the shadows call back into; an inner class so that none of it is public. */
    private final class ShadowHost implements Shadows.Host<Req> {
        @Override
        public VersionRunner.Observation serveBaseline(StepRun run, Req request) {
            return serve(Variant.BASELINE, run, request);
        }

        @Override
        public void countBaseline() {
            baselineCalls.increment();
        }

        @Override
        public double[] scores(Req request, VersionRunner.Observation outcome) {
            return AgentRollout.this.scores(request, outcome);
        }

        @Override
        public void record(StepRun run, Variant variant, VersionRunner.Observation outcome, double[] scores) {
            AgentRollout.this.record(run, variant, outcome, scores);
        }

        @Override
        public void recordScores(Cohort cohort, double[] scores) {
            AgentRollout.this.recordScores(cohort, scores);
        }

        @Override
        public int scoreSlot(int scorer) {
            return layout.scoreSlot(scorers.get(scorer).metric);
        }

        @Override
        public void shadowFinished() {
            Phase p = phase;
            if (p.running()) {
                checkTriggers(p.run, triggers);
            }
        }

        @Override
        public void logFailure(String what, Throwable e) {
            AgentRollout.this.logFailure(what, e);
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Starts the first step.
     *
     * @throws IllegalStateException if the rollout is not PENDING
     * @throws DeploymentFrozenException if deployments of the agent are frozen
     */
    public void start() {
        transitions.lock();
        try {
            Phase p = phase;
            if (p.state != RolloutState.PENDING) {
                throw new IllegalStateException("rollout '" + name + "' is " + p.state + "; start() works once, from PENDING");
            }
            if (frozen()) {
                throw new DeploymentFrozenException(agentId, "rollout '" + name + "' cannot start: deployments of agent '" + agentId
                        + "' are frozen (an SLO with FREEZE_DEPLOYMENTS is exhausted)");
            }
            StepRun run = StepRun.start(0, steps.get(0), clock.millis(), null, layout);
            set(p, enter(run), "started: step 0, " + run.step);
        } finally {
            transitions.unlock();
        }
        events.drain();
        scheduleTick();
    }

    /**
     * Holds the rollout at its current traffic split until {@link #resume()}. A paused rollout still
     * records calls and still rolls back when a trigger fires. No-op when already paused.
     *
     * @throws IllegalStateException when not in a step
     */
    public void pause() {
        transitions.lock();
        try {
            Phase p = phase;
            if (p.state == RolloutState.PAUSED) {
                return;
            }
            requireInStep(p, "pause()");
            set(p, new Phase(RolloutState.PAUSED, PauseReason.MANUAL, p.run), "paused by hand");
        } finally {
            transitions.unlock();
        }
        events.drain();
    }

    /**
     * Continues after a manual, inconclusive or trigger pause (an inconclusive step gets a new maximum
     * duration); after a freeze pause, advances if the freeze has lifted.
     *
     * @throws IllegalStateException when not paused, or paused on a pause step (use {@link #promote()})
     * @throws DeploymentFrozenException when resuming a freeze pause while still frozen
     */
    public void resume() {
        Phase p = phase;
        if (p.state == RolloutState.PAUSED && p.pauseReason == PauseReason.FROZEN) {
            advance(p, clock.millis(), "resumed by hand", true);
            return;
        }
        transitions.lock();
        try {
            p = phase;
            if (p.state != RolloutState.PAUSED) {
                throw new IllegalStateException("rollout '" + name + "' is " + p.state + ", not paused");
            }
            if (p.pauseReason == PauseReason.STEP) {
                throw new IllegalStateException("rollout '" + name + "' is at pause step " + p.run.index + ", which waits for promote()");
            }
            if (p.pauseReason == PauseReason.FROZEN) {
                throw new IllegalStateException("rollout '" + name + "' changed while resuming; try again");
            }
            p.run.overdueFrom = clock.millis();
            set(p, enter(p.run), "resumed by hand (was " + p.pauseReason + ")");
        } finally {
            transitions.unlock();
        }
        events.drain();
    }

    /**
     * Advances to the next step now, whatever the current step's duration and gates say (a person's
     * decision); after the last step, promotes.
     *
     * @throws IllegalStateException when not in a step
     * @throws DeploymentFrozenException while deployments of the agent are frozen
     */
    public void promote() {
        while (true) {
            Phase p = phase;
            requireInStep(p, "promote()");
            if (advance(p, clock.millis(), "promoted by hand", true)) {
                return;
            }
            // the phase moved under us (a step advanced, a pause, a trigger): decide again on the new one
        }
    }

    /**
     * Skips the remaining steps: every call goes to the candidate.
     *
     * @throws IllegalStateException when not in a step
     * @throws DeploymentFrozenException while deployments of the agent are frozen
     */
    public void promoteFully() {
        transitions.lock();
        try {
            Phase p = phase;
            requireInStep(p, "promoteFully()");
            requireNotFrozen("promoteFully()");
            set(p, new Phase(RolloutState.PROMOTED, null, p.run), "promoted fully by hand from step " + p.run.index);
        } finally {
            transitions.unlock();
        }
        events.drain();
    }

    /**
     * Rolls back by hand: every session goes to the baseline on its next call. Works in every
     * non-terminal state, frozen or not.
     *
     * @return whether the rollout was rolled back (false when it had already ended)
     */
    public boolean rollback(String reason) {
        return rollbackNow(new Evidence(Evidence.MANUAL, null, "rolled back by hand: " + Check.notNull("reason", reason), Map.of()));
    }

    /**
     * Stops the rollout by hand: every session goes to the baseline on its next call. Works in every
     * non-terminal state, frozen or not.
     *
     * @return whether the rollout was aborted (false when it had already ended)
     */
    public boolean abort(String reason) {
        Check.notNull("reason", reason);
        transitions.lock();
        try {
            Phase p = phase;
            if (p.state.isTerminal()) {
                return false;
            }
            set(p, new Phase(RolloutState.ABORTED, null, p.run), "aborted: " + reason);
        } finally {
            transitions.unlock();
        }
        events.drain();
        cancelTick();
        return true;
    }

    /**
     * Checks the triggers, expires overdue shadows, and advances, rolls back or pauses the current step
     * as its duration, samples and gates say. Runs by itself after calls (at most once per evaluation
     * interval) and on the scheduler's ticks. When another thread is evaluating at that moment, this
     * call returns without evaluating again.
     *
     * @return the state afterwards
     */
    public RolloutState evaluate() {
        if (evaluating.compareAndSet(false, true)) {
            try {
                evaluateOnce();
            } finally {
                evaluating.set(false);
            }
        }
        return phase.state;
    }

    private void evaluateOnce() {
        Phase p = phase;
        if (!p.running()) {
            return;
        }
        long now = clock.millis();
        shadows.expire(now);
        if (checkTriggers(p.run, triggers)) {
            return;
        }
        p = phase;
        if (!p.running()) {
            return;
        }
        StepRun run = p.run;
        RolloutStep step = run.step;
        if (p.state == RolloutState.PAUSED) {
            if (p.pauseReason == PauseReason.FROZEN && !frozen()) {
                advance(p, now, "the deployment freeze lifted", false);
            } else if (p.pauseReason == PauseReason.STEP && step.duration().isPresent()
                    && now - run.startedMillis >= step.duration().get().toMillis()) {
                advance(p, now, "pause step " + run.index + " of " + Durations.format(step.duration().get()) + " elapsed", false);
            }
            return;
        }
        long elapsed = now - run.startedMillis;
        boolean timeUp = step.duration().map(d -> elapsed >= d.toMillis()).orElse(true);
        boolean sampled = run.hasSamples(step.minSamples());
        String waiting;
        if (timeUp && sampled) {
            List<GateResult> results = new ArrayList<>(step.gates().size());
            for (Gate gate : step.gates()) {
                results.add(analysis.judge(run, gate, now));
            }
            for (GateResult result : results) {
                if (result.outcome() == GateResult.Outcome.FAIL) {
                    Map<String, Double> values = new LinkedHashMap<>();
                    values.put("candidate", result.candidate());
                    values.put("baseline", result.baseline());
                    values.put("bound", result.gate().value());
                    values.put("candidate_samples", (double) run.candidateSamples());
                    fire(new Evidence(Evidence.GATE, result.gate().metric(), "gate " + result.gate() + " failed at the end of step "
                            + run.index + ": " + result.detail(), values));
                    return;
                }
            }
            if (results.stream().allMatch(r -> r.outcome() == GateResult.Outcome.PASS)) {
                advance(p, now, passed(run, elapsed, results), false);
                return;
            }
            waiting = results.stream().filter(r -> r.outcome() == GateResult.Outcome.PENDING).map(GateResult::detail).toList().toString();
        } else {
            waiting = !timeUp ? "the step's duration" : run.candidateSamples() + " candidate and " + run.baseline.calls()
                    + " baseline samples of " + step.minSamples();
        }
        if (step.maxDuration().isPresent() && now - run.overdueFrom >= step.maxDuration().get().toMillis()) {
            inconclusive(p, "step " + run.index + " could not be decided within " + Durations.format(step.maxDuration().get())
                    + ": waiting for " + waiting);
        }
    }

    private String passed(StepRun run, long elapsed, List<GateResult> results) {
        StringBuilder why = new StringBuilder("step " + run.index + " (" + run.step + ") passed after " + Durations.format(Duration.ofMillis(
                Math.max(0, elapsed))) + " with " + run.candidateSamples() + " candidate samples");
        for (GateResult r : results) {
            why.append("; ").append(r.detail());
        }
        return why.toString();
    }

    private void inconclusive(Phase p, String why) {
        if (onInconclusive == InconclusiveAction.ROLLBACK) {
            rollbackNow(new Evidence(Evidence.INCONCLUSIVE, null, why, Map.of()));
            return;
        }
        transitions.lock();
        try {
            if (phase != p) {
                return;
            }
            set(p, new Phase(RolloutState.PAUSED, PauseReason.INCONCLUSIVE, p.run), why);
        } finally {
            transitions.unlock();
        }
        events.drain();
    }

    /** Checks {@code which} triggers against {@code run}; acts on the first that fires. Never throws. */
    private boolean checkTriggers(StepRun run, List<RollbackTrigger> which) {
        if (which.isEmpty()) {
            return false;
        }
        Phase p = phase;
        if (!p.running() || p.state == RolloutState.PAUSED && p.pauseReason == PauseReason.TRIGGERED) {
            return false;
        }
        long now = clock.millis();
        for (RollbackTrigger trigger : which) {
            Evidence fired;
            try {
                fired = analysis.check(run, trigger, now);
            } catch (RuntimeException e) {
                logFailure("checking trigger " + trigger, e);
                continue;
            }
            if (fired != null) {
                fire(fired);
                return true;
            }
        }
        return false;
    }

    /** A trigger fired or a gate failed: roll back, or pause for a person when automatic rollback is off. */
    private void fire(Evidence fired) {
        if (automaticRollback) {
            rollbackNow(fired);
            return;
        }
        transitions.lock();
        try {
            Phase p = phase;
            if (!p.running() || p.state == RolloutState.PAUSED && p.pauseReason == PauseReason.TRIGGERED) {
                return;
            }
            evidence = fired;
            set(p, new Phase(RolloutState.PAUSED, PauseReason.TRIGGERED, p.run), "automatic rollback is off; " + fired.trigger() + ": "
                    + fired.summary());
        } finally {
            transitions.unlock();
        }
        events.drain();
    }

    private boolean rollbackNow(Evidence why) {
        transitions.lock();
        try {
            Phase p = phase;
            if (p.state.isTerminal()) {
                return false;
            }
            evidence = why;
            Phase next = new Phase(RolloutState.ROLLED_BACK, null, p.run);
            phase = next;
            events.enqueue(new RolloutRolledBack(clock.instant(), agentId, name, p.state, p.run == null ? -1 : p.run.index,
                    weightOf(p), why));
        } finally {
            transitions.unlock();
        }
        events.drain();
        cancelTick();
        return true;
    }

    /**
     * Moves past the current step: to the next one, or to PROMOTED after the last; under a freeze, a
     * manual move throws and an automatic one pauses (FROZEN).
     *
     * @return false when the phase changed meanwhile (nothing done)
     */
    private boolean advance(Phase p, long now, String why, boolean manual) {
        transitions.lock();
        boolean promoted = false;
        try {
            if (phase != p) {
                return false;
            }
            if (frozen()) {
                if (manual) {
                    throw new DeploymentFrozenException(agentId, "rollout '" + name + "' cannot advance: deployments of agent '" + agentId
                            + "' are frozen (an SLO with FREEZE_DEPLOYMENTS is exhausted)");
                }
                if (p.state == RolloutState.PAUSED && p.pauseReason == PauseReason.FROZEN) {
                    return false;
                }
                set(p, new Phase(RolloutState.PAUSED, PauseReason.FROZEN, p.run), why + "; deployments of agent '" + agentId
                        + "' are frozen, so it waits for the freeze to lift");
                return true;
            }
            int next = p.run.index + 1;
            if (next >= steps.size()) {
                set(p, new Phase(RolloutState.PROMOTED, null, p.run), why + "; promoted: every call goes to " + candidate.version);
                promoted = true;
            } else {
                StepRun run = StepRun.start(next, steps.get(next), now, p.run, layout);
                set(p, enter(run), why + "; now step " + next + ", " + run.step);
            }
        } finally {
            transitions.unlock();
            events.drain();
        }
        if (promoted) {
            cancelTick();
        }
        return true;
    }

    /** The phase of a step that has just started. */
    private static Phase enter(StepRun run) {
        return run.step.kind() == RolloutStep.Kind.PAUSE
                ? new Phase(RolloutState.PAUSED, PauseReason.STEP, run)
                : new Phase(run.state(), null, run);
    }

    /** Sets the phase and queues its event; the caller holds {@link #transitions} and drains after releasing it. */
    private void set(Phase from, Phase to, String reason) {
        phase = to;
        events.enqueue(new RolloutStateChanged(clock.instant(), agentId, name, from.state, to.state,
                to.running() ? to.run.index : -1, weightOf(to), to.pauseReason, reason));
    }

    private static double weightOf(Phase p) {
        if (p.state == RolloutState.PROMOTED) {
            return 1.0;
        }
        return p.running() ? p.run.servedWeight() : 0.0;
    }

    private void requireInStep(Phase p, String what) {
        if (!p.running()) {
            throw new IllegalStateException("rollout '" + name + "' is " + p.state + "; " + what + " needs a running step");
        }
    }

    private void requireNotFrozen(String what) {
        if (frozen()) {
            throw new DeploymentFrozenException(agentId, "rollout '" + name + "': " + what + " refused, deployments of agent '" + agentId
                    + "' are frozen (an SLO with FREEZE_DEPLOYMENTS is exhausted)");
        }
    }

    private boolean frozen() {
        return freeze.isFrozen(agentId);
    }

    private void scheduleTick() {
        if (scheduler == null || closed || phase.state.isTerminal()) {
            return;
        }
        try {
            tick = scheduler.schedule(this::onTick, evaluationIntervalMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            logFailure("scheduling the next evaluation", e);
        }
    }

    private void onTick() {
        try {
            evaluate();
        } catch (RuntimeException e) {
            logFailure("evaluating on the scheduler", e);
        } finally {
            scheduleTick();
        }
    }

    private void cancelTick() {
        ScheduledFuture<?> t = tick;
        if (t != null) {
            t.cancel(false);
        }
    }

    /**
     * Stops the scheduler ticks, unsubscribes from the event bus and shuts down the shadow executor the
     * rollout made for itself (not one you gave it). Calls still route by the current state.
     */
    @Override
    public void close() {
        closed = true;
        shadows.close();
        cancelTick();
        synchronized (subscriptions) {
            subscriptions.forEach(SreEventBus.Subscription::close);
            subscriptions.clear();
        }
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
        }
    }

    // ------------------------------------------------------------------ reads

    /** The state. */
    public RolloutState state() {
        return phase.state;
    }

    /** The rollout's name. */
    public String name() {
        return name;
    }

    /** The agent being rolled out. */
    public String agentId() {
        return agentId;
    }

    /** The steps, with threshold gates resolved to a direction. */
    public List<RolloutStep> steps() {
        return steps;
    }

    /** The rollback triggers. */
    public List<RollbackTrigger> triggers() {
        return triggers;
    }

    /** The event bus transitions are published on. */
    public SreEventBus eventBus() {
        return eventBus;
    }

    /** The cost scope shadows are charged to in the shadow cost guard: {@code shadow:<name>}. */
    public String shadowScope() {
        return shadowScope;
    }

    /** The cost guard shadows are charged to, or null when shadow spend is not budgeted. */
    public CostGuard shadowCostGuard() {
        return shadowGuard;
    }

    /** Calls {@code variant} served since the rollout was built. */
    public long calls(Variant variant) {
        return (Check.notNull("variant", variant) == Variant.CANDIDATE ? candidateCalls : baselineCalls).sum();
    }

    /** The rollout as it stands; a pure read. */
    public RolloutStatus status() {
        Phase p = phase;
        long now = clock.millis();
        StepRun run = p.run;
        boolean inStep = p.running();
        List<GateResult> gates = new ArrayList<>();
        Map<String, SequentialResult> tests = new LinkedHashMap<>();
        CohortSnapshot base = CohortSnapshot.EMPTY;
        CohortSnapshot cand = CohortSnapshot.EMPTY;
        ShadowSnapshot shadow = null;
        if (run != null) {
            base = run.baseline.snapshot();
            cand = run.candidate.snapshot();
            if (run.shadow != null) {
                shadow = shadowSnapshot(run.shadow);
            }
            if (inStep) {
                for (Gate gate : run.step.gates()) {
                    gates.add(analysis.judge(run, gate, now));
                }
                for (RollbackTrigger trigger : triggers) {
                    if (trigger.kind() == RollbackTrigger.Kind.SEQUENTIAL_REGRESSION) {
                        SequentialResult result = analysis.sequential(run, trigger.metric(), analysis.stepAlpha(trigger));
                        if (result != null) {
                            tests.put(trigger.metric(), result);
                        }
                    }
                }
            }
        }
        return new RolloutStatus(name, agentId, baseline.version, candidate.version, p.state, p.pauseReason, inStep ? run.index : -1,
                steps.size(), weightOf(p), inStep && run.mode == RolloutStep.Kind.SHADOW ? run.weight : 0.0,
                inStep ? Instant.ofEpochMilli(run.startedMillis) : null, inStep ? Duration.ofMillis(Math.max(0, now - run.startedMillis))
                : Duration.ZERO, base, cand, shadow, gates, tests, baselineCalls.sum(), candidateCalls.sum(), unkeyed.sum(), evidence);
    }

    private ShadowSnapshot shadowSnapshot(ShadowStats s) {
        var similarity = s.similarity();
        var floor = s.noiseFloor();
        return new ShadowSnapshot(s.selected.get(), s.started.get(), s.compared(), s.skippedBusy.get(), s.skippedBudget.get(),
                s.skippedRecording.get(), s.timeouts.get(), s.toolsNotRecorded.get(), s.comparatorErrors.get(), s.matchRate(),
                similarity.mean(), floor.mean(), floor.count(), analysis.adjustedSimilarity(s));
    }

    @Override
    public String toString() {
        Phase p = phase;
        return "AgentRollout[" + name + " " + baseline.version + " -> " + candidate.version + ", " + p.state
                + (p.pauseReason == null ? "" : " (" + p.pauseReason + ")") + (p.running() ? ", step " + p.run.index : "") + "]";
    }

    // ------------------------------------------------------------------ build-time checks

    private List<RolloutStep> resolveSteps(List<RolloutStep> given) {
        List<RolloutStep> resolved = new ArrayList<>(given.size());
        double lastCanary = 0;
        boolean canarySeen = false;
        for (int i = 0; i < given.size(); i++) {
            RolloutStep step = Check.notNull("steps[" + i + "]", given.get(i));
            if (step.kind() == RolloutStep.Kind.CANARY) {
                if (step.weight() < lastCanary) {
                    throw new IllegalArgumentException("steps[" + i + "]: canary weight " + step.weight() + " is below the previous canary's "
                            + lastCanary + "; weights only grow, so that every session in the canary stays in it");
                }
                lastCanary = step.weight();
                canarySeen = true;
            } else if (step.kind() == RolloutStep.Kind.SHADOW && canarySeen) {
                throw new IllegalArgumentException("steps[" + i + "]: a shadow step must come before the canary steps");
            }
            List<Gate> gates = new ArrayList<>();
            for (Gate gate : step.gates()) {
                Comparison direction = layout.direction(gate.metric());
                if (direction == null) {
                    throw unknownMetric("steps[" + i + "] gate", gate.metric());
                }
                if (MetricLayout.isShadowMetric(gate.metric()) && step.kind() != RolloutStep.Kind.SHADOW) {
                    throw new IllegalArgumentException("steps[" + i + "] gate: '" + gate.metric() + "' is measured only in shadow steps");
                }
                if (gate.kind() == Gate.Kind.THRESHOLD) {
                    gate = direction == Comparison.AT_LEAST ? Gate.atLeast(gate.metric(), gate.value()) : Gate.atMost(gate.metric(), gate.value());
                }
                gates.add(gate);
            }
            resolved.add(step.withGates(gates));
        }
        return List.copyOf(resolved);
    }

    private void validateTriggers() {
        boolean shadowSteps = steps.stream().anyMatch(s -> s.kind() == RolloutStep.Kind.SHADOW);
        for (int i = 0; i < triggers.size(); i++) {
            RollbackTrigger t = Check.notNull("rollbackOn[" + i + "]", triggers.get(i));
            String where = "rollbackOn[" + i + "] (" + t.expression() + ")";
            switch (t.kind()) {
                case SIGNAL:
                    if (layout.signalSlot(t.metric()) < 0) {
                        throw new IllegalArgumentException(where + ": signal '" + t.metric() + "' is neither built in nor declared with "
                                + "signal(); known: " + layout.signals());
                    }
                    break;
                case THRESHOLD:
                    if (layout.direction(t.metric()) == null) {
                        throw unknownMetric(where, t.metric());
                    }
                    break;
                case SEQUENTIAL_REGRESSION:
                    if (layout.direction(t.metric()) == null) {
                        throw unknownMetric(where, t.metric());
                    }
                    if (MetricLayout.isShadowMetric(t.metric())) {
                        if (!shadowSteps) {
                            throw new IllegalArgumentException(where + ": '" + t.metric() + "' is measured only in shadow steps");
                        }
                        if (noiseFloorRate <= 0) {
                            throw new IllegalArgumentException(where + ": a sequential test of '" + t.metric()
                                    + "' compares with the A/A noise floor; configure noiseFloor(rate)");
                        }
                    } else if (layout.momentsSlot(t.metric()) < 0) {
                        throw new IllegalArgumentException(where + ": '" + t.metric() + "' has no per-call values to test; sequential tests "
                                + "apply to error/success rates, latency, cost, tokens, scores and (with a noise floor) similarity");
                    }
                    break;
                default:
                    break;
            }
        }
    }

    private IllegalArgumentException unknownMetric(String where, String metric) {
        return new IllegalArgumentException(where + ": metric '" + metric + "' is unknown: not a built-in metric (RolloutMetrics), a declared "
                + "score " + layout.scores() + " or a signal " + layout.signals() + "; declare it with metric(name, direction) or score(...)");
    }

    private void subscribeToCandidateSignals() {
        String candidateAgent = candidate.sre != null ? candidate.agentId : null;
        if (candidateAgent == null || candidateAgent.equals(baseline.agentId) && baseline.sre != null) {
            return; // the candidate is not an agent of its own: its events cannot be told from the baseline's
        }
        Map<SreEventBus, Boolean> buses = new IdentityHashMap<>();
        buses.put(eventBus, true);
        buses.put(candidate.sre.eventBus(), true);
        for (SreEventBus bus : buses.keySet()) {
            subscriptions.add(bus.subscribe(AgentQuarantined.class, e -> {
                if (candidateAgent.equals(e.agentId())) {
                    recordSignal(Variant.CANDIDATE, RolloutMetrics.SIGNAL_QUARANTINE);
                }
            }));
            subscriptions.add(bus.subscribe(CostAlertRaised.class, e -> {
                if (candidateAgent.equals(e.agentId()) && e.alert().action() == BudgetAction.ANOMALY) {
                    recordSignal(Variant.CANDIDATE, RolloutMetrics.SIGNAL_COST_ANOMALY);
                }
            }));
            subscriptions.add(bus.subscribe(TaskRefused.class, e -> {
                if (candidateAgent.equals(e.agentId()) && ("capability".equals(e.reason()) || "policy".equals(e.reason()))) {
                    recordSignal(Variant.CANDIDATE, RolloutMetrics.SIGNAL_POLICY_VIOLATION);
                }
            }));
        }
    }

    private void logFailure(String what, Throwable e) {
        if (failureLogged.compareAndSet(false, true)) {
            LOG.warn("rollout '{}': {} failed; the call's own result is unaffected (further failures are logged at DEBUG)", name, what, e);
        } else {
            LOG.debug("rollout '{}': {} failed", name, what, e);
        }
    }

    /** Daemon threads named {@code prefix-1}, {@code prefix-2}, ...: a library's own threads never keep the JVM alive. */
    static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicLong count = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Stands for a failure reported through {@link #recordOutcome}: only its presence matters. */
    private static final Throwable RECORDED_FAILURE = new Exception("failure reported by recordOutcome", null, false, false) {
        private static final long serialVersionUID = 1L;
    };

    // ------------------------------------------------------------------ phase

    /** What routing reads: one volatile reference, replaced whole on every transition. */
    private static final class Phase {
        static final Phase PENDING = new Phase(RolloutState.PENDING, null, null);

        final RolloutState state;
        final PauseReason pauseReason;
        /** The running step; once terminal, the last one (for status); null while pending. */
        final StepRun run;
        final long candidateThreshold;
        final long shadowThreshold;

        Phase(RolloutState state, PauseReason pauseReason, StepRun run) {
            this.state = state;
            this.pauseReason = pauseReason;
            this.run = run;
            if (running()) {
                this.candidateThreshold = run.candidateThreshold;
                this.shadowThreshold = run.shadowThreshold;
            } else {
                this.candidateThreshold = state == RolloutState.PROMOTED ? Routing.ALL : Routing.NONE;
                this.shadowThreshold = Routing.NONE;
            }
        }

        boolean running() {
            return state == RolloutState.SHADOW || state == RolloutState.CANARY || state == RolloutState.PAUSED;
        }
    }

    /** A score computed from each answer. */
    private static final class Scorer<Req, Res> {
        final String metric;
        final ToDoubleBiFunction<? super Req, ? super Res> function;

        Scorer(String metric, ToDoubleBiFunction<? super Req, ? super Res> function) {
            this.metric = metric;
            this.function = function;
        }

        /** A failed measurement (scores themselves are always finite); NaN means "no answer to score". */
        static final double ERROR = Double.NEGATIVE_INFINITY;

        @SuppressWarnings("unchecked")
        double score(Req request, Object answer) {
            try {
                double v = function.applyAsDouble(request, (Res) answer);
                return Double.isFinite(v) ? v : ERROR;
            } catch (RuntimeException e) {
                return ERROR;
            }
        }
    }

    // ------------------------------------------------------------------ builder

    /** A version as given to the builder. */
    private static final class VersionSpec<Req, Res> {
        final String version;
        final AgentVersion<Req, Res> body;
        final AgentSre sre;
        final String agentId;

        VersionSpec(String version, AgentVersion<Req, Res> body, AgentSre sre, String agentId) {
            this.version = version;
            this.body = body;
            this.sre = sre;
            this.agentId = agentId;
        }
    }

    /**
     * Builds an {@link AgentRollout}. Required: the baseline, the candidate, the steps, and the agent
     * (unless the baseline runs through {@link AgentSre}, whose agent id it takes).
     *
     * <table>
     *   <caption>Defaults</caption>
     *   <tr><td>evaluationInterval</td><td>{@link #DEFAULT_EVALUATION_INTERVAL} (1 s)</td></tr>
     *   <tr><td>maxShadowConcurrency</td><td>{@value #DEFAULT_MAX_SHADOW_CONCURRENCY}</td></tr>
     *   <tr><td>shadowTimeout</td><td>{@link #DEFAULT_SHADOW_TIMEOUT} (30 s)</td></tr>
     *   <tr><td>maxShadowSteps</td><td>{@value #DEFAULT_MAX_SHADOW_STEPS}</td></tr>
     *   <tr><td>sloTarget</td><td>{@value #DEFAULT_SLO_TARGET}</td></tr>
     *   <tr><td>comparator</td><td>{@link OutputComparator#exact()}</td></tr>
     *   <tr><td>sequential tests</td><td>effect size {@value MixtureSprt#DEFAULT_EFFECT_SIZE}, burn-in
     *       {@value MixtureSprt#DEFAULT_MIN_SAMPLES} per arm, concentration {@value ErrorCountTest#DEFAULT_CONCENTRATION}</td></tr>
     *   <tr><td>onInconclusive</td><td>{@link InconclusiveAction#PAUSE}</td></tr>
     *   <tr><td>rollbackAutomatically</td><td>true</td></tr>
     *   <tr><td>copyRequest</td><td>the request itself (treat requests as immutable, or give a copier)</td></tr>
     *   <tr><td>freeze</td><td>never frozen</td></tr>
     *   <tr><td>shadow budget</td><td>none (shadow spend is metered, not limited)</td></tr>
     *   <tr><td>clock</td><td>{@link Clock#systemUTC()}</td></tr>
     * </table>
     *
     * @param <Req> the request
     * @param <Res> the answer
     */
    public static final class Builder<Req, Res> {
        private final String name;
        private String agentId;
        private VersionSpec<Req, Res> baseline;
        private VersionSpec<Req, Res> candidate;
        private final List<RolloutStep> steps = new ArrayList<>();
        private final List<RollbackTrigger> triggers = new ArrayList<>();
        private boolean automaticRollback = true;
        private InconclusiveAction onInconclusive = InconclusiveAction.PAUSE;
        private Function<? super Req, String> routingKey;
        private UnaryOperator<Req> copier = UnaryOperator.identity();
        private OutputComparator<Res> comparator = OutputComparator.exact();
        private double noiseFloorRate;
        private final Map<String, Comparison> scoreDirections = new LinkedHashMap<>();
        private final List<Scorer<Req, Res>> scorers = new ArrayList<>();
        private final List<String> signals = new ArrayList<>();
        private double sloTarget = DEFAULT_SLO_TARGET;
        private double effectSize = MixtureSprt.DEFAULT_EFFECT_SIZE;
        private long burnIn = MixtureSprt.DEFAULT_MIN_SAMPLES;
        private double concentration = ErrorCountTest.DEFAULT_CONCENTRATION;
        private int consecutiveErrorLimit = DEFAULT_CONSECUTIVE_ERROR_LIMIT;
        private DeploymentFreeze freeze = DeploymentFreeze.never();
        private Executor shadowExecutor;
        private int maxShadowConcurrency = DEFAULT_MAX_SHADOW_CONCURRENCY;
        private Duration shadowTimeout = DEFAULT_SHADOW_TIMEOUT;
        private int maxShadowSteps = DEFAULT_MAX_SHADOW_STEPS;
        private CostGuard shadowGuard;
        private Double shadowBudgetUsd;
        private double shadowEstimate;
        private PriceTable prices;
        private Duration evaluationInterval = DEFAULT_EVALUATION_INTERVAL;
        private ScheduledExecutorService scheduler;
        private Clock clock = Clock.systemUTC();
        private SreEventBus eventBus;

        private Builder(String name) {
            this.name = name;
        }

        /** The agent being rolled out (its deployments are the ones a freeze stops; events carry it). */
        public Builder<Req, Res> agent(String agentId) {
            this.agentId = Check.notBlank("agentId", agentId);
            return this;
        }

        /** The version in production now, run as a plain function of its calls. */
        public Builder<Req, Res> baseline(String version, AgentVersion<Req, Res> body) {
            this.baseline = new VersionSpec<>(Check.notBlank("version", version), Check.notNull("body", body), null, null);
            return this;
        }

        /** The version in production now, run as tasks of {@code agentId} through {@code sre} (guards, budgets, SLOs apply). */
        public Builder<Req, Res> baseline(String version, AgentSre sre, String agentId, AgentVersion<Req, Res> body) {
            this.baseline = new VersionSpec<>(Check.notBlank("version", version), Check.notNull("body", body), Check.notNull("sre", sre),
                    Check.notBlank("agentId", agentId));
            return this;
        }

        /** The version being rolled out, run as a plain function of its calls. */
        public Builder<Req, Res> candidate(String version, AgentVersion<Req, Res> body) {
            this.candidate = new VersionSpec<>(Check.notBlank("version", version), Check.notNull("body", body), null, null);
            return this;
        }

        /**
         * The version being rolled out, run in canary steps as tasks of {@code agentId} through {@code sre}.
         * With an agent id of its own, its quarantines, cost anomalies and policy refusals become signals.
         */
        public Builder<Req, Res> candidate(String version, AgentSre sre, String agentId, AgentVersion<Req, Res> body) {
            this.candidate = new VersionSpec<>(Check.notBlank("version", version), Check.notNull("body", body), Check.notNull("sre", sre),
                    Check.notBlank("agentId", agentId));
            return this;
        }

        /** The steps, replacing any given before. */
        public Builder<Req, Res> steps(RolloutStep... steps) {
            this.steps.clear();
            for (int i = 0; i < Check.notNull("steps", steps).length; i++) {
                this.steps.add(Check.notNull("steps[" + i + "]", steps[i]));
            }
            return this;
        }

        /** Adds a step. */
        public Builder<Req, Res> step(RolloutStep step) {
            steps.add(Check.notNull("step", step));
            return this;
        }

        /** Adds rollback triggers. */
        public Builder<Req, Res> rollbackOn(RollbackTrigger... triggers) {
            for (int i = 0; i < Check.notNull("triggers", triggers).length; i++) {
                this.triggers.add(Check.notNull("triggers[" + i + "]", triggers[i]));
            }
            return this;
        }

        /** Whether a firing trigger or a failing gate rolls back (default) or pauses for a person ({@link PauseReason#TRIGGERED}). */
        public Builder<Req, Res> rollbackAutomatically(boolean automatic) {
            this.automaticRollback = automatic;
            return this;
        }

        /** What a step that cannot be decided within its maximum duration does (default PAUSE). */
        public Builder<Req, Res> onInconclusive(InconclusiveAction action) {
            this.onInconclusive = Check.notNull("action", action);
            return this;
        }

        /** The routing key of a request, usually its session id, for {@link AgentRollout#call(Object)}. */
        public Builder<Req, Res> routingKey(Function<? super Req, String> routingKey) {
            this.routingKey = Check.notNull("routingKey", routingKey);
            return this;
        }

        /** Copies a request for its shadow run (default: the request itself — fine for immutable requests). */
        public Builder<Req, Res> copyRequest(UnaryOperator<Req> copier) {
            this.copier = Check.notNull("copier", copier);
            return this;
        }

        /** How shadow outputs are compared (default {@link OutputComparator#exact()}). */
        public Builder<Req, Res> comparator(OutputComparator<Res> comparator) {
            this.comparator = Check.notNull("comparator", comparator);
            return this;
        }

        /**
         * Runs the baseline a second time on {@code sampleRate} of the shadowed requests (tools served from
         * the recording, like the candidate) and measures the candidate's similarity against that A/A
         * similarity.
         *
         * @throws IllegalArgumentException unless {@code 0 < sampleRate <= 1}
         */
        public Builder<Req, Res> noiseFloor(double sampleRate) {
            if (!(sampleRate > 0 && sampleRate <= 1)) {
                throw new IllegalArgumentException("noiseFloor sampleRate must be in (0, 1], got " + sampleRate);
            }
            this.noiseFloorRate = sampleRate;
            return this;
        }

        /** Declares a score recorded by {@link AgentRollout#recordScore}, with its direction. */
        public Builder<Req, Res> metric(String metric, Comparison direction) {
            Check.notBlank("metric", metric);
            Check.notNull("direction", direction);
            if (RolloutMetrics.direction(metric).isPresent()) {
                throw new IllegalArgumentException("metric '" + metric + "' is built in; choose another name");
            }
            scoreDirections.put(metric, direction);
            return this;
        }

        /**
         * Declares a score and computes it from every answer of either version ({@code NaN}, infinite or
         * throwing = a failed measurement; {@value #DEFAULT_CONSECUTIVE_ERROR_LIMIT} in a row fail its gates).
         */
        public Builder<Req, Res> score(String metric, Comparison direction, ToDoubleBiFunction<? super Req, ? super Res> score) {
            metric(metric, direction);
            scorers.add(new Scorer<>(metric, Check.notNull("score", score)));
            return this;
        }

        /** Declares a signal of yours, for {@link AgentRollout#recordSignal} and signal triggers. */
        public Builder<Req, Res> signal(String signal) {
            signals.add(Check.notBlank("signal", signal));
            return this;
        }

        /**
         * The SLO target the candidate cohort's burn rate is measured against (default {@value #DEFAULT_SLO_TARGET}).
         *
         * @throws IllegalArgumentException unless {@code 0 < target < 1}
         */
        public Builder<Req, Res> sloTarget(double target) {
            this.sloTarget = Check.openRange("sloTarget", target, 0, 1);
            return this;
        }

        /**
         * Tunes the mSPRT: the mixing standard deviation as a standardised effect size, and the burn-in
         * (samples per arm before the first look, for both tests).
         *
         * @throws IllegalArgumentException for a non-positive effect size or a burn-in below 2
         */
        public Builder<Req, Res> sequentialTesting(double effectSize, long burnIn) {
            this.effectSize = Check.positive("effectSize", effectSize);
            if (burnIn < 2) {
                throw new IllegalArgumentException("burnIn must be >= 2, got " + burnIn);
            }
            this.burnIn = burnIn;
            return this;
        }

        /** Consecutive failed measurements of a score after which its gates fail (default 4). */
        public Builder<Req, Res> consecutiveErrorLimit(int limit) {
            this.consecutiveErrorLimit = Check.positive("consecutiveErrorLimit", limit);
            return this;
        }

        /** Adds a source of deployment freezes (any frozen source freezes). */
        public Builder<Req, Res> freeze(DeploymentFreeze freeze) {
            Check.notNull("freeze", freeze);
            DeploymentFreeze before = this.freeze;
            this.freeze = before == DeploymentFreeze.never() ? freeze : before.or(freeze);
            return this;
        }

        /**
         * Where shadows run (default: a fixed pool of {@code maxShadowConcurrency} daemon threads, shut down by
         * close()). It must run tasks on threads of its own: one that runs them on the calling thread makes
         * every shadowed caller wait for the candidate.
         */
        public Builder<Req, Res> shadowExecutor(Executor executor) {
            this.shadowExecutor = Check.notNull("executor", executor);
            return this;
        }

        /** Cap on shadows running at once; more are skipped, never queued (default 4). */
        public Builder<Req, Res> maxShadowConcurrency(int max) {
            this.maxShadowConcurrency = Check.positive("maxShadowConcurrency", max);
            return this;
        }

        /** Time after which an unfinished shadow counts as a candidate failure (default 30 s). */
        public Builder<Req, Res> shadowTimeout(Duration timeout) {
            this.shadowTimeout = Check.positive("shadowTimeout", timeout);
            return this;
        }

        /** Cap on the recorded steps of one shadowed baseline run; a longer run is not shadowed (default 1,000). */
        public Builder<Req, Res> maxShadowSteps(int max) {
            this.maxShadowSteps = Check.positive("maxShadowSteps", max);
            return this;
        }

        /**
         * Budgets shadow spend: a dedicated {@link CostGuard} (this rollout's clock, bus and price table)
         * with a daily limit of {@code usdPerDay} on the scope {@code shadow:<name>}; its kill switch (95 %)
         * stops shadows for the rest of the day.
         */
        public Builder<Req, Res> shadowBudget(double usdPerDay) {
            this.shadowBudgetUsd = Check.positive("shadowBudget", usdPerDay);
            return this;
        }

        /**
         * Charges shadow spend to the scope {@code shadow:<name>} of your cost guard, so it also counts
         * against your organisation's and tenants' budgets (set its limit with
         * {@code agentDailyLimit("shadow:<name>", usd)}).
         */
        public Builder<Req, Res> shadowCostGuard(CostGuard guard) {
            this.shadowGuard = Check.notNull("guard", guard);
            return this;
        }

        /** The amount reserved in the shadow budget before each shadow runs (default 0: just the check). */
        public Builder<Req, Res> shadowCostEstimate(double usd) {
            Money.toNanos("shadowCostEstimate", usd);
            this.shadowEstimate = usd;
            return this;
        }

        /** Prices model calls that report their usage (default: the shadow cost guard's table, else {@link PriceTable#defaults()}). */
        public Builder<Req, Res> priceTable(PriceTable prices) {
            this.prices = Check.notNull("prices", prices);
            return this;
        }

        /** Minimum time between evaluations triggered by calls, and the scheduler's period (default 1 s). */
        public Builder<Req, Res> evaluationInterval(Duration interval) {
            this.evaluationInterval = Check.positive("evaluationInterval", interval);
            return this;
        }

        /** Evaluates every {@code evaluationInterval} on this scheduler (one-shot tasks), so steps advance without traffic too. */
        public Builder<Req, Res> scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Check.notNull("scheduler", scheduler);
            return this;
        }

        /** The clock durations are measured on. */
        public Builder<Req, Res> clock(Clock clock) {
            this.clock = Check.notNull("clock", clock);
            return this;
        }

        /** The bus transitions are published on (and candidate signals are read from). */
        public Builder<Req, Res> eventBus(SreEventBus bus) {
            this.eventBus = Check.notNull("bus", bus);
            return this;
        }

        /**
         * Builds the rollout (PENDING).
         *
         * @throws IllegalArgumentException when a required part is missing, a canary weight decreases, a
         *     shadow step follows a canary, or a gate or trigger names an unknown metric or signal
         */
        public AgentRollout<Req, Res> build() {
            return new AgentRollout<>(this);
        }
    }
}
