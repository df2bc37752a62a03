package dev.agentsre.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.testing.Race;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class CircuitBreakerConcurrencyTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-05-01T12:00:00Z"));

    @RepeatedTest(5)
    void sixteenThreadsRacingInHalfOpenRunAtMostTheAllowedProbes() throws Exception {
        int maxProbes = 2;
        CircuitBreaker breaker = CircuitBreaker.of("agent", CircuitBreakerConfig.builder().failureThreshold(1)
                .halfOpenMaxCalls(maxProbes).recoveryTimeout(Duration.ofSeconds(10)).clock(clock).build());
        breaker.recordFailure();
        clock.advance(Duration.ofSeconds(10));

        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        AtomicInteger executed = new AtomicInteger();
        AtomicInteger rejected = new AtomicInteger();
        CountDownLatch probesMayFinish = new CountDownLatch(1);
        CountDownLatch allTried = new CountDownLatch(16);

        Race.run(16, thread -> {
            try {
                breaker.execute(() -> {
                    int now = running.incrementAndGet();
                    maxRunning.accumulateAndGet(now, Math::max);
                    executed.incrementAndGet();
                    allTried.countDown();
                    if (allTried.getCount() == 0) {
                        probesMayFinish.countDown(); // a probe was the last to try (every rejection came first)
                    }
                    try {
                        // Hold the probe slot until every thread has tried to get one.
                        assertThat(probesMayFinish.await(30, TimeUnit.SECONDS)).isTrue();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    running.decrementAndGet();
                    return "probe";
                });
            } catch (CircuitOpenException e) {
                assertThat(e.retryAfter()).isPositive();
                rejected.incrementAndGet();
                allTried.countDown();
                if (allTried.getCount() == 0) {
                    probesMayFinish.countDown();
                }
                return;
            }
        });

        assertThat(maxRunning.get()).isLessThanOrEqualTo(maxProbes);
        assertThat(executed.get()).isEqualTo(maxProbes);
        assertThat(rejected.get()).isEqualTo(16 - maxProbes);
        assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void closedStateCountsEveryOutcomeExactlyUnderContention() throws Exception {
        CircuitBreaker breaker = CircuitBreaker.of("agent", CircuitBreakerConfig.builder().failureThreshold(0)
                .failureRateThreshold(90).countBasedWindow(1_000).minimumCalls(1_000).clock(clock).build());
        int perThread = 50_000;
        Race.run(8, thread -> {
            for (int i = 0; i < perThread; i++) {
                if (i % 4 == 0) {
                    breaker.recordFailure();
                } else {
                    breaker.execute(() -> "ok");
                }
            }
        });
        BreakerSnapshot snapshot = breaker.snapshot();
        assertThat(snapshot.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(snapshot.failedCalls()).isEqualTo(8L * perThread / 4);
        assertThat(snapshot.successfulCalls()).isEqualTo(8L * perThread * 3 / 4);
        // The count-based window always holds exactly its size, and its totals match its content.
        assertThat(snapshot.bufferedCalls()).isEqualTo(1_000);
        assertThat(snapshot.failureRate()).isBetween(0.0, 100.0);
    }

    @Test
    void racingFailuresOpenTheCircuitExactlyOnce() throws Exception {
        CircuitBreaker breaker = CircuitBreaker.of("agent", CircuitBreakerConfig.builder().failureThreshold(5).clock(clock).build());
        AtomicInteger opened = new AtomicInteger();
        breaker.eventBus().subscribe(dev.agentsre.event.CircuitStateChanged.class, e -> {
            if (e.to() == CircuitState.OPEN) {
                opened.incrementAndGet();
            }
        });
        Race.run(16, thread -> {
            for (int i = 0; i < 1_000; i++) {
                try {
                    breaker.execute(() -> {
                        throw new IllegalStateException();
                    });
                } catch (RuntimeException expected) {
                    // failure or rejection
                }
            }
        });
        assertThat(opened).hasValue(1);
        assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
    }
}
