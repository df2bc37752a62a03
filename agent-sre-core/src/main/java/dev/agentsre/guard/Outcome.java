package dev.agentsre.guard;

/** How a guarded task or call ended. */
public enum Outcome {
    /** It returned normally (a task: and none of its calls was refused). */
    SUCCEEDED,
    /** It threw (the callee, or the task's body). */
    FAILED,
    /**
     * A guard refused it: a call refused before it ran; a task refused at the door, or one of whose
     * calls was refused in flight — even if the body caught the refusal and returned normally.
     */
    REFUSED
}
