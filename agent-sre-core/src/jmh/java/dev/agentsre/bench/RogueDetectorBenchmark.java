package dev.agentsre.bench;

import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueAssessment;
import dev.agentsre.anomaly.RogueDetectorConfig;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@code recordAction} (profile registered, precomputed argument hash, so the detector and not JSON
 * hashing is measured) and {@code assess} after 100, 10,000 and 1,000,000 recorded actions: the
 * latter must not depend on history length.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class RogueDetectorBenchmark {

    private static final String[] TOOLS = {"search_kb", "create_ticket", "send_email", "lookup_order", "summarize"};

    @Param({"100", "10000", "1000000"})
    public int history;

    private RogueAgentDetector detector;
    private Instant now;
    private long counter;

    @Setup(Level.Trial)
    public void setUp() {
        detector = new RogueAgentDetector(RogueDetectorConfig.builder().build());
        detector.registerCapabilityProfile("support-agent", Set.of(TOOLS));
        now = Instant.now();
        for (int i = 0; i < history; i++) {
            detector.recordAction("support-agent", "work", TOOLS[i % TOOLS.length], now, i);
        }
    }

    @Benchmark
    public void recordAction() {
        long i = counter++;
        detector.recordAction("support-agent", "work", TOOLS[(int) (i % TOOLS.length)], now, i);
    }

    @Benchmark
    public RogueAssessment assess() {
        return detector.assess("support-agent");
    }
}
