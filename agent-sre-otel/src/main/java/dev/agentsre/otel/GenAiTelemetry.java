package dev.agentsre.otel;

import static dev.agentsre.otel.GenAiAttributes.AGENT_ID;
import static dev.agentsre.otel.GenAiAttributes.AGENT_NAME;
import static dev.agentsre.otel.GenAiAttributes.CACHE_CREATION_INPUT_TOKENS;
import static dev.agentsre.otel.GenAiAttributes.CACHE_READ_INPUT_TOKENS;
import static dev.agentsre.otel.GenAiAttributes.COST_USD;
import static dev.agentsre.otel.GenAiAttributes.ERROR_TYPE;
import static dev.agentsre.otel.GenAiAttributes.INPUT_TOKENS;
import static dev.agentsre.otel.GenAiAttributes.OPERATION_NAME;
import static dev.agentsre.otel.GenAiAttributes.OUTPUT_TOKENS;
import static dev.agentsre.otel.GenAiAttributes.PROVIDER_NAME;
import static dev.agentsre.otel.GenAiAttributes.REASONING_OUTPUT_TOKENS;
import static dev.agentsre.otel.GenAiAttributes.REQUEST_MODEL;
import static dev.agentsre.otel.GenAiAttributes.SYSTEM;
import static dev.agentsre.otel.GenAiAttributes.TOKEN_TYPE;
import static dev.agentsre.otel.GenAiAttributes.TOOL_NAME;

