package dev.agentsre.otel;

import dev.agentsre.TaskRefusedException;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.guard.CallGuard;
import dev.agentsre.guard.CallKind;
import dev.agentsre.guard.GuardScope;
import dev.agentsre.guard.GuardedCall;
import dev.agentsre.guard.GuardedTask;
import dev.agentsre.guard.Outcome;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link GenAiTelemetry#guard()}: one trace per task. {@code beforeTask} starts the task's
 * {@code invoke_agent} span — under the delegating task's span for a child task, else under the
 * caller's current context — {@code enterTask} makes it current while the body runs, and every call
 * of the task gets its span under it, whichever thread makes the call (the parent is the task's span,
 * not the thread's context), current around the callee. A delegation has no span of its own: the child
 * task's {@code invoke_agent} span is it (one is made for a delegation refused before its child task
 * started). {@code afterTask} records the outcome, the cost, the token usage (the task's and its
 * delegations'), the refusal and the replay trace id, and ends the span.
 *
 * <p>The task's {@code gen_ai.provider.name} is the provider of its first model call (set when that
 * call starts), or the providers' fallback for a task that made none. Memory: two small objects per
 * running task and one per running call, dropped when they end. Telemetry failures are logged (first
 * at WARN) and never reach the agent.
 */
final class TaskTracing implements CallGuard {

    private static final Logger LOG = LoggerFactory.getLogger(TaskTracing.class);
    private static final int INPUT = 0;
    private static final int OUTPUT = 1;
    private static final int CACHE_READ = 2;
    private static final int CACHE_WRITE = 3;
    private static final int REASONING = 4;

    private final GenAiTelemetry genAi;
    private volatile boolean warned;

    TaskTracing(GenAiTelemetry genAi) {
        this.genAi = genAi;
    }

    /** A task's span, its context and its running token totals (its delegations' included). */
    private static final class TaskSpan {
        final Span span;
        final Context context;
        final TaskSpan parent;
        final AtomicLongArray tokens = new AtomicLongArray(5);
        final AtomicReference<String> provider = new AtomicReference<>();

        TaskSpan(Span span, Context context, TaskSpan parent) {
            this.span = span;
            this.context = context;
            this.parent = parent;
        }
    }

    /** A call's span, its context and when it started. */
    private record CallSpan(Span span, Context context, long startNanos) {
    }

    @Override
    public void beforeTask(GuardedTask task) {
        try {
            TaskSpan parent = task.parent() == null ? null : (TaskSpan) task.parent().state(this);
            Context parentContext = parent != null ? parent.context : Context.current();
            Span span = genAi.start(parentContext, GenAiAttributes.INVOKE_AGENT, task.agentId(), null);
            span.setAttribute(GenAiAttributes.TASK_ID, task.taskId());
            span.setAttribute(GenAiAttributes.TASK_DEPTH, task.depth());
            task.state(this, new TaskSpan(span, parentContext.with(span), parent));
        } catch (RuntimeException e) {
            failed("starting the span of " + task, e);
        }
    }

    @Override
    public GuardScope enterTask(GuardedTask task) {
        TaskSpan state = (TaskSpan) task.state(this);
        return state == null ? GuardScope.NONE : state.context.makeCurrent()::close;
    }

    @Override
    public void afterTask(GuardedTask task) {
        TaskSpan state = (TaskSpan) task.state(this);
        if (state == null) {
            return;
        }
        Span span = state.span;
        try {
            String provider = state.provider.get();
            genAi.provider(span, provider != null ? provider : genAi.providers.providerOf(null));
            Outcome outcome = task.outcome();
            span.setAttribute(GenAiAttributes.OUTCOME, outcome == null ? "unknown" : outcome.name().toLowerCase(Locale.ROOT));
            if (task.costUsd().signum() > 0) {
                span.setAttribute(GenAiAttributes.COST_USD, task.costUsd().doubleValue());
            }
            AtomicLongArray t = state.tokens;
            if (t.get(INPUT) > 0 || t.get(OUTPUT) > 0) {
                GenAiTelemetry.usage(span, new TokenUsage(t.get(INPUT), t.get(OUTPUT), t.get(CACHE_READ), t.get(CACHE_WRITE), t.get(REASONING)));
            }
            String traceId = task.traceId();
            if (traceId != null) {
                span.setAttribute(GenAiAttributes.REPLAY_TRACE_ID, traceId);
            }
            TaskRefusedException refusal = task.refusal();
            if (refusal != null) {
                refused(span, refusal);
            } else if (outcome == Outcome.FAILED && task.error() != null) {
                genAi.failed(span, task.error());
            }
        } catch (RuntimeException e) {
            failed("ending the span of " + task, e);
        } finally {
            span.end();
        }
    }

