package dev.agentsre.delivery;

import java.util.List;

/**
 * What one version produced for one request, as an {@link OutputComparator} sees it.
 *
 * @param request the request (the same for both versions)
 * @param value the answer, or {@code null} when the run failed
 * @param failure what the run threw, or {@code null}
 * @param toolCalls the tool calls and delegations it made, in order
 * @param <Res> the answer
 */
public record VersionOutput<Res>(Object request, Res value, Throwable failure, List<ToolCall> toolCalls) {

    /** Copies the tool calls. */
    public VersionOutput {
        toolCalls = List.copyOf(toolCalls);
    }

    /** Whether the run returned an answer. */
    public boolean ok() {
        return failure == null;
    }
}
