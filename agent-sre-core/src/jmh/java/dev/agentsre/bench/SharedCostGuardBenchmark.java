package dev.agentsre.bench;

import dev.agentsre.cost.CostAlert;
import dev.agentsre.cost.CostGuard;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code CostGuard.reserve(...).commit(...)} with the agent's day and the organisation's month
 * limited: {@code redis} keeps the budgets in a redis-server on loopback (started for the trial:
 * one reserve script and one commit script per task), {@code memory} is the guard with no store
 * (the default). Every thread charges the same agent: the hot-key worst case. Run with {@code -t 1},
 * {@code -t 4}, {@code -t 16}; sample mode gives p50/p99, throughput mode ops/s.
 */
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class SharedCostGuardBenchmark {

    @Param({"redis", "memory"})
    public String store;

    private BenchRedis redis;
    private CostGuard guard;

    @Setup(Level.Trial)
    public void setUp() {
        CostGuard.Builder builder = CostGuard.builder().perAgentDailyLimit(1_000_000.00).orgMonthlyBudget(9_000_000.00);
        if (store.equals("redis")) {
            redis = BenchRedis.start();
            builder.budgetStore(redis.store.budgets());
        }
        guard = builder.build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (redis != null) {
            redis.close();
        }
    }

    @Benchmark
    public List<CostAlert> reserveAndCommit(Tasks tasks) {
        return guard.reserve("research-agent", tasks.next(), 0.0004).commit(0.0003);
    }

    /** Task ids unique per thread. */
    @State(Scope.Thread)
    public static class Tasks {
        private static final AtomicInteger THREADS = new AtomicInteger();
        private String prefix;
        private long next;

        @Setup
        public void setUp() {
            prefix = "t" + THREADS.getAndIncrement() + "-";
        }

        String next() {
            return prefix + next++;
        }
    }
}
