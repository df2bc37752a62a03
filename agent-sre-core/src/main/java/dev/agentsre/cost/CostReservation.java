package dev.agentsre.cost;

import dev.agentsre.cost.internal.Budget;
import dev.agentsre.cost.internal.Ledger;
import dev.agentsre.cost.internal.Period;
import dev.agentsre.cost.internal.TaskTotals;
import dev.agentsre.internal.CappedStripedSet;
import dev.agentsre.internal.Money;
import dev.agentsre.store.ScopeLimit;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An estimate held against every budget of a task until the task's actual cost is known: the
 * race-free way to run tasks under a budget. Obtain one from {@link CostGuard#reserve}; check
 * {@link #isGranted()}; then {@link #commit(double)} the actual cost or {@link #release()} the hold.
 *
 * <pre>{@code
 * try (CostReservation r = guard.reserve("research-agent", "task-002", 1.00)) {
 *     if (!r.isGranted()) throw new IllegalStateException(r.decision().reason());
 *     Answer a = agent.run(task);
 *     r.commit(a.costUsd());          // may exceed the estimate: it is still charged
 * }                                   // close() releases the hold if nothing was committed
 * }</pre>
 *
 * <p><b>Periods.</b> A reservation belongs to the periods it was taken in: its commit charges the day
 * (and month) of the reservation, even when it lands after midnight (or after a month end), so a
 * reservation taken at 23:59:59 never spends the next day's budget.
 *
 * <p>A reservation never closed expires after the guard's {@code reservationTimeout}: its hold is
 * released (a later commit still charges the actual cost, to the current periods). Thread-safe; each
 * reservation is closed exactly once.
 *
 * <p>The {@code AgentSre} pipeline also charges a running task's calls against its reservation as
 * they return ("in flight"): each charge draws the hold down by as much, so the estimate and the
 * actual spend are never counted twice.
 */
public final class CostReservation implements AutoCloseable {

    /** Where a reservation is in its life. */
    public enum Status {
        /** Refused: nothing is held. */
        DENIED,
        /** Holding its estimate. */
        OPEN,
        /** Replaced by the actual cost. */
        COMMITTED,
        /** Dropped without a charge. */
        RELEASED,
        /** Dropped because it stayed open longer than the reservation timeout. */
        EXPIRED
    }

    private final CostGuard guard;
    private final long id;
    private final String agentId;
    private final String taskId;
    private final long estimateNanos;
    private final CostDecision decision;
    private final Period[] heldIn;
    /** The budgets of {@link #heldIn}, in the same order (agent, tenant, organisation); empty when denied. */
    final Budget[] budgets;
    /** The agent's ledger; null when denied. */
    final Ledger ledger;
    /** The task's total for the per-task limit, holding {@link #estimateNanos}; null when there is none. */
    final TaskTotals.Total taskTotal;
    private final long expiresAtMillis;
    private final AtomicReference<Status> status;
    /** What is still held in {@link #heldIn}: the estimate, drawn down by in-flight charges. */
    private final AtomicLong hold;
    /** Its place in the guard's open reservations (set before it is returned); null when denied. */
    CappedStripedSet.Node<CostReservation> openNode;
    /** Set once the task (as a root) has been alerted for passing the per-task limit. */
    volatile boolean overLimitAlerted;
    /** Its id in the guard's shared budget store; null without a store (or when denied). */
    final String storeId;
    /** Its scopes in the shared budget store; null without a store. */
    final List<ScopeLimit> storeScopes;

    CostReservation(CostGuard guard, long id, String agentId, String taskId, long estimateNanos, CostDecision decision,
                    Period[] heldIn, Budget[] budgets, Ledger ledger, TaskTotals.Total taskTotal, long expiresAtMillis) {
        this(guard, id, agentId, taskId, estimateNanos, decision, heldIn, budgets, ledger, taskTotal, expiresAtMillis, null, null);
    }

    CostReservation(CostGuard guard, long id, String agentId, String taskId, long estimateNanos, CostDecision decision,
                    Period[] heldIn, Budget[] budgets, Ledger ledger, TaskTotals.Total taskTotal, long expiresAtMillis,
                    String storeId, List<ScopeLimit> storeScopes) {
        this.storeId = storeId;
        this.storeScopes = storeScopes;
        this.guard = guard;
        this.id = id;
        this.agentId = agentId;
        this.taskId = taskId;
        this.estimateNanos = estimateNanos;
        this.decision = decision;
        this.heldIn = heldIn;
        this.budgets = budgets;
        this.ledger = ledger;
        this.taskTotal = taskTotal;
        this.expiresAtMillis = expiresAtMillis;
        this.status = new AtomicReference<>(decision.allowed() ? Status.OPEN : Status.DENIED);
        this.hold = new AtomicLong(decision.allowed() ? estimateNanos : 0);
    }

    /** Whether the estimate is held and the task may run. */
    public boolean isGranted() {
        return decision.allowed();
    }

    /**
     * This reservation if granted; otherwise the refusal as the pipeline's exception: a
     * {@link dev.agentsre.ThrottledException} (with {@code retryAfter}) when the agent is throttled,
     * else a {@link dev.agentsre.BudgetExceededException} naming the budget and the figures.
     *
     * <pre>{@code
     * try (CostReservation r = guard.reserve("research-agent", "task-002", 1.00).orThrow()) { ... }
     * }</pre>
     */
    public CostReservation orThrow() {
        if (decision.allowed()) {
            return this;
        }
        if (decision.action() == BudgetAction.THROTTLE) {
            throw new dev.agentsre.ThrottledException(agentId, taskId, decision.reason(), decision.retryAfter());
        }
        throw new dev.agentsre.BudgetExceededException(agentId, taskId, decision.reason(), java.time.Duration.ZERO);
    }

    /** The guard's decision, with its reason when refused. */
    public CostDecision decision() {
        return decision;
    }

    /**
     * Replaces the hold by the actual cost and charges it to every budget; returns the alerts the
     * charge raised.
     *
     * @throws IllegalArgumentException if {@code actualUsd} is NaN, infinite or negative (nothing changes)
     * @throws IllegalStateException if the reservation was denied, already committed or released
     */
    public List<CostAlert> commit(double actualUsd) {
        return commitNanos(Money.toNanos("actualUsd", actualUsd));
    }

    /** {@link #commit(double)} with an exact amount. */
    public List<CostAlert> commit(BigDecimal actualUsd) {
        return commitNanos(Money.toNanos("actualUsd", actualUsd));
    }

    /**
     * Drops the hold without charging anything.
     *
     * @throws IllegalStateException if the reservation was denied or already committed or released
     */
    public void release() {
        close(Status.RELEASED, "release");
    }

    /** Releases the hold if the reservation is still open; otherwise does nothing. */
    @Override
    public void close() {
        if (status.compareAndSet(Status.OPEN, Status.RELEASED)) {
            releaseHolds();
            guard.closed(this);
        }
    }

    /** The reservation's status. */
    public Status status() {
        return status.get();
    }

    /** The agent. */
    public String agentId() {
        return agentId;
    }

    /** The task. */
    public String taskId() {
        return taskId;
    }

    /** The held estimate in USD. */
    public BigDecimal estimateUsd() {
        return Money.toUsd(estimateNanos);
    }

    /** When an open reservation expires. */
    public Instant expiresAt() {
        return Instant.ofEpochMilli(expiresAtMillis);
    }

    long id() {
        return id;
    }

    long expiresAtMillis() {
        return expiresAtMillis;
    }

    /** Called by the guard's sweeper; returns whether this call expired it. */
    boolean expire() {
        if (status.compareAndSet(Status.OPEN, Status.EXPIRED)) {
            releaseHolds();
            guard.closed(this);
            return true;
        }
        return false;
    }

    CostGuard guard() {
        return guard;
    }

    List<CostAlert> commitNanos(long actualNanos) {
        if (status.get() == Status.EXPIRED && status.compareAndSet(Status.EXPIRED, Status.COMMITTED)) {
            // The hold is gone (and the reservation forgotten), but the work happened: charge it now
            // (in a shared store under the reservation's own id, so it is counted once there too).
            return guard.charge(agentId, taskId, actualNanos, null, storeId);
        }
        claim(Status.COMMITTED, "commit");
        // Charge first, release the hold second: in between both count, so a racing reservation can
        // only be refused, never slip into room that the actual cost is about to take.
        List<CostAlert> alerts = guard.chargeReservation(this, actualNanos);
        releaseHolds();
        guard.closed(this);
        return alerts;
    }

    private void close(Status to, String operation) {
        claim(to, operation);
        releaseHolds();
        guard.closed(this);
    }

    private void claim(Status to, String operation) {
        if (!status.compareAndSet(Status.OPEN, to)) {
            Status now = status.get();
            if (now == Status.DENIED) {
                throw new IllegalStateException("cannot " + operation + " a denied reservation of task '" + taskId + "': "
                        + decision.reason());
            }
            throw new IllegalStateException("cannot " + operation + " reservation of task '" + taskId + "': it is already " + now);
        }
    }

    private void releaseHolds() {
        long remaining = hold.getAndSet(0);
        if (remaining > 0) {
            for (Period period : heldIn) {
                Budget.release(period, remaining);
            }
        }
    }

    /** Draws the hold down by up to {@code nanos} (after they were charged); returns how much. */
    long drawDown(long nanos) {
        while (true) {
            long current = hold.get();
            long taken = Math.min(current, nanos);
            if (taken <= 0) {
                return 0;
            }
            if (hold.compareAndSet(current, current - taken)) {
                for (Period period : heldIn) {
                    Budget.release(period, taken);
                }
                return taken;
            }
        }
    }

    /** What is still held for the task itself. */
    long heldNanos() {
        return hold.get();
    }

    Period[] heldIn() {
        return heldIn;
    }

    long estimateNanos() {
        return estimateNanos;
    }

    /** Ends an in-flight task: OPEN or EXPIRED becomes COMMITTED; returns false if already closed. */
    boolean finishInFlight() {
        while (true) {
            Status now = status.get();
            if (now != Status.OPEN && now != Status.EXPIRED) {
                return false;
            }
            if (status.compareAndSet(now, Status.COMMITTED)) {
                releaseHolds();
                if (now == Status.OPEN) {
                    guard.closed(this); // an expired one was closed when it expired
                }
                return true;
            }
        }
    }

    @Override
    public String toString() {
        return "CostReservation{" + agentId + "/" + taskId + ", " + Money.format(estimateNanos) + ", " + status.get() + '}';
    }
}
