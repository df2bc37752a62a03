package dev.agentsre.cost.internal;

import dev.agentsre.cost.BudgetAction;
import dev.agentsre.cost.BudgetState;
import dev.agentsre.cost.CostDecision;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Admission at the throttled rate: each throttled budget admits one task per interval — a GCRA gate
 * with a burst of one, kept in the budget's period, exact under contention. The gate is the
 * throttled budget's own, so an organisation or tenant that is throttled admits its rate in total,
 * not per agent; a task of several throttled budgets must pass every gate. Not API.
 */
public final class ThrottleGate {

    private final long intervalMillis;
    private final String rateText;

    /** A gate admitting {@code tasksPerMinute} per throttled budget. */
    public ThrottleGate(double tasksPerMinute) {
        this.intervalMillis = Math.max(1, Math.round(60_000 / tasksPerMinute));
        this.rateText = "tasks are admitted every " + (intervalMillis % 1_000 == 0 ? intervalMillis / 1_000 + " s" : intervalMillis + " ms");
    }

    /**
     * Admits a task whose budgets and periods are {@code budgets}/{@code periods} (the first {@code size}
     * entries) at {@code now}: {@code null} when none is throttled; otherwise an admission at the
     * throttled rate (allowed) or a refusal with the time until the latest gate opens.
     */
    public CostDecision admit(Budget[] budgets, Period[] periods, int size, long now, double throttleThreshold) {
        int throttled = -1;
        long wait = 0;
        for (int i = 0; i < size; i++) {
            if (budgets[i].state(periods[i], now) == BudgetState.THROTTLED) {
                if (throttled < 0) {
                    throttled = i;
                }
                long next = periods[i].nextAdmitMillis.get(); // Long.MIN_VALUE until the first admission
                if (next > now) {
                    wait = Math.max(wait, next - now);
                }
            }
        }
        if (throttled < 0) {
            return null;
        }
        Budget by = budgets[throttled];
        if (wait > 0) {
            return refusal(by, periods[throttled], wait, throttleThreshold, now);
        }
        // Take every throttled gate; a gate another task took first refuses, giving back the ones taken.
        for (int i = 0; i < size; i++) {
            if (budgets[i].state(periods[i], now) != BudgetState.THROTTLED) {
                continue;
            }
            AtomicLong gate = periods[i].nextAdmitMillis;
            long next = gate.get();
            if (now < next || !gate.compareAndSet(next, now + intervalMillis)) {
                for (int j = 0; j < i; j++) {
                    if (budgets[j].state(periods[j], now) == BudgetState.THROTTLED) {
                        periods[j].nextAdmitMillis.compareAndSet(now + intervalMillis, now); // give the slot back if still ours
                    }
                }
                return refusal(budgets[i], periods[i], Math.max(1, gate.get() - now), throttleThreshold, now);
            }
        }
        return new CostDecision(true, BudgetAction.THROTTLE, by.scope, "admitted at the throttled rate: "
                + why(by, periods[throttled], throttleThreshold, now), Duration.ZERO);
    }

    private CostDecision refusal(Budget by, Period p, long wait, double throttleThreshold, long now) {
        return new CostDecision(false, BudgetAction.THROTTLE, by.scope, "throttled: " + why(by, p, throttleThreshold, now) + "; "
                + rateText, Duration.ofMillis(wait));
    }

    private static String why(Budget by, Period p, double throttleThreshold, long now) {
        Budget.Manual manual = by.manual(); // read once: a revive may end it meanwhile
        if (manual != null && by.throttledByHand(p, now)) {
            return "the " + by.describe(p) + " is " + Manuals.describe(manual);
        }
        return "the " + by.describe(p) + " is past " + Alerts.percent(throttleThreshold);
    }
}
