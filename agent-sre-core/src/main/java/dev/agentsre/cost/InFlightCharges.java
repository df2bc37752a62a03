package dev.agentsre.cost;

import dev.agentsre.cost.internal.Budget;
import dev.agentsre.cost.internal.Period;
import dev.agentsre.cost.internal.SpendAnomalies;
import dev.agentsre.internal.InFlightCost;
import dev.agentsre.internal.Money;
import java.util.List;

/**
 * The operations the {@code AgentSre} pipeline performs on a {@link CostGuard} while a task runs
 * (see {@link InFlightCost}): the check before each call, the charge after it, the end of the task.
 * A task's money goes to the periods its reservation was taken in — a task belongs to the day it was
 * admitted in — while a kill that engages now stops it whichever period its money goes to. Kept next
 * to the reservation, whose package-private state it uses.
 */
final class InFlightCharges extends InFlightCost {

    @Override
    public long perTaskLimitNanos(CostGuard guard) {
        return guard.perTaskLimitNanos();
    }

    @Override
    public Object rates(CostGuard guard, String model) {
        return guard.ratesOf(model);
    }

    @Override
    public long price(CostGuard guard, Object rates, String agentId, String taskId, String model, TokenUsage usage, boolean charged) {
        PriceTable.Rates r = (PriceTable.Rates) rates;
        long nanos = Money.checkNanos("the usage's price", r.totalNanos(usage));
        if (charged && guard.isUnknownModelRates(r)) {
            guard.unknownModelCharged(agentId, taskId, model, nanos);
        }
        return nanos;
    }

    @Override
    public long priceNanos(CostGuard guard, String agentId, String taskId, String model, TokenUsage usage, boolean charged) {
        return price(guard, guard.ratesOf(model), agentId, taskId, model, usage, charged);
    }

    @Override
    public CostReservation reserve(CostGuard guard, String agentId, String taskId, long estimateNanos) {
        return guard.reserveNanos(agentId, taskId, estimateNanos);
    }

    @Override
    public CostDecision checkCall(CostReservation task, long taskTotal, long worstCase) {
        CostGuard guard = task.guard();
        long perTaskLimit = guard.perTaskLimitNanos();
        long now = guard.clock().millis();
        Budget[] budgets = task.budgets;
        Period[] periods = task.heldIn();
        int spentOut = -1;
        for (int i = budgets.length - 1; i >= 0; i--) { // organisation first: its kill covers everyone
            Budget budget = budgets[i];
            Period current = guard.enforcement().current(budget, now);
            if (budget.state(current, now) == BudgetState.KILLED || periods[i].state() == BudgetState.KILLED) {
                // a kill now (by spend or by hand) stops a task that started before it, whichever period its money goes to
                return CostDecision.kill(budget.scope, CostGuard.killed(budget, current, now));
            }
            if (budget.spentOut(periods[i])) {
                spentOut = i; // the most specific one wins
            }
        }
        if (perTaskLimit != Budget.UNLIMITED && (taskTotal >= perTaskLimit || Money.sum(taskTotal, worstCase) > perTaskLimit)) {
            return CostDecision.deny(BudgetScope.TASK, taskTotal >= perTaskLimit
                    ? "task '" + task.taskId() + "' has spent " + Money.format(taskTotal) + " of its per-task limit of "
                            + Money.format(perTaskLimit)
                    : "task '" + task.taskId() + "' has spent " + Money.format(taskTotal) + "; the next call's worst case of "
                            + Money.format(worstCase) + " would pass its per-task limit of " + Money.format(perTaskLimit));
        }
        if (spentOut >= 0) {
            return CostDecision.deny(budgets[spentOut].scope, "the " + budgets[spentOut].describe(periods[spentOut]) + " is spent");
        }
        if (worstCase > 0) {
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

    @Override
    public void charge(CostReservation task, long nanos, long release, String model, CostReservation root, long rootTotal) {
        CostGuard guard = task.guard();
        long now = guard.clock().millis();
        List<CostAlert> alerts = null;
        Budget[] budgets = task.budgets;
        Period[] periods = task.heldIn();
        if (nanos > 0) {
            for (int i = 0; i < budgets.length; i++) {
                budgets[i].charge(periods[i], nanos); // the task's own periods: a task belongs to the day it was admitted in
            }
            if (task.storeId != null) {
                // each call's cost reaches the shared store at once (the fleet sees it); the task's hold
                // there stays until the task ends
                guard.shared().charge(guard.shared().chargeId(task.agentId(), task.taskId(), null), task.storeScopes, nanos, budgets,
                        periods);
            }
            for (int i = 0; i < budgets.length; i++) {
                alerts = guard.afterCharge(budgets[i], periods[i], task.agentId(), task.taskId(), now, alerts);
            }
            task.drawDown(nanos);
        }
        if (release > 0) {
            for (Period p : periods) {
                Budget.release(p, release);
            }
        }
        if (nanos > 0) {
            long perTaskLimit = guard.perTaskLimitNanos();
            if (perTaskLimit != Budget.UNLIMITED && rootTotal > perTaskLimit && !root.overLimitAlerted) {
                root.overLimitAlerted = true;
                guard.otherAlert(null, guard.overLimitAlert(root.agentId(), root.taskId(), rootTotal, now));
            }
            if (task.ledger.lastActivityMillis != now) {
                task.ledger.lastActivityMillis = now;
            }
            guard.charged(now, task.agentId(), task.taskId(), task.ledger.tenant, model, nanos);
        }
    }

    @Override
    public void finish(CostReservation task, long extra, long ownTotal) {
        if (extra > 0) {
            charge(task, extra, 0, null, task, 0);
        }
        if (!task.finishInFlight()) {
            return;
        }
        if (task.storeId != null) {
            // every call was charged on its own: the shared hold is replaced by nothing more
            task.guard().shared().commit(task.storeId, 0, task.budgets, task.heldIn());
        }
        SpendAnomalies anomalies = task.ledger.anomalies;
        if (anomalies != null) {
            task.guard().otherAlerts(anomalies.check(task.taskId(), Money.sum(ownTotal, extra), task.guard().clock().millis(),
                    null));
        }
    }
}
