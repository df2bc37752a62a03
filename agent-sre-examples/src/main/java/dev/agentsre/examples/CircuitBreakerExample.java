package dev.agentsre.examples;

import dev.agentsre.breaker.CascadeDetector;
import dev.agentsre.breaker.CircuitBreaker;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.breaker.CircuitOpenException;
import dev.agentsre.breaker.RateLimitedException;
import dev.agentsre.event.CascadeDetected;
import dev.agentsre.event.CircuitStateChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Circuit breakers for a small fleet on a virtual clock: a provider outage trips three agents
 * one after the other (a cascade), a 429 with {@code Retry-After} opens a breaker for the hinted
 * time, and everything recovers through half-open probes.
 */
public final class CircuitBreakerExample {

    private CircuitBreakerExample() {
    }

    /** What happened, for the test. */
    public record Outcome(List<String> log, List<String> cascade, List<String> openAtTheEnd) {
    }

    /** Runs the scenario on {@code clock}. */
    public static Outcome run(ManualClock clock) {
        SreEventBus bus = new SreEventBus();
        List<String> log = new ArrayList<>();
        List<String> cascade = new ArrayList<>();
        bus.subscribe(CircuitStateChanged.class, e -> log.add(String.format("%s %-10s %s -> %s (%s)",
                e.timestamp(), e.agentId(), e.from(), e.to(), e.reason())));
        bus.subscribe(CascadeDetected.class, e -> {
            cascade.clear();
            cascade.addAll(e.agents());
        });

        CircuitBreakerConfig config = CircuitBreakerConfig.builder()
                .failureThreshold(3)
                .recoveryTimeout(Duration.ofSeconds(30))
                .clock(clock)
                .build();
        CircuitBreakerRegistry fleet = CircuitBreakerRegistry.of(config, bus);
        CascadeDetector detector = CascadeDetector.builder(fleet).minAgents(3).window(Duration.ofMinutes(1)).build();

        // The shared model provider goes down; each agent's calls fail until its breaker opens.
        for (String agent : List.of("retriever", "summarizer", "writer")) {
            for (int i = 0; i < 5; i++) {
                try {
                    fleet.get(agent).execute(() -> callModel(false));
                } catch (CircuitOpenException rejected) {
                    // fail fast: the agent would tell its caller to retry after rejected.retryAfter()
                } catch (IllegalStateException failed) {
                    // the provider's error
                }
            }
            clock.advance(Duration.ofSeconds(10));
        }

        // The provider recovers; after the recovery timeout each breaker lets one probe through.
        clock.advance(Duration.ofSeconds(30));
        for (String agent : List.of("retriever", "summarizer", "writer")) {
            fleet.get(agent).execute(() -> callModel(true));
        }

        // Later, a rate-limited provider: the 429 says "retry in 45 s", so the breaker opens for 45 s.
        clock.advance(Duration.ofMinutes(5));
        CircuitBreaker planner = fleet.get("planner");
        try {
            planner.execute(() -> {
                throw new RateLimitedException("429 Too Many Requests", Duration.ofSeconds(45));
            });
        } catch (RateLimitedException expected) {
            // recorded by the breaker
        }
        clock.advance(Duration.ofSeconds(45));
        planner.execute(() -> callModel(true));
        detector.close();
        return new Outcome(log, cascade, fleet.openCircuits());
    }

    private static String callModel(boolean providerUp) {
        if (!providerUp) {
            throw new IllegalStateException("503 from the model provider");
        }
        return "answer";
    }

    /** Prints the scenario's transitions. */
    public static void main(String[] args) {
        Outcome outcome = run(ManualClock.at(Instant.parse("2026-11-02T10:00:00Z")));
        outcome.log().forEach(System.out::println);
        System.out.println("cascade (in order of failure): " + outcome.cascade());
        System.out.println("open at the end: " + outcome.openAtTheEnd());
    }
}
