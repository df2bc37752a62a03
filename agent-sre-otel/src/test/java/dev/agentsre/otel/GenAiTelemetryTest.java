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
        assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.system"))).isEqualTo("openai");
        assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.agent.id"))).isEqualTo("support-bot");
        assertThat(chat.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isEqualTo(1_200);
        assertThat(chat.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isEqualTo(300);
        assertThat(chat.getAttributes().get(AttributeKey.doubleKey("gen_ai.usage.cost")))
                .isEqualTo(PriceTable.defaults().cost("gpt-4o", TokenUsage.of(1_200, 300)).doubleValue());
        SpanData agent = byName.get("invoke_agent researcher");
        assertThat(chat.getParentSpanId()).isEqualTo(agent.getSpanId());
        assertThat(byName.get("execute_tool search_kb").getParentSpanId()).isEqualTo(agent.getSpanId());
        assertThat(agent.getAttributes().get(AttributeKey.stringKey("gen_ai.agent.name"))).isEqualTo("researcher");
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
}
