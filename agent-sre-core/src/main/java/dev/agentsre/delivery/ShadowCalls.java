package dev.agentsre.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.internal.CanonicalJson;
import dev.agentsre.replay.AgentCalls;
import dev.agentsre.replay.Call;
import dev.agentsre.redact.Redactor;
import dev.agentsre.replay.Replay;
import dev.agentsre.replay.ReplayDivergenceException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A shadowed run's calls: model calls go live (the version's own model, metered and charged to the
 * shadow budget); tool calls and delegations are served from the baseline's recording of the same
 * request (matched by name and arguments) and never run — a call the baseline did not make gets a
 * {@link ShadowToolNotRecordedException}; side effects are served from the recording when it has
 * them; decisions pass through.
 */
final class ShadowCalls extends MeteredCalls {

    private final Replay replay;
    private final Redactor redactor;
    private final List<ToolCall> toolCalls = new ArrayList<>();
    private int notRecorded;

    ShadowCalls(Replay replay, PriceTable prices, Redactor redactor) {
        super(AgentCalls.direct(), prices);
        this.replay = replay;
        this.redactor = redactor;
    }

    synchronized List<ToolCall> toolCalls() {
        return List.copyOf(toolCalls);
    }

    synchronized int notRecorded() {
        return notRecorded;
    }

    @Override
    public <T, E extends Exception> T tool(String name, Object arguments, Call<T, E> call) {
        return served(name, arguments, true);
    }

    @Override
    public <T, E extends Exception> T delegate(String agent, Object request, Call<T, E> call) {
        return served(agent, request, false);
    }

    @Override
    public <T> T sideEffect(String name, Supplier<T> supplier) {
        synchronized (this) {
            try {
                return replay.sideEffect(name, () -> {
                    throw new IllegalStateException("not recorded");
                });
            } catch (ReplayDivergenceException notRecordedHere) {
                // fall through: compute it (a side effect here is a random value or "now", not a write)
            }
        }
        return supplier.get();
    }

    private synchronized <T> T served(String name, Object arguments, boolean tool) {
        toolCalls.add(new ToolCall(name, argumentsJson(arguments)));
        try {
            Call<T, RuntimeException> never = () -> {
                throw new IllegalStateException("a shadow never makes a real tool call");
            };
            return tool ? replay.tool(name, arguments, never) : replay.delegate(name, arguments, never);
        } catch (ReplayDivergenceException miss) {
            notRecorded++;
            throw new ShadowToolNotRecordedException(name, (tool ? "tool '" : "delegation to '") + name
                    + "' was not called with these arguments by the baseline on this request, and a shadow never calls it for real");
        }
    }

    private JsonNode argumentsJson(Object arguments) {
        try {
            return redactor.redact(CanonicalJson.toTree(arguments));
        } catch (RuntimeException e) {
            return TextNode.valueOf(String.valueOf(arguments));
        }
    }

    /** Makes a live model call and meters it. */
    @Override
    public <T, E extends Exception> T llm(String model, Object request, Call<T, E> call, Function<? super T, TokenUsage> usage) throws E {
        T result = call.call();
        meter(model, result, usage);
        return result;
    }
}
