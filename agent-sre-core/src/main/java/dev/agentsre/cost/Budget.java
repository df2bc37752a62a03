package dev.agentsre.cost;

import dev.agentsre.internal.Money;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * One budget (an agent's day, a tenant's or the organisation's month): its limit and its current
 * {@link Period}. Lock-free: a period is replaced as a whole when it rolls over, and within a period
 * spend, holds, the alert level and the state are atomics. Memory: a few hundred bytes, plus the
 * spending breakdown of an agent budget (at most {@value #MAX_CATEGORIES} categories).
 */
final class Budget {

    static final long UNLIMITED = Long.MAX_VALUE;
    static final int MAX_CATEGORIES = 32;
    static final String OTHER = "other";

    enum Periodicity { DAY, MONTH }

    final BudgetScope scope;
    final String owner;
    final String agentId;
    final long limitNanos;
    private final Periodicity periodicity;
    private final ZoneId zone;
    private final AtomicReference<Period> period = new AtomicReference<>();

    Budget(BudgetScope scope, String owner, String agentId, long limitNanos, Periodicity periodicity, ZoneId zone) {
        this.scope = scope;
        this.owner = owner;
        this.agentId = agentId;
        this.limitNanos = limitNanos;
        this.periodicity = periodicity;
        this.zone = zone;
    }

    boolean limited() {
        return limitNanos != UNLIMITED;
    }

    /**
     * The period containing {@code now}, rolling over if the stored one has ended (or, after a
     * backward clock step, not begun). Returns the previous period in {@code rolledOver[0]} when
     * this call performed the roll-over, so the caller can publish it.
     */
    Period current(long now, Period[] rolledOver) {
        while (true) {
            Period p = period.get();
            if (p != null && now >= p.startMillis && now < p.endMillis) {
                return p;
            }
            Period next = periodAt(now);
            if (period.compareAndSet(p, next)) {
                if (rolledOver != null && p != null) {
                    rolledOver[0] = p;
                }
                return next;
            }
        }
    }

    /** The stored period, without rolling over (may be stale). */
    Period peek() {
        return period.get();
    }

    private Period periodAt(long now) {
        Instant instant = Instant.ofEpochMilli(now);
        LocalDate day = LocalDate.ofInstant(instant, zone);
        long start;
        long end;
        if (periodicity == Periodicity.DAY) {
            start = day.atStartOfDay(zone).toInstant().toEpochMilli();
            end = day.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        } else {
            YearMonth month = YearMonth.from(day);
            start = month.atDay(1).atStartOfDay(zone).toInstant().toEpochMilli();
            end = month.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant().toEpochMilli();
        }
        return new Period(start, end, scope == BudgetScope.AGENT);
    }

    /** Whether {@code estimate} more fits beside what is spent and held, in {@code p}. */
    boolean fits(Period p, long estimate) {
        return !limited() || p.spent.get() + p.held.get() + estimate <= limitNanos;
    }

    /** Atomically holds {@code nanos} in {@code p} if it fits. */
    boolean tryHold(Period p, long nanos) {
        if (!limited()) {
            p.held.addAndGet(nanos);
            return true;
        }
        while (true) {
            long held = p.held.get();
            // spent only grows outside holds; re-reading it inside the loop keeps the check tight
            if (p.spent.get() + held + nanos > limitNanos) {
                return false;
            }
            if (p.held.compareAndSet(held, held + nanos)) {
                if (p.spent.get() + held + nanos <= limitNanos) {
                    return true;
                }
                // a concurrent charge landed in between: undo and report no room
                p.held.addAndGet(-nanos);
                return false;
            }
        }
    }

    /**
     * Atomically holds {@code nanos} in {@code p} if it fits, counting {@code allowance} of what is
     * already held as room (the caller's own hold, which its own calls may use).
     */
    boolean tryHold(Period p, long nanos, long allowance) {
        if (!limited()) {
            p.held.addAndGet(nanos);
            return true;
        }
        while (true) {
            long held = p.held.get();
            if (p.spent.get() + held - allowance + nanos > limitNanos) {
                return false;
            }
            if (p.held.compareAndSet(held, held + nanos)) {
                if (p.spent.get() + held - allowance + nanos <= limitNanos) {
                    return true;
                }
                p.held.addAndGet(-nanos);
                return false;
            }
        }
    }

    static void release(Period p, long nanos) {
        p.held.addAndGet(-nanos);
    }

    /** Utilisation of {@code p}: spent / limit, NaN when unlimited. */
    double utilisation(Period p) {
        return limited() ? (double) p.spent.get() / limitNanos : Double.NaN;
    }

    String describe(Period p) {
        String name;
        switch (scope) {
            case AGENT:
                name = "daily limit of agent '" + owner + "'";
                break;
            case TENANT:
                name = "monthly budget of tenant '" + owner + "'";
                break;
            default:
                name = "organisation's monthly budget";
        }
        return name + " (spent " + Money.format(p.spent.get()) + ", held " + Money.format(p.held.get())
                + (limited() ? ", limit " + Money.format(limitNanos) : "") + ")";
    }

    /** One period of a budget. */
    static final class Period {
        final long startMillis;
        final long endMillis;
        final AtomicLong spent = new AtomicLong();
        final AtomicLong held = new AtomicLong();
        /** Number of utilisation thresholds already alerted in this period. */
        final AtomicInteger alertLevel = new AtomicInteger();
        final AtomicReference<BudgetState> state = new AtomicReference<>(BudgetState.ACTIVE);
        /** Set by a revive: no automatic throttle or kill for the rest of the period. */
        volatile boolean enforcementOverridden;
        /** Earliest time a throttled agent may start its next task. */
        final AtomicLong nextAdmitMillis = new AtomicLong(Long.MIN_VALUE);
        final ConcurrentHashMap<String, LongAdder> breakdown;

        Period(long startMillis, long endMillis, boolean tracksBreakdown) {
            this.startMillis = startMillis;
            this.endMillis = endMillis;
            this.breakdown = tracksBreakdown ? new ConcurrentHashMap<>() : null;
        }

        void addBreakdown(String category, long nanos) {
            LongAdder adder = breakdown.get(category);
            if (adder == null) {
                String key = breakdown.size() >= MAX_CATEGORIES ? OTHER : category;
                adder = breakdown.computeIfAbsent(key, k -> new LongAdder());
            }
            adder.add(nanos);
        }
    }
}
