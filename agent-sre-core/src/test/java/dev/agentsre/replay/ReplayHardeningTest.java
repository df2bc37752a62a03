package dev.agentsre.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.agentsre.redact.Redactor;
import dev.agentsre.testing.Race;
import dev.agentsre.testing.RamDirectory;
import dev.agentsre.testing.ManualClock;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jol.info.GraphLayout;

/** Regression tests of issue 14 ("Hardening II"), defects 1 to 6: replay. */
class ReplayHardeningTest {

    @TempDir
    Path dir;

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-08-01T09:00:00Z"));

    private Trace oneStepTrace(String id) {
        TraceCapture capture = ReplayEngine.captureBuilder("a").traceId(id).clock(clock).start();
        capture.tool("t", Map.of("i", id), () -> "ok");
        capture.close();
        return capture.trace();
    }

    // ---- defect 1: retention on every save, and concurrent saves racing ---------------------------------

    /** Defect 1: 113 of 1,200 concurrent saves threw NoSuchFileException; now 16 × 1,000 saves all succeed and retention holds. */
    @Test
    void sixteenThreadsSavingAThousandTracesEachWithRetentionNeverFailAndKeepExactlyTheLimit() throws Exception {
        try (RamDirectory ram = RamDirectory.create("traces")) {
            sixteenThreadsSaveAThousandTracesEach(ram.path());
        }
    }

