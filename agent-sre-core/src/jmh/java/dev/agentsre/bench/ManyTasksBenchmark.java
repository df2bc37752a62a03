package dev.agentsre.bench;

import dev.agentsre.AgentSre;
import dev.agentsre.event.SreEventBus;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * An agent server's shape: {@value #TASKS} tasks in flight at once, every one a task of the same
 * agent charging the same organisation budget, through the whole pipeline of
 * {@link PipelineBenchmark} (one tool call each). Each invocation starts the {@value #TASKS} tasks
 * together and waits for all; the score is per task. On a JDK with virtual threads (21+) each task
 * runs on its own virtual thread; on Java 17 on a pool of {@value #TASKS} platform threads (the
 * report names which: see {@link #executorKind}). The run fails if any task was refused.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class ManyTasksBenchmark {

    static final int TASKS = 1_000;

    private final AtomicLong refused = new AtomicLong();
    private AgentSre sre;
    private ExecutorService executor;
    private String[] taskIds;
    private String[] queries;
    /** "virtual threads" or "1000 platform threads", printed at setup. */
    static String executorKind;

    @Setup(Level.Trial)
    public void setUp() {
        sre = BenchPipelines.everyComponent(new SreEventBus(), "search", refused).build();
        executor = threadPerTask();
        taskIds = new String[TASKS];
        queries = new String[TASKS];
        for (int i = 0; i < TASKS; i++) {
            taskIds[i] = "task-" + i;
            queries[i] = "query " + i;
        }
        System.out.println("ManyTasksBenchmark runs each task on " + executorKind);
    }

    /** A virtual thread per task where the JDK has them (21+), else a pool of TASKS platform threads. */
    private static ExecutorService threadPerTask() {
        try {
            ExecutorService virtual = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
            executorKind = "virtual threads";
            return virtual;
        } catch (ReflectiveOperationException noVirtualThreads) {
            executorKind = TASKS + " platform threads (no virtual threads on Java " + Runtime.version().feature() + ")";
            return Executors.newFixedThreadPool(TASKS);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        executor.shutdownNow();
        BenchPipelines.failIfRefused(refused);
    }

    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void thousandConcurrentTasksOneAgent() throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(TASKS);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < TASKS; i++) {
            String task = taskIds[i];
            String query = queries[i];
            executor.execute(() -> {
                try {
                    start.await();
                    sre.agent("shared-agent").task(task).estimatedCost(0.002).call(ctx -> ctx.tool("search", query, () -> query));
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            });
        }
        start.countDown();
        done.await();
        if (failure.get() != null) {
            throw new IllegalStateException("a task failed", failure.get());
        }
    }
}