    @Override
    public void beforeCall(GuardedCall call) {
        if (call.kind() == CallKind.DELEGATE) {
            return; // the child task's span is the delegation's
        }
        TaskSpan task = (TaskSpan) call.task().state(this);
        if (task == null) {
            return;
        }
        try {
            boolean chat = call.kind() == CallKind.LLM;
            Span span = genAi.start(task.context, chat ? GenAiAttributes.CHAT : GenAiAttributes.EXECUTE_TOOL, call.target(),
                    call.task().agentId());
            if (chat && task.provider.get() == null) {
                task.provider.compareAndSet(null, genAi.providers.providerOf(call.target()));
            }
            call.state(this, new CallSpan(span, task.context.with(span), System.nanoTime()));
        } catch (RuntimeException e) {
            failed("starting the span of " + call, e);
        }
    }

    @Override
    public GuardScope enterCall(GuardedCall call) {
        CallSpan state = call.kind() == CallKind.DELEGATE ? null : (CallSpan) call.state(this);
        return state == null ? GuardScope.NONE : state.context.makeCurrent()::close;
    }

    @Override
    public void afterCall(GuardedCall call) {
        if (call.kind() == CallKind.DELEGATE) {
            delegationRefused(call);
            return;
        }
        CallSpan state = (CallSpan) call.state(this);
        if (state == null) {
            return;
        }
        Span span = state.span;
        try {
            TokenUsage usage = call.usage();
            if (usage != null) {
                for (TaskSpan t = (TaskSpan) call.task().state(this); t != null; t = t.parent) {
                    add(t.tokens, usage);
                }
            }
            Outcome outcome = call.outcome();
            span.setAttribute(GenAiAttributes.OUTCOME, outcome == null ? "unknown" : outcome.name().toLowerCase(Locale.ROOT));
            if (outcome == Outcome.REFUSED && call.error() instanceof TaskRefusedException refusal) {
                refused(span, refusal); // the callee never ran: no GenAI operation to measure
            } else if (call.kind() == CallKind.LLM) {
                genAi.chatEnded(span, call.target(), usage, call.costUsd().signum() > 0 ? call.costUsd() : null, outcome == Outcome.FAILED ? call.error() : null,
                        (System.nanoTime() - state.startNanos) / 1e9);
            } else if (outcome == Outcome.FAILED && call.error() != null) {
                genAi.failed(span, call.error());
            }
        } catch (RuntimeException e) {
            failed("ending the span of " + call, e);
        } finally {
            span.end();
        }
    }

    /** A delegation refused by the delegating task's guards (its child task never started): a span says so. */
    private void delegationRefused(GuardedCall call) {
        if (call.outcome() != Outcome.REFUSED || !(call.error() instanceof TaskRefusedException refusal)
                || !call.task().taskId().equals(refusal.taskId())) {
            return; // ran as a child task (with a span of its own), or refused at the child's door (ditto)
        }
        TaskSpan task = (TaskSpan) call.task().state(this);
        if (task == null) {
            return;
        }
        try {
            Span span = genAi.start(task.context, GenAiAttributes.INVOKE_AGENT, call.target(), null);
            genAi.provider(span, genAi.providers.providerOf(null));
            span.setAttribute(GenAiAttributes.OUTCOME, "refused");
            refused(span, refusal);
            span.end();
        } catch (RuntimeException e) {
            failed("recording the refused " + call, e);
        }
    }

    @Override
    public Runnable propagate(Runnable work) {
        return Context.current().wrap(work);
    }

    private void refused(Span span, TaskRefusedException refusal) {
        span.setAttribute(GenAiAttributes.REFUSAL_REASON, refusal.reason());
        span.setAttribute(GenAiAttributes.REFUSED_CALL, refusal.refusedCall());
        span.setAttribute(GenAiAttributes.ERROR_TYPE, refusal.getClass().getName());
        span.setStatus(StatusCode.ERROR, genAi.redactor.redact(String.valueOf(refusal.getMessage())));
    }

    private static void add(AtomicLongArray tokens, TokenUsage usage) {
        tokens.addAndGet(INPUT, usage.inputTokens());
        tokens.addAndGet(OUTPUT, usage.outputTokens());
        tokens.addAndGet(CACHE_READ, usage.cacheReadTokens());
        tokens.addAndGet(CACHE_WRITE, usage.cacheWriteTokens());
        tokens.addAndGet(REASONING, usage.reasoningTokens());
    }

    private void failed(String what, RuntimeException e) {
        if (!warned) {
            warned = true;
            LOG.warn("GenAI tracing failed {}; the agent is unaffected (further failures at DEBUG)", what, genAi.redactor.redact(e));
        } else {
            LOG.debug("GenAI tracing failed {}", what, genAi.redactor.redact(e));
        }
    }

    @Override
    public String toString() {
        return "GenAiTelemetry.guard()";
    }
}
