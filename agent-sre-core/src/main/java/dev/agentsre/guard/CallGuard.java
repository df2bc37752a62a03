package dev.agentsre.guard;

/**
 * One concern of the guarded pipeline, hooked into every task and every call of a task. All hooks
 * are optional (default: do nothing). Add one with {@code AgentSre.builder().guard(...)}; guards
 * added by the user run first (outermost, after only the pipeline's post-flight SLO accounting, which
 * has no {@code before...} hook), in the order added, then the pipeline's own — see
 * {@code docs/pipeline.md}.
 *
 * <pre>{@code
 * CallGuard noShellOnWeekends = new CallGuard() {
 *     public void beforeCall(GuardedCall call) {
 *         if (call.kind() == CallKind.TOOL && call.target().equals("shell_exec") && weekend()) {
 *             throw call.refuse("policy", "no shell on weekends");
 *         }
 *     }
 * };
 * }</pre>
 *
 * <p><b>Order and pairing.</b> {@code beforeTask} and {@code beforeCall} run in chain order; a guard
 * refuses by throwing a {@link dev.agentsre.TaskRefusedException} (build one with
 * {@link GuardedTask#refuse} / {@link GuardedCall#refuse}), and the guards after it do not run.
 * {@code afterTask} and {@code afterCall} run in reverse order for every guard whose
 * {@code before...} returned normally — also when a later guard refused (outcome
 * {@link Outcome#REFUSED}) — so a guard that took something (a hold, a permit) always gives it back.
 *
 * <p><b>Failures.</b> Any other exception from a {@code before...} hook fails the task or call (the
 * callee does not run; it is rethrown to the body). An exception from an {@code after...} hook is
 * logged and counted and never reaches the agent: an outcome has happened and cannot be undone.
 *
 * <p><b>Threads and state.</b> Hooks run on the thread of the task or call; calls of one task may
 * run in parallel (an asynchronous body). Keep per-task state with {@link GuardedTask#state} (set it
 * in {@code beforeTask}) and per-call state with {@link GuardedCall#state} (set in
 * {@code beforeCall}, read in {@code afterCall}). Hooks are on the hot path of every call: keep them
 * allocation-light and never block.
 *
 * <p><b>Thread-bound context.</b> {@link #enterTask} and {@link #enterCall} open a {@link GuardScope}
 * on the thread that runs a task's body or a call's callee, closed on that same thread when it
 * returns — for context that lives in thread locals, such as a tracing span made current so the
 * callee's own instrumentation nests under it. {@code beforeTask}/{@code afterTask} cannot do that:
 * an asynchronous task ends on another thread, a streamed call completes on another thread.
 * {@link #propagate} carries the same context to work the library hands to another thread (a
 * rollout's shadow runs).
 */
public interface CallGuard {

    /** Before the task's body runs (the door): refuse by throwing. */
    default void beforeTask(GuardedTask task) {
    }

    /** After the task ended ({@link GuardedTask#outcome()}), or after a later guard refused it at the door. */
    default void afterTask(GuardedTask task) {
    }

    /** Before a call runs: refuse by throwing. */
    default void beforeCall(GuardedCall call) {
    }

    /**
     * After the call returned or threw ({@link GuardedCall#outcome()}, with its duration, usage and
     * cost), or after a later guard refused it.
     */
    default void afterCall(GuardedCall call) {
    }

    /**
     * Opens this guard's thread-bound context around the task's body, on the thread that runs it, after
     * every guard admitted the task: closed on the same thread when the body returns (for an
     * asynchronous task, when it has returned its stage; a delegation's child task, when its body
     * returns). A failure here is logged and never reaches the agent. Default: nothing.
     */
    default GuardScope enterTask(GuardedTask task) {
        return GuardScope.NONE;
    }

    /**
     * Opens this guard's thread-bound context around a call's callee, on the thread making the call,
     * after every guard admitted it: closed on the same thread when the callee returns (a streamed
     * call: when its start returns). A failure here is logged and never reaches the agent. Default:
     * nothing.
     */
    default GuardScope enterCall(GuardedCall call) {
        return GuardScope.NONE;
    }

    /**
     * {@code work}, to be run on another thread, carrying this guard's thread-bound context of the
     * calling thread (called on the thread that hands the work off). Default: {@code work} itself.
     */
    default Runnable propagate(Runnable work) {
        return work;
    }
}
