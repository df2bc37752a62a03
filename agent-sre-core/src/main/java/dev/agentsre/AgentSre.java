package dev.agentsre;

import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.chaos.ChaosExperiment;
import dev.agentsre.chaos.ChaosInjector;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.event.ExhaustionActionTaken;
import dev.agentsre.event.PostFlightFailed;
import dev.agentsre.event.Slf4jEventLogger;
import dev.agentsre.event.SloStatusChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.event.TaskRefused;
import dev.agentsre.guard.CallGuard;
import dev.agentsre.guard.CallKind;
import dev.agentsre.guard.GuardScope;
import dev.agentsre.guard.GuardedCall;
import dev.agentsre.guard.GuardedTask;
import dev.agentsre.internal.CachedMillisClock;
import dev.agentsre.internal.Check;
import dev.agentsre.internal.Money;
import dev.agentsre.internal.OrderedEvents;
import dev.agentsre.internal.Throwables;
import dev.agentsre.replay.ReplayEngine;
import dev.agentsre.replay.TraceCapture;
import dev.agentsre.replay.TraceStore;
import dev.agentsre.slo.ExhaustionAction;
import dev.agentsre.slo.Slo;
import dev.agentsre.slo.SloEvaluator;
import dev.agentsre.slo.SloTemplate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guarded-call pipeline: one object that composes the SLOs, circuit breakers, cost guard,
 * rogue-agent detector, task limits, replay recorder, chaos experiments and your own
 * {@link CallGuard}s around every agent task <em>and every call the task makes</em>.
 *
 * <pre>{@code
 * AgentSre sre = AgentSre.builder().eventBus(bus).slo(slo).breakers(fleet).costGuard(guard)
 *         .rogueDetector(detector).dependencyBreakers(CircuitBreakerRegistry.of(providerConfig, bus))
 *         .taskLimits(TaskLimits.builder().maxToolCalls(200).maxDuration(Duration.ofMinutes(5)).build())
 *         .build();
 * Answer a = sre.agent("research-agent").task("t-42").estimatedCost(0.10)
 *         .call(ctx -> ctx.llm("gpt-4o", prompt, () -> model.chat(prompt), Answer::usage));
 * }</pre>
 *
 * <p><b>The guard chain</b>, outermost first (each a {@link CallGuard}; see {@code docs/pipeline.md}):
 * SLO accounting (post-flight only); your guards in the order added; task limits; quarantine and
 * capability; SLO throttle; budget; the agent's breaker; dependency breakers; then, around the callee
 * itself, the trace capture and the chaos injector. At the door ({@code beforeTask}) a refusal is a
 * {@link TaskRefusedException} and the body does not run; in flight ({@code beforeCall}) the refused
 * call does not run and the refusal is thrown from it. Either way a {@link TaskRefused} event is
 * published and everything taken is given back.
 *
 * <p><b>Post-flight</b> ({@code afterTask}, reverse order, each guard isolated from the others'
 * failures): the breaker records the outcome; the task is charged what it spent; every SLO records a
 * good or bad event and its built-in indicators. Post-flight never changes what the body returned or
 * threw. A task one of whose calls was refused is a failed task for the SLO even if the body caught
 * the refusal, and counts neither way for the breaker (see {@link dev.agentsre.guard.Outcome#REFUSED}).
 *
 * <p><b>SLOs.</b> Each task counts for its agent's own SLOs, the SLOs without an agent (fleet-wide)
 * and, for each {@link SloTemplate}, the agent's SLO of that template (created on the agent's first
 * task). A task that ran is served ({@link Slo#recordServed}); a task refused at the door is a
 * {@link dev.agentsre.slo.Refusal} ({@link Slo#recordRefused}), which an availability objective may
 * count (see {@code docs/slo.md}). With {@link Builder#sloEvaluation} the pipeline also evaluates every
 * SLO on a schedule, so actions are undone and alerts resolve with no traffic.
 *
 * <p><b>Acting on signals.</b> When an SLO becomes exhausted its {@link ExhaustionAction} is carried
 * out for its agent — THROTTLE admits one task per {@code sloThrottleInterval}, CIRCUIT_BREAK trips
 * the agent's breaker (OPEN for its recovery timeout, then half-open probes; while the SLO stays
 * exhausted a failed task trips it again), FREEZE_DEPLOYMENTS raises {@link #deploymentsFrozen},
 * ALERT only publishes — and undone when it recovers (the last exhausted SLO of the agent, when
 * several are); each step publishes {@link ExhaustionActionTaken}. The pipeline subscribes to its own
 * bus, every SLO's and every template's; {@link #close()} unsubscribes and stops the evaluation.
 *
 * <p><b>Logging.</b> State changes on the pipeline's buses — breakers opened and closed, SLOs
 * exhausted and recovered, burn-rate alerts, quarantines, budgets throttled, killed and revived,
 * rollbacks, incidents — are logged through SLF4J once per transition by {@link Slf4jEventLogger}
 * (on by default; {@link Builder#eventLogging}, {@link Builder#eventLogger}). Nothing is logged per call.
 *
 * <p>Thread-safe. <b>Memory</b>: besides the components (each bounded on its own — a template by its
 * {@code maxAgents}), the SLOs grouped by agent (fixed at build time) and the exhaustion actions in
 * force — one entry per agent and action while in force; the captures asked for with
 * {@link #captureNext}, for at most 1,000 agents at a time (about 100 bytes each); per running task a
 * few hundred bytes, dropped when it ends. Nothing grows with the number of tasks or of distinct agent
 * ids.
 */
public final class AgentSre implements AutoCloseable {

    /** Default interval between tasks of an agent throttled by an exhausted SLO. */
    public static final Duration DEFAULT_SLO_THROTTLE_INTERVAL = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(AgentSre.class);

    private final Clock clock;
    private final SreEventBus eventBus;
    private final CircuitBreakerRegistry breakers;
    private final CostGuard costGuard;
    private final TraceStore traceStore;
    private final boolean captureEveryTask;
    private final CaptureRequests captureRequests = new CaptureRequests();
    private final ChaosExperiment chaos;
    private final TaskLimits defaultLimits;
    private final Function<GuardedCall, String> dependencyKey;
    private final ScheduledExecutorService scheduler;
    private final long throttleIntervalMillis;
    private final SloActions sloActions = new SloActions();
    /** Exhaustion actions' effects and events, in the order they were decided. */
    private final OrderedEvents actionEvents;
    private final Map<String, List<Slo>> slosByAgent; // agents with their own SLOs -> theirs plus the fleet-wide ones
    private final List<Slo> fleetWideSlos;
    private final SloTemplate[] sloTemplates;
    private final Set<SloTemplate> fullTemplatesLogged = ConcurrentHashMap.newKeySet();
    private final SloEvaluator sloEvaluator;
    private final CallGuard[] guards;
    /** The guards with task hooks, and those with call hooks, in chain order: a guard without either costs nothing there. */
    private final CallGuard[] taskGuards;
    private final CallGuard[] callGuards;
    /** The guards that open thread-bound context around bodies and callees, or carry it to other threads. */
    private final CallGuard[] taskScopeGuards;
    private final CallGuard[] callScopeGuards;
    private final CallGuard[] propagatingGuards;
    private final BudgetGuard budgetGuard;
    private final List<SreEventBus.Subscription> subscriptions = new ArrayList<>();
    /** Failures per kind of post-flight step (a guard's hook, the trace write), for logging the first of each at WARN. */
    private final Map<String, AtomicLong> guardFailures = new ConcurrentHashMap<>();
    private static final int MAX_FAILURE_KINDS = 1_000;
    private final AtomicLong failures = new AtomicLong();

    private AgentSre(Builder b) {
        this.clock = Check.notNull("clock", b.clock);
        this.eventBus = b.eventBus == null ? new SreEventBus() : b.eventBus;
        List<Slo> slos = List.copyOf(b.slos);
        // Grouped once, so the lookup per task allocates nothing and the map is bounded by the number
        // of SLOs, however many agent ids pass through.
        this.fleetWideSlos = slos.stream().filter(slo -> slo.agentId() == null).toList();
        Map<String, List<Slo>> byAgent = new java.util.HashMap<>();
        for (Slo slo : slos) {
            if (slo.agentId() != null) {
                byAgent.computeIfAbsent(slo.agentId(), id -> new ArrayList<>(fleetWideSlos)).add(slo);
            }
        }
        byAgent.replaceAll((agent, own) -> List.copyOf(own));
        this.slosByAgent = Map.copyOf(byAgent);
        this.breakers = b.breakers;
        this.costGuard = b.costGuard;
        this.traceStore = b.traceStore;
        this.captureEveryTask = b.captureEveryTask;
        this.chaos = b.chaos;
        this.defaultLimits = b.taskLimits.orElse(TaskLimits.NONE);
        this.dependencyKey = b.dependencyKey;
        this.scheduler = b.scheduler;
        this.throttleIntervalMillis = Check.millis("sloThrottleInterval", b.sloThrottleInterval).toMillis();
        this.actionEvents = new OrderedEvents(eventBus);

        this.sloTemplates = b.sloTemplates.toArray(new SloTemplate[0]);
        boolean anySlo = !slos.isEmpty() || sloTemplates.length > 0;

        // SLO accounting is outermost: it must see every refusal at the door, your guards' included.
        List<CallGuard> chain = new ArrayList<>();
        if (anySlo) {
            chain.add(new SloGuard(this));
        }
        chain.addAll(b.guards);
        chain.add(new LimitsGuard());
        if (b.rogueDetector != null) {
            chain.add(new QuarantineGuard(b.rogueDetector));
        }
        if (anySlo) {
            chain.add(new SloThrottleGuard(this));
        }
        this.budgetGuard = costGuard == null ? null : new BudgetGuard(costGuard);
        if (budgetGuard != null) {
            chain.add(budgetGuard);
        }
        if (breakers != null) {
            chain.add(new AgentBreakerGuard(breakers));
        }
        if (b.dependencyBreakers != null) {
            chain.add(new DependencyBreakerGuard(b.dependencyBreakers));
        }
        this.guards = chain.toArray(new CallGuard[0]);
        this.taskGuards = chain.stream().filter(g -> overrides(g, "beforeTask", GuardedTask.class)
                || overrides(g, "afterTask", GuardedTask.class)).toArray(CallGuard[]::new);
        this.callGuards = chain.stream().filter(g -> overrides(g, "beforeCall", GuardedCall.class)
                || overrides(g, "afterCall", GuardedCall.class)).toArray(CallGuard[]::new);
        this.taskScopeGuards = chain.stream().filter(g -> overrides(g, "enterTask", GuardedTask.class)).toArray(CallGuard[]::new);
        this.callScopeGuards = chain.stream().filter(g -> overrides(g, "enterCall", GuardedCall.class)).toArray(CallGuard[]::new);
        this.propagatingGuards = chain.stream().filter(g -> overrides(g, "propagate", Runnable.class)).toArray(CallGuard[]::new);

        Map<SreEventBus, Boolean> buses = new IdentityHashMap<>();
        buses.put(eventBus, true);
        slos.forEach(slo -> buses.put(slo.eventBus(), true));
        b.sloTemplates.forEach(template -> buses.put(template.eventBus(), true));
        buses.keySet().forEach(bus -> subscriptions.add(bus.subscribe(SloStatusChanged.class, this::onSloStatus)));
        if (b.eventLogger != null) {
            buses.keySet().forEach(bus -> subscriptions.add(b.eventLogger.attach(bus)));
        }
        if (breakers == null) {
            warnIfCircuitBreakCannotAct(slos, b.sloTemplates);
        }
        if (b.sloEvaluationInterval != null) {
            SloEvaluator.Builder evaluator = SloEvaluator.builder().interval(b.sloEvaluationInterval);
            if (b.sloEvaluationExecutor != null) {
                evaluator.executor(b.sloEvaluationExecutor);
            }
            slos.forEach(evaluator::slo);
            b.sloTemplates.forEach(evaluator::template);
            this.sloEvaluator = evaluator.build().start();
        } else {
            this.sloEvaluator = null;
        }
    }

    private static void warnIfCircuitBreakCannotAct(List<Slo> slos, List<SloTemplate> templates) {
        List<String> names = new ArrayList<>();
        slos.stream().filter(slo -> slo.errorBudget().exhaustionAction() == ExhaustionAction.CIRCUIT_BREAK).forEach(slo -> names.add(slo.name()));
        templates.stream().filter(t -> t.definition().errorBudget().exhaustionAction() == ExhaustionAction.CIRCUIT_BREAK)
                .forEach(t -> names.add(t.name()));
        if (!names.isEmpty()) {
            LOG.warn("SLOs {} have the CIRCUIT_BREAK exhaustion action but the pipeline has no breakers(...): "
                    + "their exhaustion will only be published", names);
        }
    }

    /** Starts a builder; every component is optional. */
    public static Builder builder() {
        return new Builder();
    }

    /** The guarded calls of {@code agentId}. */
    public AgentHandle agent(String agentId) {
        return new AgentHandle(Check.notBlank("agentId", agentId));
    }

    /** Whether an exhausted SLO with {@link ExhaustionAction#FREEZE_DEPLOYMENTS} has frozen deployments of {@code agentId}. */
    public boolean deploymentsFrozen(String agentId) {
        return sloActions.frozen(agentId);
    }

    /** Whether an exhausted SLO with {@link ExhaustionAction#THROTTLE} throttles {@code agentId}. */
    public boolean sloThrottled(String agentId) {
        return sloActions.throttleGate(agentId) != null;
    }

    /**
     * Captures the next {@code traces} tasks of {@code agentId} into the pipeline's trace store —
     * also when the pipeline does not capture every task ({@link Builder#captureEveryTask}(false)):
     * what an incident response asks for to debug an agent ({@code Controls.builder().traces(sre::captureNext)}).
     * A task counts when it is admitted (a task refused at the door is not captured), delegations are
     * captured inside their parent's trace, and exactly {@code traces} tasks are captured however many
     * threads run the agent's tasks. Asking again while captures are pending makes the count the larger
     * of the two (the next 20 and the next 20 are the next 20).
     *
     * @throws IllegalArgumentException for a blank agent id, or {@code traces} outside 1..{@value CaptureRequests#MAX_PER_AGENT}
     * @throws IllegalStateException if the pipeline has no trace store, or captures are pending for
     *     {@value CaptureRequests#MAX_AGENTS} other agents already
     */
    public void captureNext(String agentId, int traces) {
        if (traceStore == null) {
            throw new IllegalStateException("the pipeline has no trace store to capture '" + agentId + "' into: "
                    + "build it with traceStore(store)");
        }
        captureRequests.arm(agentId, traces);
    }

    /** Tasks of {@code agentId} still to be captured at {@link #captureNext}'s request; a pure read. */
    public int pendingCaptures(String agentId) {
        return captureRequests.pending(Check.notBlank("agentId", agentId));
    }

    /** The bus the pipeline publishes on. */
    public SreEventBus eventBus() {
        return eventBus;
    }

    /** The clock. */
    public Clock clock() {
        return clock;
    }

    /**
     * {@code work}, to run on another thread, carrying the thread-bound context of every guard that
     * has some ({@link CallGuard#propagate}: a tracing span) from the calling thread; {@code work}
     * itself when no guard has any. For work a task hands to an executor of its own.
     */
    public Runnable propagate(Runnable work) {
        Runnable wrapped = Check.notNull("work", work);
        for (int i = propagatingGuards.length - 1; i >= 0; i--) {
            try {
                wrapped = Check.notNull("propagate(...) of " + propagatingGuards[i], propagatingGuards[i].propagate(wrapped));
            } catch (RuntimeException | LinkageError failure) {
                LOG.debug("propagate of {} failed; the work runs without its context", propagatingGuards[i], failure);
            }
        }
        return wrapped;
    }

    /** The guard chain, outermost first: your guards, then the pipeline's own (read-only). */
    public List<CallGuard> guardChain() {
        return List.of(guards);
    }

    /**
     * How often a post-flight step — a guard's {@code afterTask}/{@code afterCall} hook, an SLO's
     * recording, the trace write, a call's usage function — has thrown (logged and published as
     * {@link PostFlightFailed}, never reaching the agent).
     */
    public long guardFailures() {
        return failures.get();
    }

    /**
     * Unsubscribes everything the pipeline subscribed to (its bus, every SLO's and every template's):
     * exhaustion actions are no longer carried out or undone; stops the scheduled SLO evaluation
     * ({@link Builder#sloEvaluation}). Tasks still run. Idempotent.
     */
    @Override
    public void close() {
        synchronized (subscriptions) {
            subscriptions.forEach(SreEventBus.Subscription::close);
            subscriptions.clear();
        }
        if (sloEvaluator != null) {
            sloEvaluator.close();
        }
    }

    /** The guarded calls of one agent. */
    public final class AgentHandle {
        private final String agentId;

        private AgentHandle(String agentId) {
            this.agentId = agentId;
        }

        /** A task of this agent. */
        public Task task(String taskId) {
            return new Task(agentId, Check.notBlank("taskId", taskId));
        }
    }

    /** The body of a guarded task. */
    @FunctionalInterface
    public interface TaskBody<T> {
        /** Runs the task, making its calls through {@code context}. */
        T run(TaskContext context) throws Exception;
    }

    /** One guarded task, configured then called once. */
    public final class Task {
        private final String agentId;
        private final String taskId;
        private long estimateNanos;
        private TaskLimits limits = defaultLimits;

        private Task(String agentId, String taskId) {
            this.agentId = agentId;
            this.taskId = taskId;
        }

        /** The estimated cost in USD, reserved against the budgets before the task runs (default 0). */
        public Task estimatedCost(double usd) {
            this.estimateNanos = Money.toNanos("estimatedCost", usd);
            return this;
        }

        /** Limits of this task; the ones it leaves unset come from the pipeline's {@link Builder#taskLimits}. */
        public Task limits(TaskLimits limits) {
            this.limits = Check.notNull("limits", limits).orElse(defaultLimits);
            return this;
        }

        /**
         * Runs the task under every guard.
         *
         * @throws TaskRefusedException if a guard refuses at the door (the body does not run), or a
         *     refusal of one of its calls that the body let through
         * @throws Exception whatever the body throws
         */
        public <T> T call(TaskBody<T> body) throws Exception {
            Check.notNull("body", body);
            TaskRun run = new TaskRun(AgentSre.this, agentId, taskId, null, limits, estimateNanos);
            run.admit(null);
            TaskContext previous = TaskContext.enter(run.context);
            GuardScope[] scopes = run.enterScopes();
            T result;
            try {
                result = body.run(run.context);
            } catch (Throwable failure) {
                run.closeScopes(scopes);
                TaskContext.restore(previous);
                run.finish(failure);
                throw Throwables.<Exception>sneakyThrow(failure);
            }
            run.closeScopes(scopes);
            TaskContext.restore(previous);
            run.finish(null);
            return result;
        }

        /**
         * Runs an asynchronous task: a refusal at the door, or a body that throws (anything, a sneaky
         * checked exception included) or returns no stage, is a failed stage; post-flight runs when the
         * stage completes — or at once for a body that failed to return one, so nothing it took (a
         * reservation, a half-open probe slot) stays held. With a {@code maxDuration} the returned stage
         * fails with a {@link TaskLimitExceededException} at the deadline if the body's stage has not
         * completed by then (the body's stage is not cancelled; its later calls are refused).
         */
        public <T> CompletionStage<T> callAsync(Function<TaskContext, ? extends CompletionStage<T>> body) {
            Check.notNull("body", body);
            TaskRun run = new TaskRun(AgentSre.this, agentId, taskId, null, limits, estimateNanos);
            try {
                run.admit(null);
            } catch (Throwable refusedOrFailed) { // admit has already given back what the guards took
                return CompletableFuture.failedFuture(refusedOrFailed);
            }
            CompletionStage<T> stage;
            TaskContext previous = TaskContext.enter(run.context);
            GuardScope[] scopes = run.enterScopes();
            try {
                stage = body.apply(run.context);
                if (stage == null) {
                    throw new NullPointerException("the asynchronous body returned no stage");
                }
            } catch (Throwable failure) {
                run.closeScopes(scopes);
                TaskContext.restore(previous);
                run.finish(failure);
                return CompletableFuture.failedFuture(failure);
            }
            run.closeScopes(scopes);
            TaskContext.restore(previous);
            CompletableFuture<T> done = new CompletableFuture<>();
            ScheduledFuture<?> timeout = scheduleDeadline(run, done);
            stage.whenComplete((result, failure) -> {
                if (timeout != null) {
                    timeout.cancel(false);
                }
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                run.finish(cause);
                if (cause != null) {
                    done.completeExceptionally(cause);
                } else {
                    done.complete(result);
                }
            });
            return done;
        }
    }

    private ScheduledFuture<?> scheduleDeadline(TaskRun run, CompletableFuture<?> done) {
        if (run.deadlineMillis == Long.MAX_VALUE) {
            return null;
        }
        long delay = Math.max(0, run.deadlineMillis - clock.millis()) + 1; // calls are refused *after* the deadline
        ScheduledExecutorService timer = scheduler != null ? scheduler : DeadlineTimer.INSTANCE;
        return timer.schedule(() -> {
            if (!done.isDone() && !run.hasEnded()) {
                done.completeExceptionally(run.deadlinePassed());
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** The shared timer of asynchronous deadlines when no scheduler is configured: one daemon thread. */
    private static final class DeadlineTimer {
        static final ScheduledExecutorService INSTANCE = create();

        private static ScheduledExecutorService create() {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread t = new Thread(runnable, "agent-sre-deadlines");
                t.setDaemon(true);
                return t;
            });
            executor.setRemoveOnCancelPolicy(true);
            return executor;
        }
    }

    // ------------------------------------------------------------------ what the tasks and guards use

    CallGuard[] taskGuards() {
        return taskGuards;
    }

    CallGuard[] callGuards() {
        return callGuards;
    }

    CallGuard[] taskScopeGuards() {
        return taskScopeGuards;
    }

    CallGuard[] callScopeGuards() {
        return callScopeGuards;
    }

    private static boolean overrides(CallGuard guard, String hook, Class<?> parameter) {
        try {
            return guard.getClass().getMethod(hook, parameter).getDeclaringClass() != CallGuard.class;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    int guardCount() {
        return guards.length;
    }

    int guardIndex(CallGuard guard) {
        for (int i = 0; i < guards.length; i++) {
            if (guards[i] == guard) {
                return i;
            }
        }
        throw new IllegalArgumentException("guard is not in this pipeline's chain: " + guard);
    }

    TaskLimits defaultLimits() {
        return defaultLimits;
    }

    BudgetGuard budgetGuard() {
        return budgetGuard;
    }

    TraceStore traceStore() {
        return traceStore;
    }

    /** Whether a task of {@code agentId} being admitted is captured: every task, or one asked for. */
    boolean capturesTask(String agentId) {
        if (traceStore == null) {
            return false;
        }
        boolean asked = captureRequests.take(agentId); // taken also when every task is captured: the request is served
        return captureEveryTask || asked;
    }

    AtomicLong sloThrottleGate(String agentId) {
        return sloActions.throttleGate(agentId);
    }

    /** Whether an exhausted SLO of {@code agentId} holds CIRCUIT_BREAK in force. */
    boolean circuitBreakInForce(String agentId) {
        return sloActions.circuitBreakInForce(agentId);
    }

    /** Trips the agent's breaker (a no-op unless it is CLOSED, or without breakers). */
    void tripAgentBreaker(String agentId, String reason) {
        if (breakers != null) {
            breakers.get(agentId).trip(reason);
        }
    }

    long sloThrottleIntervalMillis() {
        return throttleIntervalMillis;
    }

    String dependencyOf(CallFrame call) {
        if (dependencyKey != null) {
            return dependencyKey.apply(call);
        }
        return call.kind == CallKind.DELEGATE ? null : call.target;
    }

    /** The experiment's injector, when it targets every agent or this one. */
    ChaosInjector chaosFor(String agentId) {
        if (chaos == null || (chaos.targetAgent() != null && !chaos.targetAgent().equals(agentId))) {
            return null;
        }
        return chaos.injector();
    }

    /** The agent's own SLOs and the fleet-wide ones (not the templates'). */
    List<Slo> slosOf(String agentId) {
        List<Slo> mine = slosByAgent.get(agentId);
        return mine != null ? mine : fleetWideSlos;
    }

    SloTemplate[] sloTemplates() {
        return sloTemplates;
    }

    /**
     * The agent's SLO of {@code template}, created on first use; {@code null} when the template is at
     * its cap with nothing it may evict (logged once per template: the task is never failed for it).
     */
    Slo templatedSlo(SloTemplate template, String agentId) {
        try {
            return template.forAgent(agentId);
        } catch (IllegalStateException full) {
            if (fullTemplatesLogged.add(template)) {
                LOG.warn("SLO template '{}' is full: tasks of new agents (first '{}') are not counted by it until room is made "
                        + "(logged once)", template.name(), agentId, full);
            }
            return null;
        }
    }

    TraceCapture startCapture(String agentId) {
        return ReplayEngine.captureBuilder(agentId).store(traceStore).clock(clock)
                .priceTable(costGuard == null ? null : costGuard.priceTable()).start();
    }

    void closeCapture(TaskRun run, TraceCapture capture) {
        try {
            capture.close();
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable failure) {
            postFlightFailed(run, "trace write", failure);
        }
    }

    void publishRefusal(TaskRefusedException e) {
        eventBus.publish(new TaskRefused(clock.instant(), e.agentId(), e.taskId(), e.reason(), e.getMessage(), e.retryAfter(),
                e.refusedCall(), e.inFlight()));
    }

    void afterTask(CallGuard guard, GuardedTask task) {
        try {
            guard.afterTask(task);
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable failure) {
            postFlightFailed((TaskRun) task, "afterTask of " + guard, failure);
        }
    }

    void afterCall(CallGuard guard, GuardedCall call) {
        try {
            guard.afterCall(call);
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable failure) {
            postFlightFailed(((CallFrame) call).run, "afterCall of " + guard + " (" + call + ")", failure);
        }
    }

    /**
     * A post-flight step failed: counted, logged (the first failure of each kind of step at WARN, the
     * rest at DEBUG) and published; the agent's call is unaffected and the other steps run.
     */
    void postFlightFailed(TaskRun run, String step, Throwable failure) {
        failures.incrementAndGet();
        String kind = step.contains(" (") ? step.substring(0, step.indexOf(" (")) : step;
        if (guardFailures.size() < MAX_FAILURE_KINDS && guardFailures.computeIfAbsent(kind, k -> new AtomicLong()).getAndIncrement() == 0) {
            LOG.warn("{} failed for task '{}' of agent '{}'; the agent's result is unaffected (further failures of this step are "
                    + "logged at DEBUG)", step, run.taskId, run.agentId, failure);
        } else {
            LOG.debug("{} failed again for task '{}' of agent '{}'", step, run.taskId, run.agentId, failure);
        }
        try {
            eventBus.publish(new PostFlightFailed(clock.instant(), run.agentId, run.taskId, step, failure.getClass().getName()));
        } catch (RuntimeException ignored) {
            // the bus isolates listeners; nothing else can fail here, and nothing may reach the agent
        }
    }

    // ------------------------------------------------------------------ acting on SLO signals

    // An agent's action is applied by its first exhausted SLO and undone by the last to recover.
    // CIRCUIT_BREAK trips the breaker (OPEN, then half-open probes that close it by themselves), so
    // there is nothing to undo on recovery; while it is in force SloGuard trips it again after a
    // failed task. Each change is decided from the SLO's state as it is now (a late or repeated
    // event cannot undo a newer one) under one lock, and its effect and event are queued there, so
    // they happen in the order the decisions were made, after the lock.
    private void onSloStatus(SloStatusChanged change) {
        String agentId = change.agentId();
        if (agentId == null || !(change.exhausted() || change.recovered())) {
            return;
        }
        Slo slo = sloNamed(agentId, change.sloName());
        boolean apply = slo != null ? slo.actionInForce().isPresent() : change.exhausted();
        ExhaustionAction action = change.exhaustionAction();
        synchronized (actionEvents) {
            if (!sloActions.set(agentId, change.sloName(), action, apply)) {
                return; // already applied (or undone) for this SLO
            }
            if (action == ExhaustionAction.CIRCUIT_BREAK && apply) {
                actionEvents.enqueue(() -> tripAgentBreaker(agentId, "error budget of SLO '" + change.sloName() + "' exhausted"));
            }
            actionEvents.enqueue(new ExhaustionActionTaken(clock.instant(), agentId, change.sloName(), action, apply));
        }
        actionEvents.drain();
    }

    /** The pipeline's SLO of {@code agentId} named {@code name} (its own, fleet-wide or a template's), if any; creates none. */
    private Slo sloNamed(String agentId, String name) {
        for (Slo slo : slosOf(agentId)) {
            if (slo.name().equals(name)) {
                return slo;
            }
        }
        for (SloTemplate template : sloTemplates) {
            Slo slo = template.find(agentId).orElse(null);
            if (slo != null && slo.name().equals(name)) {
                return slo;
            }
        }
        return null;
    }

    /** Builder for {@link AgentSre}; every component is optional. */
    public static final class Builder {
        private Clock clock = CachedMillisClock.UTC;
        private SreEventBus eventBus;
        private final List<Slo> slos = new ArrayList<>();
        private final List<SloTemplate> sloTemplates = new ArrayList<>();
        private Duration sloEvaluationInterval;
        private ScheduledExecutorService sloEvaluationExecutor;
        private CircuitBreakerRegistry breakers;
        private CircuitBreakerRegistry dependencyBreakers;
        private Function<GuardedCall, String> dependencyKey;
        private CostGuard costGuard;
        private RogueAgentDetector rogueDetector;
        private TraceStore traceStore;
        private boolean captureEveryTask = true;
        private ChaosExperiment chaos;
        private TaskLimits taskLimits = TaskLimits.NONE;
        private final List<CallGuard> guards = new ArrayList<>();
        private ScheduledExecutorService scheduler;
        private Duration sloThrottleInterval = DEFAULT_SLO_THROTTLE_INTERVAL;
        private Slf4jEventLogger eventLogger = Slf4jEventLogger.defaults();

        private Builder() {
        }

        /**
         * Whether state changes published on the pipeline's buses (its own, every SLO's and template's)
         * are logged through SLF4J, once per transition (default on, with {@link Slf4jEventLogger#defaults()}).
         */
        public Builder eventLogging(boolean enabled) {
            this.eventLogger = enabled ? Slf4jEventLogger.defaults() : null;
            return this;
        }

        /** Logs state changes with {@code logger} instead of the default (see {@link #eventLogging}). */
        public Builder eventLogger(Slf4jEventLogger logger) {
            this.eventLogger = Check.notNull("eventLogger", logger);
            return this;
        }

        /** The clock task durations and deadlines are measured with. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** The bus refusals and exhaustion actions are published on (give your components the same). */
        public Builder eventBus(SreEventBus eventBus) {
            this.eventBus = eventBus;
            return this;
        }

        /** An SLO: for its agent, or for every agent when it has none. */
        public Builder slo(Slo slo) {
            slos.add(Check.notNull("slo", slo));
            return this;
        }

        /**
         * An SLO template: every agent's tasks also count for the agent's SLO of {@code template},
         * created on its first task (see {@link SloTemplate} for the bound on agents). The template's
         * exhaustion actions are carried out like those of fixed SLOs.
         */
        public Builder sloTemplate(SloTemplate template) {
            sloTemplates.add(Check.notNull("sloTemplate", template));
            return this;
        }

        /**
         * Evaluates every SLO and every template's SLOs each {@code interval} on a daemon thread of
         * the pipeline's own, so alerts resolve and exhaustion actions are undone with no traffic
         * (an {@link SloEvaluator}; stopped by {@link AgentSre#close()}).
         */
        public Builder sloEvaluation(Duration interval) {
            this.sloEvaluationInterval = Check.positive("sloEvaluation interval", interval);
            this.sloEvaluationExecutor = null;
            return this;
        }

        /** Like {@link #sloEvaluation(Duration)}, on {@code executor} (never shut down by the pipeline). */
        public Builder sloEvaluation(Duration interval, ScheduledExecutorService executor) {
            this.sloEvaluationInterval = Check.positive("sloEvaluation interval", interval);
            this.sloEvaluationExecutor = Check.notNull("executor", executor);
            return this;
        }

        /** One circuit breaker per agent, around each whole task. */
        public Builder breakers(CircuitBreakerRegistry breakers) {
            this.breakers = breakers;
            return this;
        }

        /**
         * One circuit breaker per dependency, shared by every agent: keyed by the model id or tool name
         * of each call (see {@link #dependencyKey}). When a provider is down its calls fail fast in
         * every agent's tasks; calls to other dependencies still run.
         */
        public Builder dependencyBreakers(CircuitBreakerRegistry breakers) {
            this.dependencyBreakers = breakers;
            return this;
        }

        /**
         * Which dependency a call reaches, for the dependency breakers and for observers (default: the
         * model id or tool name; none for a delegation). Return {@code null} for a call with no breaker —
         * e.g. {@code call -> call.kind() == CallKind.LLM ? providerOf(call.target()) : null}.
         */
        public Builder dependencyKey(Function<GuardedCall, String> key) {
            this.dependencyKey = Check.notNull("dependencyKey", key);
            return this;
        }

        /** Budgets, priced with its price table, at the door and on every call. */
        public Builder costGuard(CostGuard costGuard) {
            this.costGuard = costGuard;
            return this;
        }

        /** Quarantines (at the door and in flight), capability profiles and per-task loop detection on tool calls. */
        public Builder rogueDetector(RogueAgentDetector rogueDetector) {
            this.rogueDetector = rogueDetector;
            return this;
        }

        /**
         * Captures tasks (their delegations nested in them) into this store: every task, unless
         * {@link #captureEveryTask}(false) keeps it for the tasks asked for with {@link AgentSre#captureNext}.
         */
        public Builder traceStore(TraceStore traceStore) {
            this.traceStore = traceStore;
            return this;
        }

        /**
         * Whether every task is captured into the {@link #traceStore} (default true); with false only
         * the tasks asked for with {@link AgentSre#captureNext} are — an incident's "capture the next
         * 20 traces of this agent" without the cost of capturing every task.
         */
        public Builder captureEveryTask(boolean everyTask) {
            this.captureEveryTask = everyTask;
            return this;
        }

        /** Injects this experiment's faults into the calls of its target agent's tasks (every agent's, when it has none) while it runs. */
        public Builder chaos(ChaosExperiment experiment) {
            this.chaos = experiment;
            return this;
        }

        /** The limits of every task (a task can override them with {@code limits(...)}); default: only {@code maxDelegationDepth} 3. */
        public Builder taskLimits(TaskLimits limits) {
            this.taskLimits = Check.notNull("taskLimits", limits);
            return this;
        }

        /**
         * A call guard of your own (a policy check, telemetry, an audit log). Your guards run first
         * (outermost, after only the pipeline's post-flight SLO accounting), in the order added, so
         * they see every task and call, refused ones included.
         */
        public Builder guard(CallGuard guard) {
            guards.add(Check.notNull("guard", guard));
            return this;
        }

        /** Where the deadlines of asynchronous tasks are timed (default: one shared daemon thread). */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Check.notNull("scheduler", scheduler);
            return this;
        }

        /** Interval between tasks of an agent throttled by an exhausted SLO (default 10 s). */
        public Builder sloThrottleInterval(Duration interval) {
            this.sloThrottleInterval = interval;
            return this;
        }

        /** Builds the pipeline. */
        public AgentSre build() {
            return new AgentSre(this);
        }
    }
}
