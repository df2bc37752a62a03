package dev.agentsre.bench;

import dev.agentsre.cost.CostAlert;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.CostReservation;
import java.util.List;
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
 * How the cost guard's charge and reservation paths scale with threads, all charging one
 * organisation budget: each thread its own agent ({@code ...OwnAgent}: the agent's day is
 * uncontended, the organisation's month is shared) or every thread one agent
 * ({@code ...SharedAgent}: the agent's day is shared too). Every budget is on (per task, per agent
 * per day, organisation per month), auto-throttle and anomaly detection on; the limits are large
 * enough never to trip, so every call takes the normal path. Compare the throughput of {@code T2}
 * and {@code T4} with {@code T1} (ns/op is per call per thread: throughput = threads / ns). The
 * default clock (the system clock, read from its millisecond cache).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public abstract class CostScalingBenchmark {

    private static final String SHARED = "shared-agent";

    private CostGuard guard;

    @Setup
    public void setUp() {
        guard = CostGuard.builder()
                .perTaskLimit(1_000.00).perAgentDailyLimit(1_000_000_000.00).orgMonthlyBudget(9_000_000_000.00)
                .autoThrottle(true).anomalyDetection(true)
                .build();
    }

    @Benchmark
    public List<CostAlert> recordCostOwnAgent(TaskIds ids) {
        return guard.recordCost(ids.agent, ids.task(ids.next()), 0.0003);
    }

    @Benchmark
    public List<CostAlert> recordCostSharedAgent(TaskIds ids) {
        return guard.recordCost(SHARED, ids.task(ids.next()), 0.0003);
    }

    @Benchmark
    public List<CostAlert> reserveCommitOwnAgent(TaskIds ids) {
        CostReservation reservation = guard.reserve(ids.agent, ids.task(ids.next()), 0.0004);
        return reservation.commit(0.0003);
    }

    @Benchmark
    public List<CostAlert> reserveCommitSharedAgent(TaskIds ids) {
        CostReservation reservation = guard.reserve(SHARED, ids.task(ids.next()), 0.0004);
        return reservation.commit(0.0003);
    }

    /** One thread. */
    @Threads(1)
    public static class T1 extends CostScalingBenchmark {
    }

    /** Two threads (the machine has two cores). */
    @Threads(2)
    public static class T2 extends CostScalingBenchmark {
    }

    /** Four threads on two cores: no loss against two. */
    @Threads(4)
    public static class T4 extends CostScalingBenchmark {
    }
}
