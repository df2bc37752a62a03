package dev.agentsre.cost.internal;

import dev.agentsre.cost.BudgetScope;
import dev.agentsre.cost.BudgetState;
import dev.agentsre.internal.Money;
import dev.agentsre.internal.Retirable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One budget — an agent's day, a tenant's or the organisation's month — with its limit and its
 * current {@link Period}. Not API.
 *
 * <p><b>Periods only move forward.</b> {@link #current} replaces the period only when the clock has
 * reached its end, and the new one starts at or after that end, under this budget's lock: a thread
 * that read the clock just before midnight and arrives late finds the new day and charges it (it
 * never replaces the new day by a fresh old one), and a clock that steps back across midnight keeps
 * the new day (it never reopens a period). A reservation keeps the periods it was taken in, so its
 * commit lands there whatever the clock says by then.
 *
 * <p><b>State.</b> A period's own state is what its spend set off (the throttle and kill switch, ended
 * by its roll-over or a revive). Beside it, an agent's budget may carry a {@link Manual} throttle or
 * kill set by a person (until a time, or until revived), which outlives roll-overs; the budget's
 * state is the stricter of the two ({@link #state(Period, long)}).
 *
 * <p>Spend and holds are lock-free atomics; the roll-over, the alert level and the state change under
 * this budget's lock, which is where their events are queued (so they reach listeners in order).
 * Memory: a few hundred bytes, plus the spending breakdown of an agent's day (at most
 * {@value Period#MAX_CATEGORIES} categories).
 */
public final class Budget extends Retirable {

    /** No limit: spend is tracked, never refused. */
    public static final long UNLIMITED = Long.MAX_VALUE;

    /** Told about a roll-over, under the budget's lock. */
    @FunctionalInterface
    public interface RollOverListener {
        /** {@code budget} moved from {@code previous} to {@code next} at {@code now}. */
        void rolledOver(Budget budget, Period previous, Period next, long now);
    }

    /** Which budget. */
    public final BudgetScope scope;
    /** Agent id, tenant, or {@code "organization"}. */
    public final String owner;
    /** The agent for an agent budget; {@code null} otherwise. */
    public final String agentId;
    /** The limit in nano-dollars, or {@link #UNLIMITED}. */
    public final long limitNanos;
    /** Reservations granted against this budget and not yet closed (they pin it). */
    public final AtomicInteger reservations = new AtomicInteger();
    private final PeriodClock.Periodicity periodicity;
    private final PeriodClock periods;
    private final AtomicReference<Period> period;
    /** A throttle or kill set by hand, or {@code null}; written under this budget's lock. */
    private volatile Manual manual;

    /**
     * A throttle or kill set by hand: in force from {@code sinceMillis} until {@code untilMillis}
     * ({@link Long#MAX_VALUE}: until revived), whatever the spend. Immutable.
     */
    public static final class Manual {
        /** {@link BudgetState#THROTTLED} or {@link BudgetState#KILLED}. */
        public final BudgetState state;
        /** Why, as given. */
        public final String reason;
        /** When it was set. */
        public final long sinceMillis;
        /** When it ends by itself; {@link Long#MAX_VALUE} for never. */
        public final long untilMillis;

        /** A manual {@code state} from {@code sinceMillis} to {@code untilMillis}. */
        public Manual(BudgetState state, String reason, long sinceMillis, long untilMillis) {
            this.state = state;
            this.reason = reason;
            this.sinceMillis = sinceMillis;
            this.untilMillis = untilMillis;
        }

        /** Whether it is in force at {@code now}. */
        public boolean inForceAt(long now) {
            return now < untilMillis;
        }

        /** Whether it lasts until revived. */
        public boolean untilRevived() {
            return untilMillis == Long.MAX_VALUE;
        }
    }

    /** A budget whose first period is the one containing {@code now}. */
    public Budget(BudgetScope scope, String owner, String agentId, long limitNanos, PeriodClock.Periodicity periodicity,
                  PeriodClock periods, long now) {
        this.scope = scope;
        this.owner = owner;
        this.agentId = agentId;
        this.limitNanos = limitNanos;
        this.periodicity = periodicity;
        this.periods = periods;
        this.period = new AtomicReference<>(periods.periodAt(now, periodicity, scope == BudgetScope.AGENT));
    }

    /** The throttle or kill set by hand, or {@code null} (it may have expired: see {@link Manual#inForceAt}). */
    public Manual manual() {
        return manual;
    }

    /** Sets or clears ({@code null}) the throttle or kill by hand; under this budget's lock. */
    void manual(Manual manual) {
        this.manual = manual;
    }

    /** Whether a manual throttle or kill has expired at {@code now} without its end being processed yet (one volatile read). */
    public boolean manualExpiredAt(long now) {
        Manual m = manual;
        return m != null && !m.inForceAt(now);
    }

    /** The budget's state in period {@code p} at {@code now}: the stricter of the period's own and a manual one in force. */
    public BudgetState state(Period p, long now) {
        Manual m = manual;
        BudgetState own = p.state;
        return m == null || !m.inForceAt(now) ? own : stricter(own, m.state);
    }

    /** Whether {@code p} is killed at {@code now} by hand only (its spend did not kill it). */
    public boolean killedByHand(Period p, long now) {
        Manual m = manual;
        return p.state != BudgetState.KILLED && m != null && m.inForceAt(now) && m.state == BudgetState.KILLED;
    }

    /** Whether {@code p} is throttled at {@code now} by hand only (its spend did not throttle it). */
    public boolean throttledByHand(Period p, long now) {
        Manual m = manual;
        return p.state == BudgetState.ACTIVE && m != null && m.inForceAt(now) && m.state == BudgetState.THROTTLED;
    }

    /** The stricter of two states. */
    public static BudgetState stricter(BudgetState a, BudgetState b) {
        return b.ordinal() > a.ordinal() ? b : a;
    }

    /** Whether spend is limited. */
    public boolean limited() {
        return limitNanos != UNLIMITED;
    }

    /**
     * The period to charge at {@code now}: the stored one unless the clock has reached its end, in
     * which case the next one is made under the lock and {@code listener} told. Never moves back.
     */
    public Period current(long now, RollOverListener listener) {
        Period p = period.get();
        if (now < p.endMillis) {
            return p; // also when the clock stepped back before its start: the period stays
        }
        synchronized (this) {
            p = period.get();
            if (now < p.endMillis) {
                return p;
            }
            Period next = periods.periodAt(now, periodicity, scope == BudgetScope.AGENT);
            period.set(next);
            listener.rolledOver(this, p, next, now);
            return next;
        }
    }

    /** The stored period, without rolling over (may have ended). */
    public Period peek() {
        return period.get();
    }

    /**
     * The period as a read sees it at {@code now}, without changing anything: the stored one, or a
     * fresh empty one when the stored one has ended (the roll-over is left to the next charge).
     */
    public Period view(long now) {
        Period p = period.get();
        return now < p.endMillis ? p : periods.periodAt(now, periodicity, false);
    }

    /** Whether {@code estimate} more fits beside what is spent and held in {@code p}. */
    public boolean fits(Period p, long estimate) {
        return !limited() || Money.sum(p.spentNanos(), p.heldNanos(), estimate) <= limitNanos;
    }

    /**
     * Atomically holds {@code nanos} in {@code p} if it fits, counting {@code allowance} of what is
     * already held as room (the caller's own hold, which its own calls may use).
     */
    public boolean tryHold(Period p, long nanos, long allowance) {
        if (!limited()) {
            Money.addTo(p.held, nanos);
            return true;
        }
        while (true) {
            long held = p.held.get();
            // spent only grows outside holds; re-reading it inside the loop keeps the check tight
            if (Money.sum(p.spentNanos(), held, nanos) - allowance > limitNanos) {
                return false;
            }
            if (p.held.compareAndSet(held, held + nanos)) {
                if (Money.sum(p.spentNanos(), held, nanos) - allowance <= limitNanos) {
                    return true;
                }
                p.held.addAndGet(-nanos); // a concurrent charge landed in between: undo and report no room
                return false;
            }
        }
    }

    /** Gives back a hold. */
    public static void release(Period p, long nanos) {
        p.held.addAndGet(-nanos);
    }

    /** Utilisation of {@code p}: spent / limit, NaN when unlimited. */
    public double utilisation(Period p) {
        return limited() ? (double) p.spentNanos() / limitNanos : Double.NaN;
    }

    /**
     * Whether evicting this budget at {@code now} would lift enforcement: it has open reservations
     * (they commit into its periods), a throttle or kill by hand in force, or its period is not over
     * and it is throttled or killed, holds money, or has spent under a limit.
     */
    public boolean holdsEnforcement(long now) {
        if (reservations.get() > 0) {
            return true;
        }
        Manual m = manual;
        if (m != null && m.inForceAt(now)) {
            return true;
        }
        Period p = period.get();
        if (p.isOver(now)) {
            return false;
        }
        return p.heldNanos() > 0 || p.state != BudgetState.ACTIVE || limited() && p.spentNanos() > 0;
    }

    @Override
    protected boolean pinned(long now) {
        return holdsEnforcement(now);
    }

    /** The budget for people: "daily limit of agent 'a' (spent $9.00, held $0.00, limit $10.00)". */
    public String describe(Period p) {
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
        return name + " (spent " + Money.format(p.spentNanos()) + ", held " + Money.format(p.heldNanos())
                + (limited() ? ", limit " + Money.format(limitNanos) : "") + ")";
    }
}
