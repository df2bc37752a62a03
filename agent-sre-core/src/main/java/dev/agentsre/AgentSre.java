package dev.agentsre;

import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.breaker.CircuitBreaker;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.chaos.ChaosExperiment;
import dev.agentsre.cost.BudgetAction;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.CostReservation;
import dev.agentsre.event.ExhaustionActionTaken;
import dev.agentsre.event.SloStatusChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.event.TaskRefused;
import dev.agentsre.internal.Check;
import dev.agentsre.internal.Money;
import dev.agentsre.replay.AgentCalls;
import dev.agentsre.replay.ReplayEngine;
import dev.agentsre.replay.TraceCapture;
import dev.agentsre.replay.TraceStore;
import dev.agentsre.slo.AggregateSli;
import dev.agentsre.slo.ExhaustionAction;
import dev.agentsre.slo.PercentileSli;
import dev.agentsre.slo.Sli;
import dev.agentsre.slo.Slo;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The guarded-call pipeline: one object that composes the SLOs, circuit breakers, cost guard,
 * rogue-agent detector, replay recorder and chaos experiments around every agent task.
 *
 * <pre>{@code
 * AgentSre sre = AgentSre.builder().eventBus(bus).slo(slo).breakers(fleet).costGuard(guard)
 *         .rogueDetector(detector).traceStore(store).build();
 * Answer a = sre.agent("research-agent").task("t-42").estimatedCost(1.50).call(ctx -> agent.run(q, ctx));
 * }</pre>
 *
 * <p><b>Pre-flight</b>, in order, each refusal a {@link TaskRefusedException} (the body does not run,
 * nothing stays held, a {@link TaskRefused} event is published): the agent is quarantined
 * ({@link QuarantinedException}); it is throttled by an exhausted SLO or its budget
 * ({@link ThrottledException}, with {@code retryAfter}); the estimate does not fit a budget or a kill
 * switch is on ({@link BudgetExceededException}); its circuit is open ({@link CircuitOpenRefusedException}).
 *
 * <p><b>Execution</b>: the body gets a {@link TaskContext} whose calls go through the chaos injector,
 * the trace capture and, for tool calls, the rogue detector, and which collects cost and tokens.
 *
 * <p><b>Post-flight</b>: the breaker records the outcome and duration; every SLO of the agent (and
 * every SLO without an agent) records a good or bad event; built-in indicators are fed by name —
 * {@code task_success_rate} the outcome, {@code error_rate} its opposite, {@code response_latency*}
 * the duration in ms, {@code cost_per_task} the cost, {@code token_usage} the tokens; the cost
 * reservation is committed with the reported cost (the estimate when the task reported none); the
 * trace is written. The body's result is returned, or its exception rethrown unchanged.
 *
 * <p><b>Acting on signals.</b> When an SLO becomes exhausted its {@link ExhaustionAction} is carried
 * out for its agent — THROTTLE admits one task per {@code sloThrottleInterval}, CIRCUIT_BREAK forces
 * the breaker open, FREEZE_DEPLOYMENTS raises {@link #deploymentsFrozen}, ALERT only publishes — and
 * undone when it recovers; each step publishes {@link ExhaustionActionTaken}.
 *
 * <p>Thread-safe; the pipeline itself adds about 0.7 µs and 500 B per task with every in-memory
 * component on (see the performance page). Every component is optional.
 *
 * <p><b>Memory</b>: besides the components (each bounded on its own), the pipeline holds the SLOs
 * grouped by agent (fixed at build time) and the exhaustion actions in force — at most one entry per
 * SLO with an agent. Nothing grows with the number of tasks or of distinct agent ids.
 */
public final class AgentSre {

    /** Default interval between tasks of an agent throttled by an exhausted SLO. */
    public static final Duration DEFAULT_SLO_THROTTLE_INTERVAL = Duration.ofSeconds(10);

    private final Clock clock;
    private final SreEventBus eventBus;
    private final CircuitBreakerRegistry breakers;
    private final CostGuard costGuard;
    private final RogueAgentDetector rogueDetector;
    private final TraceStore traceStore;
    private final ChaosExperiment chaos;
    private final long throttleIntervalMillis;
    private final Map<String, AtomicLong> sloThrottled = new ConcurrentHashMap<>();
    private final Set<String> frozen = ConcurrentHashMap.newKeySet();
    private final Map<String, List<Slo>> slosByAgent; // agents with their own SLOs -> theirs plus the fleet-wide ones
    private final List<Slo> fleetWideSlos;

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
        this.rogueDetector = b.rogueDetector;
        this.traceStore = b.traceStore;
        this.chaos = b.chaos;
        this.throttleIntervalMillis = Check.positive("sloThrottleInterval", b.sloThrottleInterval).toMillis();
        Map<SreEventBus, Boolean> buses = new IdentityHashMap<>();
        buses.put(eventBus, true);
        slos.forEach(slo -> buses.put(slo.eventBus(), true));
        buses.keySet().forEach(bus -> bus.subscribe(SloStatusChanged.class, this::onSloStatus));
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
        return frozen.contains(agentId);
    }

    /** Whether an exhausted SLO with {@link ExhaustionAction#THROTTLE} throttles {@code agentId}. */
    public boolean sloThrottled(String agentId) {
        return sloThrottled.containsKey(agentId);
    }

    /** The bus the pipeline publishes on. */
    public SreEventBus eventBus() {
        return eventBus;
    }

    /** The clock. */
    public Clock clock() {
        return clock;
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
        private double estimate;

        private Task(String agentId, String taskId) {
            this.agentId = agentId;
            this.taskId = taskId;
        }

        /** The estimated cost in USD, reserved against the budgets before the task runs (default 0). */
        public Task estimatedCost(double usd) {
            Money.toNanos("estimatedCost", usd);
            this.estimate = usd;
            return this;
        }

        /**
         * Runs the task under every guard.
         *
         * @throws TaskRefusedException if a guard refuses (the body does not run)
         * @throws Exception whatever the body throws
         */
        public <T> T call(TaskBody<T> body) throws Exception {
            Check.notNull("body", body);
            Admission admission = admit(agentId, taskId, estimate);
            return admission.run(body);
        }

        /**
         * Runs an asynchronous task: a refusal, or a body that throws, is a failed stage; post-flight
         * runs when the stage completes.
         */
        public <T> CompletionStage<T> callAsync(Function<TaskContext, ? extends CompletionStage<T>> body) {
            Check.notNull("body", body);
            Admission admission;
            try {
                admission = admit(agentId, taskId, estimate);
            } catch (TaskRefusedException refused) {
                return CompletableFuture.failedFuture(refused);
            }
            return admission.runAsync(body);
        }
    }

    // ------------------------------------------------------------------ pre-flight

    private Admission admit(String agentId, String taskId, double estimate) {
        if (rogueDetector != null && rogueDetector.isQuarantined(agentId)) {
            throw refused(new QuarantinedException(agentId, taskId, "agent '" + agentId + "' is quarantined by the rogue-agent detector",
                    Duration.ZERO));
        }
        AtomicLong gate = sloThrottled.get(agentId);
        if (gate != null) {
            long now = clock.millis();
            long next = gate.get();
            if (now < next || !gate.compareAndSet(next, now + throttleIntervalMillis)) {
                throw refused(new ThrottledException(agentId, taskId, "agent '" + agentId + "' is throttled: an SLO's error budget is exhausted",
                        Duration.ofMillis(Math.max(1, gate.get() - now))));
            }
        }
        CostReservation reservation = null;
        if (costGuard != null) {
            reservation = costGuard.reserve(agentId, taskId, estimate);
            if (!reservation.isGranted()) {
                if (reservation.decision().action() == BudgetAction.THROTTLE) {
                    throw refused(new ThrottledException(agentId, taskId, reservation.decision().reason(), reservation.decision().retryAfter()));
                }
                throw refused(new BudgetExceededException(agentId, taskId, reservation.decision().reason(), Duration.ZERO));
            }
        }
        CircuitBreaker breaker = breakers == null ? null : breakers.get(agentId);
        if (breaker != null && !breaker.tryAcquirePermission()) {
            if (reservation != null) {
                reservation.release();
            }
            Duration retry = breaker.snapshot().retryAfter();
            throw refused(new CircuitOpenRefusedException(agentId, taskId, "the circuit breaker of agent '" + agentId + "' is "
                    + breaker.state(), retry.isZero() ? Duration.ofMillis(1) : retry));
        }
        return new Admission(agentId, taskId, estimate, reservation, breaker);
    }

    private TaskRefusedException refused(TaskRefusedException e) {
        eventBus.publish(new TaskRefused(clock.instant(), e.agentId(), e.taskId(), e.reason(), e.getMessage(), e.retryAfter()));
        return e;
    }

    /** An admitted task: holds what pre-flight took, and does post-flight exactly once. */
    private final class Admission {
        private final String agentId;
        private final String taskId;
        private final double estimate;
        private final CostReservation reservation;
        private final CircuitBreaker breaker;
        private final TraceCapture capture;
        private final TaskContext context;
        private final long start;

        Admission(String agentId, String taskId, double estimate, CostReservation reservation, CircuitBreaker breaker) {
            this.agentId = agentId;
            this.taskId = taskId;
            this.estimate = estimate;
            this.reservation = reservation;
            this.breaker = breaker;
            this.capture = traceStore == null ? null : ReplayEngine.captureBuilder(agentId).store(traceStore).clock(clock)
                    .priceTable(costGuard == null ? null : costGuard.priceTable()).start();
            AgentCalls calls = capture != null ? capture : AgentCalls.direct();
            this.context = new TaskContext(agentId, taskId, AgentSre.this, calls, chaosFor(agentId),
                    costGuard == null ? null : costGuard.priceTable());
            this.start = clock.millis();
        }

        <T> T run(TaskBody<T> body) throws Exception {
            T result;
            try {
                result = body.run(context);
            } catch (Exception | Error failure) {
                finish(failure);
                throw failure;
            }
            finish(null);
            return result;
        }

        <T> CompletionStage<T> runAsync(Function<TaskContext, ? extends CompletionStage<T>> body) {
            CompletionStage<T> stage;
            try {
                stage = body.apply(context);
            } catch (RuntimeException | Error failure) {
                finish(failure);
                return CompletableFuture.failedFuture(failure);
            }
            return stage.whenComplete((result, failure) -> finish(failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure));
        }

        private void finish(Throwable failure) {
            boolean ok = failure == null;
            long millis = Math.max(0, clock.millis() - start);
            if (breaker != null) {
                if (ok) {
                    breaker.recordSuccess(Duration.ofMillis(millis));
                } else {
                    breaker.onError(Duration.ofMillis(millis), failure);
                }
            }
            double cost = context.costReported() ? Money.toDouble(context.costNanos()) : estimate;
            for (Slo slo : slosOf(agentId)) {
                slo.recordEvent(ok);
                for (Sli sli : slo.indicators()) {
                    feed(sli, ok, millis, cost, context.tokens());
                }
            }
            if (reservation != null) {
                reservation.commit(cost);
            }
            if (capture != null) {
                capture.close();
            }
        }
    }

    private static void feed(Sli sli, boolean ok, long millis, double cost, long tokens) {
        String name = sli.name();
        if (sli instanceof PercentileSli && name.startsWith("response_latency")) {
            sli.record(millis);
        } else if (sli instanceof AggregateSli) {
            switch (name) {
                case "task_success_rate":
                    ((AggregateSli) sli).record(ok);
                    break;
                case "error_rate":
                    ((AggregateSli) sli).record(!ok);
                    break;
                case "cost_per_task":
                    sli.record(cost);
                    break;
                case "token_usage":
                    sli.record(tokens);
                    break;
                default:
                    break; // the caller records other indicators
            }
        }
    }

    /** The experiment's injector, when it targets every agent or this one. */
    private dev.agentsre.chaos.ChaosInjector chaosFor(String agentId) {
        if (chaos == null || (chaos.targetAgent() != null && !chaos.targetAgent().equals(agentId))) {
            return null;
        }
        return chaos.injector();
    }

    private List<Slo> slosOf(String agentId) {
        List<Slo> mine = slosByAgent.get(agentId);
        return mine != null ? mine : fleetWideSlos;
    }

    void recordToolCall(String agentId, String tool, Object arguments) {
        if (rogueDetector != null) {
            rogueDetector.recordAction(agentId, "tool_call", tool, clock.instant(), arguments);
        }
    }

    // ------------------------------------------------------------------ acting on SLO signals

    private void onSloStatus(SloStatusChanged change) {
        String agentId = change.agentId();
        if (agentId == null || !(change.exhausted() || change.recovered())) {
            return;
        }
        boolean apply = change.exhausted();
        switch (change.exhaustionAction()) {
            case THROTTLE:
                if (apply) {
                    sloThrottled.putIfAbsent(agentId, new AtomicLong(Long.MIN_VALUE));
                } else {
                    sloThrottled.remove(agentId);
                }
                break;
            case CIRCUIT_BREAK:
                if (breakers != null) {
                    if (apply) {
                        breakers.get(agentId).forceOpen();
                    } else {
                        breakers.get(agentId).reset();
                    }
                }
                break;
            case FREEZE_DEPLOYMENTS:
                if (apply) {
                    frozen.add(agentId);
                } else {
                    frozen.remove(agentId);
                }
                break;
            default:
                break; // ALERT: the event is the action
        }
        eventBus.publish(new ExhaustionActionTaken(clock.instant(), agentId, change.sloName(), change.exhaustionAction(), apply));
    }

    /** Builder for {@link AgentSre}; every component is optional. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private SreEventBus eventBus;
        private final List<Slo> slos = new ArrayList<>();
        private CircuitBreakerRegistry breakers;
        private CostGuard costGuard;
        private RogueAgentDetector rogueDetector;
        private TraceStore traceStore;
        private ChaosExperiment chaos;
        private Duration sloThrottleInterval = DEFAULT_SLO_THROTTLE_INTERVAL;

        private Builder() {
        }

        /** The clock task durations are measured with. */
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

        /** One circuit breaker per agent. */
        public Builder breakers(CircuitBreakerRegistry breakers) {
            this.breakers = breakers;
            return this;
        }

        /** Budgets; its price table prices reported token usage. */
        public Builder costGuard(CostGuard costGuard) {
            this.costGuard = costGuard;
            return this;
        }

        /** Quarantines and tool-call behaviour. */
        public Builder rogueDetector(RogueAgentDetector rogueDetector) {
            this.rogueDetector = rogueDetector;
            return this;
        }

        /** Captures every task into this store. */
        public Builder traceStore(TraceStore traceStore) {
            this.traceStore = traceStore;
            return this;
        }

        /** Injects this experiment's faults into the calls of its target agent's tasks (every agent's, when it has none) while it runs. */
        public Builder chaos(ChaosExperiment experiment) {
            this.chaos = experiment;
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
