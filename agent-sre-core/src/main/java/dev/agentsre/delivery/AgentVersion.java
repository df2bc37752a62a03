package dev.agentsre.delivery;

import dev.agentsre.internal.Check;
import dev.agentsre.replay.AgentCalls;
import java.util.function.Function;

/**
 * One version of an agent: a prompt, a model, a chain — anything that answers a request. It makes
 * its model calls, tool calls and delegations through the {@link AgentCalls} it is given, which is
 * how a rollout meters its tokens and cost, records the baseline's tool results, and serves a
 * shadowed candidate its tool calls from that recording so that nothing is written twice.
 *
 * <pre>{@code
 * AgentVersion<Question, Answer> v4 = (q, calls) -> {
 *     Order order = calls.tool("lookup_order", q.orderId(), () -> orders.lookup(q.orderId()));
 *     return calls.llm("gpt-4o", promptV4(q, order), () -> model.chat(promptV4(q, order)), Answer::usage);
 * };
 * }</pre>
 *
 * <p>Calls a version makes around the given {@code AgentCalls} (straight to a client) cannot be
 * metered or stubbed: a shadowed candidate would really make them. {@link #of} adapts a plain
 * function that makes no such calls.
 *
 * @param <Req> the request
 * @param <Res> the answer
 */
@FunctionalInterface
public interface AgentVersion<Req, Res> {

    /** Answers {@code request}, making every model and tool call through {@code calls}. */
    Res run(Req request, AgentCalls calls) throws Exception;

    /** A version that is a plain function (no model or tool calls the rollout needs to see). */
    static <Req, Res> AgentVersion<Req, Res> of(Function<? super Req, ? extends Res> function) {
        Check.notNull("function", function);
        return (request, calls) -> function.apply(request);
    }
}
