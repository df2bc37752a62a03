package dev.agentsre.bench;

import dev.agentsre.AgentSre;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueDetectorConfig;
import dev.agentsre.breaker.CircuitBreaker;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.cost.CostAlert;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.event.TaskRefused;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * New-id churn at the caps: every operation meets an id the component has never seen (or evicted
 * long ago), with the component already holding its cap of 10,000 ids, so every operation creates
 * an entry and evicts one. Measures the eviction path the review found collapsing (a lock and a
 * full sort per new id): the cost guard charging a new agent, the breaker registry handing out a
 * breaker for a new agent, and a whole pipeline task of a new agent (breaker, cost guard and rogue
 * detector each at their default cap of 10,000 once the warm-up has run). Nothing is pinned: agents
 * have no daily limit (their spend is still tracked against the organisation's budget), breakers stay
 * closed, nobody is quarantined.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public abstract class CapChurnBenchmark {

    static final int CAP = 10_000;

    private CostGuard guard;
    private CircuitBreakerRegistry registry;
    private AgentSre pipeline;
    private final AtomicLong refused = new AtomicLong();

    @Setup(Level.Trial)
    public void setUp() {
        guard = CostGuard.builder().orgMonthlyBudget(9e9).maxAgents(CAP).build();
        registry = CircuitBreakerRegistry.builder().defaultConfig(CircuitBreakerConfig.ofDefaults()).maxBreakers(CAP).build();
        SreEventBus bus = new SreEventBus();
        bus.subscribe(TaskRefused.class, e -> refused.incrementAndGet());
        pipeline = AgentSre.builder().eventBus(bus)
                .breakers(CircuitBreakerRegistry.of(CircuitBreakerConfig.ofDefaults(), bus))
                .costGuard(CostGuard.builder().perTaskLimit(1_000).orgMonthlyBudget(9e9).eventBus(bus).build())
                .rogueDetector(new RogueAgentDetector(RogueDetectorConfig.ofDefaults(), bus))
                .build();
        for (int i = 0; i < CAP; i++) {
            String id = "warm-" + i;
            guard.recordCost(id, "t", 0.001);
            registry.get(id);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        BenchPipelines.failIfRefused(refused);
    }

    @Benchmark
    public List<CostAlert> costGuardNewAgent(NewIds ids) {
        return guard.recordCost(ids.next(), "t", 0.001);
    }

    @Benchmark
    public CircuitBreaker breakerRegistryNewAgent(NewIds ids) {
        return registry.get(ids.next());
    }

    @Benchmark
    public String pipelineNewAgent(NewIds ids) throws Exception {
        return pipeline.agent(ids.next()).task("t").estimatedCost(0.001)
                .call(ctx -> ctx.tool("search", Map.of("q", "x"), () -> "ok"));
    }

    /** Ids no component has seen recently: 2^18 per thread, far more than the cap, built up front. */
    @State(Scope.Thread)
    public static class NewIds {
        private static final AtomicInteger THREADS = new AtomicInteger();
        private final String[] ids = new String[1 << 18];
        private int next;

        @Setup(Level.Trial)
        public void setUp() {
            int thread = THREADS.getAndIncrement();
            for (int i = 0; i < ids.length; i++) {
                ids[i] = "agent-" + thread + "-" + i;
            }
        }

        String next() {
            next = (next + 1) & (ids.length - 1);
            return ids[next];
        }
    }

    /** One thread. */
    @Threads(1)
    public static class T1 extends CapChurnBenchmark {
    }

    /** Two threads. */
    @Threads(2)
    public static class T2 extends CapChurnBenchmark {
    }
}
