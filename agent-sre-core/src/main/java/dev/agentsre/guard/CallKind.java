package dev.agentsre.guard;

/** The kind of a guarded call. */
public enum CallKind {
    /** A model call ({@code TaskContext.llm}); the target is the model id. */
    LLM("llm"),
    /** A tool call ({@code TaskContext.tool}); the target is the tool name. */
    TOOL("tool"),
    /** A delegation to another agent ({@code TaskContext.delegate}); the target is that agent's id. */
    DELEGATE("delegate");

    private final String prefix;

    CallKind(String prefix) {
        this.prefix = prefix;
    }

    /** The lower-case name used in {@code kind:target} call descriptions: {@code llm}, {@code tool}, {@code delegate}. */
    public String prefix() {
        return prefix;
    }
}
