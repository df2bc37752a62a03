package dev.agentsre;

import dev.agentsre.cost.CostDecision;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.CostReservation;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.guard.CallGuard;
import dev.agentsre.guard.CallKind;
import dev.agentsre.guard.GuardedCall;
import dev.agentsre.guard.GuardedTask;
import dev.agentsre.guard.Outcome;
import dev.agentsre.internal.InFlightCost;
import java.time.Duration;

/**
 * The cost guard at the door and in flight. At the door the task's estimate is reserved. Before each
 * call the task's running total (with its delegations) is checked against the per-task limit and its
 * budgets — including kill switches that fired after it started — and a model call's declared worst
 * case is held, so even that call cannot overshoot. After each call its reported usage is priced and
 * charged at once (drawing the estimate's hold down). When the task ends it is charged what it spent:
 * a task that succeeded without reporting any cost is charged its estimate; a failed or refused one
 * only what it reported (0 when nothing).
 */
final class BudgetGuard implements CallGuard {

    private final CostGuard costGuard;
    private final InFlightCost ledger = InFlightCost.get();

    BudgetGuard(CostGuard costGuard) {
        this.costGuard = costGuard;
    }

    @Override
    public void beforeTask(GuardedTask task) {
        TaskRun run = (TaskRun) task;
        run.reservation = ledger.reserve(costGuard, run.agentId, run.taskId, run.estimateNanos).orThrow();
    }

    @Override
    public void beforeCall(GuardedCall guarded) {
        CallFrame call = (CallFrame) guarded;
        TaskRun run = call.run;
        long worstCase = 0;
        if (call.kind == CallKind.LLM && (call.usageFn != null || call.worstCase != null)) {
            LastModel last = (LastModel) run.lastModel;
            Object rates;
            if (last != null && last.model == call.target) {
                rates = last.rates; // the same model (the same string) again: no lookup
            } else {
                rates = ledger.rates(costGuard, call.target); // an unpriceable model never runs
                run.lastModel = new LastModel(call.target, rates);
            }
            call.rates = rates;
            if (call.worstCase != null) {
                worstCase = ledger.price(costGuard, rates, run.agentId, run.taskId, call.target, call.worstCase, false);
            }
        }
        CostDecision refusal = ledger.checkCall(run.reservation, run.root.costNanos, worstCase);
        if (refusal != null) {
            throw new BudgetExceededException(run.agentId, run.taskId, call.describe() + " refused: " + refusal.reason(), Duration.ZERO);
        }
        call.worstCaseHoldNanos = worstCase;
    }

    @Override
    public void afterCall(GuardedCall guarded) {
        CallFrame call = (CallFrame) guarded;
        TaskRun run = call.run;
        long nanos = 0;
        TokenUsage usage = call.usage;
        if (usage != null && call.outcome == Outcome.SUCCEEDED) {
            nanos = ledger.price(costGuard, call.rates, run.agentId, run.taskId, call.target, usage, true);
            call.costNanos = nanos;
            run.addCost(nanos);
        }
        if (nanos > 0 || call.worstCaseHoldNanos > 0) {
            ledger.charge(run.reservation, nanos, call.worstCaseHoldNanos, call.target, run.root.reservation, run.root.costNanos);
        }
    }

    /** A cost the body reported itself ({@link TaskContext#reportCost}, {@link TaskContext#reportTokens}): charged now. */
    void report(TaskRun run, long nanos, String model) {
        run.addCost(nanos);
        if (nanos > 0 && run.reservation != null) {
            ledger.charge(run.reservation, nanos, 0, model, run.root.reservation, run.root.costNanos);
        }
    }

    long price(TaskRun run, String model, TokenUsage usage) {
        return ledger.priceNanos(costGuard, run.agentId, run.taskId, model, usage, true);
    }

    /** The model a task priced last, with its rates: one object, so a racing call never sees one model's rates under another's name. */
    private record LastModel(String model, Object rates) {
    }

    @Override
    public void afterTask(GuardedTask task) {
        TaskRun run = (TaskRun) task;
        CostReservation reservation = run.reservation;
        if (reservation == null) {
            return;
        }
        long extra = run.outcome() == Outcome.SUCCEEDED && !run.costReported ? run.estimateNanos : 0;
        if (extra > 0) {
            run.addCost(extra);
        }
        ledger.finish(reservation, extra, run.ownCostNanos() - extra);
    }
}
