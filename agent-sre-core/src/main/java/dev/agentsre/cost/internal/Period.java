package dev.agentsre.cost.internal;

import dev.agentsre.cost.BudgetState;
import dev.agentsre.internal.Money;
import dev.agentsre.internal.window.Stripes;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One period of a {@link Budget} (a day, a month): what it spent and holds, which alert thresholds it
 * has raised, its enforcement state, its throttle gate and (for an agent's day) the spend by category.
 * Spend and holds are atomics updated without a lock; the alert level and the state change only under
 * the budget's lock (so their events are published in order). Not API.
 *
 * <p><b>Striped when contended.</b> A period starts with two base counters ({@link #spent},
 * {@link #held}), exact and simple. The first time two threads collide on one of them (and the budget
 * allows striping: not with a shared store) it inflates to {@link #STRIPES} {@link SpendStripe}s, one
 * group of threads each: a limited budget's stripe then spends and holds from an <em>allowance</em> it
 * drew from the base (counted there as held), so the base counters — the ones every thread would
 * share — are written once per allowance instead of once per task. How {@link Budget} keeps this
 * exact is described there; reads sum the stripes ({@link #spentNanos}, {@link #heldNanos}).
 */
public final class Period {

    /** Categories kept per period; further categories are summed under {@value #OTHER}. */
    public static final int MAX_CATEGORIES = 32;
    /** The category that sums the ones beyond {@link #MAX_CATEGORIES}. */
    public static final String OTHER = "other";

    /** Stripes of an inflated period: a power of two, at least twice the processors (at most 64). */
    public static final int STRIPES = Stripes.FIXED;

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
    /** The stripes once contended; {@code null} before (and always with a shared store). */
    volatile SpendStripe[] stripes;
    /** Whether the stripes draw allowances (a limited budget) or only count (an unlimited one). */
    volatile boolean allowances;
    /**
     * An inflated limited period near a threshold or its limit: every operation goes to the base
     * counters and no stripe holds an allowance (see {@link Budget}).
     */
    volatile boolean exact;
    /**
     * While the base's spent and held stay at or below this, no threshold is crossed and the limit
     * holds; raised (never lowered) as thresholds are passed. Allowances are drawn below it.
     */
    volatile long cap;
    /** The last allowance drawn: a stripe keeps at most twice this of what it is given back. */
    volatile long chunk;

    /** Set (under the budget's lock) when the period rolled over, before its spend is read for the roll-over. */
    volatile boolean sealed;
    /**
     * What the roll-over read, counter by counter: [0] the base's spent, [1 + i] stripe i's spent
     * (a stripe made after the seal read 0); null until the read is done.
     */
    private volatile long[] sealedSpent;

    Period(long startMillis, long endMillis, boolean tracksBreakdown) {
        this.startMillis = startMillis;
        this.endMillis = endMillis;
        this.breakdown = tracksBreakdown ? new ConcurrentHashMap<>() : null;
    }

    /** Spent in the period, saturating: the base and every stripe. */
    public long spentNanos() {
        long total = Money.read(spent);
        SpendStripe[] st = stripes;
        if (st != null) {
            for (SpendStripe s : st) {
                total = Money.sum(total, s.spent());
            }
        }
        return total;
    }

    /**
     * Seals the period for its roll-over (under the budget's lock): {@link #sealedSpentNanos} is then
     * what the roll-over announces.
     * A charge racing the roll-over either landed before the seal's read (and is counted here) or
     * sees the seal afterwards and moves to the next period ({@link #sawCharge}): the roll-over's
     * spend and the next period together count every charge once.
     */
    void seal() {
        sealed = true; // a volatile write, then the reads: a charge that misses it was read (see Budget.chargeUnlessSealed)
        SpendStripe[] st = stripes;
        long[] read = new long[1 + (st == null ? 0 : st.length)];
        read[0] = spent.get();
        for (int i = 1; i < read.length; i++) {
            read[i] = st[i - 1].spent();
        }
        sealedSpent = read;
    }

    /** The spend the roll-over read (the live spend before the period was sealed). */
    public long sealedSpentNanos() {
        long[] read = sealedSpent;
        if (read == null) {
            return spentNanos();
        }
        long total = read[0] < 0 ? Long.MAX_VALUE : read[0];
        for (int i = 1; i < read.length; i++) {
            total = Money.sum(total, read[i]);
        }
        return total;
    }

    /**
     * After the period was sealed: whether the seal's read saw a charge that left counter
     * {@code counter} (0 the base, 1 + i stripe i) at {@code after}. Spend counters only grow with
     * each charge (and a charge undone after the seal only takes back its own), so it did exactly
     * when the counter read at least that.
     */
    boolean sawCharge(int counter, long after) {
        long[] read;
        while ((read = sealedSpent) == null) {
            Thread.onSpinWait(); // the roll-over is reading, under the budget's lock: a few reads
        }
        if (counter >= read.length) {
            return false; // a stripe made after the seal
        }
        long seen = read[counter];
        return seen < 0 || after < 0 || seen >= after; // saturated counts as seen
    }

    /** Held by open reservations: the base's holds, corrected by every stripe, without the allowances not used yet. */
    public long heldNanos() {
        long total = Money.read(held);
        SpendStripe[] st = stripes;
        if (st != null) {
            for (SpendStripe s : st) {
                total += s.held() - s.local();
            }
        }
        return Math.max(0, total);
    }

    /**
     * The base's spent and held: at least what is spent and held (it also counts the allowances the
     * stripes have not used yet), and exactly that while the period is not inflated or is exact.
     */
    long baseUsed() {
        return Money.sum(Money.read(spent), Money.read(held));
    }

    /** Whether a charge just made must be judged against the thresholds (always, unless it came from an allowance below the cap). */
    public boolean judgesCharges() {
        return stripes == null || exact || !allowances;
    }

    /** Whether the period was inflated to stripes (a contended budget without a shared store). */
    public boolean striped() {
        return stripes != null;
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
