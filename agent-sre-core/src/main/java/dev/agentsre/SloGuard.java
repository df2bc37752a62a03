package dev.agentsre;

import dev.agentsre.guard.CallGuard;
import dev.agentsre.guard.GuardedTask;
import dev.agentsre.guard.Outcome;
import dev.agentsre.internal.Money;
import dev.agentsre.slo.AggregateSli;
import dev.agentsre.slo.PercentileSli;
import dev.agentsre.slo.Refusal;
import dev.agentsre.slo.Sli;
import dev.agentsre.slo.Slo;
import dev.agentsre.slo.SloTemplate;

/**
 * Post-flight SLO accounting, for every SLO of the task's agent: its own, the fleet-wide ones and its
 * SLO of each template. Outermost guard of the chain, so it sees every task and every refusal at the
 * door, your guards' included.
 *
 * <ul>
 *   <li>A task that ran is <em>served</em> ({@link Slo#recordServed}): good when it succeeded, bad when
 *       it failed or one of its calls was refused in flight — even when the body caught the refusal
 *       and returned normally: the pipeline stopped part of its work, and a fallback answer must not
 *       hide that. Built-in indicators are fed by name — {@code task_success_rate} the outcome,
 *       {@code error_rate} its opposite, {@code response_latency*} the duration in ms,
 *       {@code cost_per_task} the cost, {@code token_usage} the tokens; availability indicators by
 *       the SLO itself.</li>
 *   <li>A task refused at the door is a {@link Refusal} ({@link Slo#recordRefused}), which an
 *       availability objective counts or not: quarantine → {@code QUARANTINED}; the agent's open
 *       circuit → {@code CIRCUIT_OPEN}, or {@code SLO_ACTION} while an SLO's CIRCUIT_BREAK is in
 *       force for the agent; the SLO throttle → {@code SLO_ACTION}; the cost guard's throttle →
 *       {@code COST_THROTTLED}; a budget limit or kill switch → {@code BUDGET_EXCEEDED}; anything
 *       else (your guards) → {@code POLICY}.</li>
 *   <li>While an SLO's CIRCUIT_BREAK is in force for the agent, a task that ran under the agent's
 *       breaker and failed trips it again (when a successful probe had closed it); a task with a
 *       call refused in flight does not, as it does not count for the breaker either.</li>
 * </ul>
 */
final class SloGuard implements CallGuard {

    private final AgentSre sre;

    SloGuard(AgentSre sre) {
        this.sre = sre;
    }

    @Override
    public void afterTask(GuardedTask task) {
        TaskRun run = (TaskRun) task;
        String agent = run.agentId;
        if (run.refusedAtDoor()) {
            Refusal refusal = refusalOf(run);
            for (Slo slo : sre.slosOf(agent)) {
                refused(run, slo, refusal);
            }
            for (SloTemplate template : sre.sloTemplates()) {
                Slo slo = sre.templatedSlo(template, agent);
                if (slo != null) {
                    refused(run, slo, refusal);
                }
            }
            return;
        }
        boolean ok = run.outcome() == Outcome.SUCCEEDED;
        long millis = run.durationMillis();
        double cost = Money.toDouble(run.costNanos);
        long tokens = run.tokens;
        // Each SLO and each indicator on its own: one that rejects a value (a cost beyond its
        // histogram's range) must not keep the others from recording the task.
        for (Slo slo : sre.slosOf(agent)) {
            served(run, slo, ok, millis, cost, tokens);
        }
        for (SloTemplate template : sre.sloTemplates()) {
            Slo slo = sre.templatedSlo(template, agent);
            if (slo != null) {
                served(run, slo, ok, millis, cost, tokens);
            }
        }
        if (run.outcome() == Outcome.FAILED && run.breakerPermit != null && sre.circuitBreakInForce(agent)) {
            sre.tripAgentBreaker(agent, "a task failed while an SLO's error budget is exhausted (CIRCUIT_BREAK)");
        }
    }

    private Refusal refusalOf(TaskRun run) {
        TaskRefusedException refusal = run.refusal();
        if (refusal instanceof QuarantinedException) {
            return Refusal.QUARANTINED;
        }
        if (refusal instanceof CircuitOpenRefusedException) {
            return sre.circuitBreakInForce(run.agentId) ? Refusal.SLO_ACTION : Refusal.CIRCUIT_OPEN;
        }
        if (refusal instanceof ThrottledException) {
            CallGuard by = run.refusedBy();
            return by instanceof SloThrottleGuard ? Refusal.SLO_ACTION : by instanceof BudgetGuard ? Refusal.COST_THROTTLED : Refusal.POLICY;
        }
        if (refusal instanceof BudgetExceededException) {
            return Refusal.BUDGET_EXCEEDED;
        }
        return Refusal.POLICY;
    }

    private void refused(TaskRun run, Slo slo, Refusal refusal) {
        try {
            slo.recordRefused(refusal);
        } catch (RuntimeException failure) {
            sre.postFlightFailed(run, "recording of SLO '" + slo.name() + "'", failure);
        }
    }

    private void served(TaskRun run, Slo slo, boolean ok, long millis, double cost, long tokens) {
        try {
            slo.recordServed(ok);
        } catch (RuntimeException failure) {
            sre.postFlightFailed(run, "recording of SLO '" + slo.name() + "'", failure);
        }
        for (Sli sli : slo.indicators()) {
            try {
                feed(sli, ok, millis, cost, tokens);
            } catch (RuntimeException failure) {
                sre.postFlightFailed(run, "indicator '" + sli.name() + "' of SLO '" + slo.name() + "'", failure);
            }
        }
    }

    private static void feed(Sli sli, boolean ok, long millis, double cost, long tokens) {
        String name = sli.name();
        if (sli instanceof PercentileSli && name.startsWith("response_latency")) {
            sli.record(millis);
        } else if (sli instanceof AggregateSli) {
            switch (name) {
                case "task_success_rate":
                    ((AggregateSli) sli).record(ok);
                    break;
                case "error_rate":
                    ((AggregateSli) sli).record(!ok);
                    break;
                case "cost_per_task":
                    sli.record(cost);
                    break;
                case "token_usage":
                    sli.record(tokens);
                    break;
                default:
                    break; // the caller records other indicators; availability ones are fed by recordServed
            }
        }
    }
}
