package dev.agentsre.bench;

import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueDetectorConfig;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * How {@code recordAction} scales with threads: each thread its own agent ({@code ownAgent}) or every
 * thread one agent ({@code sharedAgent}, whose window and baseline are updated under its lock).
 * Profile registered, precomputed argument hashes, one fixed timestamp. Compare {@code T2} and
 * {@code T4} with {@code T1} (ns/op is per call per thread: throughput = threads / ns).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public abstract class RogueDetectorScalingBenchmark {

    private static final String[] TOOLS = {"search_kb", "create_ticket", "send_email", "lookup_order", "summarize"};
    private static final String SHARED = "shared-agent";

    private RogueAgentDetector detector;
    private Instant now;

    @Setup
    public void setUp() {
        detector = new RogueAgentDetector(RogueDetectorConfig.builder().build());
        detector.registerCapabilityProfile(SHARED, Set.of(TOOLS));
        now = Instant.now();
    }

    @Benchmark
    public void recordActionOwnAgent(TaskIds ids) {
        int i = ids.next();
        detector.recordAction(ids.agent, "work", TOOLS[(i & 0x7FFFFFFF) % TOOLS.length], now, i);
    }

    @Benchmark
    public void recordActionSharedAgent(TaskIds ids) {
        int i = ids.next();
        detector.recordAction(SHARED, "work", TOOLS[(i & 0x7FFFFFFF) % TOOLS.length], now, i);
    }

    /** One thread. */
    @Threads(1)
    public static class T1 extends RogueDetectorScalingBenchmark {
    }

    /** Two threads (the machine has two cores). */
    @Threads(2)
    public static class T2 extends RogueDetectorScalingBenchmark {
    }

    /** Four threads on two cores. */
    @Threads(4)
    public static class T4 extends RogueDetectorScalingBenchmark {
    }
}
