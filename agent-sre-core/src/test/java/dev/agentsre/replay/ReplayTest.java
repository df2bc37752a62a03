package dev.agentsre.replay;

import dev.agentsre.redact.Redactor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.testing.Race;
import dev.agentsre.testing.ManualClock;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayTest {

    @TempDir
    Path dir;

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-08-01T09:00:00Z"));
    /** Replay builds only the result types it is allowed to. */
    private static final ReplayOptions STRICT = ReplayOptions.strict().allowTypes(Order.class);

    /** An order, returned by the order tool. */
    public record Order(String id, String status, double total) {
    }

    /** A fake model that answers from the prompt and counts its calls. */
    static final class FakeModel {
        final AtomicInteger calls = new AtomicInteger();
        final ManualClock clock;

        FakeModel(ManualClock clock) {
            this.clock = clock;
        }

        String chat(String prompt) {
            calls.incrementAndGet();
            clock.advance(Duration.ofMillis(700));
            if (prompt.startsWith("classify")) {
                return prompt.contains("refund") ? "REFUND" : "OTHER";
            }
            if (prompt.contains("cancelled")) {
                return "The order was cancelled, so no refund is due.";
            }
            return "Refund of $" + prompt.replaceAll(".*total=([0-9.]+).*", "$1") + " approved.";
        }
    }

    /** A fake order system. */
    static final class FakeOrders {
        final AtomicInteger calls = new AtomicInteger();

        Order lookup(Map<String, Object> args) {
            calls.incrementAndGet();
            return new Order((String) args.get("order_id"), "delivered", 42.50);
        }

        String refund(String id) {
            calls.incrementAndGet();
            return "refund-" + id;
        }
    }

    private static TokenUsage usage(String answer) {
        return TokenUsage.of(1_000, answer.length());
    }

    /** 3 LLM calls, 2 tool calls, a side effect and a decision. */
    static String supportBot(AgentCalls calls, FakeModel model, FakeOrders orders, String question, String orderId) throws Exception {
        String intent = calls.llm("gpt-4o", Map.of("prompt", "classify: " + question), () -> model.chat("classify: " + question),
                ReplayTest::usage);
        String requestId = calls.sideEffect("request_id", () -> UUID.randomUUID().toString());
        Order order = calls.tool("lookup_order", Map.of("order_id", orderId, "request_id", requestId),
                () -> orders.lookup(Map.of("order_id", orderId)));
        String route = calls.decision("route", "cancelled".equals(order.status()) ? "explain" : intent.toLowerCase());
        String prompt = "answer: status=" + order.status() + " total=" + order.total();
        String answer = calls.llm("gpt-4o", Map.of("prompt", prompt), () -> model.chat(prompt), ReplayTest::usage);
        if (route.equals("refund")) {
            calls.tool("issue_refund", Map.of("order_id", orderId), () -> orders.refund(orderId));
        }
        return calls.llm("gpt-4o-mini", Map.of("prompt", "polish: " + answer), () -> model.chat("polish: " + answer), ReplayTest::usage);
    }

    private Trace record(String question, String orderId) throws Exception {
        TraceStore store = TraceStore.directory(dir);
        FakeModel model = new FakeModel(clock);
        FakeOrders orders = new FakeOrders();
        String traceId;
        try (TraceCapture capture = ReplayEngine.captureBuilder("support-bot").store(store).clock(clock)
                .priceTable(PriceTable.defaults()).start()) {
            supportBot(capture, model, orders, question, orderId);
            traceId = capture.traceId();
        }
        return store.load(traceId);
    }

    @Test
    void aRecordedRunReplaysWithZeroLiveCallsAndEqualCost() throws Exception {
        Trace trace = record("I want a refund", "12345");
        assertThat(trace.spans()).extracting(Span::kind).containsExactly(SpanKind.LLM, SpanKind.SIDE_EFFECT, SpanKind.TOOL,
                SpanKind.DECISION, SpanKind.LLM, SpanKind.TOOL, SpanKind.LLM);
        assertThat(trace.spans()).extracting(Span::step).containsExactly(1, 2, 3, 4, 5, 6, 7);
        assertThat(trace.totalCostUsd()).isPositive();
        assertThat(trace.complete()).isTrue();

        FakeModel model = new FakeModel(clock);
        FakeOrders orders = new FakeOrders();
        Replay replay = ReplayEngine.replay(trace, STRICT);
        String answer = supportBot(replay, model, orders, "I want a refund", "12345");

        assertThat(answer).isEqualTo(trace.step(7).response().asText());
        assertThat(model.calls).hasValue(0);
        assertThat(orders.calls).hasValue(0);
        assertThat(replay.liveCalls()).isZero();
        assertThat(replay.unplayedSteps()).isEmpty();
        Trace replayed = replay.finish();
        assertThat(replayed.totalCostUsd()).isEqualByComparingTo(trace.totalCostUsd());
        assertThat(replayed.parentTraceId()).isEqualTo(trace.traceId());
        assertThat(ReplayEngine.diff(trace, replayed).identical()).isTrue();
    }

    @Test
    void recordedObjectsComeBackAsTheirClassAndFailuresAreRethrown() throws Exception {
        TraceCapture capture = ReplayEngine.captureBuilder("a").clock(clock).start();
        Order order = capture.tool("lookup_order", Map.of("id", 1), () -> new Order("1", "delivered", 9.99));
        assertThatThrownBy(() -> capture.tool("flaky", Map.of(), () -> {
            throw new IllegalStateException("upstream 503");
        })).isInstanceOf(IllegalStateException.class);
        capture.close();

        Replay replay = ReplayEngine.replay(capture.trace(), STRICT);
        assertThat(replay.tool("lookup_order", Map.of("id", 1), () -> (Order) null)).isEqualTo(order);
        assertThatThrownBy(() -> replay.tool("flaky", Map.of(), () -> "never")).isInstanceOf(IllegalStateException.class)
                .hasMessage("upstream 503");
        assertThat(capture.trace().step(2).status()).isEqualTo(SpanStatus.ERROR);
    }

    @Test
    void aChangedArgumentDivergesAtTheRightStepAndPath() throws Exception {
        Trace trace = record("I want a refund", "12345");
        Replay replay = ReplayEngine.replay(trace, STRICT);
        assertThatThrownBy(() -> supportBot(replay, new FakeModel(clock), new FakeOrders(), "I want a refund", "99999"))
                .isInstanceOfSatisfying(ReplayDivergenceException.class, e -> {
                    assertThat(e.step()).isEqualTo(3);
                    assertThat(e.expected().name()).isEqualTo("lookup_order");
                    assertThat(e.differences()).singleElement().satisfies(d -> {
                        assertThat(d.path()).isEqualTo("request.order_id");
                        assertThat(d.expected().asText()).isEqualTo("12345");
                        assertThat(d.actual().asText()).isEqualTo("99999");
                    });
                    assertThat(e.getMessage()).contains("step 3").contains("request.order_id");
                });
    }

    @Test
    void aChangedArgumentIsOneChangedStepInADiffAndTimestampsUuidsAndKeyOrderAreNot() throws Exception {
        Trace a = record("I want a refund", "12345");
        Trace b = record("I want a refund", "12345"); // another run: new UUID, new timestamps
        TraceDiff same = ReplayEngine.diff(a, b);
        assertThat(same.identical()).isTrue();
        assertThat(a.step(2).response()).isNotEqualTo(b.step(2).response()); // the UUIDs really differ

        Trace c = record("I want a refund", "777");
        TraceDiff changed = ReplayEngine.diff(a, c);
        assertThat(changed.firstDivergence()).isEqualTo(2);
        TraceDiff.StepDiff lookup = changed.steps().get(2);
        assertThat(lookup.change()).isEqualTo(TraceDiff.Change.CHANGED);
        assertThat(lookup.differences()).extracting(FieldDifference::path).contains("request.order_id");
        assertThat(changed.stepCountDelta()).isZero();
    }

    @Test
    void anInsertedStepDiffsAsOneInsertion() {
        TraceCapture x = ReplayEngine.captureBuilder("a").clock(clock).start();
        TraceCapture y = ReplayEngine.captureBuilder("a").clock(clock).start();
        for (TraceCapture capture : List.of(x, y)) {
            capture.tool("search", Map.of("q", "refund policy"), () -> "policy");
            if (capture == y) {
                capture.tool("search", Map.of("q", "refund policy 2026"), () -> "newer policy");
            }
            capture.llm("gpt-4o", Map.of("prompt", "summarise"), () -> "summary");
            capture.tool("send_email", Map.of("to", "[EMAIL]"), () -> "sent");
        }
        TraceDiff diff = ReplayEngine.diff(x.trace(), y.trace());
        assertThat(diff.changes()).singleElement().satisfies(s -> {
            assertThat(s.change()).isEqualTo(TraceDiff.Change.INSERTED);
            assertThat(s.actual().step()).isEqualTo(2);
        });
        assertThat(diff.stepCountDelta()).isEqualTo(1);
        assertThat(diff.summary()).contains("+ step 2 TOOL search");
    }

    @Test
    void whatIfChangesDownstreamBehaviourAndTheDiffShowsIt() throws Exception {
        Trace trace = record("I want a refund", "12345");
        FakeModel model = new FakeModel(clock);
        FakeOrders orders = new FakeOrders();
        WhatIfResult<String> result = ReplayEngine.whatIf(trace,
                Overrides.none().tool("lookup_order", new Order("12345", "cancelled", 42.50)),
                calls -> supportBot(calls, model, orders, "I want a refund", "12345"));

        assertThat(result.result()).contains("cancelled");
        assertThat(result.trace().parentTraceId()).isEqualTo(trace.traceId());
        assertThat(result.liveCalls()).isEqualTo(2); // the answer and the polish saw a new prompt
        assertThat(orders.calls).hasValue(0);         // no refund was issued, and no lookup made
        TraceDiff diff = result.diff();
        assertThat(diff.steps()).extracting(TraceDiff.StepDiff::change).contains(TraceDiff.Change.DELETED);
        assertThat(diff.changes()).anySatisfy(s -> assertThat(s.differences()).extracting(FieldDifference::path)
                .contains("response.status"));
        assertThat(diff.changes()).anySatisfy(s -> assertThat(s.expected() != null && s.expected().name().equals("issue_refund")).isTrue());
    }

    @Test
    void keyedModeServesByRequestAndAMissNamesTheClosestRecording() throws Exception {
        TraceCapture capture = ReplayEngine.captureBuilder("a").clock(clock).start();
        capture.tool("search", Map.of("q", "alpha"), () -> "A");
        capture.tool("search", Map.of("q", "beta"), () -> "B");
        capture.tool("search", Map.of("q", "alpha"), () -> "A2");
        Replay keyed = ReplayEngine.replay(capture.trace(), ReplayOptions.keyed());
        assertThat(keyed.tool("search", Map.of("q", "beta"), () -> "live")).isEqualTo("B");
        assertThat(keyed.tool("search", Map.of("q", "alpha"), () -> "live")).isEqualTo("A");
        assertThat(keyed.tool("search", Map.of("q", "alpha"), () -> "live")).isEqualTo("A2");
        assertThatThrownBy(() -> keyed.tool("search", Map.of("q", "gamma"), () -> "live"))
                .isInstanceOfSatisfying(ReplayDivergenceException.class, e -> assertThat(e.getMessage()).contains("closest is step"));

        Replay live = ReplayEngine.replay(capture.trace(), ReplayOptions.keyed().liveOnMiss());
        assertThat(live.tool("search", Map.of("q", "gamma"), () -> "live")).isEqualTo("live");
        assertThat(live.liveCalls()).isEqualTo(1);
    }

    @Test
    void secretsAreRedactedBeforeWritingAndReplayStillMatches() throws Exception {
        TraceStore store = TraceStore.directory(dir);
        String apiKey = "sk-proj-abcdefghijklmnopqrstuvwxyz123456";
        String traceId;
        try (TraceCapture capture = ReplayEngine.captureBuilder("a").store(store).clock(clock)
                .redactor(Redactor.defaults().withPattern("ACME-\\d{6}", "[ACCOUNT]")).start()) {
            capture.llm("gpt-4o", Map.of("prompt", "hello", "api_key", apiKey, "headers", Map.of("Authorization", "Bearer abc.def.ghi123")),
                    () -> "Contact jane.doe@example.com about ACME-123456");
            capture.tool("crm", Map.of("note", "token " + apiKey), () -> "ok");
            traceId = capture.traceId();
        }
        String file = Files.readString(dir.resolve(traceId + ".jsonl"));
        assertThat(file).doesNotContain(apiKey).doesNotContain("abc.def.ghi123").doesNotContain("jane.doe@example.com")
                .doesNotContain("ACME-123456").contains("[REDACTED]").contains("[EMAIL]").contains("[ACCOUNT]");

        Replay replay = ReplayEngine.replay(store.load(traceId));
        replay.llm("gpt-4o", Map.of("prompt", "hello", "api_key", apiKey, "headers", Map.of("Authorization", "Bearer abc.def.ghi123")),
                () -> "live");
        assertThat(replay.tool("crm", Map.of("note", "token " + apiKey), () -> "live")).isEqualTo("ok");
        assertThat(replay.liveCalls()).isZero();
    }

    @Test
    void aFileCutMidLineLoadsTheWholeStepsAndReportsTheRest() throws Exception {
        Trace trace = record("I want a refund", "12345");
        Path file = dir.resolve(trace.traceId() + ".jsonl");
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String cut = String.join("\n", lines.subList(0, 5)) + "\n" + lines.get(5).substring(0, lines.get(5).length() / 2);
        Files.writeString(file, cut);

        Trace loaded = TraceStore.directory(dir).load(trace.traceId());
        assertThat(loaded.complete()).isFalse();
        assertThat(loaded.spans()).hasSize(4);
        assertThat(loaded.spans()).extracting(Span::matchKey).containsExactlyElementsOf(
                trace.spans().subList(0, 4).stream().map(Span::matchKey).toList());
        assertThat(loaded.problems()).anyMatch(p -> p.contains("line 6 is cut short"))
                .anyMatch(p -> p.contains("trace_end line is missing"));
    }

    @Test
    void theFileIsJsonLinesWithGenAiAttributes() throws Exception {
        Trace trace = record("I want a refund", "12345");
        List<String> lines = Files.readAllLines(dir.resolve(trace.traceId() + ".jsonl"));
        assertThat(lines).hasSize(trace.spans().size() + 2);
        assertThat(lines.get(0)).contains("\"schema\":\"agentsre.trace/v1\"");
        assertThat(lines.get(1)).contains("\"gen_ai.operation.name\":\"chat\"", "\"gen_ai.request.model\":\"gpt-4o\"",
                "\"gen_ai.usage.input_tokens\":1000", "\"gen_ai.usage.cost\":\"");
        assertThat(lines.get(3)).contains("\"gen_ai.tool.name\":\"lookup_order\"");
        assertThat(lines.get(lines.size() - 1)).contains("\"type\":\"trace_end\"", "\"steps\":7");
        BigDecimal first = trace.step(1).costUsd();
        assertThat(first).isEqualByComparingTo(PriceTable.defaults().cost("gpt-4o", TokenUsage.of(1_000, "REFUND".length())));
    }

    @Test
    void delegationsNestAndStepThroughShowsEveryStep() throws Exception {
        TraceCapture capture = ReplayEngine.captureBuilder("planner").clock(clock).start();
        capture.delegate("researcher", Map.of("topic", "SRE"), () -> {
            capture.tool("search", Map.of("q", "SRE"), () -> "results");
            return capture.llm("gpt-4o", Map.of("prompt", "summarise"), () -> "summary");
        });
        capture.tool("send", Map.of(), () -> "sent");
        Trace trace = capture.trace();
        assertThat(trace.spans()).extracting(Span::parentStep).containsExactly(0, 1, 1, 0);
        Iterator<Span> steps = ReplayEngine.replay(trace).stepThrough();
        List<String> names = new ArrayList<>();
        steps.forEachRemaining(s -> names.add(s.step() + ":" + s.name()));
        assertThat(names).containsExactly("1:researcher", "2:search", "3:gpt-4o", "4:send");
    }

    @Test
    void concurrentCapturesDoNotMix() throws Exception {
        TraceStore store = TraceStore.directory(dir);
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        Race.run(8, thread -> {
            try (TraceCapture capture = ReplayEngine.captureBuilder("agent-" + thread).store(store).start()) {
                for (int i = 0; i < 50; i++) {
                    int n = i;
                    capture.tool("tool", Map.of("thread", thread, "i", n), () -> thread * 1000 + n);
                }
                ids.add(capture.traceId());
            }
        });
        assertThat(ids).hasSize(8);
        for (String id : ids) {
            Trace trace = store.load(id);
            int thread = trace.step(1).request().get("thread").asInt();
            assertThat(trace.agentId()).isEqualTo("agent-" + thread);
            assertThat(trace.spans()).hasSize(50).allSatisfy(s -> assertThat(s.request().get("thread").asInt()).isEqualTo(thread));
            assertThat(trace.spans()).extracting(Span::step).containsExactlyElementsOf(
                    java.util.stream.IntStream.rangeClosed(1, 50).boxed().toList());
        }
    }

    @Test
    void theStoreValidatesIdsListsDeletesAndKeepsItsRetention() throws IOException {
        TraceStore store = TraceStore.directory(dir.resolve("nested")).withRetention(3, Duration.ofDays(7)).withClock(clock);
        assertThat(store.list()).isEmpty(); // the directory does not exist yet
        for (int i = 0; i < 5; i++) {
            TraceCapture capture = ReplayEngine.captureBuilder("a").traceId("trace-" + i).store(store).clock(clock).start();
            capture.tool("t", Map.of(), () -> "x");
            capture.close();
            clock.advance(Duration.ofMinutes(1));
        }
        assertThat(store.list()).containsExactly("trace-2", "trace-3", "trace-4");
        assertThat(store.delete("trace-3")).isTrue();
        assertThat(store.list()).containsExactly("trace-2", "trace-4");
        clock.advance(Duration.ofDays(8));
        assertThat(store.applyRetention()).isEqualTo(2);
        for (String bad : new String[] {"../etc/passwd", "a/b", ".hidden", "", "x".repeat(200)}) {
            assertThatThrownBy(() -> store.load(bad)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("traceId");
        }
        assertThatThrownBy(() -> store.load("missing")).hasMessageContaining("no trace with id 'missing'");
    }

    @Test
    void goldenTracesTolerateWhatTheyAreToldToAndSuitesHaveAPassRate() throws Exception {
        Trace golden = record("I want a refund", "12345");
        TraceCapture reworded = ReplayEngine.captureBuilder("support-bot").clock(clock).start();
        supportBot(new RewordingCalls(reworded), new FakeModel(clock), new FakeOrders(), "I want a refund", "12345");
        Trace actual = reworded.trace();

        GoldenTrace strict = GoldenTrace.of("refund", golden);
        assertThat(strict.check(actual).passed()).isFalse();
        assertThatThrownBy(() -> strict.assertMatches(actual)).isInstanceOf(AssertionError.class).hasMessageContaining("refund");

        GoldenTrace tolerant = strict.tolerate("response", FieldTolerance.textSimilarity(0.5))
                .tolerate("request.prompt", FieldTolerance.textSimilarity(0.5));
        assertThat(tolerant.check(actual).violations()).isEmpty();
        tolerant.assertMatches(actual);

        GoldenSuite.Report report = new GoldenSuite().add(tolerant).add(GoldenTrace.of("lookup", golden))
                .check(Map.of("refund", actual));
        assertThat(report.passRate()).isEqualTo(0.5);
        report.assertPassRate(0.5);
        assertThatThrownBy(() -> report.assertPassRate(0.9)).isInstanceOf(AssertionError.class).hasMessageContaining("lookup");
        assertThat(FieldTolerance.numeric(0.05, 0).accepts(com.fasterxml.jackson.databind.node.DoubleNode.valueOf(0.90),
                com.fasterxml.jackson.databind.node.DoubleNode.valueOf(0.94))).isTrue();
    }

    /** Records through {@code delegate} but appends " Thanks!" to every model answer: a reworded run. */
    private static final class RewordingCalls implements AgentCalls {
        private final AgentCalls delegate;

        RewordingCalls(AgentCalls delegate) {
            this.delegate = delegate;
        }

        @Override
        public <T, E extends Exception> T llm(String model, Object request, Call<T, E> call) throws E {
            return delegate.llm(model, request, call);
        }

        @Override
        public <T, E extends Exception> T llm(String model, Object request, Call<T, E> call,
                                              java.util.function.Function<? super T, TokenUsage> usage) throws E {
            return delegate.llm(model, request, () -> {
                T answer = call.call();
                @SuppressWarnings("unchecked")
                T reworded = answer instanceof String s && s.contains(" ") ? (T) (s + " Thanks!") : answer;
                return reworded;
            }, usage);
        }

        @Override
        public <T, E extends Exception> T tool(String name, Object arguments, Call<T, E> call) throws E {
            return delegate.tool(name, arguments, call);
        }

        @Override
        public <T, E extends Exception> T delegate(String agent, Object request, Call<T, E> call) throws E {
            return delegate.delegate(agent, request, call);
        }

        @Override
        public <T> T decision(String name, T value) {
            return delegate.decision(name, value);
        }

        @Override
        public <T> T sideEffect(String name, java.util.function.Supplier<T> supplier) {
            return delegate.sideEffect(name, supplier);
        }
    }
}