    private void sixteenThreadsSaveAThousandTracesEach(Path dir) throws Exception {
        TraceStore store = TraceStore.directory(dir).withRetention(200, Duration.ofDays(1)).withClock(clock);
        List<Trace> traces = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            traces.add(oneStepTrace("t-" + i));
        }
        AtomicInteger failures = new AtomicInteger();
        Race.run(16, thread -> {
            for (Trace trace : traces) {
                try {
                    store.save(new Trace(trace.traceId() + "-" + thread, trace.agentId(), null, trace.startTime(), trace.endTime(),
                            trace.spans(), true, List.of()));
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                }
            }
        });
        assertThat(failures).hasValue(0);
        assertThat(store.list()).hasSize(200);
        try (var files = Files.list(dir)) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith(".tmp"))).isEmpty();
        }
    }

    /**
     * Defect 1: a directory listing taken while other threads rename files in can miss a trace that was
     * there all along; the rebuilt index must not forget it, or retention stops counting its file.
     */
    @Test
    void aTraceMissingFromARacingListingIsStillCountedByRetention() throws Exception {
        try (RamDirectory ram = RamDirectory.create("traces")) {
            TraceStore store = TraceStore.directory(ram.path()).withRetention(3, null).withClock(clock);
            for (int i = 0; i < 3; i++) {
                store.save(oneStepTrace("t-" + i));
            }
            store.simulateListingMisses("t-1"::equals);
            store.applyRetention();
            store.simulateListingMisses(null);
            store.save(oneStepTrace("t-3"));
            assertThat(store.list()).hasSize(3).doesNotContain("t-0");
        }
    }

    /** Defect 1: retention listed and stat-ed the whole directory on every save. */
    @Test
    void retentionAfterASaveDoesNotListTheDirectory() throws Exception {
        try (RamDirectory ram = RamDirectory.create("traces")) {
            TraceStore store = TraceStore.directory(ram.path()).withRetention(100, null).withClock(clock);
            for (int i = 0; i < 2_500; i++) {
                store.save(oneStepTrace("t-" + i));
            }
            // one listing to build the index, then one rebuild per 1,000 writes
            assertThat(store.directoryScans()).isLessThanOrEqualTo(3);
            assertThat(store.list()).hasSize(100).first().isEqualTo("t-2400");
        }
    }

    /** Defect 1 and 2: a directory entry that vanishes (or cannot be stat-ed) no longer fails every save. */
    @Test
    void aDanglingEntryInTheDirectoryDoesNotFailSaves() throws Exception {
        Files.createSymbolicLink(dir.resolve("gone.jsonl"), dir.resolve("nowhere"));
        TraceStore store = TraceStore.directory(dir).withRetention(5, null).withClock(clock);
        for (int i = 0; i < 10; i++) {
            store.save(oneStepTrace("t-" + i));
        }
        assertThat(store.applyRetention()).isGreaterThanOrEqualTo(0);
        assertThat(store.list()).contains("t-9");
    }

    // ---- defect 2: damaged files, huge strings, bad ids -----------------------------------------------------

    private Path recordWithUnicode(TraceStore store) {
        try (TraceCapture capture = ReplayEngine.captureBuilder("a").traceId("unicode").store(store).clock(clock).start()) {
            for (int i = 0; i < 5; i++) {
                int n = i;
                capture.llm("gpt-4o", Map.of("prompt", "Grüße " + n), () -> "Schöne Grüße aus München 😀 " + n);
            }
        }
        return dir.resolve("unicode.jsonl");
    }

    /** The byte offset in a UTF-8 file of {@code what}, looked for after the last {@code after} (or from the start). */
    private static int byteOffset(byte[] utf8, String what, String after) {
        String text = new String(utf8, StandardCharsets.UTF_8);
        int at = text.indexOf(what, after == null ? 0 : text.lastIndexOf(after));
        return text.substring(0, at).getBytes(StandardCharsets.UTF_8).length;
    }

    /** Defect 2: a file cut inside a multi-byte character loaded no steps at all. */
    @Test
    void aFileCutInsideAMultiByteCharacterLoadsEveryWholeStep() throws Exception {
        TraceStore store = TraceStore.directory(dir).withClock(clock);
        Path file = recordWithUnicode(store);
        byte[] bytes = Files.readAllBytes(file);
        int cut = byteOffset(bytes, "😀", "\"kind\":\"LLM\"") + 2; // inside the last line's 4-byte character
        Files.write(file, java.util.Arrays.copyOf(bytes, cut));

        Trace loaded = store.load("unicode");
        assertThat(loaded.complete()).isFalse();
        assertThat(loaded.spans()).hasSize(4).extracting(Span::step).containsExactly(1, 2, 3, 4);
        assertThat(loaded.step(4).response().asText()).isEqualTo("Schöne Grüße aus München 😀 3");
        assertThat(loaded.problems()).anyMatch(p -> p.startsWith("line 6 is cut short"));
    }

    /** Defect 2: one line of invalid UTF-8 loaded no steps at all. */
    @Test
    void oneLineOfInvalidUtf8IsReportedAndTheOthersLoad() throws Exception {
        TraceStore store = TraceStore.directory(dir).withClock(clock);
        Path file = recordWithUnicode(store);
        byte[] bytes = Files.readAllBytes(file);
        bytes[byteOffset(bytes, "Grüße 2", null) + 3] = (byte) 0xFF; // the ü of line 4 (step 3) becomes an invalid byte
        Files.write(file, bytes);

        Trace loaded = store.load("unicode");
        assertThat(loaded.spans()).extracting(Span::step).containsExactly(1, 2, 4, 5);
        assertThat(loaded.problems()).anyMatch(p -> p.startsWith("line 4 is cut short, not valid UTF-8"))
                .anyMatch(p -> p.equals("step 3 is missing"));
    }

    /** Defect 2: a span line missing a field loaded no steps at all. */
    @Test
    void aSpanLineMissingAFieldIsReportedAndTheOtherStepsLoad() throws Exception {
        TraceStore store = TraceStore.directory(dir).withClock(clock);
        Path file = recordWithUnicode(store);
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(2, lines.get(2).replace("\"kind\":\"LLM\",", ""));
        lines.set(3, lines.get(3).replace("\"start_time\"", "\"started\""));
        Files.write(file, lines);

        Trace loaded = store.load("unicode");
        assertThat(loaded.spans()).extracting(Span::step).containsExactly(1, 4, 5);
        assertThat(loaded.problems()).anyMatch(p -> p.contains("line 3: span has no valid 'kind'"))
                .anyMatch(p -> p.contains("line 4: span has no valid 'start_time'"));
    }

    /** Defect 2: a 21M-character response was written but dropped on read (Jackson's 20M string limit). */
    @Test
    void aTwentyOneMillionCharacterResponseIsReadBack() {
        TraceStore store = TraceStore.directory(dir).withClock(clock);
        String huge = "x".repeat(21_000_000);
        try (TraceCapture capture = ReplayEngine.captureBuilder("a").traceId("huge").store(store).clock(clock)
                .redactor(Redactor.none()).start()) {
            capture.llm("gpt-4o", Map.of("prompt", "write a lot"), () -> huge);
        }
        Trace loaded = store.load("huge");
        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.step(1).response().textValue()).hasSize(21_000_000);
    }

    /** Defect 2: traceId("../../etc/passwd") was accepted and only failed at close(), losing the trace. */
    @Test
    void anInvalidTraceIdIsRejectedWhenTheCaptureIsConfigured() {
        for (String bad : new String[] {"../../etc/passwd", "a/b", ".hidden", "x".repeat(200)}) {
            assertThatThrownBy(() -> ReplayEngine.captureBuilder("a").traceId(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("traceId").hasMessageContaining(bad);
        }
    }

    // ---- defect 3: recording must never fail a call that succeeded -----------------------------------------

    /** A result type Jackson cannot write (it holds an Instant, and core has no JSR-310 module). */
    public record Stamp(String id, Instant at) {
    }

    /** Defect 3: a tool returning an Instant ran, then the agent got IllegalArgumentException from the canonical JSON. */
    @Test
    void aToolReturningAnInstantSucceedsAndReplaySaysWhatItCouldNotRecord() {
        Instant now = Instant.parse("2026-08-01T09:30:00Z");
        TraceCapture capture = ReplayEngine.captureBuilder("a").clock(clock).start();
        AtomicInteger sideEffects = new AtomicInteger();
        assertThat(capture.tool("clock", Map.of("tz", "UTC"), () -> {
            sideEffects.incrementAndGet();
            return now;
        })).isEqualTo(now);
        Stamp stamp = new Stamp("s-1", now);
        assertThat(capture.tool("stamp", now, () -> stamp)).isSameAs(stamp); // an unwritable request, too
        assertThat(capture.llm("gpt-4o", "hi", () -> "hello", answer -> {
            throw new IllegalStateException("usage parser broke");
        })).isEqualTo("hello");
        capture.close();
        assertThat(sideEffects).hasValue(1);

        Trace trace = capture.trace();
        assertThat(trace.step(1).responseType()).isEqualTo("java.time.Instant");
        assertThat(trace.step(1).attributes()).containsEntry("agentsre.response.encoding", "toString");
        assertThat(trace.step(2).attributes()).containsEntry("agentsre.request.encoding", "toString");
        assertThat(trace.step(2).response().asText()).contains("s-1");

        Replay replay = ReplayEngine.replay(trace, ReplayOptions.strict().allowTypes(Stamp.class));
        assertThat(replay.tool("clock", Map.of("tz", "UTC"), () -> Instant.EPOCH)).isEqualTo(now); // java.time parses back
        assertThatThrownBy(() -> replay.tool("stamp", now, () -> stamp)).isInstanceOfSatisfying(UnreplayableStepException.class, e -> {
            assertThat(e.step()).isEqualTo(2);
            assertThat(e.recordedType()).isEqualTo(Stamp.class.getName());
            assertThat(e.getMessage()).contains("could not be written as JSON").contains("toString()");
        });
    }

    // ---- defect 4: replay built whatever class a trace named ---------------------------------------------------

    /** A class whose construction has a side effect: what a doctored trace would name. */
    public static final class Gadget {
        static final AtomicInteger BUILT = new AtomicInteger();
        public int x;

        public Gadget() {
            BUILT.incrementAndGet();
        }
    }

    /** An exception whose construction has a side effect. */
    public static final class GadgetException extends RuntimeException {
        static final AtomicInteger BUILT = new AtomicInteger();

        public GadgetException(String message) {
            super(message);
            BUILT.incrementAndGet();
        }
    }

    /** Defect 4: replay instantiated whatever class a trace file named. */
    @Test
    void replayBuildsOnlyTheTypesItIsAllowedToFromATrace() throws Exception {
        TraceStore store = TraceStore.directory(dir).withClock(clock);
        try (TraceCapture capture = ReplayEngine.captureBuilder("a").traceId("doctored").store(store).clock(clock).start()) {
            capture.tool("config", Map.of(), () -> Map.of("x", 1));
            try {
                capture.tool("fail", Map.of(), () -> {
                    throw new IllegalStateException("boom");
                });
            } catch (IllegalStateException expected) {
                // recorded
            }
        }
        Path file = dir.resolve("doctored.jsonl");
        String doctored = Files.readString(file).replaceFirst("\"response_type\":\"[^\"]+\"",
                        java.util.regex.Matcher.quoteReplacement("\"response_type\":\"" + Gadget.class.getName() + "\""))
                .replace("\"error.type\":\"java.lang.IllegalStateException\"", "\"error.type\":\"" + GadgetException.class.getName() + "\"");
        Files.writeString(file, doctored);
        Trace trace = store.load("doctored");
        Gadget.BUILT.set(0);
        GadgetException.BUILT.set(0);

        Replay replay = ReplayEngine.replay(trace);
        assertThatThrownBy(() -> replay.tool("config", Map.of(), () -> null)).isInstanceOf(UnreplayableStepException.class)
                .hasMessageContaining(Gadget.class.getName()).hasMessageContaining("allowTypes");
        assertThatThrownBy(() -> replay.tool("fail", Map.of(), () -> null)).isInstanceOf(ReplayedFailureException.class)
                .hasMessageContaining("boom");
        assertThat(Gadget.BUILT).hasValue(0);
        assertThat(GadgetException.BUILT).hasValue(0);

        Replay allowed = ReplayEngine.replay(trace, ReplayOptions.strict().allowTypes(Gadget.class).allowPackages("dev.agentsre.replay"));
        assertThat(allowed.tool("config", Map.of(), () -> (Gadget) null)).isInstanceOf(Gadget.class);
        assertThatThrownBy(() -> allowed.tool("fail", Map.of(), () -> null)).isInstanceOf(GadgetException.class);
        assertThatThrownBy(() -> ReplayOptions.strict().allowPackages("java.lang")).hasMessageContaining("allowedPackages");
        // a trace this process recorded itself (a shadow run) may opt into any type
        assertThat(ReplayEngine.replay(trace, ReplayOptions.strict().allowAnyType()).tool("config", Map.of(), () -> (Gadget) null))
                .isInstanceOf(Gadget.class);
    }

    // ---- defect 5: matching and diffing must agree -----------------------------------------------------------------

    /** Defect 5: a strict or keyed replay diverged on a request differing only in a timestamp, which diff calls identical. */
    @Test
    void aRequestThatDiffersOnlyInATimestampMatchesInStrictAndKeyedReplayAsDiffSays() {
        TraceCapture capture = ReplayEngine.captureBuilder("a").clock(clock).start();
        capture.tool("search", Map.of("q", "refund", "sent_at", "2026-08-01T09:00:00Z", "timestamp", 1_754_038_800, "limit", 10),
                () -> "A");
        capture.tool("search", Map.of("q", "other", "limit", 10), () -> "B");
        Trace recorded = capture.trace();

        Map<String, Object> later = Map.of("q", "refund", "sent_at", "2026-08-02T10:11:12.345Z", "timestamp", 1_754_125_872, "limit", 10.0);
        for (ReplayOptions options : List.of(ReplayOptions.strict(), ReplayOptions.keyed())) {
            Replay replay = ReplayEngine.replay(recorded, options);
            assertThat(replay.tool("search", later, () -> "live")).isEqualTo("A");
            assertThat(replay.tool("search", Map.of("q", "other", "limit", 10), () -> "live")).isEqualTo("B");
            assertThat(replay.liveCalls()).isZero();
            assertThat(ReplayEngine.diff(recorded, replay.finish()).identical()).isTrue();
        }
        Replay strict = ReplayEngine.replay(recorded);
        assertThatThrownBy(() -> strict.tool("search", Map.of("q", "refunds", "sent_at", "2026-08-03T00:00:00Z", "limit", 10), () -> "x"))
                .isInstanceOfSatisfying(ReplayDivergenceException.class, e -> assertThat(e.differences())
                        .extracting(FieldDifference::path).containsExactly("request.q"));
    }

    // ---- defect 6: memory, crashes, quadratic keyed replay and diff, ThreadLocal leak ---------------------------------

    /** Defect 6: a trace was held whole in memory until close(), so a crashed run (kill -9) left nothing. */
    @Test
    void aRunThatNeverClosesLeavesEveryStepThatFinished() {
        TraceStore store = TraceStore.directory(dir).withClock(clock);
        TraceCapture capture = ReplayEngine.captureBuilder("a").traceId("crashed").store(store).clock(clock).start();
        capture.tool("one", Map.of(), () -> 1);
        capture.delegate("researcher", Map.of(), () -> {
            capture.tool("two", Map.of(), () -> 2);
            capture.tool("three", Map.of(), () -> 3);
            // the process dies here: the delegation (step 2) never returns, nothing is closed
            Trace onDisk = store.load("crashed");
            assertThat(onDisk.spans()).extracting(Span::name).containsExactly("one", "two", "three");
            assertThat(onDisk.complete()).isFalse();
            assertThat(onDisk.problems()).contains("step 2 is missing").anyMatch(p -> p.startsWith("the trace_end line is missing"));
            return "x";
        });
        capture.close();
        assertThat(store.load("crashed").complete()).isTrue();
        assertThat(store.load("crashed").spans()).extracting(Span::name).containsExactly("one", "researcher", "two", "three");
    }

    /** Defect 6: 50 KB prompts × many steps were all held in memory (gigabytes at 100,000 steps). */
    @Test
    void aCaptureWithAStoreHoldsOnlyTheCallsInFlight() throws Exception {
        try (RamDirectory ram = RamDirectory.create("traces")) {
            TraceStore store = TraceStore.directory(ram.path()).withClock(clock);
            String prompt = "please summarise the attached report ".repeat(1_400); // 50 KB of words
            try (TraceCapture capture = ReplayEngine.captureBuilder("a").store(store).clock(clock).start()) {
                capture.llm("gpt-4o", Map.of("prompt", prompt + -1), () -> "ok");
                long afterOne = GraphLayout.parseInstance(capture).totalSize();
                for (int i = 0; i < 100; i++) {
                    capture.llm("gpt-4o", Map.of("prompt", prompt + i), () -> "ok"); // a distinct 50 KB string each time
                }
                // 100 × 50 KB of prompts (10 MB as Java strings) went to the file; what the capture reaches did not grow with them
                assertThat(GraphLayout.parseInstance(capture).totalSize() - afterOne).isLessThan(1024 * 1024);
            }
            assertThat(store.load(store.list().get(0)).spans()).hasSize(101);
        }
    }

    /** Defect 6: without a store, the bytes held are bounded too. */
    @Test
    void aCaptureWithoutAStoreKeepsAtMostItsByteBoundAndSaysWhatItLeftOut() {
        String prompt = "please summarise the attached report ".repeat(1_400); // 50 KB of words
        TraceCapture capture = ReplayEngine.captureBuilder("a").clock(clock).maxBytesInMemory(2_000_000).start();
        for (int i = 0; i < 100; i++) {
            assertThat(capture.llm("gpt-4o", Map.of("prompt", prompt, "i", i), () -> "ok")).isEqualTo("ok");
        }
        Trace trace = capture.trace();
        assertThat(trace.spans()).hasSizeBetween(10, 20);
        assertThat(trace.complete()).isFalse();
        assertThat(trace.problems()).singleElement().asString().contains("steps were left out").contains("2000000 bytes");
    }

    /** Defect 6: a keyed replay ran a JSON diff against every earlier span of the same name (O(n²)). */
    @Test
    void keyedReplayOfTwentyThousandCallsToOneToolIsNotQuadratic() {
        TraceCapture capture = ReplayEngine.captureBuilder("a").clock(clock).maxSteps(20_000).start();
        for (int i = 0; i < 20_000; i++) {
            int n = i;
            capture.tool("lookup", Map.of("order", n, "fields", List.of("status", "total")), () -> n);
        }
        Trace trace = capture.trace();
        // Generous guard (the fix takes well under a second; the quadratic matcher took minutes): not a measurement.
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Replay replay = ReplayEngine.replay(trace, ReplayOptions.keyed());
            for (int i = 19_999; i >= 0; i--) {
                int n = i;
                assertThat(replay.tool("lookup", Map.of("order", n, "fields", List.of("status", "total")), () -> -1)).isEqualTo(n);
            }
        });
    }

    /** Defect 6: TraceDiff allocated an int[n+1][m+1] table (100 MB at its limit). */
    @Test
    void diffingTwoLongDifferentRunsAllocatesLinearMemory() {
        Trace a = run("a", 5_000, 0);
        Trace b = run("b", 5_000, 7);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        TraceDiff diff = ReplayEngine.diff(a, b);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(diff.changes()).isNotEmpty();
        assertThat(allocated).isLessThan(40L * 1024 * 1024); // the table alone was 100 MB
    }

    /** A run of {@code steps} tool calls named by a pattern that shifts with {@code seed}. */
    private Trace run(String agent, int steps, int seed) {
        TraceCapture capture = ReplayEngine.captureBuilder(agent).clock(clock).start();
        for (int i = 0; i < steps; i++) {
            int n = i;
            capture.tool("tool-" + ((i * 31 + seed) % 97), Map.of("i", n), () -> n);
        }
        return capture.trace();
    }

    /** Defect 6: a per-instance ThreadLocal per capture left an entry on every pooled thread it ran on. */
    @Test
    void capturesOnAPooledThreadLeaveNoThreadLocalEntriesBehind() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            int baseline = pool.submit(ReplayHardeningTest::threadLocalEntries).get(30, TimeUnit.SECONDS);
            Future<Integer> after = pool.submit(() -> {
                for (int i = 0; i < 1_000; i++) {
                    TraceCapture capture = ReplayEngine.captureBuilder("a").clock(clock).start();
                    capture.delegate("b", Map.of(), () -> capture.tool("t", Map.of(), () -> 1));
                    capture.close();
                }
                return threadLocalEntries();
            });
            assertThat(after.get(60, TimeUnit.SECONDS)).isLessThanOrEqualTo(baseline + 2);
            assertThat(pool.submit(SpanRecorder::framesOnThisThread).get(30, TimeUnit.SECONDS)).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    /** Entries in the current thread's ThreadLocalMap (needs --add-opens java.base/java.lang). */
    private static int threadLocalEntries() throws ReflectiveOperationException {
        Field threadLocals = Thread.class.getDeclaredField("threadLocals");
        threadLocals.setAccessible(true);
        Object map = threadLocals.get(Thread.currentThread());
        if (map == null) {
            return 0;
        }
        Field size = map.getClass().getDeclaredField("size");
        size.setAccessible(true);
        return (int) size.get(map);
    }
}
