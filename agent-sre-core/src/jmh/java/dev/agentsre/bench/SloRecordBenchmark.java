package dev.agentsre.bench;

import dev.agentsre.slo.AggregateSli;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.PercentileSli;
import dev.agentsre.slo.Slis;
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
 * Hot-path cost of recording into an error budget and into built-in indicators, on the default
 * clock (the system clock read from its millisecond cache; the read is part of the cost), with 1, 2 and 4 threads sharing one instance. {@code
 * errorBudgetRecordEventOwnBudget} is the baseline without sharing (a budget per thread): on a loaded
 * machine, the shared budget's cost next to it at the same thread count shows the contention left,
 * whatever share of the cores the threads get.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public abstract class SloRecordBenchmark {

    private ErrorBudget budget;
    private ErrorBudget timeslices;
    private AggregateSli successRate;
    private PercentileSli latency;

    @Setup
    public void setUp() {
        budget = ErrorBudget.builder().total(0.005).build();
        timeslices = ErrorBudget.builder().total(0.005).timeslices(java.time.Duration.ofMinutes(1), 0.95).build();
        successRate = Slis.taskSuccessRate().build();
        latency = Slis.responseLatency().build();
    }

    @Benchmark
    public void errorBudgetRecordEvent() {
        budget.recordEvent(true);
    }

    /** A budget per thread: nothing shared. */
    @State(Scope.Thread)
    public static class OwnBudget {
        ErrorBudget budget;

        @Setup
        public void setUp() {
            budget = ErrorBudget.builder().total(0.005).build();
        }
    }

    @Benchmark
    public void errorBudgetRecordEventOwnBudget(OwnBudget own) {
        own.budget.recordEvent(true);
    }

    /** A time-slice budget: the event is counted into the current slice under its lock. */
    @Benchmark
    public void timeslicesRecordEvent() {
        timeslices.recordEvent(true);
    }

    @Benchmark
    public void taskSuccessRateRecord() {
        successRate.record(true);
    }

    @Benchmark
    public void latencyP95Record() {
        latency.record(1_234.5);
    }

    /** One thread. */
    @Threads(1)
    public static class T1 extends SloRecordBenchmark {
    }

    /** Two threads on one budget. */
    @Threads(2)
    public static class T2 extends SloRecordBenchmark {
    }

    /** Four threads on one budget (the CI machine has two cores). */
    @Threads(4)
    public static class T4 extends SloRecordBenchmark {
    }
}
