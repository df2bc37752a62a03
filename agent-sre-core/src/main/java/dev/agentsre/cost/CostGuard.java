package dev.agentsre.cost;

import dev.agentsre.BudgetExceededException;
import dev.agentsre.ThrottledException;
import dev.agentsre.event.BudgetPeriodRolledOver;
import dev.agentsre.event.BudgetStateChanged;
import dev.agentsre.event.CostAlertRaised;
import dev.agentsre.event.CostCharged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.event.UnknownModelPriced;
import dev.agentsre.internal.Check;
import dev.agentsre.internal.InFlightCost;
import dev.agentsre.internal.Money;
import dev.agentsre.internal.stats.EwmaBaseline;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Keeps agents within their budgets: per task, per agent per day, per tenant and for the
 * organisation per month. It admits tasks ({@link #checkTask}, or race-free with
 * {@link #reserve}), charges what they cost ({@link #recordCost}, {@link #recordUsage}), raises
 * alerts as utilisation crosses thresholds, throttles an agent near its limit, and kills it at the
 * kill-switch threshold until the period rolls over or someone calls {@link #revive}.
 *
 * <pre>{@code
 * CostGuard guard = CostGuard.builder()
 *         .perTaskLimit(2.00).perAgentDailyLimit(50.00).orgMonthlyBudget(5000.00)
 *         .autoThrottle(true).killSwitchThreshold(0.95).anomalyDetection(true)
 *         .build();
 * CostDecision d = guard.checkTask("research-agent", 1.50);
 * List<CostAlert> alerts = guard.recordCost("research-agent", "task-001", 0.45,
 *         Map.of("input_tokens", 0.15, "output_tokens", 0.25, "tool_calls", 0.05));
 * }</pre>
 *
 * <p><b>Periods.</b> Agent budgets are daily, tenant and organisation budgets monthly, in the
 * configured {@code ZoneId} (default UTC), rolling over automatically from the injected clock. A
 * throttle or kill ends with its period; a revive ends it at once (and keeps automatic enforcement
 * off for the rest of the period; the hard limit still applies).
 *
 * <p><b>Admission.</b> A task is refused with {@link BudgetAction#KILL} while any of its budgets is
 * killed (an organisation kill covers every agent, including agents first seen after it), with
 * {@link BudgetAction#DENY} when its estimate does not fit beside what is spent and held, and — when
 * any of its budgets is throttled — it is admitted at {@code throttledTasksPerMinute}, with a
 * {@code retryAfter} for the tasks in between. {@code checkTask} admits (it uses a throttled
 * agent's slot); use it with {@code recordCost}, or use {@code reserve} with {@code commit}.
 *
 * <p><b>Wrapping a call</b> ({@link #execute}, {@link #call}, {@link #executeWithUsage},
 * {@link #executeAsync}, {@link #decorateSupplier}, {@link #decorateCallable}) reserves the estimate,
 * runs the call, commits what a function of its result says it cost (or the price of the token usage
 * it reports), and releases the hold if the call throws — no hold can leak. A refusal is a
 * {@link BudgetExceededException} (or a {@link ThrottledException} with {@code retryAfter}) and the
 * call does not run.
 *
 * <pre>{@code
 * Reply r = breaker.execute(() -> guard.execute("research-agent", "t-43", 0.50, () -> model.chat(p), Reply::costUsd));
 * }</pre>
 *
 * <p><b>Prices.</b> Token usage is priced with {@link PriceTable#defaults()} unless another table is
 * set. Reported tokens of a model the table does not know are an {@link IllegalArgumentException}
 * naming the model and the closest known ids (strict, the default), or — with
 * {@link Builder#unknownModelPrice} (or a table with a fallback price) — are priced at that price and
 * an {@link UnknownModelPriced} event is published (lenient).
 *
 * <p><b>Money</b> is exact: amounts are validated (NaN, infinite, negative are rejected before
 * anything changes) and accumulated in fixed point.
 *
 * <p><b>Memory.</b> Bounded: at most {@code maxAgents} agents (default
 * {@value #DEFAULT_MAX_AGENTS}) of about 1 KiB each — agents idle since before the current day are
 * evicted first when the cap is reached; {@value #MAX_TRACKED_TASKS} task totals for the per-task
 * limit; {@value #MAX_CHARGE_IDS} charge ids for idempotency; open reservations up to
 * {@code maxOpenReservations}. Nothing grows with the number of charges.
 *
 * <p>Thread-safe and lock-free on the charge and admission paths except for a short per-agent lock
 * around the anomaly baselines; no lock is held while user code runs. Every alert and state change
 * is published as an {@link dev.agentsre.event.CostEvent}.
 */
public final class CostGuard {

    /** Default utilisation thresholds that raise alerts. */
    public static final List<Double> DEFAULT_ALERT_THRESHOLDS = List.of(0.50, 0.75, 0.90, 0.95);
    /** Default utilisation at which throttling starts. */
    public static final double DEFAULT_THROTTLE_THRESHOLD = 0.85;
    /** Default utilisation at which the kill switch engages. */
    public static final double DEFAULT_KILL_SWITCH_THRESHOLD = 0.95;
    /** Default task rate of a throttled agent. */
    public static final double DEFAULT_THROTTLED_TASKS_PER_MINUTE = 6;
    /** Default time after which an open reservation expires. */
    public static final Duration DEFAULT_RESERVATION_TIMEOUT = Duration.ofMinutes(10);
    private static final Budget.Period[] NO_PERIODS = new Budget.Period[0];
    private static final Budget[] NO_BUDGETS = new Budget[0];

    /** Default cap on tracked agents. */
    public static final int DEFAULT_MAX_AGENTS = 10_000;
    /** Default cap on open reservations. */
    public static final int DEFAULT_MAX_OPEN_RESERVATIONS = 100_000;
    /** Tasks whose running total is kept for the per-task limit. */
    public static final int MAX_TRACKED_TASKS = 10_000;
    /** Charge ids remembered for idempotent retries. */
    public static final int MAX_CHARGE_IDS = 100_000;
    /** Owner name of the organisation budget. */
    public static final String ORGANIZATION = "organization";

    private final Clock clock;
    private final ZoneId zone;
    private final SreEventBus eventBus;
    private final long perTaskLimitNanos;
    private final long agentDailyLimitNanos;
    private final Map<String, Long> agentDailyLimits;
    private final Function<String, String> tenantOf;
    private final Map<String, Long> tenantLimits;
    private final long defaultTenantLimitNanos;
    private final double[] alertThresholds;
    private final boolean autoThrottle;
    private final double throttleThreshold;
    private final long throttleIntervalMillis;
    private final double killSwitchThreshold;
    private final AnomalySettings anomaly;
    private final long reservationTimeoutMillis;
    private final int maxAgents;
    private final int maxOpenReservations;
    private final PriceTable priceTable;
    private final PriceTable.Rates unknownModelRates;
    private final AtomicLong wrappedCalls = new AtomicLong();

    static {
        InFlightCost.install(new InFlight());
    }

    private final Budget organization;
    private final ConcurrentHashMap<String, AgentLedger> agents = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Budget> tenants = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<TaskKey, TaskSpend> tasks = new ConcurrentHashMap<>();
    private final Map<String, Boolean> chargeIds = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX_CHARGE_IDS;
        }
    });
    private final ConcurrentHashMap<Long, CostReservation> openReservations = new ConcurrentHashMap<>();
    private final AtomicLong reservationIds = new AtomicLong();
    private final AtomicLong nextSweepMillis = new AtomicLong(Long.MIN_VALUE);

    private CostGuard(Builder b) {
        this.clock = Check.notNull("clock", b.clock);
        this.zone = Check.notNull("zone", b.zone);
        this.eventBus = b.eventBus == null ? new SreEventBus() : b.eventBus;
        this.perTaskLimitNanos = b.perTaskLimit;
        this.agentDailyLimitNanos = b.agentDailyLimit;
        this.agentDailyLimits = Map.copyOf(b.agentDailyLimits);
        this.tenantOf = b.tenantOf;
        this.tenantLimits = Map.copyOf(b.tenantLimits);
        this.defaultTenantLimitNanos = b.defaultTenantLimit;
        this.alertThresholds = b.alertThresholds.clone();
        this.autoThrottle = b.autoThrottle;
        this.throttleThreshold = Check.closedRange("throttleThreshold", b.throttleThreshold, Double.MIN_VALUE, 1.0);
        double rate = Check.positive("throttledTasksPerMinute", b.throttledTasksPerMinute);
        this.throttleIntervalMillis = Math.max(1, Math.round(60_000 / rate));
        this.killSwitchThreshold = Check.closedRange("killSwitchThreshold", b.killSwitchThreshold, Double.MIN_VALUE, 1.0);
        if (autoThrottle && throttleThreshold > killSwitchThreshold) {
            throw new IllegalArgumentException("throttleThreshold must be <= killSwitchThreshold (" + killSwitchThreshold
                    + "), got " + throttleThreshold);
        }
        this.anomaly = b.anomaly.copy(); // later builder calls must not change a built guard
        this.reservationTimeoutMillis = Check.positive("reservationTimeout", b.reservationTimeout).toMillis();
        this.maxAgents = Check.positive("maxAgents", b.maxAgents);
        this.maxOpenReservations = Check.positive("maxOpenReservations", b.maxOpenReservations);
        this.priceTable = Check.notNull("priceTable", b.priceTable);
        ModelPrice unknown = b.unknownModelPrice != null ? b.unknownModelPrice : priceTable.fallback().orElse(null);
        this.unknownModelRates = unknown == null ? null : new PriceTable.Rates("(unknown model)", unknown);
        this.organization = new Budget(BudgetScope.ORGANIZATION, ORGANIZATION, null, b.orgMonthlyBudget, Budget.Periodicity.MONTH, zone);
    }

    /** Starts a builder; every budget is off (unlimited, but tracked) until set. */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ admission

    /**
     * The pre-flight check: may {@code agentId} start a task estimated at {@code estimateUsd}?
     * Holds nothing; a throttled agent's admission uses its slot.
     *
     * @throws IllegalArgumentException for a blank agent id or a NaN, infinite or negative estimate
     */
    public CostDecision checkTask(String agentId, double estimateUsd) {
        return checkTask(agentId, Money.toNanos("estimateUsd", estimateUsd));
    }

    /** {@link #checkTask(String, double)} with an exact amount. */
    public CostDecision checkTask(String agentId, BigDecimal estimateUsd) {
        return checkTask(agentId, Money.toNanos("estimateUsd", estimateUsd));
    }

    private CostDecision checkTask(String agentId, long estimate) {
        Check.notBlank("agentId", agentId);
        long now = clock.millis();
        Scopes scopes = scopes(agentId, now);
        if (perTaskLimitNanos != Budget.UNLIMITED && estimate > perTaskLimitNanos) {
            return CostDecision.deny(BudgetScope.TASK, "estimate " + Money.format(estimate) + " exceeds the per-task limit of "
                    + Money.format(perTaskLimitNanos));
        }
        CostDecision refusal = refusal(scopes, estimate);
        if (refusal != null) {
            return refusal;
        }
        return admitThrottled(scopes, now);
    }

    /**
     * Atomically checks {@code estimateUsd} against every budget of the task and holds it there. The
     * returned reservation is granted or carries the refusal; a granted one must be committed or
     * released (or it expires after the reservation timeout).
     *
     * <p>Concurrent reservations never over-commit a budget: with 8 threads each reserving $1
     * twenty times against a $10 limit, exactly 10 are granted.
     */
    public CostReservation reserve(String agentId, String taskId, double estimateUsd) {
        return reserve(agentId, taskId, Money.toNanos("estimateUsd", estimateUsd));
    }

    /** {@link #reserve(String, String, double)} with an exact amount. */
    public CostReservation reserve(String agentId, String taskId, BigDecimal estimateUsd) {
        return reserve(agentId, taskId, Money.toNanos("estimateUsd", estimateUsd));
    }

    private CostReservation reserve(String agentId, String taskId, long estimate) {
        Check.notBlank("agentId", agentId);
        Check.notBlank("taskId", taskId);
        long now = clock.millis();
        sweepExpired(now);
        Scopes scopes = scopes(agentId, now);
        long id = reservationIds.incrementAndGet();
        CostDecision refusal = null;
        if (perTaskLimitNanos != Budget.UNLIMITED) {
            TaskSpend task = tasks.get(new TaskKey(agentId, taskId));
            long spent = task == null ? 0 : task.spent.get();
            if (spent + estimate > perTaskLimitNanos) {
                refusal = CostDecision.deny(BudgetScope.TASK, "estimate " + Money.format(estimate) + " on top of "
                        + Money.format(spent) + " already spent exceeds the per-task limit of " + Money.format(perTaskLimitNanos));
            }
        }
        if (refusal == null && openReservations.size() >= maxOpenReservations) {
            refusal = CostDecision.deny(null, "too many open reservations (" + maxOpenReservations + "); commit or release some");
        }
        if (refusal == null) {
            refusal = refusal(scopes, estimate);
        }
        if (refusal != null) {
            return new CostReservation(this, id, agentId, taskId, estimate, refusal, NO_PERIODS, NO_BUDGETS, null, now);
        }
        // Hold in every limited budget, most specific first; undo on the first that has no room.
        Budget[] budgets = scopes.budgets();
        Budget.Period[] periods = scopes.periods();
        int held = 0;
        for (; held < budgets.length; held++) {
            if (!budgets[held].tryHold(periods[held], estimate)) {
                break;
            }
        }
        CostDecision decision;
        if (held < budgets.length) {
            decision = CostDecision.deny(budgets[held].scope, "estimate " + Money.format(estimate) + " does not fit the "
                    + budgets[held].describe(periods[held]));
        } else {
            decision = admitThrottled(scopes, now);
        }
        if (!decision.allowed()) {
            for (int i = 0; i < held; i++) {
                Budget.release(periods[i], estimate);
            }
            return new CostReservation(this, id, agentId, taskId, estimate, decision, NO_PERIODS, NO_BUDGETS, null, now);
        }
        CostReservation reservation = new CostReservation(this, id, agentId, taskId, estimate, decision, periods, budgets,
                scopes.agent, now + reservationTimeoutMillis);
        openReservations.put(id, reservation);
        return reservation;
    }

    private CostDecision refusal(Scopes scopes, long estimate) {
        for (int i = scopes.size - 1; i >= 0; i--) { // organisation first: its kill covers everyone
            Budget budget = scopes.budgets[i];
            Budget.Period period = scopes.periods[i];
            if (period.state.get() == BudgetState.KILLED) {
                return CostDecision.kill(budget.scope, "kill switch engaged: the " + budget.describe(period));
            }
        }
        for (int i = 0; i < scopes.size; i++) {
            Budget budget = scopes.budgets[i];
            if (!budget.fits(scopes.periods[i], estimate)) {
                return CostDecision.deny(budget.scope, "estimate " + Money.format(estimate) + " does not fit the "
                        + budget.describe(scopes.periods[i]));
            }
        }
        return null;
    }

    /** Admits a task of a throttled agent at the reduced rate (GCRA with a burst of one). */
    private CostDecision admitThrottled(Scopes scopes, long now) {
        Budget throttledBy = null;
        for (int i = 0; i < scopes.size; i++) {
            if (scopes.periods[i].state.get() == BudgetState.THROTTLED) {
                throttledBy = scopes.budgets[i];
                break;
            }
        }
        if (throttledBy == null) {
            return CostDecision.ALLOWED;
        }
        AtomicLong gate = scopes.agent.daily.current(now, null).nextAdmitMillis;
        while (true) {
            long next = gate.get();
            if (now < next) {
                return new CostDecision(false, BudgetAction.THROTTLE, throttledBy.scope, "throttled: the "
                        + throttledBy.describe(throttledBy.peek()) + " is past " + percent(throttleThreshold)
                        + "; tasks are admitted every " + Duration.ofMillis(throttleIntervalMillis).toSeconds() + " s",
                        Duration.ofMillis(next - now));
            }
            if (gate.compareAndSet(next, now + throttleIntervalMillis)) {
                return new CostDecision(true, BudgetAction.THROTTLE, throttledBy.scope, "admitted at the throttled rate: the "
                        + throttledBy.describe(throttledBy.peek()) + " is past " + percent(throttleThreshold), Duration.ZERO);
            }
        }
    }

    // ------------------------------------------------------------------ charging

    /** Charges {@code usd} to the agent's budgets after the fact; returns the alerts it raised. */
    public List<CostAlert> recordCost(String agentId, String taskId, double usd) {
        return recordCost(agentId, taskId, null, usd, Map.of());
    }

    /**
     * Charges {@code usd} with a breakdown by category (for example {@code input_tokens},
     * {@code output_tokens}, {@code tool_calls}); returns the alerts it raised.
     *
     * @throws IllegalArgumentException for a NaN, infinite or negative amount or breakdown value;
     *     nothing is charged
     */
    public List<CostAlert> recordCost(String agentId, String taskId, double usd, Map<String, Double> breakdown) {
        return recordCost(agentId, taskId, null, usd, breakdown);
    }

    /**
     * Charges {@code usd} once per {@code (agentId, taskId, chargeId)}: a retry that records the same
     * charge id again charges nothing and returns no alerts. The last
     * {@value #MAX_CHARGE_IDS} charge ids are remembered.
     */
    public List<CostAlert> recordCost(String agentId, String taskId, String chargeId, double usd, Map<String, Double> breakdown) {
        long nanos = Money.toNanos("usd", usd);
        Map<String, Long> parts = breakdownNanos(breakdown);
        return record(agentId, taskId, chargeId, nanos, parts);
    }

    /** {@link #recordCost(String, String, String, double, Map)} with exact amounts. */
    public List<CostAlert> recordCost(String agentId, String taskId, String chargeId, BigDecimal usd, Map<String, BigDecimal> breakdown) {
        long nanos = Money.toNanos("usd", usd);
        Check.notNull("breakdown", breakdown);
        Map<String, Long> parts = new HashMap<>();
        breakdown.forEach((k, v) -> parts.put(Check.notBlank("breakdown category", k), Money.toNanos("breakdown[" + k + "]", v)));
        return record(agentId, taskId, chargeId, nanos, parts);
    }

    /**
     * Prices {@code usage} of {@code model} with the guard's {@link PriceTable} and charges it, broken
     * down into input, cached input, cache writes, output and reasoning.
     *
     * @throws IllegalArgumentException if the model is unknown and the guard is strict (naming the
     *     model and the closest known ids); nothing is charged
     */
    public List<CostAlert> recordUsage(String agentId, String taskId, String model, TokenUsage usage) {
        Check.notBlank("agentId", agentId);
        Check.notBlank("taskId", taskId);
        Check.notNull("usage", usage);
        PriceTable.Rates rates = rates(model);
        PriceTable.Cost cost = rates.price(usage);
        Map<String, Long> parts = new HashMap<>();
        putIfPositive(parts, "input_tokens", cost.inputNanos());
        putIfPositive(parts, "cache_read_tokens", cost.cacheReadNanos());
        putIfPositive(parts, "cache_write_tokens", cost.cacheWriteNanos());
        putIfPositive(parts, "output_tokens", cost.outputNanos());
        putIfPositive(parts, "reasoning_tokens", cost.reasoningNanos());
        if (rates == unknownModelRates) {
            publishUnknownModel(agentId, taskId, model, cost.totalNanos());
        }
        return record(agentId, taskId, null, cost.totalNanos(), parts, model);
    }

    /**
     * The price of {@code usage} on {@code model} in USD, by this guard's rules (its table; unknown
     * models as configured). Charges nothing.
     *
     * @throws IllegalArgumentException if the model is unknown and the guard is strict
     */
    public BigDecimal price(String model, TokenUsage usage) {
        Check.notNull("usage", usage);
        return Money.toUsd(rates(model).totalNanos(usage));
    }

    /** Whether {@code model} has a price of its own in this guard's table (not the price for unknown models). */
    public boolean knowsModel(String model) {
        return priceTable.knows(model);
    }

    /** The rates of {@code model}: its own, or the price for unknown models in lenient mode. */
    private PriceTable.Rates rates(String model) {
        Check.notBlank("model", model);
        PriceTable.Rates rates = priceTable.lookup(model);
        if (rates != null) {
            return rates;
        }
        if (unknownModelRates == null) {
            throw priceTable.unknownModel(model);
        }
        return unknownModelRates;
    }

    private void publishUnknownModel(String agentId, String taskId, String model, long nanos) {
        if (eventBus.listenerCount() > 0) {
            eventBus.publish(new UnknownModelPriced(clock.instant(), agentId, taskId, model, Money.toUsd(nanos)));
        }
    }

    // ------------------------------------------------------------------ wrapping calls

    /**
     * Runs {@code call} as a task of {@code agentId} under the budgets: reserves {@code estimateUsd},
     * runs the call, commits {@code costUsd} of its result, and releases the hold if the call (or the
     * cost function) throws.
     *
     * @throws BudgetExceededException if a budget refuses the estimate (the call does not run)
     * @throws ThrottledException if the agent is throttled (the call does not run; see {@code retryAfter})
     * @throws IllegalArgumentException for a bad id or amount, or a NaN, infinite or negative cost
     */
    public <T> T execute(String agentId, String taskId, double estimateUsd, Supplier<T> call, ToDoubleFunction<? super T> costUsd) {
        Check.notNull("call", call);
        return run(agentId, taskId, estimateUsd, call::get, costUsd);
    }

    /**
     * {@link #execute} for a {@link Callable}.
     *
     * @throws Exception whatever the call throws (the hold is released)
     */
    public <T> T call(String agentId, String taskId, double estimateUsd, Callable<T> call, ToDoubleFunction<? super T> costUsd)
            throws Exception {
        Check.notNull("call", call);
        return run(agentId, taskId, estimateUsd, call::call, costUsd);
    }

    /** A call that throws {@code E}: a {@link Supplier} ({@code E} unchecked) or a {@link Callable}. */
    @FunctionalInterface
    private interface WrappedCall<T, E extends Exception> {
        T call() throws E;
    }

    private <T, E extends Exception> T run(String agentId, String taskId, double estimateUsd, WrappedCall<T, E> call,
                                           ToDoubleFunction<? super T> costUsd) throws E {
        Check.notNull("costUsd", costUsd);
        CostReservation reservation = admit(agentId, taskId, estimateUsd);
        try {
            T result = call.call();
            reservation.commit(costUsd.applyAsDouble(result));
            return result;
        } finally {
            reservation.close(); // no-op after a commit; releases the hold otherwise
        }
    }

    /**
     * {@link #execute} for a model call whose result reports its token usage: commits the price of
     * the usage on {@code model} (a {@code null} usage commits nothing).
     *
     * @throws IllegalArgumentException if the model has no price and the guard is strict — checked
     *     before the call runs
     */
    public <T> T executeWithUsage(String agentId, String taskId, double estimateUsd, String model, Supplier<T> call,
                                  Function<? super T, TokenUsage> usage) {
        Check.notNull("call", call);
        Check.notNull("usage", usage);
        PriceTable.Rates rates = rates(model);
        CostReservation reservation = admit(agentId, taskId, estimateUsd);
        try {
            T result = call.get();
            TokenUsage used = usage.apply(result);
            long nanos = used == null ? 0 : rates.totalNanos(used);
            if (rates == unknownModelRates && used != null) {
                publishUnknownModel(agentId, taskId, model, nanos);
            }
            reservation.commitNanos(nanos);
            return result;
        } finally {
            reservation.close();
        }
    }

    /**
     * Starts an asynchronous call under the budgets: a refusal, or a call that throws, is a failed
     * stage; the cost of the result is committed when the stage completes, the hold released if it
     * fails. The returned stage completes after that.
     */
    public <T> CompletionStage<T> executeAsync(String agentId, String taskId, double estimateUsd,
                                               Supplier<? extends CompletionStage<T>> call, ToDoubleFunction<? super T> costUsd) {
        Check.notNull("call", call);
        Check.notNull("costUsd", costUsd);
        CostReservation reservation;
        try {
            reservation = admit(agentId, taskId, estimateUsd);
        } catch (RuntimeException refused) {
            return CompletableFuture.failedFuture(refused);
        }
        CompletionStage<T> stage;
        try {
            stage = Objects.requireNonNull(call.get(), "the asynchronous call returned no stage");
        } catch (RuntimeException | Error e) {
            reservation.close();
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<T> done = new CompletableFuture<>();
        stage.whenComplete((result, error) -> {
            if (error != null) {
                reservation.close();
                done.completeExceptionally(error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
                return;
            }
            try {
                reservation.commit(costUsd.applyAsDouble(result));
                done.complete(result);
            } catch (RuntimeException | Error e) {
                reservation.close();
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    /**
     * {@code call} run under the budgets on every invocation, as a task of {@code agentId} with a
     * task id of its own ({@code agentId#n}).
     */
    public <T> Supplier<T> decorateSupplier(String agentId, double estimateUsd, Supplier<T> call, ToDoubleFunction<? super T> costUsd) {
        checkDecorated(agentId, estimateUsd, call, costUsd);
        return () -> execute(agentId, nextTaskId(agentId), estimateUsd, call, costUsd);
    }

    /** {@link #decorateSupplier} for a {@link Callable}. */
    public <T> Callable<T> decorateCallable(String agentId, double estimateUsd, Callable<T> call, ToDoubleFunction<? super T> costUsd) {
        checkDecorated(agentId, estimateUsd, call, costUsd);
        return () -> call(agentId, nextTaskId(agentId), estimateUsd, call, costUsd);
    }

    /** A decorator's arguments are checked when it is made, not on its first invocation. */
    private static void checkDecorated(String agentId, double estimateUsd, Object call, Object costUsd) {
        Check.notBlank("agentId", agentId);
        Money.toNanos("estimateUsd", estimateUsd);
        Check.notNull("call", call);
        Check.notNull("costUsd", costUsd);
    }

    private String nextTaskId(String agentId) {
        return agentId + "#" + wrappedCalls.incrementAndGet();
    }

    /** Reserves or throws the refusal. */
    private CostReservation admit(String agentId, String taskId, double estimateUsd) {
        return reserve(agentId, taskId, estimateUsd).orThrow();
    }

    /** Charges after a reservation's commit. */
    List<CostAlert> charge(String agentId, String taskId, long nanos, String chargeId) {
        return record(agentId, taskId, chargeId, nanos, Map.of(), null);
    }

    private List<CostAlert> record(String agentId, String taskId, String chargeId, long nanos, Map<String, Long> parts) {
        return record(agentId, taskId, chargeId, nanos, parts, null);
    }

    private List<CostAlert> record(String agentId, String taskId, String chargeId, long nanos, Map<String, Long> parts, String model) {
        Check.notBlank("agentId", agentId);
        Check.notBlank("taskId", taskId);
        if (chargeId != null && chargeIds.putIfAbsent(agentId + '\u0000' + taskId + '\u0000' + chargeId, Boolean.TRUE) != null) {
            return List.of();
        }
        long now = clock.millis();
        Scopes scopes = scopes(agentId, now);
        List<CostAlert> alerts = null;
        for (int i = 0; i < scopes.size; i++) {
            Budget budget = scopes.budgets[i];
            Budget.Period period = scopes.periods[i];
            period.spent.addAndGet(nanos);
            alerts = enforce(budget, period, agentId, taskId, now, alerts);
        }
        Budget.Period agentPeriod = scopes.periods[0];
        if (!parts.isEmpty()) {
            parts.forEach(agentPeriod::addBreakdown);
        }
        if (perTaskLimitNanos != Budget.UNLIMITED) {
            alerts = chargeTask(agentId, taskId, nanos, now, alerts);
        }
        if (anomaly.enabled) {
            alerts = scopes.agent.checkAnomalies(this, taskId, nanos, now, alerts);
        }
        scopes.agent.lastActivityMillis = now;
        if (eventBus.listenerCount() > 0 && eventBus.hasListeners(CostCharged.class)) {
            eventBus.publish(new CostCharged(Instant.ofEpochMilli(now), agentId, taskId, scopes.agent.tenant, model, Money.toUsd(nanos)));
        }
        if (alerts == null) {
            return List.of();
        }
        for (CostAlert alert : alerts) {
            eventBus.publish(new CostAlertRaised(alert.timestamp(), agentId, alert));
        }
        return List.copyOf(alerts);
    }

    /** Thresholds, throttle and kill switch of one budget after a charge. */
    private List<CostAlert> enforce(Budget budget, Budget.Period period, String agentId, String taskId, long now, List<CostAlert> alerts) {
        if (!budget.limited()) {
            return alerts;
        }
        double utilisation = budget.utilisation(period);
        int level = 0;
        while (level < alertThresholds.length && utilisation >= alertThresholds[level]) {
            level++;
        }
        int previous = period.alertLevel.get();
        while (level > previous && !period.alertLevel.compareAndSet(previous, level)) {
            previous = period.alertLevel.get();
        }
        for (int i = previous; i < level; i++) {
            alerts = add(alerts, alert(budget, period, agentId, taskId, now, BudgetAction.ALERT, alertThresholds[i],
                    percent(alertThresholds[i]) + " of the " + budget.describe(period) + " used"));
        }
        if (period.enforcementOverridden) {
            return alerts;
        }
        if (utilisation >= killSwitchThreshold) {
            BudgetState before = period.state.getAndSet(BudgetState.KILLED);
            if (before != BudgetState.KILLED) {
                String reason = "kill switch at " + percent(killSwitchThreshold) + " of the " + budget.describe(period);
                alerts = add(alerts, alert(budget, period, agentId, taskId, now, BudgetAction.KILL, killSwitchThreshold, reason));
                publishState(budget, before, BudgetState.KILLED, reason, now);
            }
        } else if (autoThrottle && utilisation >= throttleThreshold && period.state.compareAndSet(BudgetState.ACTIVE, BudgetState.THROTTLED)) {
            String reason = "throttled at " + percent(throttleThreshold) + " of the " + budget.describe(period);
            alerts = add(alerts, alert(budget, period, agentId, taskId, now, BudgetAction.THROTTLE, throttleThreshold, reason));
            publishState(budget, BudgetState.ACTIVE, BudgetState.THROTTLED, reason, now);
        }
        return alerts;
    }

    private List<CostAlert> chargeTask(String agentId, String taskId, long nanos, long now, List<CostAlert> alerts) {
        TaskKey key = new TaskKey(agentId, taskId);
        TaskSpend task = tasks.get(key);
        if (task == null) {
            if (tasks.size() >= MAX_TRACKED_TASKS) {
                evictTasks();
            }
            task = tasks.computeIfAbsent(key, k -> new TaskSpend(now));
        }
        long spent = task.spent.addAndGet(nanos);
        if (spent > perTaskLimitNanos && task.alerted.compareAndSet(false, true)) {
            alerts = add(alerts, new CostAlert(Instant.ofEpochMilli(now), agentId, taskId, BudgetScope.TASK, agentId, BudgetAction.ALERT,
                    Double.NaN, Money.toUsd(spent), Money.toUsd(perTaskLimitNanos), "task '" + taskId + "' of agent '" + agentId
                    + "' spent " + Money.format(spent) + ", over the per-task limit of " + Money.format(perTaskLimitNanos)));
        }
        return alerts;
    }

    private void evictTasks() {
        // Oldest half first: task totals matter while a task runs, not days later.
        List<Map.Entry<TaskKey, TaskSpend>> entries = new ArrayList<>(tasks.entrySet());
        entries.sort(Comparator.comparingLong(e -> e.getValue().createdMillis));
        for (int i = 0; i < entries.size() / 2; i++) {
            tasks.remove(entries.get(i).getKey(), entries.get(i).getValue());
        }
    }

    // ------------------------------------------------------------------ control and views

    /** Ends a throttle or kill of the agent's daily budget for the rest of the day. */
    public void revive(String agentId) {
        Check.notBlank("agentId", agentId);
        long now = clock.millis();
        revive(ledger(agentId, now).daily, now);
    }

    /** Ends a throttle or kill of a tenant's monthly budget for the rest of the month. */
    public void reviveTenant(String tenant) {
        Budget budget = tenantBudget(Check.notBlank("tenant", tenant));
        if (budget == null) {
            throw new IllegalArgumentException("tenant has no budget: '" + tenant + "'");
        }
        revive(budget, clock.millis());
    }

    /** Ends a throttle or kill of the organisation's monthly budget for the rest of the month. */
    public void reviveOrganization() {
        revive(organization, clock.millis());
    }

    private void revive(Budget budget, long now) {
        Budget.Period period = current(budget, now);
        period.enforcementOverridden = true;
        BudgetState before = period.state.getAndSet(BudgetState.ACTIVE);
        if (before != BudgetState.ACTIVE) {
            publishState(budget, before, BudgetState.ACTIVE, "revived", now);
        }
    }

    /** The strictest state among the agent's, its tenant's and the organisation's budgets. */
    public BudgetState state(String agentId) {
        Check.notBlank("agentId", agentId);
        Scopes scopes = scopes(agentId, clock.millis());
        BudgetState worst = BudgetState.ACTIVE;
        for (int i = 0; i < scopes.size; i++) {
            BudgetState s = scopes.periods[i].state.get();
            if (s.ordinal() > worst.ordinal()) {
                worst = s;
            }
        }
        return worst;
    }

    /** The agent's daily budget now, with its spending breakdown. */
    public BudgetSnapshot snapshot(String agentId) {
        Check.notBlank("agentId", agentId);
        long now = clock.millis();
        return snapshot(ledger(agentId, now).daily, now);
    }

    /** The organisation's monthly budget now. */
    public BudgetSnapshot organizationSnapshot() {
        return snapshot(organization, clock.millis());
    }

    /** A tenant's monthly budget now. */
    public BudgetSnapshot tenantSnapshot(String tenant) {
        Budget budget = tenantBudget(Check.notBlank("tenant", tenant));
        if (budget == null) {
            throw new IllegalArgumentException("tenant has no budget: '" + tenant + "'");
        }
        return snapshot(budget, clock.millis());
    }

    /** Agents currently tracked. */
    public List<String> agents() {
        return List.copyOf(agents.keySet());
    }

    /** Open reservations (granted, neither committed, released nor expired). */
    public int openReservations() {
        sweepExpired(clock.millis());
        return openReservations.size();
    }

    /** The price table token usage is priced with ({@link PriceTable#defaults()} unless set). */
    public PriceTable priceTable() {
        return priceTable;
    }

    /** The bus alerts and state changes are published on. */
    public SreEventBus eventBus() {
        return eventBus;
    }

    /** The clock. */
    public Clock clock() {
        return clock;
    }

    private BudgetSnapshot snapshot(Budget budget, long now) {
        Budget.Period p = current(budget, now);
        Map<String, BigDecimal> breakdown = Map.of();
        if (p.breakdown != null && !p.breakdown.isEmpty()) {
            Map<String, BigDecimal> copy = new java.util.TreeMap<>();
            p.breakdown.forEach((k, v) -> copy.put(k, Money.toUsd(v.sum())));
            breakdown = Collections.unmodifiableMap(copy);
        }
        return new BudgetSnapshot(budget.scope, budget.owner, Money.toUsd(p.spent.get()), Money.toUsd(p.held.get()),
                budget.limited() ? Money.toUsd(budget.limitNanos) : null, budget.utilisation(p), p.state.get(),
                Instant.ofEpochMilli(p.startMillis), Instant.ofEpochMilli(p.endMillis), breakdown);
    }

    // ------------------------------------------------------------------ internals

    private Scopes scopes(String agentId, long now) {
        AgentLedger agent = ledger(agentId, now);
        Budget tenant = agent.tenant == null ? null : tenantBudget(agent.tenant);
        Scopes scopes = new Scopes(agent, tenant == null ? 2 : 3);
        scopes.set(0, agent.daily, currentFast(agent.daily, now));
        if (tenant != null) {
            scopes.set(1, tenant, currentFast(tenant, now));
        }
        scopes.set(scopes.size - 1, organization, currentFast(organization, now));
        return scopes;
    }

    private Budget.Period current(Budget budget, long now) {
        Budget.Period[] rolled = new Budget.Period[1];
        Budget.Period period = budget.current(now, rolled);
        if (rolled[0] != null) {
            Budget.Period old = rolled[0];
            eventBus.publish(new BudgetPeriodRolledOver(Instant.ofEpochMilli(now), budget.agentId, budget.scope, budget.owner,
                    Money.toUsd(old.spent.get()), Instant.ofEpochMilli(period.startMillis)));
            BudgetState oldState = old.state.get();
            if (oldState != BudgetState.ACTIVE) {
                publishState(budget, oldState, BudgetState.ACTIVE, "new period", now);
            }
        }
        return period;
    }

    private AgentLedger ledger(String agentId, long now) {
        AgentLedger ledger = agents.get(agentId);
        if (ledger != null) {
            return ledger;
        }
        if (agents.size() >= maxAgents) {
            evictAgents(now);
        }
        return agents.computeIfAbsent(agentId, id -> {
            Long limit = agentDailyLimits.get(id);
            long daily = limit != null ? limit : agentDailyLimitNanos;
            String tenant = tenantOf == null ? null : tenantOf.apply(id);
            return new AgentLedger(id, tenant, new Budget(BudgetScope.AGENT, id, id, daily, Budget.Periodicity.DAY, zone), anomaly, now);
        });
    }

    private synchronized void evictAgents(long now) {
        if (agents.size() < maxAgents) {
            return;
        }
        // Agents idle since before their current day lose nothing: their day is over anyway.
        List<AgentLedger> ledgers = new ArrayList<>(agents.values());
        ledgers.sort(Comparator.comparingLong(l -> l.lastActivityMillis));
        int target = Math.max(0, maxAgents - Math.max(1, maxAgents / 10));
        for (AgentLedger ledger : ledgers) {
            if (agents.size() <= target) {
                break;
            }
            Budget.Period p = ledger.daily.peek();
            boolean dayOver = p == null || now >= p.endMillis;
            if (dayOver || agents.size() >= maxAgents) {
                agents.remove(ledger.agentId, ledger);
            }
        }
    }

    private Budget tenantBudget(String tenant) {
        Budget budget = tenants.get(tenant);
        if (budget != null) {
            return budget;
        }
        Long limit = tenantLimits.get(tenant);
        if (limit == null && defaultTenantLimitNanos == Budget.UNLIMITED) {
            return null;
        }
        long nanos = limit != null ? limit : defaultTenantLimitNanos;
        return tenants.computeIfAbsent(tenant, t -> new Budget(BudgetScope.TENANT, t, null, nanos, Budget.Periodicity.MONTH, zone));
    }

    private void sweepExpired(long now) {
        long next = nextSweepMillis.get();
        if (now < next || !nextSweepMillis.compareAndSet(next, now + 1_000)) {
            return;
        }
        for (CostReservation reservation : openReservations.values()) {
            if (reservation.expiresAtMillis() <= now) {
                reservation.expire();
            }
        }
    }

    void forget(CostReservation reservation) {
        openReservations.remove(reservation.id(), reservation);
    }

    private CostAlert alert(Budget budget, Budget.Period period, String agentId, String taskId, long now, BudgetAction action,
                            double threshold, String message) {
        return new CostAlert(Instant.ofEpochMilli(now), agentId, taskId, budget.scope, budget.owner, action, threshold,
                Money.toUsd(period.spent.get()), Money.toUsd(budget.limitNanos), message);
    }

    private void publishState(Budget budget, BudgetState from, BudgetState to, String reason, long now) {
        eventBus.publish(new BudgetStateChanged(Instant.ofEpochMilli(now), budget.agentId, budget.scope, budget.owner, from, to, reason));
    }

    static List<CostAlert> add(List<CostAlert> alerts, CostAlert alert) {
        List<CostAlert> list = alerts == null ? new ArrayList<>(2) : alerts;
        list.add(alert);
        return list;
    }

    private static Map<String, Long> breakdownNanos(Map<String, Double> breakdown) {
        Check.notNull("breakdown", breakdown);
        if (breakdown.isEmpty()) {
            return Map.of();
        }
        Map<String, Long> parts = new HashMap<>();
        breakdown.forEach((k, v) -> parts.put(Check.notBlank("breakdown category", k),
                Money.toNanos("breakdown[" + k + "]", Objects.requireNonNull(v, "breakdown value"))));
        return parts;
    }

    private static void putIfPositive(Map<String, Long> parts, String key, long nanos) {
        if (nanos > 0) {
            parts.put(key, nanos);
        }
    }

    static String percent(double fraction) {
        double p = fraction * 100;
        return (p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p)) + "%";
    }

    /** The budgets of one agent's task, most specific first: agent, tenant (if any), organisation. */
    private static final class Scopes {
        final AgentLedger agent;
        final int size;
        final Budget[] budgets;
        final Budget.Period[] periods;

        Scopes(AgentLedger agent, int size) {
            this.agent = agent;
            this.size = size;
            this.budgets = new Budget[size];
            this.periods = new Budget.Period[size];
        }

        void set(int i, Budget budget, Budget.Period period) {
            budgets[i] = budget;
            periods[i] = period;
        }

        // The arrays are exactly `size` long and a Scopes is made per call, so they are handed out as they are.
        Budget[] budgets() {
            return budgets;
        }

        Budget.Period[] periods() {
            return periods;
        }
    }

    private record TaskKey(String agentId, String taskId) {
    }

    private static final class TaskSpend {
        final long createdMillis;
        final AtomicLong spent = new AtomicLong();
        final java.util.concurrent.atomic.AtomicBoolean alerted = new java.util.concurrent.atomic.AtomicBoolean();

        TaskSpend(long createdMillis) {
            this.createdMillis = createdMillis;
        }
    }

    /** Per-agent state beside its daily budget: tenant, anomaly baselines, last activity. */
    static final class AgentLedger {
        final String agentId;
        final String tenant;
        final Budget daily;
        volatile long lastActivityMillis;
        private final AnomalySettings settings;
        private final EwmaBaseline costBaseline;
        private final EwmaBaseline velocityBaseline;
        private long minute = Long.MIN_VALUE;
        private long minuteSpend;
        private int minuteCharges;
        private long alertedMinute = Long.MIN_VALUE;
        private long lastSpikeMillis = Long.MIN_VALUE / 2;
        private double lastSpikeUsd;
        private static final int MIN_LOOP_CHARGES = 3;
        private static final long SPIKE_COOLDOWN_MILLIS = 60_000;
        private static final double SPIKE_ESCALATION = 1.5;

        AgentLedger(String agentId, String tenant, Budget daily, AnomalySettings settings, long now) {
            this.agentId = agentId;
            this.tenant = tenant;
            this.daily = daily;
            this.settings = settings;
            this.lastActivityMillis = now;
            this.costBaseline = new EwmaBaseline(2.0 / (settings.baselineTasks + 1), 0.10, 0.000_1);
            this.velocityBaseline = new EwmaBaseline(2.0 / (settings.baselineMinutes + 1), 0.25, 0.01);
        }

        synchronized List<CostAlert> checkAnomalies(CostGuard guard, String taskId, long nanos, long now, List<CostAlert> alerts) {
            double usd = Money.toDouble(nanos);
            boolean spike = false;
            // Per-task cost: scored against the baseline before it joins it.
            if (costBaseline.count() >= settings.warmup) {
                double z = costBaseline.score(usd);
                double mean = costBaseline.mean();
                if (z >= settings.zThreshold && usd >= settings.minRatio * mean) {
                    spike = true;
                }
                // One alert per burst: repeats within the cooldown are dropped unless they escalate.
                boolean repeat = now - lastSpikeMillis < SPIKE_COOLDOWN_MILLIS && usd <= lastSpikeUsd * SPIKE_ESCALATION;
                if (spike && !repeat) {
                    lastSpikeMillis = now;
                    lastSpikeUsd = usd;
                    alerts = add(alerts, new CostAlert(Instant.ofEpochMilli(now), agentId, taskId, BudgetScope.AGENT, agentId,
                            BudgetAction.ANOMALY, Double.NaN, Money.toUsd(nanos), BigDecimal.valueOf(mean).setScale(6, java.math.RoundingMode.HALF_EVEN),
                            String.format("task '%s' of agent '%s' cost $%.4f, %.1f× its baseline of $%.4f (z = %.1f)",
                                    taskId, agentId, usd, usd / mean, mean, z)));
                }
                // Winsorised: one spike must not blow up the baseline it is judged against.
                costBaseline.add(Math.min(usd, mean + settings.zThreshold * costBaseline.flooredStd()));
            } else {
                costBaseline.add(usd);
            }
            // Spend velocity: dollars per minute against the agent's per-minute baseline.
            long currentMinute = Math.floorDiv(now, 60_000L);
            if (currentMinute > minute) {
                if (minute != Long.MIN_VALUE) {
                    velocityBaseline.add(Money.toDouble(minuteSpend));
                    long idle = Math.min(currentMinute - minute - 1, settings.baselineMinutes * 2L);
                    for (long i = 0; i < idle; i++) {
                        velocityBaseline.add(0.0); // idle minutes are minutes of zero spend
                    }
                }
                minute = currentMinute;
                minuteSpend = 0;
                minuteCharges = 0;
            }
            minuteSpend += nanos;
            minuteCharges++;
            double perMinute = Money.toDouble(minuteSpend);
            double baseline = velocityBaseline.mean();
            // A loop is many charges: one expensive task is the spike above, not a velocity problem.
            if (!spike && minuteCharges >= MIN_LOOP_CHARGES
                    && velocityBaseline.count() >= settings.velocityWarmupMinutes && alertedMinute != currentMinute
                    && perMinute >= settings.velocityMinimumUsdPerMinute
                    && perMinute >= settings.velocityRatio * Math.max(baseline, 0.01)) {
                alertedMinute = currentMinute;
                alerts = add(alerts, new CostAlert(Instant.ofEpochMilli(now), agentId, taskId, BudgetScope.AGENT, agentId,
                        BudgetAction.ANOMALY, Double.NaN, Money.toUsd(minuteSpend),
                        BigDecimal.valueOf(baseline).setScale(6, java.math.RoundingMode.HALF_EVEN),
                        String.format("agent '%s' is spending $%.2f/min, %.1f× its baseline of $%.2f/min (runaway loop?)",
                                agentId, perMinute, perMinute / Math.max(baseline, 0.01), baseline)));
            }
            return alerts;
        }
    }

    // ------------------------------------------------------------------ in flight (the AgentSre pipeline)

    /** A budget's current period without allocating in the common case (no roll-over due). */
    private Budget.Period currentFast(Budget budget, long now) {
        Budget.Period p = budget.peek();
        if (p != null && now >= p.startMillis && now < p.endMillis) {
            return p;
        }
        return current(budget, now);
    }

    private CostDecision checkCall(CostReservation task, long taskTotal, long worstCase) {
        long now = clock.millis();
        Budget[] budgets = task.budgets;
        int spentOut = -1;
        for (int i = budgets.length - 1; i >= 0; i--) { // organisation first: its kill covers everyone
            Budget budget = budgets[i];
            Budget.Period p = currentFast(budget, now);
            if (p.state.get() == BudgetState.KILLED) {
                return CostDecision.kill(budget.scope, "kill switch engaged: the " + budget.describe(p));
            }
            if (budget.limited() && p.spent.get() >= budget.limitNanos) {
                spentOut = i; // the most specific one wins
            }
        }
        if (perTaskLimitNanos != Budget.UNLIMITED && (taskTotal >= perTaskLimitNanos || taskTotal + worstCase > perTaskLimitNanos)) {
            return CostDecision.deny(BudgetScope.TASK, taskTotal >= perTaskLimitNanos
                    ? "task '" + task.taskId() + "' has spent " + Money.format(taskTotal) + " of its per-task limit of "
                            + Money.format(perTaskLimitNanos)
                    : "task '" + task.taskId() + "' has spent " + Money.format(taskTotal) + "; the next call's worst case of "
                            + Money.format(worstCase) + " would pass its per-task limit of " + Money.format(perTaskLimitNanos));
        }
        if (spentOut >= 0) {
            return CostDecision.deny(budgets[spentOut].scope, "the " + budgets[spentOut].describe(currentFast(budgets[spentOut], now))
                    + " is spent");
        }
        if (worstCase > 0) {
            Budget.Period[] periods = task.heldIn();
            long own = task.heldNanos();
            for (int i = 0; i < budgets.length; i++) {
                if (!budgets[i].tryHold(periods[i], worstCase, own)) {
                    for (int j = 0; j < i; j++) {
                        Budget.release(periods[j], worstCase);
                    }
                    return CostDecision.deny(budgets[i].scope, "the next call's worst case of " + Money.format(worstCase)
                            + " does not fit the " + budgets[i].describe(periods[i]));
                }
            }
        }
        return null;
    }

    private void chargeInFlight(CostReservation task, long nanos, long release, String model, CostReservation root, long rootTotal) {
        long now = clock.millis();
        List<CostAlert> alerts = null;
        Budget[] budgets = task.budgets;
        if (nanos > 0) {
            for (Budget budget : budgets) {
                Budget.Period p = currentFast(budget, now);
                p.spent.addAndGet(nanos);
                alerts = enforce(budget, p, task.agentId(), task.taskId(), now, alerts);
            }
            task.drawDown(nanos);
        }
        if (release > 0) {
            for (Budget.Period p : task.heldIn()) {
                Budget.release(p, release);
            }
        }
        if (nanos > 0) {
            if (perTaskLimitNanos != Budget.UNLIMITED && rootTotal > perTaskLimitNanos && !root.overLimitAlerted) {
                root.overLimitAlerted = true;
                alerts = add(alerts, new CostAlert(Instant.ofEpochMilli(now), root.agentId(), root.taskId(), BudgetScope.TASK,
                        root.agentId(), BudgetAction.ALERT, Double.NaN, Money.toUsd(rootTotal), Money.toUsd(perTaskLimitNanos),
                        "task '" + root.taskId() + "' of agent '" + root.agentId() + "' spent " + Money.format(rootTotal)
                                + ", over the per-task limit of " + Money.format(perTaskLimitNanos)));
            }
            task.ledger.lastActivityMillis = now;
            if (eventBus.listenerCount() > 0 && eventBus.hasListeners(CostCharged.class)) {
                eventBus.publish(new CostCharged(Instant.ofEpochMilli(now), task.agentId(), task.taskId(), task.ledger.tenant, model,
                        Money.toUsd(nanos)));
            }
        }
        publishAlerts(task.agentId(), alerts);
    }

    private void finishInFlight(CostReservation task, long extra, long ownTotal) {
        if (extra > 0) {
            chargeInFlight(task, extra, 0, null, task, 0);
        }
        if (!task.finishInFlight()) {
            return;
        }
        if (anomaly.enabled) {
            long now = clock.millis();
            publishAlerts(task.agentId(), task.ledger.checkAnomalies(this, task.taskId(), ownTotal + extra, now, null));
        }
    }

    private void publishAlerts(String agentId, List<CostAlert> alerts) {
        if (alerts != null) {
            for (CostAlert alert : alerts) {
                eventBus.publish(new CostAlertRaised(alert.timestamp(), agentId, alert));
            }
        }
    }

    /** The pipeline's access to the in-flight operations (see {@link InFlightCost}). */
    private static final class InFlight extends InFlightCost {
        @Override
        public long perTaskLimitNanos(CostGuard guard) {
            return guard.perTaskLimitNanos;
        }

        @Override
        public Object rates(CostGuard guard, String model) {
            return guard.rates(model);
        }

        @Override
        public long price(CostGuard guard, Object rates, String agentId, String taskId, String model, TokenUsage usage, boolean charged) {
            PriceTable.Rates r = (PriceTable.Rates) rates;
            long nanos = r.totalNanos(usage);
            if (charged && r == guard.unknownModelRates) {
                guard.publishUnknownModel(agentId, taskId, model, nanos);
            }
            return nanos;
        }

        @Override
        public long priceNanos(CostGuard guard, String agentId, String taskId, String model, TokenUsage usage, boolean charged) {
            PriceTable.Rates rates = guard.rates(model);
            long nanos = rates.totalNanos(usage);
            if (charged && rates == guard.unknownModelRates) {
                guard.publishUnknownModel(agentId, taskId, model, nanos);
            }
            return nanos;
        }

        @Override
        public CostReservation reserve(CostGuard guard, String agentId, String taskId, long estimateNanos) {
            return guard.reserve(agentId, taskId, estimateNanos);
        }

        @Override
        public CostDecision checkCall(CostReservation task, long taskTotalNanos, long worstCaseNanos) {
            return task.guard().checkCall(task, taskTotalNanos, worstCaseNanos);
        }

        @Override
        public void charge(CostReservation task, long nanos, long releaseNanos, String model, CostReservation root, long rootTotalNanos) {
            task.guard().chargeInFlight(task, nanos, releaseNanos, model, root, rootTotalNanos);
        }

        @Override
        public void finish(CostReservation task, long extraNanos, long ownTotalNanos) {
            task.guard().finishInFlight(task, extraNanos, ownTotalNanos);
        }
    }

    /** Anomaly-detection settings. */
    static final class AnomalySettings {
        boolean enabled;
        double zThreshold = 4.0;
        double minRatio = 3.0;
        int warmup = 10;
        int baselineTasks = 50;
        int baselineMinutes = 30;
        int velocityWarmupMinutes = 10;
        double velocityRatio = 5.0;
        double velocityMinimumUsdPerMinute = 1.0;

        AnomalySettings copy() {
            AnomalySettings c = new AnomalySettings();
            c.enabled = enabled;
            c.zThreshold = zThreshold;
            c.minRatio = minRatio;
            c.warmup = warmup;
            c.baselineTasks = baselineTasks;
            c.baselineMinutes = baselineMinutes;
            c.velocityWarmupMinutes = velocityWarmupMinutes;
            c.velocityRatio = velocityRatio;
            c.velocityMinimumUsdPerMinute = velocityMinimumUsdPerMinute;
            return c;
        }
    }

    /**
     * Builder for {@link CostGuard}. Every budget starts unlimited (spend is still tracked); alerts at
     * {@link #DEFAULT_ALERT_THRESHOLDS}; auto-throttle off, at {@value #DEFAULT_THROTTLE_THRESHOLD}
     * when on, admitting {@value #DEFAULT_THROTTLED_TASKS_PER_MINUTE} tasks per minute; kill switch at
     * {@value #DEFAULT_KILL_SWITCH_THRESHOLD}; anomaly detection off; UTC; system clock.
     */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private ZoneId zone = ZoneOffset.UTC;
        private SreEventBus eventBus;
        private long perTaskLimit = Budget.UNLIMITED;
        private long agentDailyLimit = Budget.UNLIMITED;
        private final Map<String, Long> agentDailyLimits = new HashMap<>();
        private long orgMonthlyBudget = Budget.UNLIMITED;
        private Function<String, String> tenantOf;
        private final Map<String, Long> tenantLimits = new HashMap<>();
        private long defaultTenantLimit = Budget.UNLIMITED;
        private double[] alertThresholds = DEFAULT_ALERT_THRESHOLDS.stream().mapToDouble(Double::doubleValue).toArray();
        private boolean autoThrottle;
        private double throttleThreshold = DEFAULT_THROTTLE_THRESHOLD;
        private double throttledTasksPerMinute = DEFAULT_THROTTLED_TASKS_PER_MINUTE;
        private double killSwitchThreshold = DEFAULT_KILL_SWITCH_THRESHOLD;
        private final AnomalySettings anomaly = new AnomalySettings();
        private Duration reservationTimeout = DEFAULT_RESERVATION_TIMEOUT;
        private int maxAgents = DEFAULT_MAX_AGENTS;
        private int maxOpenReservations = DEFAULT_MAX_OPEN_RESERVATIONS;
        private PriceTable priceTable = PriceTable.defaults();
        private ModelPrice unknownModelPrice;

        private Builder() {
        }

        /** Largest cost of one task, in USD. */
        public Builder perTaskLimit(double usd) {
            this.perTaskLimit = Money.toNanos("perTaskLimit", usd);
            return this;
        }

        /** Daily limit of every agent, in USD. */
        public Builder perAgentDailyLimit(double usd) {
            this.agentDailyLimit = Money.toNanos("perAgentDailyLimit", usd);
            return this;
        }

        /** Daily limit of one agent, overriding {@link #perAgentDailyLimit}. */
        public Builder agentDailyLimit(String agentId, double usd) {
            agentDailyLimits.put(Check.notBlank("agentId", agentId), Money.toNanos("agentDailyLimit", usd));
            return this;
        }

        /** Monthly budget of the organisation, in USD. */
        public Builder orgMonthlyBudget(double usd) {
            this.orgMonthlyBudget = Money.toNanos("orgMonthlyBudget", usd);
            return this;
        }

        /** Which tenant (budget owner) an agent's spending belongs to; {@code null} for none. */
        public Builder tenantOf(Function<String, String> agentToTenant) {
            this.tenantOf = Check.notNull("tenantOf", agentToTenant);
            return this;
        }

        /** Monthly budget of one tenant, in USD. */
        public Builder tenantMonthlyBudget(String tenant, double usd) {
            tenantLimits.put(Check.notBlank("tenant", tenant), Money.toNanos("tenantMonthlyBudget", usd));
            return this;
        }

        /** Monthly budget of every tenant without its own, in USD. */
        public Builder perTenantMonthlyBudget(double usd) {
            this.defaultTenantLimit = Money.toNanos("perTenantMonthlyBudget", usd);
            return this;
        }

        /** Utilisation thresholds (each in (0, 1], ascending) that raise an alert once per period. */
        public Builder alertThresholds(double... thresholds) {
            Check.notNull("alertThresholds", thresholds);
            double previous = 0;
            for (double t : thresholds) {
                Check.closedRange("alertThresholds", t, Double.MIN_VALUE, 1.0);
                if (t <= previous) {
                    throw new IllegalArgumentException("alertThresholds must be ascending, got " + Arrays.toString(thresholds));
                }
                previous = t;
            }
            this.alertThresholds = thresholds.clone();
            return this;
        }

        /** Whether agents near a limit are throttled (default false). */
        public Builder autoThrottle(boolean enabled) {
            this.autoThrottle = enabled;
            return this;
        }

        /** Utilisation at which throttling starts (default 0.85). */
        public Builder throttleThreshold(double fraction) {
            this.throttleThreshold = fraction;
            return this;
        }

        /** Task rate of a throttled agent (default 6 per minute). */
        public Builder throttledTasksPerMinute(double tasksPerMinute) {
            this.throttledTasksPerMinute = tasksPerMinute;
            return this;
        }

        /** Utilisation at which the kill switch engages (default 0.95). */
        public Builder killSwitchThreshold(double fraction) {
            this.killSwitchThreshold = fraction;
            return this;
        }

        /** Whether cost spikes and spend velocity are checked against each agent's baseline (default false). */
        public Builder anomalyDetection(boolean enabled) {
            this.anomaly.enabled = enabled;
            return this;
        }

        /**
         * Tuning of anomaly detection: a task is anomalous when its cost is at least {@code zThreshold}
         * floored standard deviations above the baseline and at least {@code minRatio} times its mean
         * (defaults 4.0 and 3.0); spend velocity when a minute's spend is at least {@code velocityRatio}
         * times the per-minute baseline and at least {@code velocityMinimumUsdPerMinute} (defaults 5.0
         * and $1).
         */
        public Builder anomalyTuning(double zThreshold, double minRatio, double velocityRatio, double velocityMinimumUsdPerMinute) {
            anomaly.zThreshold = Check.positive("zThreshold", zThreshold);
            anomaly.minRatio = Check.positive("minRatio", minRatio);
            anomaly.velocityRatio = Check.positive("velocityRatio", velocityRatio);
            anomaly.velocityMinimumUsdPerMinute = Check.nonNegative("velocityMinimumUsdPerMinute", velocityMinimumUsdPerMinute);
            return this;
        }

        /** Time after which an open reservation expires (default 10 min). */
        public Builder reservationTimeout(Duration timeout) {
            this.reservationTimeout = timeout;
            return this;
        }

        /** Cap on tracked agents (default {@value CostGuard#DEFAULT_MAX_AGENTS}). */
        public Builder maxAgents(int maxAgents) {
            this.maxAgents = maxAgents;
            return this;
        }

        /** Cap on open reservations (default {@value CostGuard#DEFAULT_MAX_OPEN_RESERVATIONS}). */
        public Builder maxOpenReservations(int max) {
            this.maxOpenReservations = max;
            return this;
        }

        /** Prices for reported token usage (default {@link PriceTable#defaults()}). */
        public Builder priceTable(PriceTable priceTable) {
            this.priceTable = Check.notNull("priceTable", priceTable);
            return this;
        }

        /**
         * Lenient mode: reported tokens of a model the price table does not know are priced at
         * {@code price} (and an {@link UnknownModelPriced} event is published) instead of being an
         * error. Off by default: an unknown model is an {@link IllegalArgumentException} at that call.
         */
        public Builder unknownModelPrice(ModelPrice price) {
            this.unknownModelPrice = Check.notNull("unknownModelPrice", price);
            return this;
        }

        /** Time zone of days and months (default UTC). */
        public Builder zone(ZoneId zone) {
            this.zone = zone;
            return this;
        }

        /** The clock. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Where alerts and state changes are published. */
        public Builder eventBus(SreEventBus eventBus) {
            this.eventBus = eventBus;
            return this;
        }

        /** Validates and builds. */
        public CostGuard build() {
            return new CostGuard(this);
        }
    }
}
