package dev.agentsre.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.AgentSre;
import dev.agentsre.TaskLimitExceededException;
import dev.agentsre.TaskLimits;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.replay.TraceStore;
import dev.agentsre.testing.ManualClock;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One trace per task: GenAiTelemetry.guard() in the pipeline, checked with the OpenTelemetry SDK. */
class TaskTracingTest {

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build()).build();
    private final ManualClock clock = ManualClock.at(Instant.parse("2026-09-01T10:00:00Z"));
    private final SreEventBus bus = new SreEventBus();
    private final CostGuard costGuard = CostGuard.builder().clock(clock).eventBus(bus).priceTable(PriceTable.defaults()).build();
    private final GenAiTelemetry genAi = GenAiTelemetry.builder(sdk).conventions(GenAiConventions.LATEST).build();

    @AfterEach
    void close() {
        sdk.close();
    }

    private AgentSre.Builder pipeline() {
        return AgentSre.builder().clock(clock).eventBus(bus).costGuard(costGuard).guard(genAi.guard());
    }

    @Test
    void aTaskWithTwoModelCallsAndOneToolCallIsOneTraceUnderTheTaskSpan() throws Exception {
        AgentSre sre = pipeline().build();
        AtomicReference<Span> inBody = new AtomicReference<>();
        AtomicReference<Span> inCallee = new AtomicReference<>();

        String answer = sre.agent("researcher").task("t-1").call(ctx -> {
            inBody.set(Span.current());
            String plan = ctx.llm("gpt-4o", "plan", () -> {
                inCallee.set(Span.current());
                return "search refunds";
            }, r -> TokenUsage.openAi(1_000, 200, 400, 0));
            String found = ctx.tool("search_kb", Map.of("q", plan), () -> "30 days");
            return ctx.llm("claude-sonnet-4-5", found, () -> "Refunds within 30 days.", r -> TokenUsage.anthropic(500, 100, 0, 300));
        });

        assertThat(answer).isEqualTo("Refunds within 30 days.");
        List<SpanData> finished = spans.getFinishedSpanItems();
        assertThat(finished).hasSize(4);
        assertThat(finished).extracting(SpanData::getTraceId).containsOnly(finished.get(0).getTraceId()); // one trace
        SpanData task = only(finished, "invoke_agent researcher");
        assertThat(task.getParentSpanId()).isEqualTo(SpanId.getInvalid());                                  // the root
        List<SpanData> children = finished.stream().filter(s -> s != task).toList();
        assertThat(children).extracting(SpanData::getName)
                .containsExactlyInAnyOrder("chat gpt-4o", "execute_tool search_kb", "chat claude-sonnet-4-5");
        assertThat(children).allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(task.getSpanId()));
        assertThat(inBody.get().getSpanContext().getSpanId()).isEqualTo(task.getSpanId());                 // current in the body
        assertThat(inCallee.get().getSpanContext().getSpanId()).isEqualTo(only(finished, "chat gpt-4o").getSpanId());

        SpanData gpt = only(finished, "chat gpt-4o");
        assertThat(gpt.getAttributes().get(GenAiAttributes.OPERATION_NAME)).isEqualTo("chat");
        assertThat(gpt.getAttributes().get(GenAiAttributes.PROVIDER_NAME)).isEqualTo("openai");
        assertThat(gpt.getAttributes().get(GenAiAttributes.REQUEST_MODEL)).isEqualTo("gpt-4o");
        assertThat(gpt.getAttributes().get(GenAiAttributes.INPUT_TOKENS)).isEqualTo(1_000);
        assertThat(gpt.getAttributes().get(GenAiAttributes.CACHE_READ_INPUT_TOKENS)).isEqualTo(400);
        assertThat(gpt.getAttributes().get(GenAiAttributes.COST_USD))
                .isEqualTo(costGuard.price("gpt-4o", TokenUsage.openAi(1_000, 200, 400, 0)).doubleValue());
        SpanData claude = only(finished, "chat claude-sonnet-4-5");
        assertThat(claude.getAttributes().get(GenAiAttributes.PROVIDER_NAME)).isEqualTo("anthropic");
        assertThat(claude.getAttributes().get(GenAiAttributes.CACHE_CREATION_INPUT_TOKENS)).isEqualTo(300);
        SpanData tool = only(finished, "execute_tool search_kb");
        assertThat(tool.getAttributes().get(GenAiAttributes.OPERATION_NAME)).isEqualTo("execute_tool");
        assertThat(tool.getAttributes().get(GenAiAttributes.TOOL_NAME)).isEqualTo("search_kb");

        assertThat(task.getAttributes().get(GenAiAttributes.OPERATION_NAME)).isEqualTo("invoke_agent");
        assertThat(task.getAttributes().get(GenAiAttributes.AGENT_ID)).isEqualTo("researcher");
        assertThat(task.getAttributes().get(GenAiAttributes.AGENT_NAME)).isEqualTo("researcher");
        assertThat(task.getAttributes().get(GenAiAttributes.PROVIDER_NAME)).isEqualTo("openai");          // its first model call's
        assertThat(task.getAttributes().get(GenAiAttributes.TASK_ID)).isEqualTo("t-1");
        assertThat(task.getAttributes().get(GenAiAttributes.OUTCOME)).isEqualTo("succeeded");
        assertThat(task.getAttributes().get(GenAiAttributes.INPUT_TOKENS)).isEqualTo(1_000 + 800);
        assertThat(task.getAttributes().get(GenAiAttributes.OUTPUT_TOKENS)).isEqualTo(300);
        assertThat(task.getAttributes().get(GenAiAttributes.COST_USD))
                .isEqualTo(costGuard.price("gpt-4o", TokenUsage.openAi(1_000, 200, 400, 0))
                        .add(costGuard.price("claude-sonnet-4-5", TokenUsage.anthropic(500, 100, 0, 300))).doubleValue());
        assertThat(task.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(Span.current().getSpanContext().isValid()).isFalse(); // nothing left current after the task
    }

    @Test
    void delegationsNestTheirChildTasksAndTheRefusalReasonIsOnTheTaskSpan() {
        AgentSre sre = pipeline().taskLimits(TaskLimits.builder().maxToolCalls(1).build()).build();
        assertThatThrownBy(() -> sre.agent("lead").task("t-2").call(ctx -> ctx.delegate("analyst", "q", analyst -> {
            analyst.llm("gpt-4o-mini", "q", () -> "a", r -> TokenUsage.of(100, 10));
            analyst.tool("calc", "1+1", () -> 2);
            return analyst.tool("calc", "2+2", () -> 4);        // over the child's limit: refused in flight
        }))).isInstanceOf(TaskLimitExceededException.class);

        List<SpanData> finished = spans.getFinishedSpanItems();
        SpanData lead = only(finished, "invoke_agent lead");
        SpanData analyst = only(finished, "invoke_agent analyst");
        assertThat(finished).extracting(SpanData::getTraceId).containsOnly(lead.getTraceId());
        assertThat(analyst.getParentSpanId()).isEqualTo(lead.getSpanId());
        assertThat(finished.stream().filter(s -> s.getName().startsWith("chat") || s.getName().startsWith("execute_tool")))
                .hasSize(3).allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(analyst.getSpanId()));
        assertThat(analyst.getAttributes().get(GenAiAttributes.TASK_DEPTH)).isEqualTo(1);
        assertThat(analyst.getAttributes().get(GenAiAttributes.OUTCOME)).isEqualTo("refused");
        assertThat(analyst.getAttributes().get(GenAiAttributes.REFUSAL_REASON)).isEqualTo("task_limit");
        assertThat(analyst.getAttributes().get(GenAiAttributes.REFUSED_CALL)).isEqualTo("tool:calc");
        assertThat(analyst.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(lead.getAttributes().get(GenAiAttributes.INPUT_TOKENS)).isEqualTo(100); // its delegation's tokens roll up
        SpanData refusedCall = finished.stream().filter(s -> "refused".equals(s.getAttributes().get(GenAiAttributes.OUTCOME))
                && s.getName().startsWith("execute_tool")).findFirst().orElseThrow();
        assertThat(refusedCall.getAttributes().get(GenAiAttributes.REFUSAL_REASON)).isEqualTo("task_limit");
    }

    @Test
    void callsOfAnAsynchronousTaskOnOtherThreadsNestUnderItsSpan() throws Exception {
        AgentSre sre = pipeline().build();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            String result = sre.agent("writer").task("t-3").<String>callAsync(ctx -> CompletableFuture
                    .supplyAsync(() -> ctx.tool("draft", "x", () -> "d"), pool)
                    .thenApplyAsync(d -> ctx.llm("gpt-4o", d, () -> "final", r -> TokenUsage.of(10, 5)), pool))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(result).isEqualTo("final");
        } finally {
            pool.shutdownNow();
        }
        List<SpanData> finished = spans.getFinishedSpanItems();
        SpanData task = only(finished, "invoke_agent writer");
        assertThat(finished).hasSize(3).filteredOn(s -> s != task)
                .allSatisfy(s -> assertThat(s.getParentSpanId()).isEqualTo(task.getSpanId()));
        assertThat(Span.current().getSpanContext().isValid()).isFalse(); // the caller's thread got its context back
    }

    @Test
    void theReplayTraceIdIsLinkedAndTheContextIsPropagatedToWorkHandedOff(@TempDir Path dir) throws Exception {
        AgentSre sre = pipeline().traceStore(TraceStore.directory(dir)).build();
        AtomicReference<Span> handedOff = new AtomicReference<>();
        AtomicReference<Runnable> work = new AtomicReference<>();
        sre.agent("support").task("t-4").call(ctx -> {
            work.set(sre.propagate(() -> handedOff.set(Span.current())));
            return ctx.llm("gpt-4o", "q", () -> "a", r -> TokenUsage.of(10, 5));
        });
        Thread other = new Thread(work.get());
        other.start();
        other.join(10_000);

        SpanData task = only(spans.getFinishedSpanItems(), "invoke_agent support");
        String traceId = task.getAttributes().get(GenAiAttributes.REPLAY_TRACE_ID);
        assertThat(traceId).isNotBlank();
        assertThat(TraceStore.directory(dir).load(traceId).agentId()).isEqualTo("support");
        assertThat(handedOff.get().getSpanContext().getSpanId()).isEqualTo(task.getSpanId());
    }

    @Test
    void aRootTaskJoinsTheCallersTrace() throws Exception {
        AgentSre sre = pipeline().build();
        Span request = sdk.getTracer("app").spanBuilder("POST /ask").startSpan();
        try (var ignored = request.makeCurrent()) {
            sre.agent("bot").task("t-5").call(ctx -> ctx.tool("t", "x", () -> 1));
        } finally {
            request.end();
        }
        SpanData task = only(spans.getFinishedSpanItems(), "invoke_agent bot");
        assertThat(task.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
        assertThat(Context.current()).isEqualTo(Context.root());
    }

    @Test
    void aFailingSpanExporterNeverReachesTheAgent() throws Exception {
        OpenTelemetrySdk broken = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(new io.opentelemetry.sdk.trace.SpanProcessor() {
                    public void onStart(Context parent, io.opentelemetry.sdk.trace.ReadWriteSpan span) {
                        throw new IllegalStateException("exporter down");
                    }

                    public boolean isStartRequired() {
                        return true;
                    }

                    public void onEnd(io.opentelemetry.sdk.trace.ReadableSpan span) {
                        throw new IllegalStateException("exporter down");
                    }

                    public boolean isEndRequired() {
                        return true;
                    }
                }).build()).build();
        AgentSre sre = AgentSre.builder().clock(clock).guard(GenAiTelemetry.builder(broken).build().guard()).build();
        String answer = sre.agent("a").task("t").call(ctx -> ctx.llm("gpt-4o", "q", () -> "ok", r -> TokenUsage.of(1, 1)));
        assertThat(answer).isEqualTo("ok");
        assertThat(sre.guardFailures()).isZero();
    }

    private static SpanData only(List<SpanData> spans, String name) {
        List<SpanData> named = spans.stream().filter(s -> s.getName().equals(name)).collect(Collectors.toList());
        org.assertj.core.api.Assertions.<SpanData>assertThat(named).as(name).hasSize(1);
        return named.get(0);
    }

    @SuppressWarnings("unused")
    private static String attr(SpanData span, String key) {
        return span.getAttributes().get(AttributeKey.stringKey(key));
    }
}
