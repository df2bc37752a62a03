package dev.agentsre.cost.internal;

import dev.agentsre.cost.BudgetAction;
import dev.agentsre.cost.BudgetState;
import dev.agentsre.cost.CostAlert;
import dev.agentsre.event.BudgetPeriodRolledOver;
import dev.agentsre.event.BudgetStateChanged;
import dev.agentsre.event.CostAlertRaised;
import dev.agentsre.event.SreEvent;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.internal.Money;
import dev.agentsre.internal.OrderedEvents;
import dev.agentsre.internal.Retirable;
import dev.agentsre.time.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a charge sets off in a budget — utilisation thresholds alerted once per period, the throttle,
 * the kill switch — the throttle or kill set by hand and its end, and the revive that undoes them,
 * with every transition's events published in the order of the transitions. Events carry the budget's
 * state as {@link Budget#state(Period, long)} defines it (the stricter of spend's and the hand's). Not API.
 *
 * <p><b>Order.</b> A transition (an alert level raised, a state changed, a period rolled over) happens
 * under its budget's lock and queues its events there; they are published after the lock is released,
 * by one thread at a time, in queue order ({@link OrderedEvents}). A charge that crosses nothing takes
 * no lock: the check that a transition is due reads two volatiles.
 */
public final class Enforcement implements Budget.RollOverListener {

    private final double[] alertThresholds;
    private final boolean autoThrottle;
    private final double throttleThreshold;
    private final double killSwitchThreshold;
    private final OrderedEvents events;

    /** Enforcement with these thresholds, publishing on {@code bus}. */
    public Enforcement(double[] alertThresholds, boolean autoThrottle, double throttleThreshold, double killSwitchThreshold,
                       SreEventBus bus) {
        this.alertThresholds = alertThresholds.clone();
        this.autoThrottle = autoThrottle;
        this.throttleThreshold = throttleThreshold;
        this.killSwitchThreshold = killSwitchThreshold;
        this.events = new OrderedEvents(bus);
    }

    /**
     * The period of {@code budget} to charge at {@code now}, rolling over (and publishing it) when due,
     * and publishing the end of a throttle or kill by hand that has expired. Two volatile reads when
     * neither is due.
     */
    public Period current(Budget budget, long now) {
        Period p = budget.peek();
        if (now < p.endMillis && !budget.manualExpiredAt(now)) {
            return p;
        }
        synchronized (budget) {
            expireManual(budget, now);
            p = budget.current(now, this);
        }
        events.drain();
        return p;
    }

    @Override
    public void rolledOver(Budget budget, Period previous, Period next, long now) {
        Instant at = Instant.ofEpochMilli(now);
        events.enqueue(new BudgetPeriodRolledOver(at, budget.agentId, budget.scope, budget.owner, Money.toUsd(previous.sealedSpentNanos()),
                Instant.ofEpochMilli(next.startMillis)));
        // A throttle or kill by hand outlives the roll-over (callers end an expired one first).
        Budget.Manual manual = budget.manual();
        BudgetState byHand = manual == null ? BudgetState.ACTIVE : manual.state;
        BudgetState before = Budget.stricter(previous.state, byHand);
        BudgetState after = Budget.stricter(next.state, byHand);
        if (before != after) {
            events.enqueue(new BudgetStateChanged(at, budget.agentId, budget.scope, budget.owner, before, after, "new period"));
        }
    }

    /**
     * Sets a throttle or kill by hand on {@code budget} (replacing one set before) and publishes the
     * change of its state, if any; {@code describe} says what was done, for the event. Returns false,
     * publishing nothing, when {@code owner} (the registry entry holding the budget) was retired before
     * the throttle or kill could pin it: the caller sets it on the new entry.
     */
    public boolean setManual(Budget budget, Budget.Manual manual, String describe, long now, Retirable owner) {
        synchronized (budget) {
            expireManual(budget, now);
            Period p = budget.current(now, this);
            BudgetState before = published(budget, p);
            budget.manual(manual);
            // The write above pins the entry unless an eviction decided first (see Retirable); the
            // evictor reads the budget without its lock, so waiting for its decision here is safe.
            if (!owner.stillLive()) {
                return false;
            }
            BudgetState after = published(budget, p);
            if (before != after) {
                stateChanged(budget, before, after, describe, now);
            }
        }
        events.drain();
        return true;
    }

    // Under the budget's lock: ends a throttle or kill by hand whose time is up, publishing the change.
    private void expireManual(Budget budget, long now) {
        Budget.Manual manual = budget.manual();
        if (manual == null || manual.inForceAt(now)) {
            return;
        }
        Period p = budget.peek();
        BudgetState before = Budget.stricter(p.state, manual.state);
        budget.manual(null);
        if (before != p.state) {
            String what = manual.state == BudgetState.KILLED ? "kill" : "throttle";
            stateChanged(budget, before, p.state, "the " + what + " by hand ended after "
                    + Durations.format(Duration.ofMillis(manual.untilMillis - manual.sinceMillis)) + ": "
                    + manual.reason, manual.untilMillis);
        }
    }

    /** The state listeners were last told of: the period's own and a throttle or kill by hand (expired ones are ended first). */
    private static BudgetState published(Budget budget, Period p) {
        Budget.Manual manual = budget.manual();
        return manual == null ? p.state : Budget.stricter(p.state, manual.state);
    }

    /**
     * After spend was added to {@code p}: raises the thresholds it crossed, throttles or kills, and
     * returns {@code alerts} with the alerts raised appended (published as well).
     */
    public List<CostAlert> afterCharge(Budget budget, Period p, String agentId, String taskId, long now, List<CostAlert> alerts) {
        if (!budget.limited() || !p.judgesCharges() || !due(p, budget.utilisation(p))) {
            return alerts;
        }
        synchronized (budget) {
            alerts = transitions(budget, p, agentId, taskId, now, alerts);
        }
        events.drain();
        return alerts;
    }

    private boolean due(Period p, double utilisation) {
        int level = p.alertLevel;
        if (level < alertThresholds.length && utilisation >= alertThresholds[level]) {
            return true;
        }
        if (p.enforcementOverridden) {
            return false;
        }
        BudgetState state = p.state;
        if (utilisation >= killSwitchThreshold) {
            return state != BudgetState.KILLED;
        }
        return autoThrottle && utilisation >= throttleThreshold && state == BudgetState.ACTIVE;
    }

    // Under the budget's lock.
    private List<CostAlert> transitions(Budget budget, Period p, String agentId, String taskId, long now, List<CostAlert> alerts) {
        double utilisation = budget.utilisation(p);
        int level = p.alertLevel;
        int reached = level;
        while (reached < alertThresholds.length && utilisation >= alertThresholds[reached]) {
            reached++;
        }
        for (int i = level; i < reached; i++) {
            alerts = raise(alerts, alert(budget, p, agentId, taskId, now, BudgetAction.ALERT, alertThresholds[i],
                    Alerts.percent(alertThresholds[i]) + " of the " + budget.describe(p) + " used"));
        }
        p.alertLevel = reached;
        if (p.enforcementOverridden) {
            budget.recap(p);
            return alerts;
        }
        BudgetState before = p.state;
        // Events tell the budget's state, a throttle or kill by hand included: a kill by spend of a budget
        // killed by hand changes nothing listeners can see (the alert is still raised).
        BudgetState publishedBefore = published(budget, p);
        if (utilisation >= killSwitchThreshold && before != BudgetState.KILLED) {
            String reason = "kill switch at " + Alerts.percent(killSwitchThreshold) + " of the " + budget.describe(p);
            p.state = BudgetState.KILLED;
            stateChangedIfSeen(budget, publishedBefore, published(budget, p), reason, now);
            alerts = raise(alerts, alert(budget, p, agentId, taskId, now, BudgetAction.KILL, killSwitchThreshold, reason));
        } else if (autoThrottle && utilisation < killSwitchThreshold && utilisation >= throttleThreshold && before == BudgetState.ACTIVE) {
            String reason = "throttled at " + Alerts.percent(throttleThreshold) + " of the " + budget.describe(p);
            p.state = BudgetState.THROTTLED;
            stateChangedIfSeen(budget, publishedBefore, published(budget, p), reason, now);
            alerts = raise(alerts, alert(budget, p, agentId, taskId, now, BudgetAction.THROTTLE, throttleThreshold, reason));
        }
        budget.recap(p);
        return alerts;
    }

    /**
     * The cap of a striped period of {@code budget} (see {@link Budget}): the largest base spend at
     * which no threshold still due in {@code p} is reached — the next alert threshold, and (unless a
     * revive overrode them) the throttle and kill-switch thresholds not yet set off — and never above
     * the limit. It only rises within a period: alert levels only go up, states only get stricter or
     * are overridden. Reads volatiles only; a stale read gives a lower, safe cap.
     */
    long cap(Budget budget, Period p) {
        double next = Double.POSITIVE_INFINITY;
        int level = p.alertLevel;
        if (level < alertThresholds.length) {
            next = alertThresholds[level];
        }
        if (!p.enforcementOverridden) {
            BudgetState state = p.state;
            if (state != BudgetState.KILLED) {
                next = Math.min(next, killSwitchThreshold);
            }
            if (autoThrottle && state == BudgetState.ACTIVE) {
                next = Math.min(next, throttleThreshold);
            }
        }
        long limit = budget.limitNanos;
        return next == Double.POSITIVE_INFINITY ? limit : Math.min(limit, below(next, limit));
    }

    /**
     * The largest spend whose utilisation ({@code spend / limit} in doubles, as judged) is below
     * {@code threshold} — for limits above 2<sup>53</sup> nano-dollars (about $9M) a hair below it,
     * where doubles are coarse (which only starts exact mode that much earlier).
     */
    static long below(double threshold, long limit) {
        if (threshold <= 0) {
            return -1;
        }
        long spend = (long) Math.min((double) Long.MAX_VALUE, Math.floor(threshold * limit));
        long step = 1;
        while (spend >= 0 && (double) spend / limit >= threshold) {
            spend -= step;
            step *= 2; // doubles are coarse near 2^63: a few steps reach a spend below
        }
        return spend;
    }

    private void stateChangedIfSeen(Budget budget, BudgetState from, BudgetState to, String reason, long now) {
        if (from != to) {
            stateChanged(budget, from, to, reason, now);
        }
    }

    /**
     * Ends a throttle or kill of {@code budget}: one set by hand, and one its spend set off in the current
     * period — which also keeps automatic enforcement off for the rest of the period. A revive that only
     * ends a throttle or kill by hand leaves automatic enforcement on.
     */
    public void revive(Budget budget, long now) {
        synchronized (budget) {
            expireManual(budget, now);
            Period p = budget.current(now, this);
            BudgetState before = published(budget, p);
            boolean byHand = budget.manual() != null;
            budget.manual(null);
            if (p.state != BudgetState.ACTIVE || !byHand) {
                p.enforcementOverridden = true;
                p.state = BudgetState.ACTIVE;
            }
            if (before != BudgetState.ACTIVE) {
                stateChanged(budget, before, BudgetState.ACTIVE, "revived", now);
            }
            budget.recap(p);
        }
        events.drain();
    }

    /** Publishes an alert that is no transition (an anomaly, a task over its limit), after the queued ones. */
    public void publish(String agentId, CostAlert alert) {
        events.enqueue(new CostAlertRaised(alert.timestamp(), agentId, alert));
        events.drain();
    }

    /** Publishes an event in order with the transitions (an eviction). */
    public void publish(SreEvent event) {
        events.enqueue(event);
        events.drain();
    }

    private List<CostAlert> raise(List<CostAlert> alerts, CostAlert alert) {
        events.enqueue(new CostAlertRaised(alert.timestamp(), alert.agentId(), alert));
        return Alerts.add(alerts, alert);
    }

    private void stateChanged(Budget budget, BudgetState from, BudgetState to, String reason, long now) {
        events.enqueue(new BudgetStateChanged(Instant.ofEpochMilli(now), budget.agentId, budget.scope, budget.owner, from, to, reason));
    }

    private static CostAlert alert(Budget budget, Period p, String agentId, String taskId, long now, BudgetAction action,
                                   double threshold, String message) {
        return new CostAlert(Instant.ofEpochMilli(now), agentId, taskId, budget.scope, budget.owner, action, threshold,
                Money.toUsd(p.spentNanos()), Money.toUsd(budget.limitNanos), message);
    }
}
