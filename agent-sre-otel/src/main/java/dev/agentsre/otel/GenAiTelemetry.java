package dev.agentsre.otel;

import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.redact.Redactor;
import dev.agentsre.replay.AgentCalls;
import dev.agentsre.replay.Call;
import dev.agentsre.replay.ForwardingAgentCalls;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Traces an agent's calls following the OpenTelemetry GenAI semantic conventions: wrap any
 * {@link AgentCalls} (a capture, a replay, or {@link #passThrough()}) and every model call becomes a
 * {@code chat {model}} span, every tool call an {@code execute_tool {tool}} span and every delegation
 * an {@code invoke_agent {agent}} span, nested as the calls nest, with {@code gen_ai.*} attributes and
 * {@code error.type} on failure. Model calls also record the GenAI client metrics
 * {@code gen_ai.client.token.usage} ({@code {token}}, by {@code gen_ai.token.type}) and
 * {@code gen_ai.client.operation.duration} (seconds) with the buckets the conventions specify.
 *
 * <pre>{@code
 * GenAiTelemetry genAi = GenAiTelemetry.create(sdk, "gpt-4o-provider", PriceTable.defaults());
 * try (TraceCapture capture = ReplayEngine.capture("support-bot", store)) {
 *     AgentCalls calls = genAi.trace("support-bot", capture);
 *     calls.llm("gpt-4o", prompt, () -> model.chat(prompt), r -> r.usage());
 * }
 * }</pre>
 *
 * <p>Cost is put on model spans as {@code gen_ai.usage.cost} (USD), which is not (yet) a standard
 * attribute. Decisions and side effects are not traced. A failure's message becomes the span's status
 * description only after the {@link Redactor} has removed its secrets; prompts and results are never
 * exported. Telemetry failures never reach the agent.
 */
public final class GenAiTelemetry {

    /** Bucket boundaries of {@code gen_ai.client.token.usage}, as the GenAI conventions specify. */
    public static final List<Long> TOKEN_BUCKETS = List.of(1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L,
            4194304L, 16777216L, 67108864L);
    /** Bucket boundaries of {@code gen_ai.client.operation.duration}, in seconds, as the conventions specify. */
    public static final List<Double> DURATION_BUCKETS = List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24,
            20.48, 40.96, 81.92);

    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("gen_ai.system");
    static final AttributeKey<String> MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> AGENT_ID = AttributeKey.stringKey("gen_ai.agent.id");
    static final AttributeKey<String> AGENT_NAME = AttributeKey.stringKey("gen_ai.agent.name");
    static final AttributeKey<String> TOOL_NAME = AttributeKey.stringKey("gen_ai.tool.name");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<Double> COST = AttributeKey.doubleKey("gen_ai.usage.cost");
    static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private final Tracer tracer;
    private final LongHistogram tokenUsage;
    private final DoubleHistogram duration;
    private final String system;
    private final PriceTable prices;
    private final Redactor redactor;

    private GenAiTelemetry(OpenTelemetry openTelemetry, String system, PriceTable prices, Redactor redactor) {
        Objects.requireNonNull(openTelemetry, "openTelemetry");
        String version = AgentSreTelemetry.instrumentationVersion();
        this.tracer = openTelemetry.tracerBuilder(TelemetryNames.SCOPE).setInstrumentationVersion(version).build();
        Meter meter = openTelemetry.meterBuilder(TelemetryNames.SCOPE).setInstrumentationVersion(version).build();
        this.tokenUsage = meter.histogramBuilder("gen_ai.client.token.usage").ofLongs().setUnit("{token}")
                .setDescription("Measures number of input and output tokens used").setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS).build();
        this.duration = meter.histogramBuilder("gen_ai.client.operation.duration").setUnit("s")
                .setDescription("GenAI operation duration").setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
        this.system = system;
        this.prices = prices;
        this.redactor = Objects.requireNonNull(redactor, "redactor");
    }

    /**
     * A tracer on {@code openTelemetry}.
     *
     * @param system the {@code gen_ai.system} value (e.g. {@code openai}), or null
     * @param prices prices model calls for {@code gen_ai.usage.cost}, or null
     */
    public static GenAiTelemetry create(OpenTelemetry openTelemetry, String system, PriceTable prices) {
        return new GenAiTelemetry(openTelemetry, system, prices, Redactor.defaults());
    }

    /**
     * A tracer on {@code openTelemetry} whose span status messages (a failure's message) pass through
     * {@code redactor} (use the capture's, so spans and trace files agree).
     */
    public static GenAiTelemetry create(OpenTelemetry openTelemetry, String system, PriceTable prices, Redactor redactor) {
        return new GenAiTelemetry(openTelemetry, system, prices, redactor);
    }

    /** {@code calls} with every model call, tool call and delegation traced for {@code agentId}. */
    public AgentCalls trace(String agentId, AgentCalls calls) {
        return new Traced(agentId, Objects.requireNonNull(calls, "calls"));
    }

    /** Calls that just call: for tracing an agent without capturing it. */
    public static AgentCalls passThrough() {
        return AgentCalls.direct();
    }

    private <T, E extends Exception> T span(String agentId, String operation, String spanName, Attributes attributes,
                                             Call<T, E> call, Function<? super T, TokenUsage> usage, String model) throws E {
        Span span;
        try {
            span = tracer.spanBuilder(spanName).setSpanKind(operation.equals("chat") ? SpanKind.CLIENT : SpanKind.INTERNAL)
                    .setAllAttributes(attributes).setAttribute(AGENT_ID, agentId).startSpan();
        } catch (RuntimeException e) {
            return call.call(); // telemetry failures never reach the agent
        }
        long start = System.nanoTime();
        try (Scope ignored = span.makeCurrent()) {
            T result = call.call();
            finish(span, result, usage, model, start, null);
            return result;
        } catch (Exception | Error failure) {
            finish(span, null, null, model, start, failure);
            throw failure;
        }
    }

    private <T> void finish(Span span, T result, Function<? super T, TokenUsage> usage, String model, long start, Throwable failure) {
        try {
            double seconds = (System.nanoTime() - start) / 1e9;
            Attributes metricAttributes = model == null ? null : metricAttributes(model, failure);
            if (failure != null) {
                span.setStatus(StatusCode.ERROR, redactor.redact(String.valueOf(failure.getMessage()))); // messages carry secrets too
                span.setAttribute(ERROR_TYPE, failure.getClass().getName());
            } else if (usage != null && model != null) {
                TokenUsage tokens = usage.apply(result);
                if (tokens != null) {
                    span.setAttribute(INPUT_TOKENS, tokens.inputTokens());
                    span.setAttribute(OUTPUT_TOKENS, tokens.outputTokens());
                    tokenUsage.record(tokens.inputTokens(), metricAttributes.toBuilder().put(TOKEN_TYPE, "input").build());
                    tokenUsage.record(tokens.outputTokens(), metricAttributes.toBuilder().put(TOKEN_TYPE, "output").build());
                    if (prices != null && prices.find(model).isPresent()) {
                        BigDecimal cost = prices.cost(model, tokens);
                        span.setAttribute(COST, cost.doubleValue());
                    }
                }
            }
            if (metricAttributes != null) {
                duration.record(seconds, metricAttributes);
            }
        } catch (RuntimeException ignored) {
            // telemetry failures never reach the agent
        } finally {
            span.end();
        }
    }

    private Attributes metricAttributes(String model, Throwable failure) {
        var builder = Attributes.builder().put(OPERATION, "chat").put(MODEL, model);
        if (system != null) {
            builder.put(SYSTEM, system);
        }
        if (failure != null) {
            builder.put(ERROR_TYPE, failure.getClass().getName());
        }
        return builder.build();
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
            return llm(model, request, call, null);
        }

        @Override
        public <T, E extends Exception> T llm(String model, Object request, Call<T, E> call, Function<? super T, TokenUsage> usage) throws E {
            var attributes = Attributes.builder().put(OPERATION, "chat").put(MODEL, model);
            if (system != null) {
                attributes.put(SYSTEM, system);
            }
            return span(agentId, "chat", "chat " + model, attributes.build(),
                    () -> usage == null ? calls.llm(model, request, call) : calls.llm(model, request, call, usage), usage, model);
        }

        @Override
        public <T, E extends Exception> T tool(String name, Object arguments, Call<T, E> call) throws E {
            return span(agentId, "execute_tool", "execute_tool " + name,
                    Attributes.of(OPERATION, "execute_tool", TOOL_NAME, name), () -> calls.tool(name, arguments, call), null, null);
        }

        @Override
        public <T, E extends Exception> T delegate(String agent, Object request, Call<T, E> call) throws E {
            return span(agentId, "invoke_agent", "invoke_agent " + agent,
                    Attributes.of(OPERATION, "invoke_agent", AGENT_NAME, agent), () -> calls.delegate(agent, request, call), null, null);
        }
    }
}
