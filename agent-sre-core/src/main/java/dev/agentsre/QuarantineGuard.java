package dev.agentsre;

import dev.agentsre.anomaly.ActionVerdict;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.guard.CallGuard;
import dev.agentsre.guard.CallKind;
import dev.agentsre.guard.GuardedCall;
import dev.agentsre.guard.GuardedTask;

/**
 * The rogue-agent detector at the door and in flight: a quarantined agent's task is refused, and so is
 * its next call when it is quarantined while the task runs; every tool call is recorded with the
 * task's own loop window (a loop that quarantines the agent refuses the very call that completed it),
 * and a tool outside the agent's profile is refused before it runs when profiles are enforced.
 */
final class QuarantineGuard implements CallGuard {

    private final RogueAgentDetector detector;

    QuarantineGuard(RogueAgentDetector detector) {
        this.detector = detector;
    }

    @Override
    public void beforeTask(GuardedTask task) {
        if (!detector.admit(task.agentId())) { // an automatic release that is due happens here, never on a read
            throw new QuarantinedException(task.agentId(), task.taskId(), "agent '" + task.agentId()
                    + "' is quarantined by the rogue-agent detector");
        }
    }

    @Override
    public void beforeCall(GuardedCall guarded) {
        CallFrame call = (CallFrame) guarded;
        TaskRun run = call.run;
        if (call.kind != CallKind.TOOL) {
            if (!detector.admit(run.agentId)) {
                throw quarantined(call, "agent '" + run.agentId + "' was quarantined while task '" + run.taskId + "' ran");
            }
            return;
        }
        // a tool call: the recorder checks the quarantine under the agent's lock, then records and judges the call
        RogueAgentDetector.TaskActions actions = run.actions;
        if (actions == null) {
            synchronized (run) { // parallel calls of one task share one loop window
                actions = run.actions;
                if (actions == null) {
                    actions = detector.taskActions(run.agentId, run.taskId);
                    run.actions = actions;
                }
            }
        }
        ActionVerdict verdict = actions.record(call.target, call.request);
        if (verdict == ActionVerdict.UNAUTHORISED) {
            throw new CapabilityViolationException(run.agentId, run.taskId, call.target, "tool '" + call.target
                    + "' is outside the capability profile of agent '" + run.agentId + "' (recorded as a violation)");
        }
        if (verdict == ActionVerdict.QUARANTINED) {
            throw quarantined(call, "agent '" + run.agentId + "' is quarantined by the rogue-agent detector");
        }
    }

    private static QuarantinedException quarantined(CallFrame call, String message) {
        return new QuarantinedException(call.run.agentId, call.run.taskId, message);
    }
}
