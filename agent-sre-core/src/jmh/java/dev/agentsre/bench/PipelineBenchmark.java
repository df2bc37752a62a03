package dev.agentsre.bench;

import dev.agentsre.AgentSre;
import dev.agentsre.event.SreEventBus;
import java.util.concurrent.TimeUnit;
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
 * The overhead of one guarded task with every in-memory component on: an SLO with a success-rate and
 * a latency indicator, a circuit breaker, a cost guard (reserve before, commit after, three budgets),
 * a rogue detector seeing the task's one tool call, and a chaos experiment configured but idle.
 * {@code direct} runs the same body (one tool call) without the pipeline; the overhead is the
 * difference. Trace capture is left out: it serialises every call to JSON on disk (see the replay
 * benchmark). Each thread is its own agent ({@code ownAgent}) or all share one ({@code sharedAgent}).
 * The default clock (the system clock, read from its millisecond cache). The run fails if any task was refused, so every measured call took the full path.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public abstract class PipelineBenchmark {


    private AgentSre sre;
    private final AtomicLong refused = new AtomicLong();

    @Setup
    public void setUp() {
        sre = BenchPipelines.everyComponent(new SreEventBus(), "search", refused).build();
    }

    @TearDown(Level.Trial)
    public void checkNothingWasRefused() {
        BenchPipelines.failIfRefused(refused);
    }

    private static String search(String query) {
        return query;
    }

    @Benchmark
    public String direct(TaskIds ids) {
        int n = ids.next();
        return search(ids.request(n));
    }

    @Benchmark
    public String ownAgent(TaskIds ids) throws Exception {
        return guarded(ids.agent, ids);
    }

    @Benchmark
    public String sharedAgent(TaskIds ids) throws Exception {
        return guarded("shared-agent", ids);
    }

    private String guarded(String agent, TaskIds ids) throws Exception {
        int n = ids.next();
        String query = ids.request(n);
        return sre.agent(agent).task(ids.task(n)).estimatedCost(0.002)
                .call(ctx -> ctx.tool("search", query, () -> search(query)));
    }

    /** One thread. */
    @Threads(1)
    public static class T1 extends PipelineBenchmark {
    }

    /** Two threads (the machine has two cores). */
    @Threads(2)
    public static class T2 extends PipelineBenchmark {
    }

    /** Four threads on two cores: no loss against two. */
    @Threads(4)
    public static class T4 extends PipelineBenchmark {
    }
}
