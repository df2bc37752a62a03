package dev.agentsre.bench;

import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.ExhaustionAction;
import dev.agentsre.slo.SloEvaluator;
import dev.agentsre.slo.SloTemplate;
import dev.agentsre.slo.Slis;
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
 * One scheduled round of an {@link SloEvaluator} over a template applied to 1,000 agents (a 99.5%
 * / 30-day budget with the four default alert tiers and a task-success indicator each), after a
 * day of traffic per agent. The bound: under 10 ms per round.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class SloEvaluatorBenchmark {

    @Param({"1000"})
    public int agents;

    private SloEvaluator evaluator;

    @Setup
    public void setUp() {
        ManualClock clock = ManualClock.at(Instant.parse("2026-01-01T00:00:00Z"));
        SloTemplate template = SloTemplate.builder("reliability")
                .indicator(() -> Slis.taskSuccessRate().clock(clock).build())
                .errorBudget(() -> ErrorBudget.builder().target(0.995).exhaustionAction(ExhaustionAction.THROTTLE).clock(clock).build())
                .clock(clock).maxAgents(agents).options(slo -> slo.evaluationInterval(Duration.ofDays(365))).build();
        // A day of traffic: every agent records 24 hourly batches, 1% of them bad.
        for (int hour = 0; hour < 24; hour++) {
            for (int a = 0; a < agents; a++) {
                template.forAgent("agent-" + a).errorBudget().recordEvents(99, 1);
            }
            clock.advance(Duration.ofHours(1));
        }
        evaluator = SloEvaluator.builder().template(template).build();
    }

    @Benchmark
    public int roundOf1000TemplatedSlos() {
        return evaluator.evaluateAll();
    }
}
