package dev.agentsre.bench;

import dev.agentsre.breaker.CircuitBreaker;
import dev.agentsre.breaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Closed-state overhead of a guarded call: the same payload called directly, through our breaker
 * in three configurations, and through Resilience4j 2.x's {@code executeSupplier}. One breaker is
 * shared by all benchmark threads, as one agent's breaker is shared by its worker threads.
 *
 * <p>Resilience4j always keeps a count-based (here) sliding window and times every call for its
 * slow-call rate, so {@code agentSreRateAndSlowCalls} is the like-for-like configuration;
 * {@code agentSreDefault} (consecutive failures, the reference's mode) and
 * {@code agentSreFailureRate} show what the cheaper modes cost.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public abstract class CircuitBreakerBenchmark {

    private final Object answer = new Object();
    private final Supplier<Object> payload = () -> answer;

    private CircuitBreaker defaultBreaker;
    private CircuitBreaker rateBreaker;
    private CircuitBreaker rateAndSlowBreaker;
    private io.github.resilience4j.circuitbreaker.CircuitBreaker resilience4j;

    @Setup
    public void setUp() {
        defaultBreaker = CircuitBreaker.of("default", CircuitBreakerConfig.ofDefaults());
        rateBreaker = CircuitBreaker.of("rate", CircuitBreakerConfig.builder()
                .failureThreshold(0).failureRateThreshold(50).countBasedWindow(100).minimumCalls(10).build());
        rateAndSlowBreaker = CircuitBreaker.of("rate-slow", CircuitBreakerConfig.builder()
                .failureThreshold(0).failureRateThreshold(50).countBasedWindow(100).minimumCalls(10)
                .slowCallDuration(Duration.ofSeconds(60)).slowCallRateThreshold(100).build());
        resilience4j = io.github.resilience4j.circuitbreaker.CircuitBreaker.of("r4j",
                io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom()
                        .slidingWindowType(io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                        .slidingWindowSize(100)
                        .minimumNumberOfCalls(10)
                        .failureRateThreshold(50)
                        .slowCallDurationThreshold(Duration.ofSeconds(60))
                        .slowCallRateThreshold(100)
                        .build());
    }

    @Benchmark
    public Object directCall() {
        return payload.get();
    }

    @Benchmark
    public Object agentSreDefault() {
        return defaultBreaker.execute(payload);
    }

    @Benchmark
    public Object agentSreFailureRate() {
        return rateBreaker.execute(payload);
    }

    @Benchmark
    public Object agentSreRateAndSlowCalls() {
        return rateAndSlowBreaker.execute(payload);
    }

    @Benchmark
    public Object resilience4j() {
        return resilience4j.executeSupplier(payload);
    }

    /** One thread. */
    @Threads(1)
    public static class T1 extends CircuitBreakerBenchmark {
    }

    /** Two threads sharing each breaker. */
    @Threads(2)
    public static class T2 extends CircuitBreakerBenchmark {
    }
}
