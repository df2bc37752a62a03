package dev.agentsre.bench;

import dev.agentsre.chaos.ChaosExperiment;
import dev.agentsre.chaos.Fault;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What a chaos wrapper costs when it injects nothing: with no experiment running, and with a
 * running experiment whose faults target other calls. The wrapped callables are built once, as an
 * agent would keep them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class ChaosInjectorBenchmark {

    private final Object answer = new Object();
    private final Callable<Object> payload = () -> answer;
    private Callable<Object> idleWrapper;
    private Callable<Object> nonMatchingWrapper;

    @Setup
    public void setUp() {
        ChaosExperiment idle = ChaosExperiment.builder("idle")
                .fault(Fault.errorInjection("search_tool", "timeout", 0.5)).build();
        idleWrapper = idle.injector().wrap("search_tool", payload);

        ChaosExperiment running = ChaosExperiment.builder("running").duration(Duration.ofDays(1))
                .fault(Fault.errorInjection("other_tool", "timeout", 0.5))
                .fault(Fault.latencyInjection("openai-*", Duration.ofSeconds(1), 0.5)).build();
        running.start();
        nonMatchingWrapper = running.injector().wrap("search_tool", payload);
    }

    @Benchmark
    public Object directCall() throws Exception {
        return payload.call();
    }

    @Benchmark
    public Object noExperimentRunning() throws Exception {
        return idleWrapper.call();
    }

    @Benchmark
    public Object runningExperimentFaultsDoNotMatch() throws Exception {
        return nonMatchingWrapper.call();
    }
}
