package dev.agentsre.cost.internal;

import dev.agentsre.cost.BudgetScope;
import dev.agentsre.cost.BudgetState;
import dev.agentsre.internal.Money;
import dev.agentsre.internal.Retirable;
import dev.agentsre.internal.window.Stripes;
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
 * Memory: a few hundred bytes (and about 180 bytes per stripe of a contended period: see {@link Period}),
 * plus the spending breakdown of an agent's day (at most
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
    /** Where a contended period's cap comes from; {@code null}: never striped (a shared store, or a budget for reads). */
    private final Enforcement striping;
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

    /** A budget whose first period is the one containing {@code now}, never striped. */
    public Budget(BudgetScope scope, String owner, String agentId, long limitNanos, PeriodClock.Periodicity periodicity,
                  PeriodClock periods, long now) {
        this(scope, owner, agentId, limitNanos, periodicity, periods, now, null);
    }

    /**
     * A budget whose first period is the one containing {@code now}; its periods are striped when
     * contended, below caps {@code striping} sets ({@code null}: never striped).
     */
    public Budget(BudgetScope scope, String owner, String agentId, long limitNanos, PeriodClock.Periodicity periodicity,
                  PeriodClock periods, long now, Enforcement striping) {
        this.striping = striping;
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
            p.seal(); // before the listener reads its spend: charges still landing in it move to the next one
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

    // ------------------------------------------------------------------ spend and holds
    //
    // A period that is not inflated (see Period) works on its two base counters: spent, and held
    // checked against the limit by a CAS that re-reads spent afterwards (a concurrent charge only ever
    // makes a hold back off, so the limit is exact). When threads collide on them the period inflates
    // to stripes. A limited budget's stripe then draws an allowance from the base — a hold in the base,
    // taken by the same exact check but against the period's cap (below the next threshold and the
    // limit) — and its threads charge and hold from it without touching the base: one base write per
    // allowance instead of one per task. Invariant, at rest: base spent + base held = what is spent +
    // what is held + the allowances not used yet, so the base never says less than the truth.
    //
    // Overshoot is zero by construction: every nano-dollar held or spent from an allowance was held in
    // the base by the exact check first. Under-use is bounded: an allowance is at most 1/(8 x stripes)
    // of the room left below the cap when drawn, so at most 1/8 of that room is parked in stripes — and
    // none near a threshold or the limit: a draw that does not fit puts the period in exact mode, which
    // returns every allowance to the base and sends every operation there (the old simple path), so the
    // limit stays reachable exactly and a refusal is judged on exact figures. A charge from an
    // allowance cannot cross a threshold (the base is below the cap), so it is not judged; an exact
    // charge is, and a charge that sees exact mode begin after it wrote (Dekker: write, then read the
    // flag; exact mode sets the flag, then reads the stripes) is judged too. The cap only rises, as
    // thresholds are passed (Enforcement.recap, under this budget's lock), and a period far below its
    // new cap leaves exact mode.

    /** Whether {@code estimate} more fits beside what is spent and held in {@code p}. */
    public boolean fits(Period p, long estimate) {
        if (!limited() || Money.sum(p.baseUsed(), estimate) <= limitNanos) {
            return true; // the base never says less than what is spent and held
        }
        return p.stripes != null && Money.sum(p.spentNanos(), p.heldNanos(), estimate) <= limitNanos;
    }

    /** Whether {@code p} has spent its whole limit. */
    public boolean spentOut(Period p) {
        return limited() && p.baseUsed() >= limitNanos && p.spentNanos() >= limitNanos;
    }

    /**
     * Adds {@code nanos} to the spend of {@code p}, rolled over or not (a reservation's commit: it
     * belongs to the period it was held in); judge the thresholds afterwards unless
     * {@link Period#judgesCharges} says not to.
     */
    public void charge(Period p, long nanos) {
        charge(p, nanos, false);
    }

    /**
     * Charges {@code nanos} after the fact to {@code p} (a period the charge's time fell in), unless
     * {@code p} rolled over before the charge landed in a way its roll-over could count: then the
     * charge is taken back out of {@code p} and false returned, and the caller charges the next
     * period. So the spend a roll-over announces and the periods after it count every charge exactly
     * once, however the charges race the roll-over.
     */
    public boolean chargeUnlessSealed(Period p, long nanos) {
        return charge(p, nanos, true);
    }

    // The one charge path; with `unlessSealed`, a charge the roll-over's seal could not count is taken back (false).
    private boolean charge(Period p, long nanos, boolean unlessSealed) {
        SpendStripe[] st = p.stripes;
        if (st == null) {
            long current = p.spent.get();
            if (striping == null || current < 0) { // never striped, or saturated: the simple path
                return keptOrUndone(p, 0, Money.addTo(p.spent, nanos), nanos, null, unlessSealed);
            }
            long after = Money.sum(current, nanos);
            if (p.spent.compareAndSet(current, after)) {
                return keptOrUndone(p, 0, after, nanos, null, unlessSealed);
            }
            inflate(p); // contended: charged on the stripes from now on
            st = p.stripes;
        }
        int index = Stripes.probe() & (st.length - 1);
        SpendStripe s = st[index];
        if (!p.allowances) {
            return keptOrUndone(p, 1 + index, s.addSpent(nanos), nanos, s, unlessSealed);
        }
        if (!p.exact) {
            if (s.take(nanos) || draw(p, s, nanos)) {
                long after = s.addSpent(nanos);
                s.addHeld(-nanos);
                if (kept(p, 1 + index, after, unlessSealed)) {
                    return true;
                }
                s.addSpent(-nanos); // landed after the seal: out of the stripe and back into its allowance
                s.addHeld(nanos);
                s.give(nanos);
                return false;
            }
            enterExact(p);
        }
        return keptOrUndone(p, 0, Money.addTo(p.spent, nanos), nanos, null, unlessSealed);
    }

    // Whether a charge that left counter `counter` at `after` stays: always, unless it moves when the
    // period was sealed before the seal could see it.
    private static boolean kept(Period p, int counter, long after, boolean unlessSealed) {
        return !unlessSealed || !p.sealed || p.sawCharge(counter, after);
    }

    private static boolean keptOrUndone(Period p, int counter, long after, long nanos, SpendStripe stripe, boolean unlessSealed) {
        if (kept(p, counter, after, unlessSealed)) {
            return true;
        }
        if (stripe != null) {
            stripe.addSpent(-nanos);
        } else if (after >= 0) {
            p.spent.addAndGet(-nanos);
        }
        return false;
    }

    /**
     * Atomically holds {@code nanos} in {@code p} if it fits, counting {@code allowance} of what is
     * already held as room (the caller's own hold, which its own calls may use).
     */
    public boolean tryHold(Period p, long nanos, long allowance) {
        SpendStripe[] st = p.stripes;
        if (st != null && allowance == 0) {
            SpendStripe s = stripe(st);
            if (!p.allowances) {
                s.addHeld(nanos);
                return true;
            }
            if (!p.exact) {
                if (s.take(nanos) || draw(p, s, nanos)) {
                    return true; // the allowance taken is the hold
                }
                enterExact(p);
            }
        }
        if (!limited()) {
            Money.addTo(p.held, nanos);
            return true;
        }
        if (holdInBase(p, nanos, allowance, limitNanos)) {
            return true;
        }
        if (p.stripes == null) {
            return false;
        }
        // Allowances parked in stripes count as held in the base: give them back, then judge exactly.
        enterExact(p);
        return holdInBase(p, nanos, allowance, limitNanos);
    }

    /**
     * The exact check-and-hold on the base counters against {@code cap}: CAS the holds, then re-read
     * the spend (a charge racing in makes the hold back off). A collision inflates a stripable period.
     */
    private boolean holdInBase(Period p, long nanos, long allowance, long cap) {
        boolean collided = false;
        try {
            while (true) {
                long held = p.held.get();
                // spent only grows outside holds; re-reading it inside the loop keeps the check tight
                if (Money.sum(Money.read(p.spent), held, nanos) - allowance > cap) {
                    return false;
                }
                if (p.held.compareAndSet(held, held + nanos)) {
                    if (Money.sum(Money.read(p.spent), held, nanos) - allowance <= cap) {
                        return true;
                    }
                    p.held.addAndGet(-nanos); // a concurrent charge landed in between: undo and report no room
                    return false;
                }
                collided = true;
            }
        } finally {
            if (collided && p.stripes == null && striping != null) {
                inflate(p);
            }
        }
    }

    /**
     * Draws an allowance for stripe {@code s} that covers {@code nanos} (which the caller uses at once)
     * and parks the rest in the stripe: 1/(8 x stripes) of the room below the cap, or just
     * {@code nanos} when that is less. False when even {@code nanos} does not fit below the cap, or
     * exact mode began meanwhile: the caller goes exact.
     */
    private boolean draw(Period p, SpendStripe s, long nanos) {
        long cap = p.cap;
        long room = cap - p.baseUsed();
        if (room < nanos) {
            return false;
        }
        long share = room / (8L * p.stripes.length);
        long amount = Math.max(nanos, share);
        if (!holdInBase(p, amount, 0, cap)) {
            if (amount == nanos || !holdInBase(p, nanos, 0, cap)) {
                return false;
            }
            amount = nanos;
        }
        if (p.exact) {
            p.held.addAndGet(-amount); // exact mode began meanwhile: no allowances now
            return false;
        }
        if (amount > nanos) {
            p.chunk = amount;
            s.give(amount - nanos);
            if (p.exact) {
                returnAllowance(p, s.drain());
            }
        }
        return true;
    }

    /** Gives back a hold. */
    public static void release(Period p, long nanos) {
        SpendStripe[] st = p.stripes;
        if (st == null || p.exact && p.allowances) {
            p.held.addAndGet(-nanos);
            return;
        }
        SpendStripe s = stripe(st);
        if (!p.allowances) {
            s.addHeld(-nanos);
            return;
        }
        s.give(nanos); // back into the stripe's allowance
        if (p.exact) {
            returnAllowance(p, s.drain()); // exact mode began meanwhile: allowances go back to the base
        } else {
            returnAllowance(p, s.trim(2 * p.chunk));
        }
    }

    private static void returnAllowance(Period p, long nanos) {
        if (nanos > 0) {
            p.held.addAndGet(-nanos);
        }
    }

    /** Exact mode: every allowance back to the base, every operation there (until {@link #recap} finds room again). */
    private static void enterExact(Period p) {
        if (!p.exact) {
            p.exact = true;
        }
        for (SpendStripe s : p.stripes) {
            returnAllowance(p, s.drain());
        }
    }

    /** Inflates {@code p} to stripes (once). */
    private void inflate(Period p) {
        synchronized (p) {
            if (p.stripes != null) {
                return;
            }
            p.allowances = limited();
            p.cap = limited() ? striping.cap(this, p) : UNLIMITED;
            SpendStripe[] st = new SpendStripe[Period.STRIPES];
            for (int i = 0; i < st.length; i++) {
                st[i] = new SpendStripe();
            }
            p.stripes = st;
        }
    }

    /**
     * Under this budget's lock, after a threshold was passed or a revive: raises the cap of an inflated
     * period, and ends its exact mode when the base is far below the new cap (1/64 of the limit).
     */
    void recap(Period p) {
        if (p.stripes == null || !p.allowances) {
            return;
        }
        long cap = striping.cap(this, p);
        if (cap > p.cap) {
            p.cap = cap;
        }
        if (p.exact && p.cap - p.baseUsed() >= limitNanos >>> 6) {
            p.exact = false;
        }
    }

    private static SpendStripe stripe(SpendStripe[] st) {
        return st[Stripes.probe() & (st.length - 1)];
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