import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.guard.CallGuard;
import dev.agentsre.redact.Redactor;
import dev.agentsre.replay.AgentCalls;
import dev.agentsre.replay.Call;
import dev.agentsre.replay.ForwardingAgentCalls;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Traces agents following the OpenTelemetry GenAI semantic conventions (the latest experimental
 * version; see {@link GenAiConventions}): every model call becomes a {@code chat {model}} span, every
 * tool call an {@code execute_tool {tool}} span and every agent invocation an
 * {@code invoke_agent {agent}} span, with {@code gen_ai.*} attributes — {@code gen_ai.provider.name}
 * from {@link GenAiProviders}, the token usage with its cache-read, cache-creation and reasoning
 * parts — and {@code error.type} on failure. Model calls also record the GenAI client metrics
 * {@code gen_ai.client.token.usage} ({@code {token}}, by {@code gen_ai.token.type}) and
 * {@code gen_ai.client.operation.duration} (seconds) with the buckets the conventions specify.
 *
 * <p><b>One trace per task</b> — the usual way: add {@link #guard()} to the pipeline, and every task
 * becomes an {@code invoke_agent} span parenting its calls' spans and its delegations' tasks:
 * <pre>{@code
 * GenAiTelemetry genAi = GenAiTelemetry.builder(openTelemetry).build();
 * AgentSre sre = AgentSre.builder().eventBus(bus).costGuard(costGuard).guard(genAi.guard()).build();
 * }</pre>
 *
 * <p><b>Without the pipeline</b>, wrap any {@link AgentCalls} (a capture, a replay, or
 * {@link #passThrough()}): {@code genAi.trace("support-bot", capture).llm("gpt-4o", ...)}. Use one
 * or the other for the same calls, not both (the spans would double).
 *
 * <p>Agent SRE's own attributes use the {@code agentsre.} namespace: {@code agentsre.cost.usd} (the
 * price of a model call or a task), {@code agentsre.task.id}, {@code agentsre.task.depth},
 * {@code agentsre.outcome}, {@code agentsre.refusal.reason}, {@code agentsre.refusal.call},
 * {@code agentsre.replay.trace_id}. A failure's message becomes the span's status description only
 * after the {@link Redactor} has removed its secrets; prompts and results are never exported.
 * Telemetry failures never reach the agent. Thread-safe.
 */
public final class GenAiTelemetry {

    /** Bucket boundaries of {@code gen_ai.client.token.usage}, as the GenAI conventions specify. */
    public static final List<Long> TOKEN_BUCKETS = List.of(1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L,
            4194304L, 16777216L, 67108864L);
    /** Bucket boundaries of {@code gen_ai.client.operation.duration}, in seconds, as the conventions specify. */
    public static final List<Double> DURATION_BUCKETS = List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24,
            20.48, 40.96, 81.92);

    final Tracer tracer;
    private final LongHistogram tokenUsage;
    private final DoubleHistogram duration;
    final GenAiProviders providers;
    private final PriceTable prices;
    final Redactor redactor;
    final GenAiConventions conventions;

    private GenAiTelemetry(Builder b) {
        String version = AgentSreTelemetry.instrumentationVersion();
        this.tracer = b.openTelemetry.tracerBuilder(TelemetryNames.SCOPE).setInstrumentationVersion(version).build();
        Meter meter = b.openTelemetry.meterBuilder(TelemetryNames.SCOPE).setInstrumentationVersion(version).build();
        this.tokenUsage = meter.histogramBuilder(GenAiAttributes.TOKEN_USAGE).ofLongs().setUnit(GenAiAttributes.TOKEN_USAGE_UNIT)
                .setDescription("Number of input and output tokens used.").setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS).build();
        this.duration = meter.histogramBuilder(GenAiAttributes.OPERATION_DURATION).setUnit(GenAiAttributes.OPERATION_DURATION_UNIT)
                .setDescription("GenAI operation duration.").setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
        this.providers = b.providers;
        this.prices = b.prices;
        this.redactor = b.redactor;
        this.conventions = b.conventions;
    }

    /** A builder on {@code openTelemetry} (your SDK, or {@code GlobalOpenTelemetry.get()}). */
    public static Builder builder(OpenTelemetry openTelemetry) {
        return new Builder(Objects.requireNonNull(openTelemetry, "openTelemetry"));
    }

    /**
     * A tracer on {@code openTelemetry}.
     *
     * @param provider the {@code gen_ai.provider.name} of every model (e.g. {@code openai}), or null to
     *     derive it from each model id ({@link GenAiProviders#defaults()})
     * @param prices prices model calls for {@code agentsre.cost.usd}, or null
     */
    public static GenAiTelemetry create(OpenTelemetry openTelemetry, String provider, PriceTable prices) {
        return create(openTelemetry, provider, prices, Redactor.defaults());
    }

    /**
     * Like {@link #create(OpenTelemetry, String, PriceTable)}, with span status messages (a failure's
     * message) passing through {@code redactor} (use the capture's, so spans and trace files agree).
     */
    public static GenAiTelemetry create(OpenTelemetry openTelemetry, String provider, PriceTable prices, Redactor redactor) {
        Builder builder = builder(openTelemetry).prices(prices).redactor(redactor);
        if (provider != null) {
            builder.providers(GenAiProviders.fixed(provider));
        }
        return builder.build();
    }

    /**
     * The call guard that traces the pipeline: add it with {@code AgentSre.builder().guard(genAi.guard())}
     * (one guard per pipeline). Every task becomes an {@code invoke_agent} span (its agent, task id,
     * outcome, cost, token usage, refusal reason and replay trace id), current while its body runs and
     * the parent of its model, tool and delegation spans on any thread; a delegation's child task is an
     * {@code invoke_agent} span under the delegating task's. Its thread-bound context reaches the
     * rollout's shadow runs ({@code AgentSre.propagate}).
     */
    public CallGuard guard() {
        return new TaskTracing(this);
    }

    /** {@code calls} with every model call, tool call and delegation traced for {@code agentId}. */
    public AgentCalls trace(String agentId, AgentCalls calls) {
        return new Traced(agentId, Objects.requireNonNull(calls, "calls"));
    }

    /** Calls that just call: for tracing an agent without capturing it. */
    public static AgentCalls passThrough() {
        return AgentCalls.direct();
    }

    // ------------------------------------------------------------------ spans, shared with TaskTracing

    /** A {@code chat}, {@code execute_tool} or {@code invoke_agent} span for {@code target}, made by {@code agentId}. */
    Span start(Context parent, String operation, String target, String agentId) {
        SpanBuilder span = tracer.spanBuilder(operation + " " + target).setParent(parent).setAttribute(OPERATION_NAME, operation);
        switch (operation) {
            case GenAiAttributes.CHAT:
                span.setSpanKind(SpanKind.CLIENT).setAttribute(REQUEST_MODEL, target);
                provider(span, providers.providerOf(target));
                break;
            case GenAiAttributes.EXECUTE_TOOL:
                span.setSpanKind(SpanKind.INTERNAL).setAttribute(TOOL_NAME, target);
                break;
            default: // invoke_agent: the agent invoked, in process
                span.setSpanKind(SpanKind.INTERNAL);
                agentId = target;
        }
        if (agentId != null) {
            span.setAttribute(AGENT_ID, agentId).setAttribute(AGENT_NAME, agentId);
        }
        return span.startSpan();
    }

    /** Sets the provider (and, in the duplicate mode, the deprecated {@code gen_ai.system}). */
    void provider(SpanBuilder span, String provider) {
        span.setAttribute(PROVIDER_NAME, provider);
        if (conventions == GenAiConventions.LATEST_AND_LEGACY) {
            span.setAttribute(SYSTEM, provider);
        }
    }

    void provider(Span span, String provider) {
        span.setAttribute(PROVIDER_NAME, provider);
        if (conventions == GenAiConventions.LATEST_AND_LEGACY) {
            span.setAttribute(SYSTEM, provider);
        }
    }

    /** Marks {@code span} failed: status ERROR with the redacted message, {@code error.type} the class. */
    void failed(Span span, Throwable failure) {
        span.setStatus(StatusCode.ERROR, redactor.redact(String.valueOf(failure.getMessage()))); // messages carry secrets too
        span.setAttribute(ERROR_TYPE, failure.getClass().getName());
    }

    /** Sets the token usage attributes (the cache and reasoning parts only when there are some). */
    static void usage(Span span, TokenUsage tokens) {
        span.setAttribute(INPUT_TOKENS, tokens.inputTokens());
        span.setAttribute(OUTPUT_TOKENS, tokens.outputTokens());
        if (tokens.cacheReadTokens() > 0) {
            span.setAttribute(CACHE_READ_INPUT_TOKENS, tokens.cacheReadTokens());
        }
        if (tokens.cacheWriteTokens() > 0) {
            span.setAttribute(CACHE_CREATION_INPUT_TOKENS, tokens.cacheWriteTokens());
        }
        if (tokens.reasoningTokens() > 0) {
            span.setAttribute(REASONING_OUTPUT_TOKENS, tokens.reasoningTokens());
        }
    }

    /**
     * Ends a chat span's accounting: usage and cost on the span, both GenAI metrics. {@code cost} null
     * means "price it with the table, if any".
     */
    void chatEnded(Span span, String model, TokenUsage tokens, BigDecimal cost, Throwable failure, double seconds) {
        Attributes metric = metricAttributes(model, failure);
        if (failure != null) {
            failed(span, failure);
        } else if (tokens != null) {
            usage(span, tokens);
            tokenUsage.record(tokens.inputTokens(), metric.toBuilder().put(TOKEN_TYPE, "input").build());
            tokenUsage.record(tokens.outputTokens(), metric.toBuilder().put(TOKEN_TYPE, "output").build());
            if (cost == null && prices != null && prices.find(model).isPresent()) {
                cost = prices.cost(model, tokens);
            }
        }
        if (cost != null && cost.signum() > 0) {
            span.setAttribute(COST_USD, cost.doubleValue());
        }
        duration.record(seconds, metric);
    }

    private Attributes metricAttributes(String model, Throwable failure) {
        String provider = providers.providerOf(model);
        AttributesBuilder builder = Attributes.builder().put(OPERATION_NAME, GenAiAttributes.CHAT).put(PROVIDER_NAME, provider)
                .put(REQUEST_MODEL, model);
        if (conventions == GenAiConventions.LATEST_AND_LEGACY) {
            builder.put(SYSTEM, provider);
        }
        if (failure != null) {
            builder.put(ERROR_TYPE, failure.getClass().getName());
        }
        return builder.build();
    }

    // ------------------------------------------------------------------ wrapping AgentCalls

    private <T, E extends Exception> T span(String agentId, String operation, String target, Call<T, E> call,
                                             Function<? super T, TokenUsage> usage) throws E {
        Span span;
        try {
            span = start(Context.current(), operation, target, agentId);
            if (operation.equals(GenAiAttributes.INVOKE_AGENT)) {
                provider(span, providers.providerOf(null));
            }
        } catch (RuntimeException e) {
            return call.call(); // telemetry failures never reach the agent
        }
        long start = System.nanoTime();
        boolean chat = operation.equals(GenAiAttributes.CHAT);
        T result;
        try (Scope ignored = span.makeCurrent()) {
            result = call.call();
        } catch (Exception | Error failure) {
            finish(span, chat, target, null, start, failure);
            throw failure;
        }
        TokenUsage tokens = null;
        if (usage != null) {
            try {
                tokens = usage.apply(result);
            } catch (RuntimeException ignored) {
                // the call succeeded: a usage function that fails loses the count, never the result
            }
        }
        finish(span, chat, target, tokens, start, null);
        return result;
    }

    private void finish(Span span, boolean chat, String model, TokenUsage tokens, long start, Throwable failure) {
        try {
            if (chat) {
                chatEnded(span, model, tokens, null, failure, (System.nanoTime() - start) / 1e9);
            } else if (failure != null) {
                failed(span, failure);
            }
        } catch (RuntimeException ignored) {
            // telemetry failures never reach the agent
        } finally {
            span.end();
        }
    }

    /** Model calls, tool calls and delegations in spans; decisions and side effects passed on untraced. */
    private final class Traced extends ForwardingAgentCalls {
        private final String agentId;
        private final AgentCalls calls;

        Traced(String agentId, AgentCalls calls) {
            this.agentId = agentId;
            this.calls = calls;
        }

        @Override
        protected AgentCalls delegate() {
            return calls;
        }

        @Override
        public <T, E extends Exception> T llm(String model, Object request, Call<T, E> call) throws E {
            return span(agentId, GenAiAttributes.CHAT, model, () -> calls.llm(model, request, call), null);
        }

        @Override
        public <T, E extends Exception> T llm(String model, Object request, Call<T, E> call, Function<? super T, TokenUsage> usage) throws E {
            return span(agentId, GenAiAttributes.CHAT, model, () -> calls.llm(model, request, call, usage), usage);
        }

        @Override
        public <T, E extends Exception> T tool(String name, Object arguments, Call<T, E> call) throws E {
            return span(agentId, GenAiAttributes.EXECUTE_TOOL, name, () -> calls.tool(name, arguments, call), null);
        }

        @Override
        public <T, E extends Exception> T delegate(String agent, Object request, Call<T, E> call) throws E {
            return span(agentId, GenAiAttributes.INVOKE_AGENT, agent, () -> calls.delegate(agent, request, call), null);
        }
    }

    /** Builder of {@link GenAiTelemetry}. */
    public static final class Builder {
        private final OpenTelemetry openTelemetry;
        private GenAiProviders providers = GenAiProviders.defaults();
        private PriceTable prices;
        private Redactor redactor = Redactor.defaults();
        private GenAiConventions conventions = GenAiConventions.fromEnvironment();

        private Builder(OpenTelemetry openTelemetry) {
            this.openTelemetry = openTelemetry;
        }

        /** How {@code gen_ai.provider.name} is found for a model (default: {@link GenAiProviders#defaults()}, from the model id). */
        public Builder providers(GenAiProviders providers) {
            this.providers = Objects.requireNonNull(providers, "providers");
            return this;
        }

        /**
         * Prices model calls made outside the pipeline for {@code agentsre.cost.usd} (default none;
         * under {@link #guard()} the cost guard's price is used).
         */
        public Builder prices(PriceTable prices) {
            this.prices = prices;
            return this;
        }

        /** The redactor span status messages pass through (default {@link Redactor#defaults()}). */
        public Builder redactor(Redactor redactor) {
            this.redactor = Objects.requireNonNull(redactor, "redactor");
            return this;
        }

        /** Which conventions to follow (default: {@link GenAiConventions#fromEnvironment()}). */
        public Builder conventions(GenAiConventions conventions) {
            this.conventions = Objects.requireNonNull(conventions, "conventions");
            return this;
        }

        /** The tracer. */
        public GenAiTelemetry build() {
            return new GenAiTelemetry(this);
        }
    }
}
