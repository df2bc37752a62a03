package dev.agentsre.bench;

import dev.agentsre.replay.ReplayEngine;
import dev.agentsre.replay.Trace;
import dev.agentsre.replay.TraceCapture;
import dev.agentsre.replay.TraceFormat;
import dev.agentsre.replay.TraceStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Replay recorder costs: recording one tool call with a small payload in memory and into a store
 * (each span appended to the trace file as it finishes; runs of 10,000 steps, then a new capture),
 * and reading a 10,000-step trace from its JSON Lines text.
 */
@State(Scope.Benchmark)
public class ReplayBenchmark {

    private static final Map<String, Object> ARGS = Map.of("order_id", "12345", "fields", java.util.List.of("status", "total"));
    private static final Map<String, Object> RESULT = Map.of("id", "12345", "status", "delivered", "total", 42.5);

    private TraceCapture capture;
    private int calls;
    private TraceCapture stored;
    private int storedCalls;
    private TraceStore store;
    private String tenThousandSteps;

    @Setup(Level.Iteration)
    public void newCaptures() throws IOException {
        newCapture();
        if (store == null) {
            Path shm = Path.of("/dev/shm");
            store = TraceStore.directory(Files.isDirectory(shm) ? Files.createTempDirectory(shm, "bench") : Files.createTempDirectory("bench"))
                    .withRetention(20, null);
        }
        newStoredCapture();
    }

    private void newCapture() {
        capture = ReplayEngine.captureBuilder("bench").start();
        calls = 0;
    }

    private void newStoredCapture() {
        if (stored != null) {
            stored.close();
        }
        stored = ReplayEngine.captureBuilder("bench").store(store).start();
        storedCalls = 0;
    }

    @TearDown(Level.Iteration)
    public void closeStored() {
        stored.close();
    }

    @TearDown(Level.Trial)
    public void deleteStore() throws IOException {
        try (var files = Files.walk(store.directory())) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Setup(Level.Trial)
    public void buildTrace() {
        TraceCapture big = ReplayEngine.captureBuilder("bench").start();
        for (int i = 0; i < 10_000; i++) {
            int n = i;
            big.tool("lookup_order", Map.of("order_id", String.valueOf(n)), () -> RESULT);
        }
        StringWriter out = new StringWriter();
        TraceFormat.write(big.trace(), out);
        tenThousandSteps = out.toString();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Object captureToolCall() {
        // A run of 10,000 steps, then a new run: a realistic trace size, not one that grows for the whole iteration.
        if (++calls == 10_000) {
            newCapture();
        }
        return capture.tool("lookup_order", ARGS, () -> RESULT);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Object captureToolCallIntoStore() {
        if (++storedCalls == 10_000) {
            newStoredCapture();
        }
        return stored.tool("lookup_order", ARGS, () -> RESULT);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public Trace load10000StepTrace() {
        return TraceFormat.read(new StringReader(tenThousandSteps));
    }
}
