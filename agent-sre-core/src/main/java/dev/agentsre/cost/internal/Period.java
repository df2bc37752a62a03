package dev.agentsre.cost.internal;

import dev.agentsre.cost.BudgetState;
import dev.agentsre.internal.Money;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One period of a {@link Budget} (a day, a month): what it spent and holds, which alert thresholds it
 * has raised, its enforcement state, its throttle gate and (for an agent's day) the spend by category.
 * Spend and holds are atomics updated without a lock; the alert level and the state change only under
 * the budget's lock (so their events are published in order). Not API.
 */
public final class Period {

    /** Categories kept per period; further categories are summed under {@value #OTHER}. */
    public static final int MAX_CATEGORIES = 32;
    /** The category that sums the ones beyond {@link #MAX_CATEGORIES}. */
    public static final String OTHER = "other";

    /** First instant of the period, epoch milliseconds. */
    public final long startMillis;
    /** First instant after it. */
    public final long endMillis;
    final AtomicLong spent = new AtomicLong();
    final AtomicLong held = new AtomicLong();
    /** Number of utilisation thresholds already alerted in this period; written under the budget's lock. */
    volatile int alertLevel;
    /** Written under the budget's lock. */
    volatile BudgetState state = BudgetState.ACTIVE;
    /** Set by a revive: no automatic throttle or kill for the rest of the period. */
    volatile boolean enforcementOverridden;
    /** Earliest time a throttled budget admits its next task (a GCRA gate with a burst of one). */
    final AtomicLong nextAdmitMillis = new AtomicLong(Long.MIN_VALUE);
    final ConcurrentHashMap<String, LongAdder> breakdown;

    Period(long startMillis, long endMillis, boolean tracksBreakdown) {
        this.startMillis = startMillis;
        this.endMillis = endMillis;
        this.breakdown = tracksBreakdown ? new ConcurrentHashMap<>() : null;
    }

    /** Spent in the period, saturating. */
    public long spentNanos() {
        return Money.read(spent);
    }

    /** Held by open reservations. */
    public long heldNanos() {
        return Money.read(held);
    }

    /** The enforcement state. */
    public BudgetState state() {
        return state;
    }

    /** Whether a revive turned automatic enforcement off for the rest of the period. */
    public boolean enforcementOverridden() {
        return enforcementOverridden;
    }

    /** Whether the period has ended at {@code now}. */
    public boolean isOver(long now) {
        return now >= endMillis;
    }

    /** The spend by category (agent budgets only; empty otherwise), live. */
    public ConcurrentHashMap<String, LongAdder> breakdown() {
        return breakdown == null ? new ConcurrentHashMap<>() : breakdown;
    }

    /** Adds to spend. */
    public void charge(long nanos) {
        Money.addTo(spent, nanos);
    }

    /**
     * Raises spend to {@code fleetSpent} if that is more: what a shared budget store reported for
     * this period (this JVM's spend and every other JVM's), so that alerts, throttles, kills and
     * snapshots follow the fleet's spend. Spend never goes down.
     */
    public void observeSpent(long fleetSpent) {
        long current = spent.get();
        while (fleetSpent > current && !spent.compareAndSet(current, fleetSpent)) {
            current = spent.get();
        }
    }

    /** Adds {@code nanos} to {@code category} (an agent's day only). */
    public void addBreakdown(String category, long nanos) {
        if (breakdown == null) {
            return;
        }
        LongAdder adder = breakdown.get(category);
        if (adder == null) {
            String key = breakdown.size() >= MAX_CATEGORIES ? OTHER : category;
            adder = breakdown.computeIfAbsent(key, k -> new LongAdder());
        }
        adder.add(nanos);
    }
}
