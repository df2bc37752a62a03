package dev.agentsre.bench;

import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.Slis;
import dev.agentsre.slo.Slo;
import dev.agentsre.slo.SloStatus;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@code evaluate()} and {@code burnRate()} after 0, 10,000 and 10,000,000 recorded events spread
 * over 30 days: the cost must not depend on the event count.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class SloEvaluateBenchmark {

    // A constant: the benchmark measures the read, not the making of its argument.
    private static final Duration ONE_HOUR = Duration.ofHours(1);

    @Param({"0", "10000", "10000000"})
    public long events;

    private Slo slo;
    private ErrorBudget budget;

    @Setup
    public void setUp() {
        ManualClock clock = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));
        budget = ErrorBudget.builder().total(0.005).clock(clock).build();
        slo = Slo.builder("bench").indicator(Slis.taskSuccessRate().clock(clock).build()).errorBudget(budget).build();
        long step = events == 0 ? 0 : Duration.ofDays(30).toMillis() / events;
        for (long i = 0; i < events; i++) {
            budget.recordEvent(i % 300 != 0);
            clock.advanceMillis(step);
        }
    }

    @Benchmark
    public SloStatus evaluate() {
        return slo.evaluate();
    }

    @Benchmark
    public double burnRate1h() {
        return budget.burnRate(ONE_HOUR);
    }

    @Benchmark
    public double remainingPercent() {
        return budget.remainingPercent();
    }
}
