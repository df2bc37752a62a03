package dev.agentsre.replay;

/** What a recorded step was. */
public enum SpanKind {
    /** A model call ({@code gen_ai.operation.name = chat}). */
    LLM("chat"),
    /** A tool call ({@code execute_tool}). */
    TOOL("execute_tool"),
    /** A delegation to another agent ({@code invoke_agent}). */
    DELEGATE("invoke_agent"),
    /** A decision the agent made (a branch taken, a plan chosen). */
    DECISION("decision"),
    /** A non-deterministic value: a random number, a UUID, the current time. */
    SIDE_EFFECT("side_effect");

    private final String operation;

    SpanKind(String operation) {
        this.operation = operation;
    }

    /** The {@code gen_ai.operation.name} value. */
    public String operation() {
        return operation;
    }
}
