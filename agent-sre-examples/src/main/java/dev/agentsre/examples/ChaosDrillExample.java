package dev.agentsre.examples;

import dev.agentsre.chaos.AbortCondition;
import dev.agentsre.chaos.ChaosExperiment;
import dev.agentsre.chaos.ExperimentState;
import dev.agentsre.chaos.Fault;
import dev.agentsre.chaos.ResilienceScore;
import dev.agentsre.chaos.Sleeper;
import dev.agentsre.event.ExperimentStateChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A chaos drill on a virtual clock: a code-review agent with a retry-once policy runs under LLM
 * latency and search errors (passes, scored), then under a full LLM outage (aborted by its own
 * measured success rate).
 */
public final class ChaosDrillExample {

    private ChaosDrillExample() {
    }

    /** What happened, for the test. */
    public record Outcome(ResilienceScore firstScore, ExperimentState secondState, String abortReason, List<String> log) {
    }

    /** Runs the drill on {@code clock}. */
    public static Outcome run(ManualClock clock) {
        SreEventBus bus = new SreEventBus();
        List<String> log = new ArrayList<>();
        bus.subscribe(ExperimentStateChanged.class, e -> log.add(e.timestamp() + " " + e.experiment() + ": " + e.from() + " -> "
                + e.to() + " (" + e.reason() + ")"));
        Sleeper virtualSleep = clock::advance; // injected latency moves the virtual clock instead of sleeping

        ChaosExperiment latency = ChaosExperiment.builder("llm-latency-resilience")
                .targetAgent("code-reviewer")
                .fault(Fault.latencyInjection("openai-api", Duration.ofSeconds(5), Duration.ofSeconds(1), 0.3))
                .fault(Fault.errorInjection("search_tool", "timeout", 0.1))
                .abortCondition(AbortCondition.atMost(ChaosExperiment.SUCCESS_RATE, 0.5))
                .duration(Duration.ofMinutes(30)).seed(7)
                .clock(clock).sleeper(virtualSleep).eventBus(bus).build();
        latency.start();
        for (int task = 0; task < 200; task++) {
            review(latency, task);
            clock.advance(Duration.ofSeconds(5));
        }
        ResilienceScore score = latency.calculateResilience(0.99);
        latency.complete(score);

        ChaosExperiment outage = ChaosExperiment.builder("llm-outage")
                .targetAgent("code-reviewer")
                .fault(Fault.errorInjection("openai-api", "service_unavailable", 1.0))
                .abortCondition(AbortCondition.atMost(ChaosExperiment.SUCCESS_RATE, 0.5))
                .duration(Duration.ofMinutes(10))
                .clock(clock).sleeper(virtualSleep).eventBus(bus).build();
        outage.start();
        for (int task = 0; task < 50 && outage.state() == ExperimentState.RUNNING; task++) {
            review(outage, task);
            clock.advance(Duration.ofSeconds(5));
        }
        return new Outcome(score, outage.state(), outage.abortReason(), log);
    }

    /** One review: search, then ask the model, retrying each once. */
    private static void review(ChaosExperiment experiment, int task) {
        try {
            retryOnce(experiment.injector().wrap("search_tool", () -> "context for PR " + task));
            retryOnce(experiment.injector().wrap("openai-api", () -> "LGTM with two comments"));
        } catch (Exception failed) {
            // the review fails; the experiment measured it
        }
    }

    private static <T> T retryOnce(Callable<T> call) throws Exception {
        try {
            return call.call();
        } catch (Exception first) {
            return call.call();
        }
    }

    /** Prints the drill. */
    public static void main(String[] args) {
        Outcome outcome = run(ManualClock.at(Instant.parse("2026-11-02T11:00:00Z")));
        outcome.log().forEach(System.out::println);
        System.out.printf("latency drill: resilience %.0f/100; outage drill: %s (%s)%n", outcome.firstScore().overall(),
                outcome.secondState(), outcome.abortReason());
    }
}
