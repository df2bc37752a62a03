package dev.agentsre;

import dev.agentsre.cost.TokenUsage;
import dev.agentsre.guard.CallKind;
import dev.agentsre.internal.Check;
import dev.agentsre.internal.Money;
import dev.agentsre.internal.Throwables;
import dev.agentsre.replay.AgentCalls;
import dev.agentsre.replay.Call;
import dev.agentsre.replay.ForwardingAgentCalls;
import dev.agentsre.replay.TraceCapture;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a guarded task sees: the {@link AgentCalls} to make its model calls, tool calls and
 * delegations through. Every call passes the pipeline's guard chain <em>before</em> it runs — task
 * limits, quarantine and capability, budget, dependency breaker, your own guards — and is accounted
 * <em>as soon as</em> it returns: its token usage priced and charged, its outcome seen by every
 * guard. A refused call throws a {@link TaskRefusedException} from the call (the callee does not run);
 * see {@code docs/pipeline.md}.
 *
 * <pre>{@code
 * sre.agent("research-agent").task("t-42").call(ctx -> {
 *     Docs docs = ctx.tool("search", Map.of("q", q), () -> search.run(q));
 *     return ctx.llm("gpt-4o", docs, () -> llm.answer(q, docs), Answer::usage);   // priced and charged on return
 * });
 * }</pre>
 *
 * <p>Used by one task (its calls may run in parallel); thread-safe. {@link #current()} gives the
 * context of the task running on this thread, so code the body calls (a framework's model wrapper)
 * can route its calls through the task without being handed the context. Decisions and side effects
 * go to the task's trace capture (or just run, when nothing captures).
 */
public final class TaskContext extends ForwardingAgentCalls {

    private static final ThreadLocal<TaskContext> CURRENT = new ThreadLocal<>();

    private final TaskRun run;

    TaskContext(TaskRun run) {
        this.run = run;
    }

    /** The context of the guarded task whose body (or delegation) is running on this thread, if any. */
    public static Optional<TaskContext> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** Makes {@code context} current on this thread; returns the previous one, to restore with {@link #restore}. */
    static TaskContext enter(TaskContext context) {
        TaskContext previous = CURRENT.get();
        CURRENT.set(context);
        return previous;
    }

    static void restore(TaskContext previous) {
        // set, not remove: a null entry per thread is cheaper than re-creating it for every task, and holds nothing
        CURRENT.set(previous);
    }

    /** The agent running the task. */
    public String agentId() {
        return run.agentId;
    }

    /** The task. */
    public String taskId() {
        return run.taskId;
    }

    /** The context of the task that delegated to this one, or {@code null}. */
    public TaskContext parent() {
        return run.parent == null ? null : run.parent.context;
    }

    /** Delegation hops from the root task (0 for a root). */
    public int depth() {
        return run.depth;
    }

    /** The limits in force. */
    public TaskLimits limits() {
        return run.limits;
    }

    /** The task's cost so far in USD (priced usage and reported costs, its delegations included). */
    public BigDecimal costUsd() {
        return Money.toUsd(run.costNanos);
    }

    /** Tokens reported so far, its delegations included. */
    public long tokens() {
        return run.tokens;
    }

    /** Model calls started so far, its delegations included. */
    public long modelCalls() {
        return run.modelCalls;
    }

    /** Tool calls started so far, its delegations included. */
    public long toolCalls() {
        return run.toolCalls;
    }

    /**
     * Adds {@code usd} to the task's cost (a tool's fee, a call priced elsewhere) and charges it to the
     * agent's budgets now.
     */
    public void reportCost(double usd) {
        long nanos = Money.toNanos("usd", usd);
        BudgetGuard budget = run.sre.budgetGuard();
        if (budget != null) {
            budget.report(run, nanos, null);
        } else {
            run.addCost(nanos);
        }
    }

    /**
     * Adds a model call's token usage made outside {@link #llm}: counted, priced with the cost guard's
     * price table and charged now.
     *
     * @throws IllegalArgumentException if the model has no price and the cost guard is strict
     */
    public void reportTokens(String model, TokenUsage usage) {
        Check.notBlank("model", model);
        Check.notNull("usage", usage);
        BudgetGuard budget = run.sre.budgetGuard();
        long nanos = budget == null ? 0 : budget.price(run, model, usage);
        run.addTokens(usage.totalTokens());
        if (budget != null) {
            budget.report(run, nanos, model);
        }
    }

    @Override
    public <T, E extends Exception> T llm(String model, Object request, Call<T, E> call) throws E {
        Check.notBlank("model", model);
        Check.notNull("call", call);
        return run.call(new CallFrame(run, CallKind.LLM, model, request, null, null), call);
    }

    /** A model call whose result reports its token usage: priced and charged as soon as it returns. */
    @Override
    public <T, E extends Exception> T llm(String model, Object request, Call<T, E> call, Function<? super T, TokenUsage> usage) throws E {
        Check.notBlank("model", model);
        Check.notNull("call", call);
        return run.call(new CallFrame(run, CallKind.LLM, model, request, null, usage), call);
    }

    /**
     * A model call with a declared worst case — its prompt's tokens and its {@code maxOutputTokens},
     * e.g. {@code TokenUsage.of(promptTokens, maxOutputTokens)}: the worst case's price is held
     * against the budgets before the call runs (the call is refused if it does not fit), so even this
     * one call cannot overshoot; the actual usage is charged when it returns.
     */
    public <T, E extends Exception> T llm(String model, Object request, TokenUsage worstCase, Call<T, E> call,
                                          Function<? super T, TokenUsage> usage) throws E {
        Check.notBlank("model", model);
        Check.notNull("worstCase", worstCase);
        Check.notNull("call", call);
        return run.call(new CallFrame(run, CallKind.LLM, model, request, worstCase, usage), call);
    }

    /**
     * Starts a model call whose response arrives later (a stream): every guard admits it now — the
     * declared worst case is held, the dependency breaker's permit taken — and {@code start} runs
     * (through the chaos injector) to start the stream; the returned {@link StreamingCall} accounts it
     * when the stream completes, is cancelled or fails. A refusal throws here and {@code start} does
     * not run; if {@code start} throws, the call has failed and the exception is rethrown.
     *
     * <pre>{@code
     * StreamingCall call = ctx.startLlm("gpt-4o", request, TokenUsage.of(promptTokens, maxOutputTokens),
     *         () -> client.stream(request, handler));
     * // in the handler: call.complete(response, usage) / call.cancel(usedSoFar) / call.fail(error)
     * }</pre>
     *
     * @param worstCase the prompt's tokens and {@code maxOutputTokens}, held before the stream starts;
     *     {@code null} when unknown (only the running total is checked)
     */
    public <E extends Exception> StreamingCall startLlm(String model, Object request, TokenUsage worstCase, Call<?, E> start) throws E {
        Check.notBlank("model", model);
        Check.notNull("start", start);
        return run.startStream(new CallFrame(run, CallKind.LLM, model, request, worstCase, STREAMED), start);
    }

    /** Marks a streamed model call as one that reports usage, so the budget guard resolves the model's price before it starts. */
    private static final Function<Object, TokenUsage> STREAMED = result -> null;

    @Override
    public <T, E extends Exception> T tool(String name, Object arguments, Call<T, E> call) throws E {
        Check.notBlank("name", name);
        Check.notNull("call", call);
        return run.call(new CallFrame(run, CallKind.TOOL, name, arguments, null, null), call);
    }

    /**
     * Delegates to {@code agent}: {@code call} runs as a child task of that agent through the same
     * pipeline (its quarantine, breaker and budgets; depth + 1; its cost counted in this task's
     * totals), and is the current {@link TaskContext} while it runs. A refusal — here, or at the
     * child task's door — throws from this call.
     */
    @Override
    public <T, E extends Exception> T delegate(String agent, Object request, Call<T, E> call) throws E {
        Check.notNull("call", call);
        return delegateTo(agent, request, child -> call.call());
    }

    /**
     * Delegates to {@code agent} with the child task's own context: {@code body} runs as a child task
     * of that agent through the same pipeline (see {@link #delegate(String, Object, Call)}), making its
     * calls through the context it is given.
     *
     * <pre>{@code
     * Report r = ctx.delegate("analyst", question, analyst -> analyst.llm("gpt-4o", question, () -> model.chat(question)));
     * }</pre>
     */
    public <T> T delegate(String agent, Object request, AgentSre.TaskBody<T> body) throws Exception {
        Check.notNull("body", body);
        return delegateTo(agent, request, body::run);
    }

    private <T, E extends Exception> T delegateTo(String agent, Object request, ChildBody<T, E> body) throws E {
        Check.notBlank("agent", agent);
        TaskRun child = run.child(agent);
        CallFrame frame = new CallFrame(run, CallKind.DELEGATE, agent, request, null, null);
        return run.call(frame, () -> {
            child.admit(frame);
            TaskContext previous = enter(child.context);
            dev.agentsre.guard.GuardScope[] scopes = child.enterScopes();
            T result;
            try {
                result = body.run(child.context);
            } catch (Throwable failure) {
                child.closeScopes(scopes);
                restore(previous);
                child.finish(failure);
                throw Throwables.<E>sneakyThrow(failure);
            }
            child.closeScopes(scopes);
            restore(previous);
            child.finish(null);
            return result;
        });
    }

    @FunctionalInterface
    private interface ChildBody<T, E extends Exception> {
        T run(TaskContext child) throws E;
    }

    /** Decisions and side effects go to the task's trace capture, or just run when nothing captures. */
    @Override
    protected AgentCalls delegate() {
        TraceCapture capture = run.root.capture;
        return capture == null ? AgentCalls.direct() : capture;
    }

    @Override
    public String toString() {
        return "TaskContext{" + run.agentId + "/" + run.taskId + '}';
    }
}
