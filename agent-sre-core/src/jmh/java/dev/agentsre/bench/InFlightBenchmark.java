package dev.agentsre.bench;

import dev.agentsre.AgentSre;
import dev.agentsre.TaskLimits;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.guard.CallGuard;
import dev.agentsre.guard.GuardedCall;
import dev.agentsre.guard.Outcome;
import dev.agentsre.replay.Call;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The in-flight path: what one guarded {@code ctx.llm} call costs over calling the same lambda
 * directly, with every in-memory guard on — a user guard observing every call, SLO accounting, task
 * limits (every limit set), the rogue detector's quarantine check, the cost guard checking the
 * running total against per-task, agent-daily and organisation-monthly budgets before the call and
 * pricing and charging the reported usage after it, the agent's breaker, a dependency breaker on the
 * model, an idle chaos experiment. Trace capture is off (it serialises every call; see the replay
 * benchmark).
 *
 * <p>{@code directCalls} / {@code guardedCalls}: {@value #CALLS} model calls, inside one task for the
 * guarded variant; JMH divides by {@value #CALLS}, so the task's own door and post-flight add about
 * 1/{@value #CALLS} of a task to each call. {@code directTask} / {@code guardedTask}: one whole task
 * (a tool call and a model call). Each thread is its own agent. The default clock (the system clock, read from its millisecond cache). The run fails if any
 * task or call was refused, so every measured call took the full path.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public abstract class InFlightBenchmark {

    static final int CALLS = 100;
    private static final TokenUsage USAGE = TokenUsage.of(1_200, 300);
    private static final Function<String, TokenUsage> USAGE_OF = reply -> USAGE;

    private AgentSre sre;
    private final AtomicLong refused = new AtomicLong();

    @Setup
    public void setUp() {
        CallGuard observer = new CallGuard() {
            @Override
            public void afterCall(GuardedCall call) {
                if (call.outcome() == Outcome.REFUSED) {
                    refused.incrementAndGet();
                }
            }
        };
        SreEventBus bus = new SreEventBus();
        sre = BenchPipelines.everyComponent(bus, "gpt-4o-mini", refused)
                .guard(observer)
                .taskLimits(TaskLimits.builder().maxModelCalls(1_000).maxToolCalls(1_000).maxTokens(100_000_000)
                        .maxDuration(Duration.ofHours(1)).build())
                .dependencyBreakers(CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().failureThreshold(5).build(), bus))
                .build();
    }

    @TearDown(Level.Trial)
    public void checkNothingWasRefused() {
        BenchPipelines.failIfRefused(refused);
    }

    private static String model(String prompt) {
        return prompt;
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public void directCalls(TaskIds ids, Blackhole bh) {
        String prompt = ids.request(ids.next());
        Call<String, RuntimeException> call = () -> model(prompt);
        for (int i = 0; i < CALLS; i++) {
            String reply = call.call();
            bh.consume(reply);
            bh.consume(USAGE_OF.apply(reply));
        }
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public Object guardedCalls(TaskIds ids, Blackhole bh) throws Exception {
        int n = ids.next();
        String prompt = ids.request(n);
        Call<String, RuntimeException> call = () -> model(prompt);
        return sre.agent(ids.agent).task(ids.task(n)).call(ctx -> {
            for (int i = 0; i < CALLS; i++) {
                bh.consume(ctx.llm("gpt-4o-mini", prompt, call, USAGE_OF));
            }
            return null;
        });
    }

    @Benchmark
    public Object directTask(TaskIds ids, Blackhole bh) {
        int n = ids.next();
        String prompt = ids.request(n);
        bh.consume(model(prompt));
        String reply = model(prompt);
        bh.consume(USAGE_OF.apply(reply));
        return reply;
    }

    @Benchmark
    public Object guardedTask(TaskIds ids) throws Exception {
        int n = ids.next();
        String prompt = ids.request(n);
        return sre.agent(ids.agent).task(ids.task(n)).estimatedCost(0.002).call(ctx -> {
            String docs = ctx.tool("search", prompt, () -> model(prompt));
            return ctx.llm("gpt-4o-mini", docs, () -> model(docs), USAGE_OF);
        });
    }

    /** One thread. */
    @Threads(1)
    public static class T1 extends InFlightBenchmark {
    }

    /** Two threads (the machine has two cores). */
    @Threads(2)
    public static class T2 extends InFlightBenchmark {
    }
}
