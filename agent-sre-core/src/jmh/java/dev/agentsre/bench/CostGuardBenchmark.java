package dev.agentsre.bench;

import dev.agentsre.cost.CostDecision;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.CostAlert;
import dev.agentsre.cost.CostReservation;
import java.util.List;
import java.util.Map;
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
 * Cost guard hot paths with every budget on (per task, per agent per day, organisation per month),
 * auto-throttle and anomaly detection on. Limits are large enough never to trip during the run, so
 * every call takes the normal path; all threads charge the same agent (the worst case for
 * contention). The default clock (the system clock, read from its millisecond cache).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public abstract class CostGuardBenchmark {

    private static final Map<String, Double> BREAKDOWN = Map.of("input_tokens", 0.0001, "output_tokens", 0.0002);

    private CostGuard guard;

    @Setup
    public void setUp() {
        guard = CostGuard.builder()
                .perTaskLimit(100_000.00).perAgentDailyLimit(1_000_000.00).orgMonthlyBudget(9_000_000.00)
                .autoThrottle(true).anomalyDetection(true)
                .build();
    }

    @Benchmark
    public CostDecision checkTask() {
        return guard.checkTask("research-agent", 0.0003);
    }

    @Benchmark
    public List<CostAlert> recordCost() {
        return guard.recordCost("research-agent", "task-1", 0.0003);
    }

    @Benchmark
    public List<CostAlert> recordCostWithBreakdown() {
        return guard.recordCost("research-agent", "task-1", 0.0003, BREAKDOWN);
    }

    @Benchmark
    public List<CostAlert> reserveAndCommit(TaskIds ids) {
        CostReservation reservation = guard.reserve("research-agent", ids.next(), 0.0004);
        return reservation.commit(0.0003);
    }

    /** Task ids built up front, so the benchmark measures the guard, not string building. */
    @State(Scope.Thread)
    public static class TaskIds {
        private final String[] ids = new String[1024];
        /** The counter in the middle of an array of its own, not a field: see {@link dev.agentsre.bench.TaskIds#next}. */
        private final int[] counter = new int[64];

        @Setup
        public void setUp() {
            for (int i = 0; i < ids.length; i++) {
                ids[i] = "task-" + i;
            }
        }

        String next() {
            int next = (counter[32] + 1) & (ids.length - 1);
            counter[32] = next;
            return ids[next];
        }
    }

    /** One thread. */
    @Threads(1)
    public static class T1 extends CostGuardBenchmark {
    }

    /** Two threads on one guard and one agent. */
    @Threads(2)
    public static class T2 extends CostGuardBenchmark {
    }

    /** Four threads on one guard and one agent (two cores). */
    @Threads(4)
    public static class T4 extends CostGuardBenchmark {
    }
}
