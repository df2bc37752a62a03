package dev.agentsre.bench;

import dev.agentsre.store.BudgetStore;
import dev.agentsre.store.ScopeLimit;
import dev.agentsre.store.SettleResult;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
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
 * A reservation and its commit over three scopes (agent day, tenant month, organisation month)
 * through a budget store: {@code redis} (a redis-server on loopback started for the trial, one
 * Lua script per call) against {@code memory} (the in-memory store). All threads share the same
 * scopes: the hot-key worst case. Run with {@code -t 1}, {@code -t 4}, {@code -t 16}; sample
 * mode gives p50/p99, throughput mode ops/s.
 */
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class SharedBudgetBenchmark {

    private static final Duration LEASE = Duration.ofMinutes(5);

    @Param({"redis", "memory"})
    public String store;

    private BenchRedis redis;
    private BudgetStore budgets;
    private List<ScopeLimit> scopes;

    @Setup(Level.Trial)
    public void setUp() {
        Instant now = Instant.now();
        long big = BudgetStore.MAX_AMOUNT_NANOS;
        scopes = List.of(ScopeLimit.daily("agent:research", big, now, ZoneOffset.UTC),
                ScopeLimit.monthly("tenant:acme", big, now, ZoneOffset.UTC),
                ScopeLimit.monthly("org", big, now, ZoneOffset.UTC));
        if (store.equals("redis")) {
            redis = BenchRedis.start();
            budgets = redis.store.budgets();
        } else {
            budgets = BudgetStore.inMemory();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (redis != null) {
            redis.close();
        } else {
            budgets.close();
        }
    }

    @Benchmark
    public SettleResult reserveAndCommit(Ids ids) {
        String id = ids.next();
        budgets.reserve(id, scopes, 400_000L, LEASE);
        return budgets.commit(id, 300_000L);
    }

    /** Reservation ids unique across threads and trials. */
    @State(Scope.Thread)
    public static class Ids {
        private static final AtomicInteger THREADS = new AtomicInteger();
        private String prefix;
        private long next;

        @Setup
        public void setUp() {
            prefix = "r-" + System.nanoTime() + "-" + THREADS.getAndIncrement() + "-";
        }

        String next() {
            return prefix + next++;
        }
    }
}
