package dev.agentsre.integration;

import dev.agentsre.AgentSre;
import dev.agentsre.TaskContext;
import dev.agentsre.internal.Check;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * How a framework's call finds its task: the guarded task running on this thread
 * ({@link TaskContext#current()}) when there is one — the call is then one of that task's calls,
 * counted against its limits and budget, of <em>that task's</em> agent — or else a task of its own,
 * of the agent this binding was made for, with an id {@code <prefix>-<n>}.
 *
 * <p>So a framework wrapper built for {@code "research-agent"} can serve several agents: bind each
 * invocation with {@code sre.agent("triage").task("t-1").call(ctx -> assistant.chat(q))} and every
 * model and tool call made inside it belongs to {@code triage}'s task {@code t-1}. Used alone, each
 * call is guarded as a one-call task of {@code research-agent}: its door (quarantine, throttles,
 * breaker, budget) and its call guards both apply.
 *
 * <p>Immutable and thread-safe; the task counter is one {@link AtomicLong}.
 */
public final class TaskBinding {

    private final AgentSre sre;
    private final String agentId;
    private final String taskPrefix;
    private final AtomicLong sequence = new AtomicLong();

    private TaskBinding(AgentSre sre, String agentId, String taskPrefix) {
        this.sre = Check.notNull("sre", sre);
        this.agentId = Check.notBlank("agentId", agentId);
        this.taskPrefix = Check.notBlank("taskPrefix", taskPrefix);
    }

    /** A binding to {@code agentId}'s own tasks, named {@code <taskPrefix>-1}, {@code -2}, ... */
    public static TaskBinding of(AgentSre sre, String agentId, String taskPrefix) {
        return new TaskBinding(sre, agentId, taskPrefix);
    }

    /** The pipeline. */
    public AgentSre sre() {
        return sre;
    }

    /** The agent of calls made outside a task. */
    public String agentId() {
        return agentId;
    }

    /** The agent a call made now on this thread belongs to: the running task's, or this binding's. */
    public String currentAgentId() {
        return TaskContext.current().map(TaskContext::agentId).orElse(agentId);
    }

    /**
     * Runs {@code body} with the running task's context, or as a new task of this binding's agent.
     * A refusal (at that task's door or of the call) and whatever {@code body} throws propagate
     * unchanged.
     */
    public <T> T run(TaskContext current, Body<T> body) {
        try {
            if (current != null) {
                return body.run(current);
            }
            return sre.agent(agentId).task(nextTaskId()).call(body::run);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new CompletionException(e); // a body of these integrations throws nothing checked
        }
    }

    /** {@link #run(TaskContext, Body)} with the context current on this thread. */
    public <T> T run(Body<T> body) {
        return run(TaskContext.current().orElse(null), body);
    }

    /**
     * Runs an asynchronous {@code body} — one that returns a stage completing when its work is done (a
     * stream) — with the running task's context, or as a new asynchronous task of this binding's agent
     * that ends when the stage does. A refusal at that task's door throws here, before {@code body}
     * runs.
     */
    public <T> CompletionStage<T> runAsync(TaskContext current, Function<TaskContext, CompletionStage<T>> body) {
        if (current != null) {
            return body.apply(current);
        }
        CompletableFuture<T> stage = sre.agent(agentId).task(nextTaskId()).callAsync(body).toCompletableFuture();
        if (stage.isCompletedExceptionally()) {
            try {
                stage.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException) {
                    throw (RuntimeException) e.getCause();
                }
                throw e;
            }
        }
        return stage;
    }

    private String nextTaskId() {
        return taskPrefix + "-" + sequence.incrementAndGet();
    }

    /** A framework call made through a task's context. */
    @FunctionalInterface
    public interface Body<T> {
        /** Makes the call through {@code context}. */
        T run(TaskContext context) throws Exception;
    }

    @Override
    public String toString() {
        return "TaskBinding{" + agentId + ", tasks " + taskPrefix + "-n}";
    }
}
