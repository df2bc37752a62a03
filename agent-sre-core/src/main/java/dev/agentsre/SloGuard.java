package dev.agentsre;

import dev.agentsre.guard.CallGuard;
import dev.agentsre.guard.GuardedTask;
import dev.agentsre.guard.Outcome;
import dev.agentsre.internal.Money;
import dev.agentsre.slo.AggregateSli;
import dev.agentsre.slo.PercentileSli;
import dev.agentsre.slo.Sli;
import dev.agentsre.slo.Slo;

/**
 * Post-flight SLO accounting: every SLO of the agent (and every SLO without an agent) records a good
 * or bad event, and its built-in indicators are fed by name — {@code task_success_rate} the outcome,
 * {@code error_rate} its opposite, {@code response_latency*} the duration in ms, {@code cost_per_task}
 * the cost, {@code token_usage} the tokens. Outermost of the built-in guards, so it sees every task.
 *
 * <p>A task refused at the door records nothing (it did not run). A task one of whose calls was
 * refused in flight is a bad event, even when the body caught the refusal and returned normally: the
 * pipeline stopped part of its work, and a fallback answer must not hide that from the SLO.
 */
final class SloGuard implements CallGuard {

    private final AgentSre sre;

    SloGuard(AgentSre sre) {
        this.sre = sre;
    }

    @Override
    public void afterTask(GuardedTask task) {
        TaskRun run = (TaskRun) task;
        if (run.refusedAtDoor()) {
            return; // it never ran
        }
        boolean ok = run.outcome() == Outcome.SUCCEEDED;
        long millis = run.durationMillis();
        double cost = Money.toDouble(run.costNanos);
        long tokens = run.tokens;
        for (Slo slo : sre.slosOf(run.agentId)) {
            slo.recordEvent(ok);
            for (Sli sli : slo.indicators()) {
                feed(sli, ok, millis, cost, tokens);
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
                    break; // the caller records other indicators
            }
        }
    }
}
