package dev.agentsre;

import dev.agentsre.guard.CallGuard;
import dev.agentsre.guard.CallKind;
import dev.agentsre.guard.GuardedCall;
import dev.agentsre.guard.Outcome;
import dev.agentsre.time.Durations;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * {@link TaskLimits} in flight: the deadline, model and tool call counts, tokens, delegation depth.
 * Counts are taken atomically before the call on the task and every ancestor (a limit bounds a task's
 * whole delegation tree) and given back when a later guard refuses the call, so the N+1st call is
 * refused exactly, however many calls run in parallel.
 */
final class LimitsGuard implements CallGuard {

    @Override
    public void beforeCall(GuardedCall guarded) {
        CallFrame call = (CallFrame) guarded;
        TaskRun run = call.run;
        if (run.deadlineMillis != Long.MAX_VALUE && call.enteredMillis > run.deadlineMillis) {
            throw deadlineRefusal(run, run.deadlineOwner);
        }
        switch (call.kind) {
            case LLM:
                for (TaskRun t = run; t != null; t = t.parent) {
                    long max = t.limits.tokenLimit();
                    if (max != Long.MAX_VALUE && t.tokens >= max) {
                        throw refusal(run, t, "maxTokens", max, t.tokens + " tokens used");
                    }
                }
                take(run, call.kind, "maxModelCalls");
                break;
            case TOOL:
                take(run, call.kind, "maxToolCalls");
                break;
            default:
                for (TaskRun t = run; t != null; t = t.parent) {
                    long max = t.limits.delegationDepthLimit();
                    if (run.depth + 1 - t.depth > max) {
                        throw refusal(run, t, "maxDelegationDepth", max, "a delegation to depth " + (run.depth + 1 - t.depth));
                    }
                }
                break;
        }
    }

    @Override
    public void afterCall(GuardedCall guarded) {
        CallFrame call = (CallFrame) guarded;
        if (call.outcome == Outcome.REFUSED && !call.started && call.kind != CallKind.DELEGATE) {
            AtomicLongFieldUpdater<TaskRun> counter = TaskRun.counter(call.kind);
            for (TaskRun t = call.run; t != null; t = t.parent) {
                counter.decrementAndGet(t); // the call never ran
            }
        }
    }

    private static void take(TaskRun run, CallKind kind, String limit) {
        AtomicLongFieldUpdater<TaskRun> counter = TaskRun.counter(kind);
        for (TaskRun t = run; t != null; t = t.parent) {
            long n = counter.incrementAndGet(t);
            long max = kind == CallKind.LLM ? t.limits.modelCallLimit() : t.limits.toolCallLimit();
            if (n > max) {
                for (TaskRun u = run; u != t.parent; u = u.parent) {
                    counter.decrementAndGet(u);
                }
                throw refusal(run, t, limit, max, (kind == CallKind.LLM ? "model call " : "tool call ") + n);
            }
        }
    }

    private static TaskLimitExceededException refusal(TaskRun run, TaskRun owner, String limit, long max, String what) {
        String whose = owner == run ? "task '" + run.taskId + "'" : "task '" + owner.taskId + "' (which delegated to this one)";
        return new TaskLimitExceededException(run.agentId, run.taskId, limit, max,
                what + " refused: " + limit + " of " + whose + " is " + max);
    }

    static TaskLimitExceededException deadlineRefusal(TaskRun run, TaskRun owner) {
        long max = owner.limits.durationLimitMillis();
        long elapsed = run.sre.clock().millis() - owner.startMillis;
        String whose = owner == run ? "task '" + run.taskId + "'" : "task '" + owner.taskId + "' (which delegated to this one)";
        return new TaskLimitExceededException(run.agentId, run.taskId, "maxDuration", max, "deadline passed: maxDuration of " + whose
                + " is " + Durations.format(Duration.ofMillis(max)) + ", it started " + Durations.format(Duration.ofMillis(elapsed))
                + " ago");
    }
}
