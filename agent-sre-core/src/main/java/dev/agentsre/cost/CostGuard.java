package dev.agentsre.cost;

import dev.agentsre.BudgetExceededException;
import dev.agentsre.ThrottledException;
import dev.agentsre.cost.internal.Alerts;
import dev.agentsre.cost.internal.Budget;
import dev.agentsre.cost.internal.Enforcement;
import dev.agentsre.cost.internal.Ledger;
import dev.agentsre.cost.internal.Ledgers;
import dev.agentsre.cost.internal.Manuals;
import dev.agentsre.cost.internal.Period;
import dev.agentsre.cost.internal.PeriodClock;
import dev.agentsre.cost.internal.SharedBudgets;
import dev.agentsre.cost.internal.SpendAnomalies;
import dev.agentsre.cost.internal.TaskTotals;
import dev.agentsre.cost.internal.ThrottleGate;
import dev.agentsre.event.CostCharged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.event.UnknownModelPriced;
import dev.agentsre.internal.CappedStripedSet;
import dev.agentsre.internal.Check;
import dev.agentsre.internal.InFlightCost;
import dev.agentsre.internal.Money;
import dev.agentsre.store.BudgetFailurePolicy;
import dev.agentsre.store.BudgetStore;
import dev.agentsre.store.FailurePolicyBudgetStore;
import dev.agentsre.store.Flag;
import dev.agentsre.store.FlagStore;
import dev.agentsre.store.ScopeLimit;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Keeps agents within their budgets: per task, per agent per day, per tenant and for the
 * organisation per month. It admits tasks ({@link #checkTask}, or race-free with
 * {@link #reserve}), charges what they cost ({@link #recordCost}, {@link #recordUsage}), raises
 * alerts as utilisation crosses thresholds, throttles a budget near its limit, and kills it at the
 * kill-switch threshold until the period rolls over or someone calls {@link #revive}; an operator
 * throttles or kills an agent by hand ({@link #throttle}, {@link #kill}). Its settings
 * are a {@link CostGuardConfig}.
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
 * period only ever moves forward: a thread that read the clock just before midnight and charges after
 * the roll-over charges the new day; a clock that steps back never reopens a period. A reservation
 * belongs to the periods it was taken in (its commit lands there). A throttle or kill ends with its
 * period; a revive ends it at once (and keeps automatic enforcement off for the rest of the period;
 * the hard limit still applies).
 *
 * <p><b>Admission.</b> A task is refused with {@link BudgetAction#KILL} while any of its budgets is
 * killed, by its kill switch or by hand (an organisation kill covers every agent, including agents
 * first seen after it), with {@link BudgetAction#DENY} when its estimate does not fit beside what is
 * spent and held (for the per-task limit: beside what the task has spent and holds in other
 * reservations), and — when any of its budgets is throttled — it is admitted at {@code throttledTasksPerMinute} per throttled budget
 * (an organisation's throttle admits that many tasks in total, not per agent), with a
 * {@code retryAfter} for the tasks in between. {@code checkTask} admits (it uses a throttled slot);
 * use it with {@code recordCost}, or use {@code reserve} with {@code commit}.
 *
 * <p><b>By hand.</b> An operator (or an incident response) throttles or kills an agent whatever it
 * spends — {@link #throttle(String, Duration, String)}, {@link #kill(String, String)}, for a time or until
 * {@link #revive} — across period roll-overs; the budget's state is the stricter of what its spend set
 * off and what was set by hand, {@link #manualEnforcement} reads the latter, and such an agent is never
 * evicted while it lasts.
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
 * {@link CostGuardConfig.Settings#unknownModelPrice} (or a table with a fallback price) — are priced at
 * that price and an {@link UnknownModelPriced} event is published (lenient).
 *
 * <p><b>Money</b> is exact: amounts are validated (NaN, infinite, negative or above $9,000,000,000 are
 * rejected before anything changes) and accumulated in fixed point; sums saturate instead of wrapping.
 *
 * <p><b>Memory, and eviction that never lifts enforcement.</b> At most {@code maxAgents} agents
 * (default {@value CostGuardConfig#DEFAULT_MAX_AGENTS}) of about 1 KiB each, {@code maxTenants} tenant
 * budgets (a few hundred bytes each), {@code maxTrackedTasks} task totals (about 150 bytes each),
 * {@value #MAX_CHARGE_IDS} charge ids for idempotency and {@code maxOpenReservations} open
 * reservations; nothing grows with the number of charges. A new agent (or tenant, or task) beyond its
 * cap evicts the least recently used one whose eviction lifts no enforcement — never one that is
 * killed or throttled (by spend or by hand), holds a reservation, or has spent under a limit in a
 * period that is not over (it would come back ACTIVE with $0 spent) — and a
 * {@link dev.agentsre.event.BudgetEvicted} is published; eviction is O(1) amortised. When only such entries remain the new one is
 * <em>refused</em>: its admission is denied naming the cap (fail closed; raise the cap), while a charge
 * reported for it after the fact still reaches its tenant's and the organisation's budgets (money is
 * never dropped). Reads ({@link #state}, {@link #snapshot}, {@link #agents}, the exporters' gauges)
 * never create, keep alive or roll over anything.
 *
 * <p><b>Across JVMs and restarts.</b> With {@link Builder#budgetStore} the budgets also live in a
 * {@link BudgetStore} (Redis for a fleet; a file or a database for restarts): after this guard's own
 * checks, a reservation is held in the store, which grants it only if it fits beside every guard's
 * spend and holds, in every scope at once; commits, charges and each in-flight call are sent there
 * once per id, and the store's answers raise this guard's spend to the fleet's, so alerts, throttles
 * and kills follow it. {@link Builder#flagStore} shares kill switches and revives. A store that
 * cannot be reached refuses reservations (fail closed) unless it was given another
 * {@link dev.agentsre.store.BudgetFailurePolicy}. Reads ({@link #snapshot}, {@link #state}) never
 * wait for a store: they show what this guard last learnt from it.
 *
 * <p><b>Events</b> ({@link dev.agentsre.event.CostEvent}): every alert, state change, roll-over and
 * eviction; the transitions of a budget reach listeners in the order they happened, even when
 * threads race. Thread-safe and lock-free on the charge and admission paths, except for an agent's
 * anomaly baselines (applied one charge at a time, by whichever thread holds them: a charge that
 * finds them busy is handed to that thread instead of queueing) and a budget's lock when it crosses
 * a threshold; no lock is held while user code runs.
 *
 * <p><b>Contention.</b> A budget that threads collide on (the organisation's month, which every task
 * charges; a shared agent's day) stripes itself: its threads spend and hold from allowances drawn
 * from it by the same exact check a reservation passes, instead of all writing one counter per task.
 * Overshoot is zero by construction; at most 1/8 of the room below the next threshold is parked in
 * allowances, none near a threshold or the limit (the budget is exact there, so the limit is reached
 * exactly and every threshold fires once, in order). Reads sum the stripes. An uncontended budget never
 * stripes; with a budget store, budgets keep the simple path. Memory: a striped period adds about
 * 180 bytes per stripe (tested) (two per processor, rounded to a power of two, at most 64).
 */
public final class CostGuard {

    /** Charge ids remembered for idempotent retries. */
    public static final int MAX_CHARGE_IDS = 100_000;
    /** Owner name of the organisation budget. */
    public static final String ORGANIZATION = "organization";

    private static final Period[] NO_PERIODS = new Period[0];
    private static final Budget[] NO_BUDGETS = new Budget[0];

    static {
        InFlightCost.install(new InFlightCharges());
    }

    private final CostGuardConfig config;
    private final Clock clock;
    private final SreEventBus eventBus;
    private final long perTaskLimitNanos;
    private final long reservationTimeoutMillis;
    private final int maxOpenReservations;
    private final double throttleThreshold;
    private final PriceTable priceTable;
    private final PriceTable.Rates unknownModelRates;
    private final Enforcement enforcement;
    private final ThrottleGate throttleGate;
    private final Ledgers ledgers;
    private final TaskTotals tasks;
    private final Budget organization;
    private final Map<ChargeKey, Boolean> chargeIds = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<ChargeKey, Boolean> eldest) {
            return size() > MAX_CHARGE_IDS;
        }
    });
    /** Open reservations (by identity: no shared id counter for every task to write). */
    private final CappedStripedSet<CostReservation> openReservations;
    /** Ids of reservations in a shared store (they need one there); 0 without a store. */
    private final AtomicLong reservationIds = new AtomicLong();
    private final AtomicLong nextSweepMillis = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong wrappedCalls = new AtomicLong();
    /** The budgets and kill switches shared through stores; both parts off without stores. */
    private final SharedBudgets shared;

    private CostGuard(CostGuardConfig config, SreEventBus eventBus) {
        this(config, eventBus, null, null);
    }

    private CostGuard(CostGuardConfig config, SreEventBus eventBus, BudgetStore budgetStore, FlagStore flagStore) {
        this.config = Check.notNull("config", config);
        this.clock = config.clock();
        this.eventBus = eventBus == null ? new SreEventBus() : eventBus;
        this.perTaskLimitNanos = config.perTaskLimitNanos();
        this.reservationTimeoutMillis = config.reservationTimeout().toMillis();
        this.maxOpenReservations = config.maxOpenReservations();
        this.openReservations = new CappedStripedSet<>(maxOpenReservations);
        this.throttleThreshold = config.throttleThreshold();
        this.priceTable = config.priceTable();
        ModelPrice unknown = config.unknownModelPrice().orElse(priceTable.fallback().orElse(null));
        this.unknownModelRates = unknown == null ? null : new PriceTable.Rates("(unknown model)", unknown);
        this.enforcement = new Enforcement(config.alertThresholdArray(), config.autoThrottle(), throttleThreshold,
                config.killSwitchThreshold(), this.eventBus);
        this.throttleGate = new ThrottleGate(config.throttledTasksPerMinute());
        PeriodClock periods = new PeriodClock(config.zone());
        SpendAnomalies.Settings anomalies = config.anomalyDetection() ? new SpendAnomalies.Settings(config.anomalyZThreshold(),
                config.anomalyMinRatio(), config.velocityRatio(), config.velocityMinimumUsdPerMinute()) : null;
        this.ledgers = new Ledgers(clock, periods, config.maxAgents(), config.maxTenants(), config.agentDailyLimitNanos(),
                config.agentDailyLimitsNanos(), config.tenantOf(), config.tenantLimitsNanos(), config.defaultTenantLimitNanos(), anomalies,
                enforcement, budgetStore == null);
        this.tasks = new TaskTotals(config.maxTrackedTasks());
        this.organization = new Budget(BudgetScope.ORGANIZATION, ORGANIZATION, null, config.orgMonthlyBudgetNanos(),
                PeriodClock.Periodicity.MONTH, periods, clock.millis(), budgetStore == null ? enforcement : null);
        if (budgetStore != null) {
            checkStorable(config);
        }
        FailurePolicyBudgetStore store = budgetStore == null ? null : budgetStore instanceof FailurePolicyBudgetStore f ? f
                : budgetStore.withFailurePolicy(BudgetFailurePolicy.failClosed());
        this.shared = new SharedBudgets(store, flagStore, config.zone(), config.reservationTimeout(), perTaskLimitNanos);
    }

    /** A shared store computes money exactly up to {@link BudgetStore#MAX_AMOUNT_NANOS}: every limit must fit. */
    private static void checkStorable(CostGuardConfig config) {
        checkStorable("perTaskLimit", config.perTaskLimitNanos());
        checkStorable("perAgentDailyLimit", config.agentDailyLimitNanos());
        config.agentDailyLimitsNanos().forEach((agent, limit) -> checkStorable("agentDailyLimit(" + agent + ")", limit));
        config.tenantLimitsNanos().forEach((tenant, limit) -> checkStorable("tenantMonthlyBudget(" + tenant + ")", limit));
        checkStorable("perTenantMonthlyBudget", config.defaultTenantLimitNanos());
        checkStorable("orgMonthlyBudget", config.orgMonthlyBudgetNanos());
    }

    private static void checkStorable(String name, long limit) {
        if (limit != Budget.UNLIMITED && limit > BudgetStore.MAX_AMOUNT_NANOS) {
            throw new IllegalArgumentException(name + " must be at most " + Money.format(BudgetStore.MAX_AMOUNT_NANOS)
                    + " with a budget store, got " + Money.format(limit));
        }
    }

    /** A guard with {@code config}, publishing on a private bus. */
    public static CostGuard of(CostGuardConfig config) {
        return new CostGuard(config, null);
    }

    /** A guard with {@code config}, publishing on {@code eventBus}. */
    public static CostGuard of(CostGuardConfig config, SreEventBus eventBus) {
        return new CostGuard(config, Check.notNull("eventBus", eventBus));
    }

    /** Starts a builder; every budget is off (unlimited, but tracked) until set. */
    public static Builder builder() {
        return new Builder();
    }

    /** The configuration. */
    public CostGuardConfig config() {
        return config;
    }

    // ------------------------------------------------------------------ admission

    /**
     * The pre-flight check: may {@code agentId} start a task estimated at {@code estimateUsd}?
     * Holds nothing; a throttled budget's admission uses its slot. Allocates nothing when the task is
     * simply allowed (every budget active and the estimate fitting each); a refusal builds its reason.
     *
     * @throws IllegalArgumentException for a blank agent id or a NaN, infinite, negative or too large estimate
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
        if (perTaskLimitNanos != Budget.UNLIMITED && estimate > perTaskLimitNanos) {
            return CostDecision.deny(BudgetScope.TASK, "estimate " + Money.format(estimate) + " exceeds the per-task limit of "
                    + Money.format(perTaskLimitNanos));
        }
        if (!shared.hasFlags() && allowedAtOnce(agentId, estimate, now)) {
            return CostDecision.ALLOWED;
        }
        Scopes scopes = scopes(agentId, now);
        if (scopes.refusal != null) {
            return scopes.refusal;
        }
        CostDecision refusal = refusal(scopes, estimate, now);
        if (refusal != null) {
            return refusal;
        }
        CostDecision throttled = throttleGate.admit(scopes.budgets, scopes.periods, scopes.size, now, throttleThreshold);
        return throttled != null ? throttled : CostDecision.ALLOWED;
    }

    /**
     * Atomically checks {@code estimateUsd} against every budget of the task and holds it there. The
     * returned reservation is granted or carries the refusal; a granted one must be committed or
     * released (or it expires after the reservation timeout).
     *
     * <p>Concurrent reservations never over-commit a budget: with 8 threads each reserving $1
     * twenty times against a $10 limit, exactly 10 are granted; with 16 threads reserving $1 for one
     * task under a $2 per-task limit, exactly 2.
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
        long id = shared.hasStore() ? reservationIds.incrementAndGet() : 0;
        int slot = openReservations.acquire();
        if (slot < 0) {
            return denied(id, agentId, taskId, estimate, CostDecision.deny(null, "too many open reservations (" + maxOpenReservations
                    + "); commit or release some"), now);
        }
        CostReservation reservation = null;
        try {
            reservation = reserve(agentId, taskId, estimate, now, id, slot);
            return reservation;
        } finally {
            if (reservation == null || !reservation.isGranted()) {
                openReservations.release(slot); // refused (or failed): it never became an open reservation
            }
        }
    }

    /** A reservation under the open-reservation slot {@code slot}: held in every budget, or refused. */
    private CostReservation reserve(String agentId, String taskId, long estimate, long now, long id, int slot) {
        // The per-task limit counts what the task has spent and what its other reservations hold.
        TaskTotals.Total[] total = new TaskTotals.Total[1];
        if (perTaskLimitNanos != Budget.UNLIMITED) {
            TaskTotals.Hold hold = tasks.tryHold(agentId, taskId, estimate, perTaskLimitNanos, total);
            if (hold != TaskTotals.Hold.TAKEN) {
                String reason = hold == TaskTotals.Hold.FULL
                        ? "the guard tracks its cap of " + config.maxTrackedTasks() + " tasks and every one holds a reservation; "
                                + "raise maxTrackedTasks"
                        : "estimate " + Money.format(estimate) + " on top of " + Money.format(total[0].spent()) + " spent and "
                                + Money.format(total[0].held()) + " held exceeds the per-task limit of " + Money.format(perTaskLimitNanos);
                return denied(id, agentId, taskId, estimate, CostDecision.deny(BudgetScope.TASK, reason), now);
            }
        }
        while (true) {
            Scopes scopes = scopes(agentId, now);
            CostDecision refusal = scopes.refusal != null ? scopes.refusal : refusal(scopes, estimate, now);
            if (refusal != null) {
                return denied(id, agentId, taskId, estimate, refusal, now, total[0]);
            }
            // Hold in every budget, most specific first; undo on the first that has no room.
            Budget[] budgets = scopes.budgets();
            Period[] periods = scopes.periods();
            int held = 0;
            while (held < budgets.length && budgets[held].tryHold(periods[held], estimate, 0)) {
                countReservation(budgets[held], 1);
                held++;
            }
            if (held == budgets.length && !scopes.stillLive()) {
                undo(budgets, periods, held, estimate); // a budget was evicted before our hold could pin it: again
                continue;
            }
            CostDecision decision = held < budgets.length
                    ? CostDecision.deny(budgets[held].scope, "estimate " + Money.format(estimate) + " does not fit the "
                            + budgets[held].describe(periods[held]))
                    : throttleGate.admit(budgets, periods, budgets.length, now, throttleThreshold);
            if (decision != null && !decision.allowed()) {
                undo(budgets, periods, held, estimate);
                return denied(id, agentId, taskId, estimate, decision, now, total[0]);
            }
            String storeId = null;
            List<ScopeLimit> storeScopes = null;
            if (shared.hasStore()) {
                // Held here; now in the shared store, whose check counts every JVM's spend and holds.
                storeId = shared.reservationId(id);
                storeScopes = shared.scopes(agentId, taskId, budgets, periods);
                Object[] refused = shared.reserve(storeId, storeScopes, estimate, budgets, periods);
                if (refused != null) {
                    undo(budgets, periods, held, estimate);
                    return denied(id, agentId, taskId, estimate, CostDecision.deny((BudgetScope) refused[0], (String) refused[1]), now,
                            total[0]);
                }
            }
            CostReservation reservation = new CostReservation(this, id, agentId, taskId, estimate,
                    decision == null ? CostDecision.ALLOWED : decision, periods, budgets, scopes.ledger, total[0],
                    now + reservationTimeoutMillis, storeId, storeScopes);
            // The node is set before the reservation becomes visible to a sweep, which closes it through the node.
            reservation.openNode = openReservations.node(slot, reservation);
            openReservations.add(reservation.openNode);
            return reservation;
        }
    }

    private static void undo(Budget[] budgets, Period[] periods, int held, long estimate) {
        for (int i = 0; i < held; i++) {
            Budget.release(periods[i], estimate);
            countReservation(budgets[i], -1);
        }
    }

    /**
     * Open reservations pin the agent's and the tenant's budget (evicting them would lose where the
     * commit goes); the organisation's is never evicted, so its counter — the one every thread would
     * share — is left alone.
     */
    private static void countReservation(Budget budget, int delta) {
        if (budget.scope != BudgetScope.ORGANIZATION) {
            budget.reservations.addAndGet(delta);
        }
    }

    private CostReservation denied(long id, String agentId, String taskId, long estimate, CostDecision refusal, long now) {
        return new CostReservation(this, id, agentId, taskId, estimate, refusal, NO_PERIODS, NO_BUDGETS, null, null, now);
    }

    private CostReservation denied(long id, String agentId, String taskId, long estimate, CostDecision refusal, long now,
                                   TaskTotals.Total total) {
        if (total != null) {
            total.release(estimate);
        }
        return denied(id, agentId, taskId, estimate, refusal, now);
    }

    private CostDecision refusal(Scopes scopes, long estimate, long now) {
        for (int i = scopes.size - 1; i >= 0; i--) { // organisation first: its kill covers everyone
            Budget budget = scopes.budgets[i];
            Period period = scopes.periods[i];
            if (shared.hasFlags()) {
                if (shared.killedElsewhere(budget, period)) {
                    return CostDecision.kill(budget.scope, "kill switch engaged across the fleet: the " + budget.describe(period));
                }
                if (period.state() != BudgetState.ACTIVE && !period.enforcementOverridden() && shared.revivedElsewhere(budget, period)) {
                    enforcement.revive(budget, now); // another JVM revived it
                }
            }
            Flag byHand = budget.scope == BudgetScope.AGENT && shared.hasFlags() ? shared.killedByHandElsewhere(budget.owner) : null;
            if (byHand == null && budget.scope == BudgetScope.AGENT && shared.hasFlags() && budget.killedByHand(period, now)) {
                enforcement.revive(budget, now); // our kill by hand was shared, and another JVM revived it
            }
            if (budget.state(period, now) == BudgetState.KILLED) {
                return CostDecision.kill(budget.scope, killed(budget, period, now));
            }
            byHand = budget.scope == BudgetScope.AGENT && shared.hasFlags() ? shared.killedByHandElsewhere(budget.owner) : null;
            if (byHand != null) {
                return CostDecision.kill(budget.scope, "the " + budget.describe(period) + " is killed by hand across the fleet: " + byHand.value());
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

    /**
     * The common case of {@link #checkTask}, decided without allocating: every budget of the agent is
     * active (neither killed nor throttled, by spend or by hand) and the estimate fits each, so the
     * task is allowed. False means "not at once": the full check decides, with its reasons. Not for
     * shared flags (a kill elsewhere is looked up there).
     */
    private boolean allowedAtOnce(String agentId, long estimate, long now) {
        Ledger ledger = ledgers.agent(agentId, now);
        if (ledger == null) {
            return false;
        }
        if (ledger.tenant != null && ledgers.hasTenantBudget(ledger.tenant)) {
            Budget tenant = ledgers.tenant(ledger.tenant, now);
            if (tenant == null || !activeAndFits(tenant, estimate, now)) {
                return false;
            }
        }
        return activeAndFits(ledger.daily, estimate, now) && activeAndFits(organization, estimate, now);
    }

    private boolean activeAndFits(Budget budget, long estimate, long now) {
        Period period = enforcement.current(budget, now);
        return budget.state(period, now) == BudgetState.ACTIVE && budget.fits(period, estimate);
    }

    /** Why a killed budget refuses: its kill switch, or a kill by hand. */
    static String killed(Budget budget, Period period, long now) {
        Budget.Manual manual = budget.manual(); // read once: a revive may end it meanwhile
        if (manual != null && budget.killedByHand(period, now)) {
            return "the " + budget.describe(period) + " is " + Manuals.describe(manual);
        }
        return "kill switch engaged: the " + budget.describe(period);
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
     * @throws IllegalArgumentException for a NaN, infinite, negative or too large amount or breakdown
     *     value, or a null or blank category; nothing is charged
     */
    public List<CostAlert> recordCost(String agentId, String taskId, double usd, Map<String, Double> breakdown) {
        return recordCost(agentId, taskId, null, usd, breakdown);
    }

    /**
     * Charges {@code usd} once per {@code (agentId, taskId, chargeId)}: a retry that records the same
     * charge id again charges nothing and returns no alerts. The last {@value #MAX_CHARGE_IDS} charge
     * ids are remembered.
     */
    public List<CostAlert> recordCost(String agentId, String taskId, String chargeId, double usd, Map<String, Double> breakdown) {
        long nanos = Money.toNanos("usd", usd);
        Map<String, Long> parts = breakdownNanos(breakdown);
        return record(agentId, taskId, chargeId, nanos, parts, null);
    }

    /** {@link #recordCost(String, String, String, double, Map)} with exact amounts. */
    public List<CostAlert> recordCost(String agentId, String taskId, String chargeId, BigDecimal usd, Map<String, BigDecimal> breakdown) {
        long nanos = Money.toNanos("usd", usd);
        Check.notNull("breakdown", breakdown);
        Map<String, Long> parts = new HashMap<>();
        breakdown.forEach((k, v) -> parts.put(Check.notBlank("breakdown category", k), Money.toNanos("breakdown[" + k + "]", v)));
        return record(agentId, taskId, chargeId, nanos, parts, null);
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
        long total = Money.checkNanos("the usage's price", cost.totalNanos());
        if (rates == unknownModelRates) {
            publishUnknownModel(agentId, taskId, model, total);
        }
        return record(agentId, taskId, null, total, parts, model);
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

    // For InFlightCharges (the pipeline's in-flight operations, in this package).
    long perTaskLimitNanos() {
        return perTaskLimitNanos;
    }

    Enforcement enforcement() {
        return enforcement;
    }

    PriceTable.Rates ratesOf(String model) {
        return rates(model);
    }

    boolean isUnknownModelRates(PriceTable.Rates rates) {
        return rates == unknownModelRates;
    }

    void unknownModelCharged(String agentId, String taskId, String model, long nanos) {
        publishUnknownModel(agentId, taskId, model, nanos);
    }

    CostReservation reserveNanos(String agentId, String taskId, long estimateNanos) {
        return reserve(agentId, taskId, Money.checkNanos("estimatedCost", estimateNanos));
    }

    /** Appends an alert that is no budget transition (and publishes it), for the in-flight charges. */
    List<CostAlert> otherAlert(List<CostAlert> alerts, CostAlert alert) {
        return other(alerts, alert);
    }

    /** Publishes the anomalies a task's spend raised. */
    void otherAlerts(List<CostAlert> raised) {
        others(null, raised);
    }

    CostAlert overLimitAlert(String agentId, String taskId, long spent, long now) {
        return overLimit(agentId, taskId, spent, now);
    }

    /** Publishes a charge, building the event only when someone listens for it. */
    void charged(long now, String agentId, String taskId, String tenant, String model, long nanos) {
        if (eventBus.listenerCount() > 0 && eventBus.hasListeners(CostCharged.class)) {
            eventBus.publish(new CostCharged(Instant.ofEpochMilli(now), agentId, taskId, tenant, model, Money.toUsd(nanos)));
        }
    }

    /** Reserves or throws the refusal. */
    private CostReservation admit(String agentId, String taskId, double estimateUsd) {
        return reserve(agentId, taskId, estimateUsd).orThrow();
    }

    /**
     * A charge after the fact (and a commit after its reservation expired): into the current periods;
     * in a shared store under {@code storeId} when given (the expired reservation's id).
     */
    List<CostAlert> charge(String agentId, String taskId, long nanos, String chargeId, String storeId) {
        return record(agentId, taskId, chargeId, nanos, Map.of(), null, storeId);
    }

    private List<CostAlert> record(String agentId, String taskId, String chargeId, long nanos, Map<String, Long> parts, String model) {
        return record(agentId, taskId, chargeId, nanos, parts, model, null);
    }

    private List<CostAlert> record(String agentId, String taskId, String chargeId, long nanos, Map<String, Long> parts, String model,
                                   String storeId) {
        Check.notBlank("agentId", agentId);
        Check.notBlank("taskId", taskId);
        if (chargeId != null && chargeIds.putIfAbsent(new ChargeKey(agentId, taskId, chargeId), Boolean.TRUE) != null) {
            return List.of();
        }
        long now = clock.millis();
        // Charge every budget first, then (with a shared store) the store, then enforce: so that the
        // thresholds are judged on the fleet's spend the store reports.
        Budget[] budgets = new Budget[3];
        Period[] periods = new Period[3];
        int n = 0;
        // The agent's day: charge, then make sure the ledger was not evicted before the charge could pin it.
        Ledger ledger;
        while (true) {
            ledger = ledgers.agent(agentId, now);
            if (ledger == null) {
                break; // the cap is full of pinned agents: the tenant and the organisation are still charged
            }
            Period day = chargeAfterTheFact(ledger.daily, enforcement.current(ledger.daily, now), nanos);
            if (ledger.stillLive()) {
                parts.forEach(day::addBreakdown);
                budgets[n] = ledger.daily;
                periods[n++] = day;
                break;
            }
        }
        String tenantName = ledger != null ? ledger.tenant : tenantOf(agentId);
        if (tenantName != null) {
            while (true) {
                Budget tenant = ledgers.tenant(tenantName, now);
                if (tenant == null) {
                    break; // no budget, or the cap is full of pinned tenants
                }
                Period month = chargeAfterTheFact(tenant, enforcement.current(tenant, now), nanos);
                if (tenant.stillLive()) {
                    budgets[n] = tenant;
                    periods[n++] = month;
                    break;
                }
            }
        }
        Period month = chargeAfterTheFact(organization, enforcement.current(organization, now), nanos);
        budgets[n] = organization;
        periods[n++] = month;
        if (n < 3) {
            budgets = java.util.Arrays.copyOf(budgets, n);
            periods = java.util.Arrays.copyOf(periods, n);
        }
        if (shared.hasStore()) {
            shared.charge(storeId != null ? storeId : shared.chargeId(agentId, taskId, chargeId),
                    shared.scopes(agentId, taskId, budgets, periods), nanos, budgets, periods);
        }
        List<CostAlert> alerts = null;
        for (int i = 0; i < n; i++) {
            alerts = afterCharge(budgets[i], periods[i], agentId, taskId, now, alerts);
        }
        return afterCharge(ledger, agentId, taskId, nanos, now, model, alerts);
    }

    /**
     * Charges {@code nanos} after the fact into {@code p}, the period its time fell in, or (when
     * {@code p} rolled over before the charge landed where its roll-over could count it) into the
     * period after; returns the period charged. The roll-over's announced spend and the periods
     * after it then count the charge exactly once.
     */
    private Period chargeAfterTheFact(Budget budget, Period p, long nanos) {
        while (!budget.chargeUnlessSealed(p, nanos)) {
            p = enforcement.current(budget, p.endMillis); // the period after (already the stored one)
        }
        return p;
    }

    /** A reservation's commit: charged into the periods it was taken in (and its hold in a shared store replaced). */
    List<CostAlert> chargeReservation(CostReservation reservation, long nanos) {
        long now = clock.millis();
        List<CostAlert> alerts = null;
        Budget[] budgets = reservation.budgets;
        Period[] periods = reservation.heldIn();
        for (int i = 0; i < budgets.length; i++) {
            budgets[i].charge(periods[i], nanos);
        }
        if (reservation.storeId != null) {
            shared.commit(reservation.storeId, nanos, budgets, periods);
        }
        for (int i = 0; i < budgets.length; i++) {
            alerts = afterCharge(budgets[i], periods[i], reservation.agentId(), reservation.taskId(), now, alerts);
        }
        return afterCharge(reservation.ledger, reservation.agentId(), reservation.taskId(), nanos, now, null, alerts);
    }

    /**
     * The thresholds of {@code budget} after spend was added to {@code period}; a kill it engages is
     * shared with the fleet when kill switches are (a flag store).
     */
    List<CostAlert> afterCharge(Budget budget, Period period, String agentId, String taskId, long now, List<CostAlert> alerts) {
        int before = alerts == null ? 0 : alerts.size();
        alerts = enforcement.afterCharge(budget, period, agentId, taskId, now, alerts);
        if (shared.hasFlags() && alerts != null) {
            for (int i = before; i < alerts.size(); i++) {
                CostAlert alert = alerts.get(i);
                if (alert.action() == BudgetAction.KILL) {
                    if (shared.revivedElsewhere(budget, period)) {
                        enforcement.revive(budget, now); // an operator revived it elsewhere this period: no automatic kill
                    } else {
                        shared.shareKill(budget, period, alert.message());
                    }
                }
            }
        }
        return alerts;
    }

    /** A shared store's reservation and charge operations, for the in-flight charges. */
    SharedBudgets shared() {
        return shared;
    }

    /** What every charge does after the budgets: the per-task limit, anomalies, activity, the events. */
    private List<CostAlert> afterCharge(Ledger ledger, String agentId, String taskId, long nanos, long now, String model,
                                        List<CostAlert> alerts) {
        if (perTaskLimitNanos != Budget.UNLIMITED) {
            TaskTotals.Charge task = tasks.charge(agentId, taskId, nanos, perTaskLimitNanos);
            if (task.alert()) {
                alerts = other(alerts, overLimit(agentId, taskId, task.spent(), now));
            }
        }
        if (ledger != null) {
            if (ledger.anomalies != null) {
                alerts = others(alerts, ledger.anomalies.check(taskId, nanos, now, null));
            }
            if (ledger.lastActivityMillis != now) {
                ledger.lastActivityMillis = now; // read first: threads of one agent do not all write its line every charge
            }
        }
        charged(now, agentId, taskId, ledger == null ? null : ledger.tenant, model, nanos);
        return alerts == null ? List.of() : List.copyOf(alerts);
    }

    private CostAlert overLimit(String agentId, String taskId, long spent, long now) {
        return new CostAlert(Instant.ofEpochMilli(now), agentId, taskId, BudgetScope.TASK, agentId, BudgetAction.ALERT, Double.NaN,
                Money.toUsd(spent), Money.toUsd(perTaskLimitNanos), "task '" + taskId + "' of agent '" + agentId + "' spent "
                + Money.format(spent) + ", over the per-task limit of " + Money.format(perTaskLimitNanos));
    }

    /** Appends an alert that is no budget transition (and publishes it). */
    private List<CostAlert> other(List<CostAlert> alerts, CostAlert alert) {
        enforcement.publish(alert.agentId(), alert);
        return Alerts.add(alerts, alert);
    }

    private List<CostAlert> others(List<CostAlert> alerts, List<CostAlert> raised) {
        if (raised != null) {
            for (CostAlert alert : raised) {
                alerts = other(alerts, alert);
            }
        }
        return alerts;
    }

    private String tenantOf(String agentId) {
        Function<String, String> tenantOf = config.tenantOf();
        String tenant = tenantOf == null ? null : tenantOf.apply(agentId);
        return tenant == null || tenant.isBlank() ? null : tenant;
    }

    // ------------------------------------------------------------------ control and views

    /**
     * Throttles {@code agentId} by hand for {@code duration}: its tasks are admitted at
     * {@code throttledTasksPerMinute} (the others are refused with a {@code retryAfter}), whatever it
     * spends and across the day's roll-over, until the time is up or {@link #revive}. Replaces a throttle
     * or kill by hand set before (a kill its spend set off stays: the stricter state applies). The
     * change is published as a {@link dev.agentsre.event.BudgetStateChanged} naming the reason; its end,
     * at the agent's first admission or charge after it (reads never publish). An agent the guard does
     * not track yet is tracked from now, and is never evicted while the throttle lasts.
     *
     * @throws IllegalArgumentException for a blank agent id or reason, or a duration below 1 ms or above
     *     100 years; nothing is changed
     * @throws IllegalStateException if the agent is not tracked and the guard holds {@code maxAgents}
     *     agents none of which may be evicted; nothing is changed
     */
    public void throttle(String agentId, Duration duration, String reason) {
        byHand(agentId, BudgetState.THROTTLED, Check.millis("duration", duration), reason);
    }

    /** {@link #throttle(String, Duration, String)} until {@link #revive}. */
    public void throttle(String agentId, String reason) {
        byHand(agentId, BudgetState.THROTTLED, null, reason);
    }

    /**
     * Kills {@code agentId} by hand for {@code duration}: every admission of its tasks is refused with
     * {@link BudgetAction#KILL}, and its running tasks' next calls in the pipeline, until the time is up
     * or {@link #revive} — across the day's roll-over. Otherwise as {@link #throttle(String, Duration, String)}.
     *
     * @throws IllegalArgumentException for a blank agent id or reason, or a duration below 1 ms or above 100 years
     * @throws IllegalStateException if the agent cannot be tracked (see {@link #throttle(String, Duration, String)})
     */
    public void kill(String agentId, Duration duration, String reason) {
        byHand(agentId, BudgetState.KILLED, Check.millis("duration", duration), reason);
    }

    /** {@link #kill(String, Duration, String)} until {@link #revive}. */
    public void kill(String agentId, String reason) {
        byHand(agentId, BudgetState.KILLED, null, reason);
    }

    private void byHand(String agentId, BudgetState state, Duration duration, String reason) {
        Check.notBlank("agentId", agentId);
        Check.notBlank("reason", reason);
        long now = clock.millis();
        long until = duration == null ? Long.MAX_VALUE : now + duration.toMillis();
        Budget.Manual manual = new Budget.Manual(state, reason, now, until);
        Flag before = null;
        if (state == BudgetState.KILLED && shared.hasFlags()) {
            before = shared.killedByHandElsewhere(agentId);
            shared.shareKillByHand(agentId, reason, duration); // first: a guard never sees our kill without the fleet's
        }
        while (true) {
            Ledger ledger = ledgers.agent(agentId, now);
            if (ledger == null) {
                if (state == BudgetState.KILLED) {
                    shared.restoreKillByHand(agentId, before, now); // a kill another JVM shared stays as it was
                }
                throw new IllegalStateException("the cost guard tracks its cap of " + ledgers.maxAgents() + " agents and none may be "
                        + "evicted, so agent '" + agentId + "' cannot be " + (state == BudgetState.KILLED ? "killed" : "throttled")
                        + " by hand (its tasks are refused meanwhile); raise maxAgents");
            }
            if (enforcement.setManual(ledger.daily, manual, Manuals.describe(manual), now, ledger)) {
                // the throttle or kill pins the ledger; an eviction that decided first sends us to the new one
                if (state != BudgetState.KILLED) {
                    shared.clearKillByHand(agentId); // a throttle by hand replaces a kill by hand
                }
                return;
            }
        }
    }

    /** The throttle or kill by hand of {@code agentId} in force now, if any; a pure read. */
    public Optional<ManualEnforcement> manualEnforcement(String agentId) {
        Check.notBlank("agentId", agentId);
        long now = clock.millis();
        Ledger ledger = ledgers.peekAgent(agentId);
        Budget.Manual manual = ledger == null ? null : ledger.daily.manual();
        if (manual == null || !manual.inForceAt(now)) {
            Flag shared = this.shared.hasFlags() ? this.shared.killedByHandElsewhere(agentId) : null; // killed by hand by another JVM
            return shared == null ? Optional.empty() : Optional.of(new ManualEnforcement(agentId, BudgetState.KILLED, shared.value(),
                    shared.setAt(), shared.expiresAt()));
        }
        return Optional.of(new ManualEnforcement(agentId, manual.state, manual.reason, Instant.ofEpochMilli(manual.sinceMillis),
                manual.untilRevived() ? null : Instant.ofEpochMilli(manual.untilMillis)));
    }

    /**
     * Ends a throttle or kill of the agent's daily budget: one set by hand ({@link #throttle},
     * {@link #kill}), and one its spend set off today — which also keeps automatic enforcement off for
     * the rest of the day (the hard limit still applies). A revive that only ends a throttle or kill by
     * hand leaves automatic enforcement on. Nothing to do for an untracked agent.
     */
    public void revive(String agentId) {
        Ledger ledger = ledgers.peekAgent(Check.notBlank("agentId", agentId));
        shared.clearKillByHand(agentId); // a kill by hand shared with the fleet ends everywhere, tracked here or not
        if (ledger != null) {
            revive(ledger.daily);
        }
    }

    /** Revives here, and across the fleet when kill switches are shared. */
    private void revive(Budget budget) {
        long now = clock.millis();
        enforcement.revive(budget, now);
        shared.shareRevive(budget, enforcement.current(budget, now));
    }

    /**
     * Ends a throttle or kill of a tenant's monthly budget for the rest of the month.
     *
     * @throws IllegalArgumentException if the tenant has no budget
     */
    public void reviveTenant(String tenant) {
        checkTenantBudget(tenant);
        Budget budget = ledgers.peekTenant(tenant);
        if (budget != null) {
            revive(budget);
        }
    }

    /** Ends a throttle or kill of the organisation's monthly budget for the rest of the month. */
    public void reviveOrganization() {
        revive(organization);
    }

    /** The strictest state among the agent's, its tenant's and the organisation's budgets now; a pure read. */
    public BudgetState state(String agentId) {
        Check.notBlank("agentId", agentId);
        long now = clock.millis();
        Ledger ledger = ledgers.peekAgent(agentId);
        BudgetState worst = stateOf(organization, now);
        if (ledger != null) {
            worst = worse(worst, stateOf(ledger.daily, now));
        } else if (shared.hasFlags()) {
            worst = worse(worst, stateOf(ledgers.unregistered(agentId, now).daily, now)); // killed by another JVM?
        }
        String tenantName = ledger != null ? ledger.tenant : tenantOf(agentId);
        Budget tenant = tenantName == null ? null : ledgers.peekTenant(tenantName);
        if (tenant != null) {
            worst = worse(worst, stateOf(tenant, now));
        }
        return worst;
    }

    /** A budget's state now, killed as well when another JVM engaged its shared kill switch. */
    private BudgetState stateOf(Budget budget, long now) {
        Period p = budget.view(now);
        return shared.hasFlags() && killedByTheFleet(budget, p) ? BudgetState.KILLED : budget.state(p, now);
    }

    /** Killed by another JVM: by its kill switch, or (an agent) by hand. */
    private boolean killedByTheFleet(Budget budget, Period p) {
        return shared.killedElsewhere(budget, p) || budget.scope == BudgetScope.AGENT && shared.killedByHandElsewhere(budget.owner) != null;
    }

    private static BudgetState worse(BudgetState a, BudgetState b) {
        return b.ordinal() > a.ordinal() ? b : a;
    }

    /** The agent's daily budget now, with its spending breakdown (zero for an agent not tracked); a pure read. */
    public BudgetSnapshot snapshot(String agentId) {
        Check.notBlank("agentId", agentId);
        long now = clock.millis();
        Ledger ledger = ledgers.peekAgent(agentId);
        return snapshot(ledger != null ? ledger.daily : ledgers.unregistered(agentId, now).daily, now);
    }

    /** The organisation's monthly budget now; a pure read. */
    public BudgetSnapshot organizationSnapshot() {
        return snapshot(organization, clock.millis());
    }

    /**
     * A tenant's monthly budget now (zero for a tenant not tracked); a pure read.
     *
     * @throws IllegalArgumentException if the tenant has no budget
     */
    public BudgetSnapshot tenantSnapshot(String tenant) {
        checkTenantBudget(tenant);
        long now = clock.millis();
        Budget budget = ledgers.peekTenant(tenant);
        return snapshot(budget != null ? budget : ledgers.newTenant(tenant, now), now);
    }

    private void checkTenantBudget(String tenant) {
        if (!ledgers.hasTenantBudget(Check.notBlank("tenant", tenant))) {
            throw new IllegalArgumentException("tenant has no budget: '" + tenant + "'");
        }
    }

    /** Agents currently tracked, in no particular order. */
    public List<String> agents() {
        return ledgers.agentIds();
    }

    /** Open reservations (granted, neither committed, released nor expired); a pure read. */
    public int openReservations() {
        long now = clock.millis();
        int[] open = new int[1];
        openReservations.forEach(reservation -> {
            if (reservation.expiresAtMillis() > now && reservation.status() == CostReservation.Status.OPEN) {
                open[0]++;
            }
        });
        return open[0];
    }

    /** Tenant budgets tracked (for tests of the bound). */
    int trackedTenants() {
        return ledgers.tenantCount();
    }

    /** What the guard keeps per agent, tenant, task, reservation and charge id (for tests of the memory bound). */
    Object[] trackedState() {
        return new Object[] {ledgers, tasks, openReservations, chargeIds};
    }

    /** Whether the organisation's current period is striped (for tests that contention took the striped path). */
    boolean organizationStriped() {
        return organization.peek().striped();
    }

    /** Whether the agent's current day is striped (for tests). */
    boolean agentStriped(String agentId) {
        Ledger ledger = ledgers.peekAgent(agentId);
        return ledger != null && ledger.daily.peek().striped();
    }

    /** Task totals tracked (for tests of the bound). */
    int trackedTasks() {
        return tasks.size();
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
        Period p = budget.view(now);
        Map<String, BigDecimal> breakdown = Map.of();
        if (!p.breakdown().isEmpty()) {
            Map<String, BigDecimal> copy = new TreeMap<>();
            p.breakdown().forEach((k, v) -> copy.put(k, Money.toUsd(v.sum())));
            breakdown = Collections.unmodifiableMap(copy);
        }
        BudgetState state = shared.hasFlags() && killedByTheFleet(budget, p) ? BudgetState.KILLED : budget.state(p, now);
        return new BudgetSnapshot(budget.scope, budget.owner, Money.toUsd(p.spentNanos()), Money.toUsd(p.heldNanos()),
                budget.limited() ? Money.toUsd(budget.limitNanos) : null, budget.utilisation(p), state,
                Instant.ofEpochMilli(p.startMillis), Instant.ofEpochMilli(p.endMillis), breakdown);
    }

    // ------------------------------------------------------------------ internals

    /**
     * The budgets of an agent's task at {@code now}, most specific first: agent, tenant (if it has a
     * budget), organisation — or the refusal when the agent or its tenant cannot be tracked (the cap
     * is full of pinned entries).
     */
    private Scopes scopes(String agentId, long now) {
        Ledger ledger = ledgers.agent(agentId, now);
        if (ledger == null) {
            return Scopes.refused(CostDecision.deny(BudgetScope.AGENT, "the cost guard tracks its cap of " + ledgers.maxAgents()
                    + " agents and none may be evicted (each is killed, throttled, holds a reservation or has spent under its daily "
                    + "limit today), so agent '" + agentId + "' is refused; raise maxAgents"));
        }
        Budget tenant = null;
        if (ledger.tenant != null && ledgers.hasTenantBudget(ledger.tenant)) {
            tenant = ledgers.tenant(ledger.tenant, now);
            if (tenant == null) {
                return Scopes.refused(CostDecision.deny(BudgetScope.TENANT, "the cost guard tracks its cap of " + ledgers.maxTenants()
                        + " tenants and none may be evicted, so tenant '" + ledger.tenant + "' is refused; raise maxTenants"));
            }
        }
        Scopes scopes = new Scopes(ledger, tenant, tenant == null ? 2 : 3);
        scopes.set(0, ledger.daily, enforcement.current(ledger.daily, now));
        if (tenant != null) {
            scopes.set(1, tenant, enforcement.current(tenant, now));
        }
        scopes.set(scopes.size - 1, organization, enforcement.current(organization, now));
        return scopes;
    }

    private void sweepExpired(long now) {
        long next = nextSweepMillis.get();
        if (now < next || !nextSweepMillis.compareAndSet(next, now + 1_000)) {
            return;
        }
        openReservations.forEach(reservation -> {
            if (reservation.expiresAtMillis() <= now) {
                reservation.expire();
            }
        });
    }

    /** A reservation was closed (committed, released, expired, finished in flight): it pins nothing any more. */
    void closed(CostReservation reservation) {
        if (reservation.openNode != null) {
            openReservations.remove(reservation.openNode);
        }
        if (reservation.storeId != null && reservation.status() != CostReservation.Status.COMMITTED) {
            shared.release(reservation.storeId); // released or expired here: give the shared hold back now
        }
        for (Budget budget : reservation.budgets) {
            countReservation(budget, -1);
        }
        if (reservation.taskTotal != null) {
            reservation.taskTotal.release(reservation.estimateNanos());
        }
    }

    private static Map<String, Long> breakdownNanos(Map<String, Double> breakdown) {
        Check.notNull("breakdown", breakdown);
        if (breakdown.isEmpty()) {
            return Map.of();
        }
        Map<String, Long> parts = new HashMap<>();
        breakdown.forEach((k, v) -> {
            String category = Check.notBlank("breakdown category", k);
            parts.put(category, Money.toNanos("breakdown[" + k + "]", Check.notNull("breakdown[" + k + "]", v)));
        });
        return parts;
    }

    private static void putIfPositive(Map<String, Long> parts, String key, long nanos) {
        if (nanos > 0) {
            parts.put(key, nanos);
        }
    }

    /** The budgets of one agent's task, most specific first: agent, tenant (if any), organisation. */
    private static final class Scopes {
        final Ledger ledger;
        final Budget tenant;
        final int size;
        final Budget[] budgets;
        final Period[] periods;
        final CostDecision refusal;

        Scopes(Ledger ledger, Budget tenant, int size) {
            this.ledger = ledger;
            this.tenant = tenant;
            this.size = size;
            this.budgets = new Budget[size];
            this.periods = new Period[size];
            this.refusal = null;
        }

        private Scopes(CostDecision refusal) {
            this.ledger = null;
            this.tenant = null;
            this.size = 0;
            this.budgets = NO_BUDGETS;
            this.periods = NO_PERIODS;
            this.refusal = refusal;
        }

        static Scopes refused(CostDecision refusal) {
            return new Scopes(refusal);
        }

        void set(int i, Budget budget, Period period) {
            budgets[i] = budget;
            periods[i] = period;
        }

        /** After holding: whether the agent's ledger and the tenant's budget are still the registered ones. */
        boolean stillLive() {
            return ledger.stillLive() && (tenant == null || tenant.stillLive());
        }

        // The arrays are exactly `size` long and a Scopes is made per call, so they are handed out as they are.
        Budget[] budgets() {
            return budgets;
        }

        Period[] periods() {
            return periods;
        }
    }

    /** An idempotency key: the three ids as they are (a separator character could collide with one inside an id). */
    private record ChargeKey(String agentId, String taskId, String chargeId) {
    }

    /**
     * Builder of a {@link CostGuard}: the settings of {@link CostGuardConfig} plus the bus. Every
     * budget starts unlimited (spend is still tracked).
     */
    public static final class Builder extends CostGuardConfig.Settings<Builder> {
        private SreEventBus eventBus;
        private BudgetStore budgetStore;
        private FlagStore flagStore;

        private Builder() {
        }

        /**
         * Keeps the budgets in {@code store}, shared with every guard over the same store (Redis:
         * every JVM of a fleet) and kept across restarts: a reservation is granted only if it fits
         * beside the whole fleet's spend and holds, checked and held in every scope at once; commits
         * and charges go there, idempotently; alerts, throttles and kills follow the fleet's spend.
         * The store's failure policy applies when it is unreachable (fail closed unless the store
         * says otherwise: {@link BudgetStore#withFailurePolicy}). Every limit must be at most
         * {@link BudgetStore#MAX_AMOUNT_NANOS} nano-dollars. The guard does not close the store.
         */
        public Builder budgetStore(BudgetStore store) {
            this.budgetStore = Check.notNull("budgetStore", store);
            return this;
        }

        /**
         * Shares kill switches through {@code flags}: a kill engaged by any guard over the same flags
         * refuses the budget's tasks in every one of them (until its period ends), and a revive in
         * one revives it in all. A {@link CostGuard#kill kill by hand} is shared too (for its time or
         * until a {@link CostGuard#revive} in any of them); a throttle by hand stays in its JVM.
         */
        public Builder flagStore(FlagStore flags) {
            this.flagStore = Check.notNull("flagStore", flags);
            return this;
        }

        @Override
        Builder self() {
            return this;
        }

        /** Where alerts and state changes are published (default: a private bus). */
        public Builder eventBus(SreEventBus eventBus) {
            this.eventBus = eventBus;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException if the throttle threshold is above the kill-switch threshold
         */
        public CostGuard build() {
            return new CostGuard(toConfig(), eventBus, budgetStore, flagStore);
        }
    }
}
