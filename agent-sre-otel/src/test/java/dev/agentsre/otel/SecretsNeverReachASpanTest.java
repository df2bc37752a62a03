package dev.agentsre.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.cost.TokenUsage;
import dev.agentsre.replay.AgentCalls;
import dev.agentsre.replay.ReplayEngine;
import dev.agentsre.replay.TraceCapture;
import dev.agentsre.testing.SecretCorpus;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, defect 7: {@link GenAiTelemetry} exported a failure's message as the span status
 * unredacted. Every secret shape of the corpus, thrown in a failure message by a model call, a tool
 * call and a delegation, and passed in their requests, appears zero times in any exported span.
 */
class SecretsNeverReachASpanTest {

    @Test
    void noSecretShapeReachesAnExportedSpan() {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()).build();
        GenAiTelemetry genAi = GenAiTelemetry.create(sdk, "openai", null);
        List<SecretCorpus.Shape> shapes = SecretCorpus.shapes();
        for (SecretCorpus.Shape shape : shapes) {
            TraceCapture capture = ReplayEngine.captureBuilder("agent").start();
            AgentCalls calls = genAi.trace("agent", capture);
            Map<String, Object> request = Map.of("prompt", shape.sentence(), shape.key(), shape.keyed(), "url", shape.url());
            assertThatThrownBy(() -> calls.llm("gpt-4o", request, () -> {
                throw new IllegalStateException("model rejected: " + shape.sentence());
            }, answer -> TokenUsage.of(1, 1))).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> calls.tool("fetch", request, () -> {
                throw new IllegalArgumentException("GET " + shape.url() + " failed: " + shape.sentence());
            })).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> calls.delegate("helper", request, () -> {
                throw new IllegalStateException(shape.recognisable() ? shape.secret() : shape.sentence()); // bare, where its shape gives it away
            })).isInstanceOf(IllegalStateException.class);
            capture.close();
        }
        List<SpanData> spans = exporter.getFinishedSpanItems();
        assertThat(spans).hasSize(3 * shapes.size());
        assertThat(spans).allSatisfy(s -> assertThat(s.getStatus().getDescription()).isNotBlank());
        List<String> leaks = new ArrayList<>();
        for (SecretCorpus.Shape shape : shapes) {
            for (SpanData span : spans) {
                String exported = span.getName() + " " + span.getAttributes() + " " + span.getStatus() + " " + span.getEvents()
                        + " " + span.getResource().getAttributes();
                for (String fragment : shape.fragments()) {
                    if (exported.contains(fragment)) {
                        leaks.add(shape.name() + " in span " + span.getName());
                    }
                }
            }
        }
        assertThat(leaks).as("secret shapes that reached a span, of " + shapes.size()).isEmpty();
    }
}
