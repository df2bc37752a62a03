package dev.agentsre.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.replay.AgentCalls;
import dev.agentsre.replay.ReplayEngine;
import dev.agentsre.replay.TraceCapture;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class GenAiTelemetryTest {

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build()).build();

    @Test
    void callsBecomeGenAiSpansAndModelCallsRecordTheGenAiMetrics() {
        GenAiTelemetry genAi = GenAiTelemetry.create(sdk, "openai", PriceTable.defaults());
        TraceCapture capture = ReplayEngine.captureBuilder("support-bot").start();
        AgentCalls calls = genAi.trace("support-bot", capture);

        String summary = calls.delegate("researcher", Map.of("topic", "refunds"), () -> {
            calls.tool("search_kb", Map.of("q", "refund policy"), () -> "30 days");
            return calls.llm("gpt-4o", Map.of("prompt", "summarise"), () -> "Refunds within 30 days.", answer -> TokenUsage.of(1_200, 300));
        });
        assertThatThrownBy(() -> calls.tool("crm", Map.of(), () -> {
            throw new IllegalStateException("crm down");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(summary).isEqualTo("Refunds within 30 days.");
        assertThat(capture.trace().spans()).hasSize(4); // the wrapped capture still records everything

        Map<String, SpanData> byName = spans.getFinishedSpanItems().stream().collect(Collectors.toMap(SpanData::getName, s -> s));
        assertThat(byName).containsOnlyKeys("invoke_agent researcher", "execute_tool search_kb", "chat gpt-4o", "execute_tool crm");
        SpanData chat = byName.get("chat gpt-4o");
        assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name"))).isEqualTo("chat");
        assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model"))).isEqualTo("gpt-4o");
        assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name"))).isEqualTo("openai");
        assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.system"))).isNull(); // deprecated: only in gen_ai/dup mode
        assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.agent.id"))).isEqualTo("support-bot");
        assertThat(chat.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isEqualTo(1_200);
        assertThat(chat.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isEqualTo(300);
        assertThat(chat.getAttributes().get(AttributeKey.doubleKey("agentsre.cost.usd")))
                .isEqualTo(PriceTable.defaults().cost("gpt-4o", TokenUsage.of(1_200, 300)).doubleValue());
        SpanData agent = byName.get("invoke_agent researcher");
        assertThat(chat.getParentSpanId()).isEqualTo(agent.getSpanId());
        assertThat(byName.get("execute_tool search_kb").getParentSpanId()).isEqualTo(agent.getSpanId());
        assertThat(agent.getAttributes().get(AttributeKey.stringKey("gen_ai.agent.name"))).isEqualTo("researcher");
        assertThat(agent.getAttributes().get(AttributeKey.stringKey("gen_ai.agent.id"))).isEqualTo("researcher"); // the agent called, not the caller
        assertThat(agent.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name"))).isEqualTo("openai");
        SpanData crm = byName.get("execute_tool crm");
        assertThat(crm.getStatus().getStatusCode()).isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
        assertThat(crm.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("java.lang.IllegalStateException");

        Map<String, MetricData> m = metrics.collectAllMetrics().stream().collect(Collectors.toMap(MetricData::getName, d -> d));
        MetricData tokens = m.get("gen_ai.client.token.usage");
        assertThat(tokens.getUnit()).isEqualTo("{token}");
        List<HistogramPointData> points = List.copyOf(tokens.getHistogramData().getPoints());
        assertThat(points).extracting(p -> p.getAttributes().get(AttributeKey.stringKey("gen_ai.token.type")))
                .containsExactlyInAnyOrder("input", "output");
        assertThat(points).extracting(HistogramPointData::getSum).containsExactlyInAnyOrder(1_200.0, 300.0);
        assertThat(points.get(0).getBoundaries()).containsExactlyElementsOf(
                GenAiTelemetry.TOKEN_BUCKETS.stream().map(Long::doubleValue).collect(Collectors.toList()));
        MetricData duration = m.get("gen_ai.client.operation.duration");
        assertThat(duration.getUnit()).isEqualTo("s");
        assertThat(duration.getHistogramData().getPoints()).singleElement()
                .satisfies(p -> assertThat(p.getBoundaries()).containsExactlyElementsOf(GenAiTelemetry.DURATION_BUCKETS));
    }

    @Test
    void passThroughJustCalls() throws Exception {
        AgentCalls calls = GenAiTelemetry.create(sdk, null, null).trace("a", GenAiTelemetry.passThrough());
        assertThat(calls.tool("t", Map.of(), () -> 42)).isEqualTo(42);
        assertThat(calls.sideEffect("x", () -> "v")).isEqualTo("v");
        assertThat(calls.decision("d", "go")).isEqualTo("go");
        assertThat(spans.getFinishedSpanItems()).extracting(SpanData::getName).containsExactly("execute_tool t");
    }

    @Test
    void theProviderIsDerivedFromTheModelAndTheCacheAndReasoningTokensAreReported() {
        GenAiTelemetry genAi = GenAiTelemetry.builder(sdk).prices(PriceTable.defaults()).conventions(GenAiConventions.LATEST).build();
        AgentCalls calls = genAi.trace("coder", GenAiTelemetry.passThrough());
        calls.llm("claude-sonnet-4-5", "q", () -> "a", r -> TokenUsage.anthropic(1_000, 400, 5_000, 2_000));
        calls.llm("o3", "q", () -> "a", r -> TokenUsage.openAi(2_000, 900, 1_500, 600));

        Map<String, SpanData> byName = spans.getFinishedSpanItems().stream().collect(Collectors.toMap(SpanData::getName, s -> s));
        SpanData claude = byName.get("chat claude-sonnet-4-5");
        assertThat(claude.getAttributes().get(GenAiAttributes.PROVIDER_NAME)).isEqualTo("anthropic");
        assertThat(claude.getAttributes().get(GenAiAttributes.CACHE_READ_INPUT_TOKENS)).isEqualTo(5_000);
        assertThat(claude.getAttributes().get(GenAiAttributes.CACHE_CREATION_INPUT_TOKENS)).isEqualTo(2_000);
        assertThat(claude.getAttributes().get(GenAiAttributes.INPUT_TOKENS)).isEqualTo(8_000); // every prompt token, cached included
        SpanData o3 = byName.get("chat o3");
        assertThat(o3.getAttributes().get(GenAiAttributes.PROVIDER_NAME)).isEqualTo("openai");
        assertThat(o3.getAttributes().get(GenAiAttributes.REASONING_OUTPUT_TOKENS)).isEqualTo(600);
        assertThat(o3.getAttributes().get(GenAiAttributes.CACHE_READ_INPUT_TOKENS)).isEqualTo(1_500);
        assertThat(o3.getAttributes().get(GenAiAttributes.CACHE_CREATION_INPUT_TOKENS)).isNull();

        Map<String, MetricData> m = metrics.collectAllMetrics().stream().collect(Collectors.toMap(MetricData::getName, d -> d));
        assertThat(m.get("gen_ai.client.operation.duration").getHistogramData().getPoints())
                .extracting(p -> p.getAttributes().get(GenAiAttributes.PROVIDER_NAME)).containsExactlyInAnyOrder("anthropic", "openai");
        assertThat(m.get("gen_ai.client.token.usage").getHistogramData().getPoints())
                .allSatisfy(p -> assertThat(p.getAttributes().get(GenAiAttributes.PROVIDER_NAME)).isIn("anthropic", "openai"))
                .allSatisfy(p -> assertThat(p.getAttributes().get(GenAiAttributes.SYSTEM)).isNull());
    }

    @Test
    void theDeprecatedSystemAttributeOnlyInTheDuplicateMode() {
        assertThat(GenAiConventions.parse(null)).isEqualTo(GenAiConventions.LATEST);
        assertThat(GenAiConventions.parse("")).isEqualTo(GenAiConventions.LATEST);
        assertThat(GenAiConventions.parse("gen_ai_latest_experimental")).isEqualTo(GenAiConventions.LATEST);
        assertThat(GenAiConventions.parse("http, gen_ai/dup")).isEqualTo(GenAiConventions.LATEST_AND_LEGACY);

        GenAiTelemetry dup = GenAiTelemetry.builder(sdk).conventions(GenAiConventions.LATEST_AND_LEGACY).build();
        dup.trace("a", GenAiTelemetry.passThrough()).llm("gemini-2.5-pro", "q", () -> "a", r -> TokenUsage.of(10, 5));
        SpanData chat = spans.getFinishedSpanItems().get(0);
        assertThat(chat.getAttributes().get(GenAiAttributes.PROVIDER_NAME)).isEqualTo("gcp.gen_ai");
        assertThat(chat.getAttributes().get(GenAiAttributes.SYSTEM)).isEqualTo("gcp.gen_ai");
        assertThat(metrics.collectAllMetrics()).filteredOn(d -> d.getName().startsWith("gen_ai."))
                .allSatisfy(d -> assertThat(d.getHistogramData().getPoints())
                        .allSatisfy(p -> assertThat(p.getAttributes().get(GenAiAttributes.SYSTEM)).isEqualTo("gcp.gen_ai")));
    }

    @Test
    void providersFromTheModelIdOrConfiguration() {
        GenAiProviders providers = GenAiProviders.defaults();
        assertThat(providers.providerOf("gpt-4o")).isEqualTo("openai");
        assertThat(providers.providerOf("bedrock/anthropic.claude-3-5-sonnet")).isEqualTo("aws.bedrock");
        assertThat(providers.providerOf("us.anthropic.claude-sonnet-4")).isEqualTo("aws.bedrock");
        assertThat(providers.providerOf("azure/gpt-4o")).isEqualTo("azure.ai.openai");
        assertThat(providers.providerOf("mistral-large-latest")).isEqualTo("mistral_ai");
        assertThat(providers.providerOf("grok-4")).isEqualTo("x_ai");
        assertThat(providers.providerOf("llama-3.3-70b")).isEqualTo(GenAiProviders.OTHER);
        assertThat(providers.orElse("groq").providerOf("llama-3.3-70b")).isEqualTo("groq");
        assertThat(providers.with("gpt-4o", "azure.ai.openai").providerOf("gpt-4o-mini")).isEqualTo("azure.ai.openai");
        assertThat(providers.with("gpt-4o", "azure.ai.openai").providerOf("gpt-5")).isEqualTo("openai");
        assertThat(GenAiProviders.fixed("groq").providerOf("gpt-4o")).isEqualTo("groq");
        // every model of the bundled price table has a known provider
        assertThat(PriceTable.defaults().models()).allSatisfy(model -> assertThat(providers.providerOf(model)).as(model)
                .isNotEqualTo(GenAiProviders.OTHER));
        assertThat(PriceTable.defaults().aliases().keySet()).allSatisfy(model -> assertThat(providers.providerOf(model)).as(model)
                .isNotEqualTo(GenAiProviders.OTHER));
        assertThatThrownBy(() -> providers.with(" ", "x")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("modelPrefix");
    }
}
