package dev.agentsre.incident;

/** What an agent depends on. */
public enum DependencyKind {
    /** A model or model provider ({@code ctx.llm("gpt-4o", ...)}). */
    MODEL,
    /** A tool ({@code ctx.tool("search", ...)}). */
    TOOL,
    /** Another agent it delegates to. */
    AGENT
}
