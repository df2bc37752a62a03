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
import java.time.Instant;
import java.util.List;

/**
 * What a charge sets off in a budget — utilisation thresholds alerted once per period, the throttle,
 * the kill switch — and the revive that undoes them, with every transition's events published in the
 * order of the transitions. Not API.
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

    /** The period of {@code budget} to charge at {@code now}, rolling over (and publishing it) when due. */
    public Period current(Budget budget, long now) {
        Period p = budget.peek();
        if (now < p.endMillis) {
            return p;
        }
        p = budget.current(now, this);
        events.drain();
        return p;
    }

    @Override
    public void rolledOver(Budget budget, Period previous, Period next, long now) {
        Instant at = Instant.ofEpochMilli(now);
        events.enqueue(new BudgetPeriodRolledOver(at, budget.agentId, budget.scope, budget.owner, Money.toUsd(previous.spentNanos()),
                Instant.ofEpochMilli(next.startMillis)));
        if (previous.state != BudgetState.ACTIVE) {
            events.enqueue(new BudgetStateChanged(at, budget.agentId, budget.scope, budget.owner, previous.state, BudgetState.ACTIVE,
                    "new period"));
        }
    }

    /**
     * After spend was added to {@code p}: raises the thresholds it crossed, throttles or kills, and
     * returns {@code alerts} with the alerts raised appended (published as well).
     */
    public List<CostAlert> afterCharge(Budget budget, Period p, String agentId, String taskId, long now, List<CostAlert> alerts) {
        if (!budget.limited() || !due(p, budget.utilisation(p))) {
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
            return alerts;
        }
        BudgetState before = p.state;
        if (utilisation >= killSwitchThreshold && before != BudgetState.KILLED) {
            String reason = "kill switch at " + Alerts.percent(killSwitchThreshold) + " of the " + budget.describe(p);
            p.state = BudgetState.KILLED;
            stateChanged(budget, before, BudgetState.KILLED, reason, now);
            alerts = raise(alerts, alert(budget, p, agentId, taskId, now, BudgetAction.KILL, killSwitchThreshold, reason));
        } else if (autoThrottle && utilisation < killSwitchThreshold && utilisation >= throttleThreshold && before == BudgetState.ACTIVE) {
            String reason = "throttled at " + Alerts.percent(throttleThreshold) + " of the " + budget.describe(p);
            p.state = BudgetState.THROTTLED;
            stateChanged(budget, BudgetState.ACTIVE, BudgetState.THROTTLED, reason, now);
            alerts = raise(alerts, alert(budget, p, agentId, taskId, now, BudgetAction.THROTTLE, throttleThreshold, reason));
        }
        return alerts;
    }

    /** Ends a throttle or kill of {@code budget}'s current period and keeps automatic enforcement off for the rest of it. */
    public void revive(Budget budget, long now) {
        synchronized (budget) {
            Period p = budget.current(now, this);
            p.enforcementOverridden = true;
            BudgetState before = p.state;
            p.state = BudgetState.ACTIVE;
            if (before != BudgetState.ACTIVE) {
                stateChanged(budget, before, BudgetState.ACTIVE, "revived", now);
            }
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
