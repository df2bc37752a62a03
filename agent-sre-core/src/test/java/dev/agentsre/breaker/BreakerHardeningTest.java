package dev.agentsre.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.agentsre.event.BreakerRemoved;
import dev.agentsre.event.CircuitStateChanged;
import dev.agentsre.event.SreEvent;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualClock;
import dev.agentsre.testing.Race;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Hardening I: the breaker at its boundaries. Each test is named after the defect it pins down. */
class BreakerHardeningTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-05-01T12:00:00Z"));
    private final SreEventBus bus = new SreEventBus();
    private final List<SreEvent> events = Collections.synchronizedList(new ArrayList<>());

    BreakerHardeningTest() {
        bus.subscribe(events::add);
    }

    private CircuitBreakerConfig.Builder config() {
        return CircuitBreakerConfig.builder().failureThreshold(1).recoveryTimeout(Duration.ofMinutes(1)).clock(clock);
    }

    private static void fail(CircuitBreaker breaker) {
        assertThatThrownBy(() -> breaker.execute(() -> {
            throw new IllegalStateException("503");
        })).isInstanceOf(IllegalStateException.class);
    }

    // #2: state() and snapshot() moved OPEN -> HALF_OPEN -> OPEN on idle time and published; the
    // exporter calls them on every collection, so with zero traffic the open time went 1 -> 2 -> 4 -> 8 min.
    @Test
    void defect2_readsArePureAndAnIdleHalfOpenIsNoFailedProbe() {
        CircuitBreaker breaker = CircuitBreaker.of("llm", config().backoff(2.0, Duration.ofMinutes(30))
                .halfOpenTimeout(Duration.ofMinutes(1)).build(), bus);
        fail(breaker);
        int afterTrip = events.size();

        for (int minute = 0; minute < 60; minute++) { // an exporter collecting every 30 s for an hour, no traffic
            clock.advance(Duration.ofSeconds(30));
            breaker.state();
            breaker.snapshot();
            breaker.failureCount();
            clock.advance(Duration.ofSeconds(30));
            assertThat(breaker.snapshot().state()).isEqualTo(CircuitState.OPEN);
        }

        assertThat(events).hasSize(afterTrip); // nothing transitioned, nothing was published
        assertThat(breaker.snapshot().retryAfter()).isZero(); // "open, and the next call probes"
        CircuitBreaker.Permit probe = breaker.tryAcquire();
        assertThat(probe.admittedIn()).isEqualTo(CircuitState.HALF_OPEN);
        probe.release(); // the call was not made: HALF_OPEN is idle now
        clock.advance(Duration.ofHours(2));
        breaker.snapshot();
        assertThat(breaker.tryAcquire().admittedIn()).as("an idle half-open state is not a failed probe").isEqualTo(CircuitState.HALF_OPEN);
        assertThat(events).filteredOn(CircuitStateChanged.class::isInstance).extracting(e -> ((CircuitStateChanged) e).to())
                .containsExactly(CircuitState.OPEN, CircuitState.HALF_OPEN);
    }

    // #5: a RateLimitedException with an absurd retryAfter threw ArithmeticException out of post-flight.
    @Test
    void defect5_anAbsurdRetryAfterHintIsCappedAndTheCallersExceptionIsUnchanged() {
        CircuitBreaker breaker = CircuitBreaker.of("llm", config().failureThreshold(5).maxRetryAfterHint(Duration.ofHours(1)).build(), bus);
        RateLimitedException absurd = new RateLimitedException("429", Duration.ofSeconds(Long.MAX_VALUE));

        Throwable thrown = catchThrowable(() -> breaker.execute(() -> {
            throw absurd;
        }));

        assertThat(thrown).isSameAs(absurd);
        assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
        assertThat(breaker.snapshot().retryAfter()).isEqualTo(Duration.ofHours(1));
        CircuitBreaker.Permit permit = CircuitBreaker.of("p", config().build(), bus).tryAcquire();
        permit.onError(Long.MAX_VALUE, TimeUnit.DAYS, absurd); // an absurd duration as well: no ArithmeticException
    }

    // #6: a user predicate that throws replaced the caller's exception.
    @Test
    void defect6_aThrowingPredicateTravelsAsSuppressedAndTheCallCountsAsAFailure() {
        IllegalStateException broken = new IllegalStateException("predicate bug");
        CircuitBreaker breaker = CircuitBreaker.of("llm", config().failureThreshold(2).ignoreExceptions(t -> {
            throw broken;
        }).failureResult(r -> {
            throw broken;
        }).build(), bus);
        RuntimeException callFailure = new RuntimeException("the call's own failure");

        Throwable thrown = catchThrowable(() -> breaker.execute(() -> {
            throw callFailure;
        }));

        assertThat(thrown).isSameAs(callFailure);
        assertThat(callFailure.getSuppressed()).containsExactly(broken);
        assertThat(breaker.failureCount()).isEqualTo(1);
        assertThat(breaker.execute(() -> "the answer")).isEqualTo("the answer"); // the result predicate throws: still returned
        assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);             // and counted as a failure
    }

    // #7: slowCallRateThreshold(0) meant "always trip": 10 fast successes and 1 failure opened the circuit.
    @Test
    void defect7_aSlowCallRateThresholdOfZeroTurnsTheSlowTripOff() {
        CircuitBreaker breaker = CircuitBreaker.of("llm", CircuitBreakerConfig.builder().failureThreshold(5)
                .slowCallDuration(Duration.ofSeconds(10)).slowCallRateThreshold(0).minimumCalls(10).clock(clock).build(), bus);
        for (int i = 0; i < 10; i++) {
            breaker.execute(() -> "fast");
        }
        fail(breaker);
        assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
        assertThatThrownBy(() -> CircuitBreakerConfig.builder().failureThreshold(0).slowCallDuration(Duration.ofSeconds(1))
                .slowCallRateThreshold(0).build()).hasMessageContaining("at least one way to trip");
    }

    // #20: huge durations threw ArithmeticException; sub-millisecond ones became 0 ms (a 0.5 ms
    // half-open timeout never closed); nulls were bare NullPointerExceptions.
    @Test
    void defect20_durationsOutOfRangeAndNullsAreClearErrors() {
        assertThatThrownBy(() -> config().halfOpenTimeout(Duration.ofNanos(500_000)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("halfOpenTimeout").hasMessageContaining("1 ms");
        assertThatThrownBy(() -> config().backoff(2.0, Duration.ofSeconds(Long.MAX_VALUE)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxRecoveryTimeout");
        assertThatThrownBy(() -> config().maxRetryAfterHint(Duration.ofDays(365_000)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxRetryAfterHint");
        assertThatThrownBy(() -> CircuitBreakerRegistry.builder().idleTimeout(Duration.ofNanos(1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idleTimeout");
        assertThatThrownBy(() -> config().recordExceptions((Class<? extends Throwable>) null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recordExceptions[0]");

        CircuitBreaker breaker = CircuitBreaker.of("llm", config().build(), bus);
        fail(breaker);
        clock.advance(Duration.ofMinutes(1));
        assertThatThrownBy(() -> breaker.execute(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("supplier");
        assertThatThrownBy(() -> breaker.run(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("runnable");
        assertThatThrownBy(() -> breaker.executeAsync(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("supplier");
        assertThat(breaker.tryAcquire()).as("no probe slot was spent on the null calls").isNotNull();
        breaker.recordSuccess(Duration.ofSeconds(Long.MAX_VALUE)); // a huge reported duration is the longest, not an error
    }

    // #19: transitions were published after the state change without ordering: listeners saw circuit
    // states out of order in 11 of 30 rounds.
    @Test
    void defect19_transitionsReachListenersInTheOrderTheyHappenedUnderEightThreads() throws Exception {
        for (int round = 0; round < 5; round++) {
            SreEventBus roundBus = new SreEventBus();
            List<CircuitStateChanged> seen = Collections.synchronizedList(new ArrayList<>());
            roundBus.subscribe(CircuitStateChanged.class, seen::add);
            CircuitBreaker breaker = CircuitBreaker.of("llm", CircuitBreakerConfig.builder().failureThreshold(1)
                    .recoveryTimeout(Duration.ofMillis(1)).clock(clock).build(), roundBus);
            Race.run(8, thread -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < 5_000; i++) {
                    switch (random.nextInt(5)) {
                        case 0 -> breaker.forceOpen();
                        case 1 -> breaker.reset();
                        case 2 -> breaker.recordFailure();
                        case 3 -> {
                            clock.advanceMillis(1);
                            CircuitBreaker.Permit p = breaker.tryAcquire();
                            if (p != null) {
                                p.onSuccess(1, TimeUnit.MILLISECONDS);
                            }
                        }
                        default -> breaker.disable();
                    }
                }
            });
            assertThat(seen).isNotEmpty();
            assertThat(seen.get(0).from()).isEqualTo(CircuitState.CLOSED);
            for (int i = 1; i < seen.size(); i++) {
                assertThat(seen.get(i).from()).as("round %d, event %d of %d", round, i, seen.size()).isEqualTo(seen.get(i - 1).to());
            }
            assertThat(seen.get(seen.size() - 1).to()).isEqualTo(breaker.state());
        }
    }

    // Principle 9 in the registry: an open or forced-open breaker never makes room for a new agent.
    @Test
    void defect10_theRegistryNeverEvictsABreakerThatIsNotClosedAndRefusesANewAgentWhenOnlySuchRemain() {
        CircuitBreakerRegistry fleet = CircuitBreakerRegistry.builder().defaultConfig(config().build()).eventBus(bus).maxBreakers(3).build();
        fleet.get("forced").forceOpen();
        fail(fleet.get("open"));
        fleet.get("closed");

        for (int i = 0; i < 200; i++) {
            fleet.get("new-" + i); // each new agent evicts the one closed breaker there is
        }

        assertThat(fleet.find("forced")).hasValueSatisfying(b -> assertThat(b.state()).isEqualTo(CircuitState.FORCED_OPEN));
        assertThat(fleet.find("open")).hasValueSatisfying(b -> assertThat(b.state()).isEqualTo(CircuitState.OPEN));
        assertThat(events).filteredOn(BreakerRemoved.class::isInstance).hasSize(200)
                .allSatisfy(e -> assertThat(((BreakerRemoved) e).cause()).isEqualTo(BreakerRemoved.Cause.EVICTED));
        fleet.get("new-199").forceOpen();
        assertThatThrownBy(() -> fleet.get("one-too-many")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("maxBreakers").hasMessageContaining("3");
    }

    // #15: the registry sorted by a comparator that called state(), which transitioned and published:
    // "Comparison method violates its general contract!" reached the agent's call.
    @Test
    void defect15_newAgentsAtTheCapWhileStatesChangeNeverThrowAndNeverEvictAForcedOpenBreaker() throws Exception {
        CircuitBreakerRegistry fleet = CircuitBreakerRegistry.builder().defaultConfig(CircuitBreakerConfig.builder().failureThreshold(1)
                .recoveryTimeout(Duration.ofMillis(1)).clock(clock).build()).eventBus(bus).maxBreakers(64).build();
        for (int i = 0; i < 8; i++) {
            fleet.get("forced-" + i).forceOpen();
        }
        AtomicInteger refused = new AtomicInteger();
        Race.run(8, thread -> {
            for (int i = 0; i < 5_000; i++) {
                if (thread < 2) { // states changing under the sweeps: trips, probes, recoveries
                    boolean succeed = i % 2 == 0;
                    fleet.find("hot-" + (i % 8)).ifPresent(b -> {
                        b.recordFailure();
                        clock.advanceMillis(1);
                        CircuitBreaker.Permit p = b.tryAcquire();
                        if (p != null && succeed) {
                            p.onSuccess(1, TimeUnit.MILLISECONDS);
                        }
                    });
                    continue;
                }
                try {
                    fleet.get(i % 10 == 0 ? "hot-" + (i % 8) : "t" + thread + "-" + i);
                } catch (IllegalStateException full) {
                    refused.incrementAndGet();
                }
            }
        });
        assertThat(fleet.size()).isLessThanOrEqualTo(64);
        for (int i = 0; i < 8; i++) {
            assertThat(fleet.find("forced-" + i)).hasValueSatisfying(b -> assertThat(b.state()).isEqualTo(CircuitState.FORCED_OPEN));
        }
        assertThat(events).filteredOn(BreakerRemoved.class::isInstance).extracting(SreEvent::agentId)
                .noneMatch(id -> id.startsWith("forced-"));
    }
}
