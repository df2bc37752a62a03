package dev.agentsre;

import dev.agentsre.cost.TokenUsage;
import dev.agentsre.guard.Outcome;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * A model call whose response arrives later — a stream — admitted by every guard of the task's
 * chain when it started ({@link TaskContext#startLlm}) and accounted when it ends, on whatever
 * thread ends it: {@link #complete} charges the usage the provider reported, {@link #cancel} the
 * tokens used until the consumer cancelled, {@link #fail} nothing. Either way the worst case held
 * when the call started is released and the dependency breaker's permit returned.
 *
 * <p>Exactly one of the three takes effect — the first; later ones return {@code false} and do
 * nothing, so a provider that reports an error after a cancel, or completes after a timeout, cannot
 * charge a call twice. Thread-safe.
 *
 * <p>A cancelled stream ends as {@link Outcome#SUCCEEDED} with the usage so far: the dependency
 * answered, and stopping it was the caller's choice — neither a failure for the breaker nor free for
 * the budget. Start and end a stream inside its task: a stream that ends after its task is still
 * charged to the agent's budgets, but no longer counted in the task's totals.
 */
public final class StreamingCall {

    private static final AtomicIntegerFieldUpdater<StreamingCall> ENDED = AtomicIntegerFieldUpdater.newUpdater(StreamingCall.class, "ended");

    private final TaskRun run;
    private final CallFrame frame;
    private volatile int ended;

    StreamingCall(TaskRun run, CallFrame frame) {
        this.run = run;
        this.frame = frame;
    }

    /**
     * The stream completed: {@code usage} (as the provider reported it, or {@code null} when it reported
     * none) is priced and charged now, and {@code response} is what the trace capture records.
     *
     * @return whether this call ended the stream (false if it had ended already)
     */
    public boolean complete(Object response, TokenUsage usage) {
        if (!ENDED.compareAndSet(this, 0, 1)) {
            return false;
        }
        run.endStream(frame, Outcome.SUCCEEDED, response, usage, null);
        return true;
    }

    /**
     * The consumer cancelled the stream: {@code used} — its prompt and the output received so far — is
     * priced and charged now.
     *
     * @return whether this call ended the stream (false if it had ended already)
     */
    public boolean cancel(TokenUsage used) {
        if (!ENDED.compareAndSet(this, 0, 1)) {
            return false;
        }
        run.endStream(frame, Outcome.SUCCEEDED, null, used, null);
        return true;
    }

    /**
     * The stream failed: nothing is charged (a provider does not bill a failed request), the hold is
     * released, and the dependency breaker counts a failure.
     *
     * @return whether this call ended the stream (false if it had ended already)
     */
    public boolean fail(Throwable error) {
        if (!ENDED.compareAndSet(this, 0, 1)) {
            return false;
        }
        run.endStream(frame, Outcome.FAILED, null, null, error == null ? new IllegalStateException("stream failed") : error);
        return true;
    }

    /** Whether the stream has ended (completed, cancelled or failed). */
    public boolean isEnded() {
        return ended != 0;
    }

    /** The call, {@code llm:model}. */
    public String describe() {
        return frame.describe();
    }

    @Override
    public String toString() {
        return "StreamingCall{" + frame.describe() + " of " + run.agentId + "/" + run.taskId + (ended != 0 ? ", ended" : "") + '}';
    }
}
