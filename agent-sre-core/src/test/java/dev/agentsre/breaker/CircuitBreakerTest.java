package dev.agentsre.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agentsre.event.CallRejected;
import dev.agentsre.event.CircuitStateChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-05-01T12:00:00Z"));
    private final SreEventBus bus = new SreEventBus();
    private final List<CircuitStateChanged> transitions = new ArrayList<>();
    private final List<CallRejected> rejections = new ArrayList<>();

    CircuitBreakerTest() {
        bus.subscribe(CircuitStateChanged.class, transitions::add);
        bus.subscribe(CallRejected.class, rejections::add);
    }

    private CircuitBreakerConfig.Builder config() {
        return CircuitBreakerConfig.builder().failureThreshold(3).recoveryTimeout(Duration.ofSeconds(30)).clock(clock);
    }

    private CircuitBreaker breaker(CircuitBreakerConfig.Builder config) {
        return CircuitBreaker.of("data-analyst", config.build(), bus);
    }

    private static Supplier<String> failing() {
        return () -> {
            throw new IllegalStateException("agent failed");
        };
    }

    private static void fail(CircuitBreaker breaker, int times) {
        for (int i = 0; i < times; i++) {
            assertThatThrownBy(() -> breaker.execute(failing())).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void consecutiveFailuresOpenTheCircuitAndASuccessResetsTheCount() {
        CircuitBreaker breaker = breaker(config());
        fail(breaker, 2);
        assertThat(breaker.failureCount()).isEqualTo(2);
        assertThat(breaker.execute(() -> "ok")).isEqualTo("ok");
        assertThat(breaker.failureCount()).isZero();
        fail(breaker, 2);
        assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
        fail(breaker, 1);
        assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
        assertThat(breaker.failureCount()).isEqualTo(3);

        CircuitStateChanged opened = transitions.get(0);
        assertThat(opened.agentId()).isEqualTo("data-analyst");
        assertThat(opened.from()).isEqualTo(CircuitState.CLOSED);
        assertThat(opened.to()).isEqualTo(CircuitState.OPEN);
        assertThat(opened.reason()).isEqualTo("3 consecutive failures");
        assertThat(opened.openFor()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void openRejectsWithoutRunningTheCallAndSaysWhenToRetry() {
        CircuitBreaker breaker = breaker(config());
        fail(breaker, 3);
        clock.advance(Duration.ofSeconds(10));
        AtomicInteger runs = new AtomicInteger();

        CircuitOpenException rejected = catchThrowableOfType(CircuitOpenException.class,
                () -> breaker.execute(runs::incrementAndGet));

        assertThat(runs).hasValue(0);
        assertThat(rejected.agentId()).isEqualTo("data-analyst");
        assertThat(rejected.state()).isEqualTo(CircuitState.OPEN);
        assertThat(rejected.retryAfter()).isEqualTo(Duration.ofSeconds(20));
        assertThat(rejected.getStackTrace()).isEmpty();
        assertThat(rejections).singleElement().satisfies(r -> assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(20)));
    }

    @Test
    void openLastsExactlyTheRecoveryTimeoutAndFailuresWhileOpenDoNotExtendIt() {
        CircuitBreaker breaker = breaker(config());
        fail(breaker, 3);
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofSeconds(2));
            breaker.recordFailure(new IllegalStateException("late failure of an in-flight call"));
        }
        clock.set(Instant.parse("2026-05-01T12:00:29.999Z"));
        assertThat(breaker.snapshot().retryAfter()).isEqualTo(Duration.ofMillis(1));
        assertThat(breaker.tryAcquirePermission()).isFalse();
        clock.set(Instant.parse("2026-05-01T12:00:30Z"));
        assertThat(breaker.state()).isEqualTo(CircuitState.OPEN); // a read does not transition...
        assertThat(breaker.snapshot().retryAfter()).isZero();     // ...it says the next call probes
        assertThat(breaker.tryAcquirePermission()).isTrue();
        assertThat(breaker.state()).isEqualTo(CircuitState.HALF_OPEN);
        assertThat(transitions.get(1).reason()).isEqualTo("open period elapsed");
    }

    @Test
    void aSuccessfulProbeClosesAndAFailedProbeReopens() {
        CircuitBreaker breaker = breaker(config());
        fail(breaker, 3);
        clock.advance(Duration.ofSeconds(30));
        fail(breaker, 1);
        assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
        assertThat(transitions).extracting(CircuitStateChanged::reason).endsWith("probe failed");

        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.execute(() -> "recovered")).isEqualTo("recovered");
        assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(transitions).extracting(CircuitStateChanged::to).containsExactly(
                CircuitState.OPEN, CircuitState.HALF_OPEN, CircuitState.OPEN, CircuitState.HALF_OPEN, CircuitState.CLOSED);
    }

    @Test
    void failedProbesBackOffExponentiallyUpToTheCap() {
        CircuitBreaker breaker = breaker(config().backoff(2.0, Duration.ofSeconds(100)));
        fail(breaker, 3);
        List<Duration> openTimes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            openTimes.add(transitions.get(transitions.size() - 1).openFor());
            clock.advance(openTimes.get(i));
            fail(breaker, 1); // the probe fails
        }
        assertThat(openTimes).containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(100), Duration.ofSeconds(100));
        clock.advance(Duration.ofSeconds(100));
        breaker.execute(() -> "ok");
        fail(breaker, 3);
        assertThat(transitions.get(transitions.size() - 1).openFor()).isEqualTo(Duration.ofSeconds(30)); // backoff forgotten once closed
    }

    @Test
    void halfOpenAdmitsOnlyItsProbesAndRejectsTheRestWithAPositiveRetryAfter() {
        CircuitBreaker breaker = breaker(config().halfOpenMaxCalls(2).halfOpenTimeout(Duration.ofSeconds(45)));
        fail(breaker, 3);
        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.tryAcquirePermission()).isTrue();
        assertThat(breaker.tryAcquirePermission()).isTrue();

        CircuitOpenException rejected = catchThrowableOfType(CircuitOpenException.class, () -> breaker.execute(() -> "x"));
        assertThat(rejected.state()).isEqualTo(CircuitState.HALF_OPEN);
        assertThat(rejected.retryAfter()).isEqualTo(Duration.ofSeconds(45));

        breaker.releasePermission(); // one probe was not made after all
        assertThat(breaker.tryAcquirePermission()).isTrue();
    }

    @Test
    void halfOpenWithNoProbeFinishingGoesBackToOpen() {
        CircuitBreaker breaker = breaker(config().halfOpenTimeout(Duration.ofSeconds(20)));
        fail(breaker, 3);
        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.tryAcquirePermission()).isTrue(); // the probe hangs and never reports
        clock.advance(Duration.ofSeconds(19));
        assertThat(breaker.tryAcquirePermission()).isFalse(); // the one slot is taken
        assertThat(breaker.state()).isEqualTo(CircuitState.HALF_OPEN);
        clock.advance(Duration.ofSeconds(1));
        assertThat(breaker.state()).isEqualTo(CircuitState.HALF_OPEN); // reads never transition
        assertThat(breaker.tryAcquirePermission()).isFalse();        // the next call finds the probe timed out
        assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
        assertThat(transitions.get(transitions.size() - 1).reason()).isEqualTo("no probe finished within 20s");
        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.execute(() -> "ok")).isEqualTo("ok");
        assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void severalSuccessfulProbesCanBeRequired() {
        CircuitBreaker breaker = breaker(config().successThreshold(2));
        fail(breaker, 3);
        clock.advance(Duration.ofSeconds(30));
        breaker.execute(() -> "one");
        assertThat(breaker.state()).isEqualTo(CircuitState.HALF_OPEN);
        breaker.execute(() -> "two");
        assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(transitions.get(transitions.size() - 1).reason()).isEqualTo("2 probes succeeded");
    }

    @Test
    void aCallAdmittedBeforeTheCircuitOpenedCannotCloseItLater() {
        CircuitBreaker breaker = breaker(config());
        CircuitBreaker[] self = {breaker};
        String late = breaker.execute(() -> {
            fail(self[0], 3);                       // other calls trip the breaker meanwhile
            clock.advance(Duration.ofSeconds(31));  // and it goes half-open when a probe arrives
            assertThat(self[0].tryAcquire().admittedIn()).isEqualTo(CircuitState.HALF_OPEN);
            return "slow old success";
        });
        assertThat(late).isEqualTo("slow old success");
        assertThat(breaker.state()).isEqualTo(CircuitState.HALF_OPEN);
    }

    @Test
    void failureRateOverACountBasedWindowTripsOnceMinimumCallsAreSeen() {
        CircuitBreaker breaker = breaker(config().failureThreshold(0).failureRateThreshold(50).countBasedWindow(10).minimumCalls(6));
        fail(breaker, 4);
        breaker.execute(() -> "ok");
        assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED); // 4/5 but only 5 calls
        fail(breaker, 1);
        assertThat(breaker.state()).isEqualTo(CircuitState.OPEN); // 5/6 = 83%
        CircuitStateChanged opened = transitions.get(0);
        assertThat(opened.reason()).isEqualTo("failure rate 83.3% >= 50.0% over 6 calls");
        assertThat(opened.failureRate()).isCloseTo(500.0 / 6, org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void aCountBasedWindowForgetsCallsThatScrolledOut() {
        CircuitBreaker breaker = breaker(config().failureThreshold(0).failureRateThreshold(50).countBasedWindow(4).minimumCalls(4));
        fail(breaker, 1);
        for (int i = 0; i < 4; i++) {
            breaker.execute(() -> "ok");
        }
        assertThat(breaker.snapshot().failureRate()).isZero();
        assertThat(breaker.snapshot().bufferedCalls()).isEqualTo(4);
    }

    @Test
    void aTimeBasedWindowForgetsOldFailures() {
        CircuitBreaker breaker = breaker(config().failureThreshold(0).failureRateThreshold(50).timeBasedWindow(60).minimumCalls(4));
        fail(breaker, 3);
        clock.advance(Duration.ofSeconds(61));
        breaker.execute(() -> "ok");
        fail(breaker, 1);
        assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED); // the 3 old failures left the window
        fail(breaker, 2);
        assertThat(breaker.state()).isEqualTo(CircuitState.OPEN); // 3 of 4 in the last minute
    }

    @Test
    void slowCallsTripOnTheirOwnRateAndASlowProbeReopens() {
        CircuitBreaker breaker = breaker(config().failureThreshold(0).slowCallDuration(Duration.ofSeconds(10))
                .slowCallRateThreshold(50).countBasedWindow(10).minimumCalls(4));
        Supplier<String> slowAnswer = () -> {
            clock.advance(Duration.ofSeconds(40)); // an LLM call that takes 40 s
            return "late answer";
        };
        breaker.execute(() -> "fast");
        breaker.execute(() -> "fast");
        breaker.execute(slowAnswer);
        assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
        breaker.execute(slowAnswer);
        assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
        assertThat(transitions.get(0).reason()).startsWith("slow-call rate 50.0% >= 50.0% over 4 calls");
        assertThat(breaker.snapshot().slowCalls()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(30));
        breaker.execute(slowAnswer);
        assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
        assertThat(transitions.get(transitions.size() - 1).reason()).isEqualTo("probe was slow (>= 10s)");
    }

    @Test
    void exceptionAndResultPredicatesDecideWhatCounts() {
        record AgentAnswer(boolean success) {
        }
        CircuitBreaker breaker = breaker(config()
                .ignoreExceptions(IllegalArgumentException.class)
                .recordExceptions(IllegalStateException.class, IOException.class)
                .failureResult(r -> r instanceof AgentAnswer a && !a.success()));

        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> breaker.execute(() -> {
                throw new IllegalArgumentException("bad user input");
            })).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> breaker.execute(() -> {
                throw new UnsupportedOperationException("not recorded: counts as success");
            })).isInstanceOf(UnsupportedOperationException.class);
        }
        assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(breaker.snapshot().ignoredCalls()).isEqualTo(5);
        assertThat(breaker.snapshot().successfulCalls()).isEqualTo(5);

        for (int i = 0; i < 3; i++) {
            assertThat(breaker.execute(() -> new AgentAnswer(false)).success()).isFalse(); // still returned
        }
        assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
    }

    @Test
    void aRetryAfterHintOpensAtOnceForAtLeastTheHint() {
        CircuitBreaker breaker = breaker(config().recoveryTimeout(Duration.ofSeconds(5)));
        assertThatThrownBy(() -> breaker.execute(() -> {
            throw new RateLimitedException("429 Too Many Requests", Duration.ofSeconds(20));
        })).isInstanceOf(RateLimitedException.class);
        assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
        assertThat(transitions.get(0).reason()).isEqualTo("retry-after hint of 20s");
        assertThat(transitions.get(0).openFor()).isEqualTo(Duration.ofSeconds(20));
        clock.advance(Duration.ofSeconds(19));
        assertThat(breaker.tryAcquirePermission()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(breaker.tryAcquirePermission()).isTrue();
        assertThat(breaker.state()).isEqualTo(CircuitState.HALF_OPEN);
    }

    @Test
    void hintsAreFoundInCausesPassedExplicitlyAndCapped() {
        CircuitBreaker breaker = breaker(config().maxRetryAfterHint(Duration.ofMinutes(2)));
        breaker.recordFailure(new RuntimeException("wrapped", new RateLimitedException("429", Duration.ofHours(5))));
        assertThat(transitions.get(0).openFor()).isEqualTo(Duration.ofMinutes(2));

        CircuitBreaker manual = CircuitBreaker.of("other", config().build(), bus);
        manual.recordFailure(new IOException("429"), Duration.ofSeconds(45));
        assertThat(manual.state()).isEqualTo(CircuitState.OPEN);
        assertThat(transitions.get(1).openFor()).isEqualTo(Duration.ofSeconds(45));

        CircuitBreaker ignoring = CircuitBreaker.of("ignoring", config().honorRetryAfterHints(false).build(), bus);
        ignoring.recordFailure(new RateLimitedException("429", Duration.ofSeconds(45)));
        assertThat(ignoring.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void callRunAndDecoratorsAreGuarded() throws Exception {
        CircuitBreaker breaker = breaker(config().failureThreshold(1));
        assertThat(breaker.call(() -> 42)).isEqualTo(42);
        AtomicInteger runs = new AtomicInteger();
        breaker.run(runs::incrementAndGet);
        assertThat(breaker.decorateSupplier(() -> "s").get()).isEqualTo("s");
        assertThat(breaker.decorateFunction((Integer x) -> x * 2).apply(21)).isEqualTo(42);
        breaker.decorateRunnable(runs::incrementAndGet).run();
        assertThat(runs).hasValue(2);
        assertThatThrownBy(() -> breaker.decorateCallable(() -> {
            throw new IOException("checked failure");
        }).call()).isInstanceOf(IOException.class);
        assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
        assertThatThrownBy(() -> breaker.call(() -> 1)).isInstanceOf(CircuitOpenException.class);
    }

    @Test
    void fallbackAnswersRejectionsAndFailures() {
        CircuitBreaker breaker = breaker(config().failureThreshold(1));
        assertThat(breaker.executeWithFallback(failing(), e -> "fallback after " + e.getMessage())).isEqualTo("fallback after agent failed");
        assertThat(breaker.executeWithFallback(() -> "live", e -> "fallback: " + e.getClass().getSimpleName()))
                .isEqualTo("fallback: CircuitOpenException");
    }

    @Test
    void asyncCallsRecordOutcomesAndRejectionsAreFailedStagesNotThrows() {
        CircuitBreaker breaker = breaker(config().failureThreshold(2));
        CompletableFuture<String> pending = new CompletableFuture<>();
        CompletionStage<String> first = breaker.executeAsync(() -> pending);
        assertThat(breaker.failureCount()).isZero();
        pending.completeExceptionally(new IllegalStateException("async failure"));
        assertThat(first.toCompletableFuture()).isCompletedExceptionally();
        assertThat(breaker.failureCount()).isEqualTo(1);

        CompletionStage<String> second = breaker.executeAsync(() -> {
            throw new IllegalStateException("supplier threw");
        });
        assertThat(second.toCompletableFuture()).isCompletedExceptionally();
        assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);

        AtomicInteger runs = new AtomicInteger();
        CompletionStage<String> rejected = breaker.executeAsync(() -> {
            runs.incrementAndGet();
            return CompletableFuture.completedFuture("never");
        });
        assertThat(runs).hasValue(0);
        assertThatThrownBy(() -> rejected.toCompletableFuture().join()).hasCauseInstanceOf(CircuitOpenException.class);

        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.executeAsync(() -> CompletableFuture.completedFuture("ok")).toCompletableFuture().join()).isEqualTo("ok");
        assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void manualModeReportsOutcomesWithDurations() {
        CircuitBreaker breaker = breaker(config().failureThreshold(2).slowCallDuration(Duration.ofSeconds(5)).minimumCalls(1).countBasedWindow(5)
                .slowCallRateThreshold(100));
        assertThat(breaker.tryAcquirePermission()).isTrue();
        breaker.recordSuccess(Duration.ofSeconds(1));
        assertThat(breaker.tryAcquirePermission()).isTrue();
        breaker.onError(Duration.ofMillis(10), new IllegalStateException());
        breaker.recordFailure();
        assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
        assertThat(breaker.tryAcquirePermission()).isFalse();
        assertThatThrownBy(breaker::acquirePermission).isInstanceOf(CircuitOpenException.class);
        BreakerSnapshot snapshot = breaker.snapshot();
        assertThat(snapshot.successfulCalls()).isEqualTo(1);
        assertThat(snapshot.failedCalls()).isEqualTo(2);
        assertThat(snapshot.rejectedCalls()).isEqualTo(2);
        assertThat(snapshot.retryAfter()).isEqualTo(Duration.ofSeconds(30));

        CircuitBreaker slow = CircuitBreaker.of("slow", config().failureThreshold(0).slowCallDuration(Duration.ofSeconds(5))
                .minimumCalls(1).countBasedWindow(5).build(), bus);
        slow.onResult(Duration.ofSeconds(6), "answer");
        assertThat(slow.state()).isEqualTo(CircuitState.OPEN);
    }

    @Test
    void forceOpenDisableAndReset() {
        CircuitBreaker breaker = breaker(config());
        breaker.forceOpen();
        assertThat(breaker.state()).isEqualTo(CircuitState.FORCED_OPEN);
        clock.advance(Duration.ofHours(1));
        CircuitOpenException rejected = catchThrowableOfType(CircuitOpenException.class, () -> breaker.execute(() -> "x"));
        assertThat(rejected.retryAfter()).isPositive();

        breaker.disable();
        fail(breaker, 10);
        assertThat(breaker.state()).isEqualTo(CircuitState.DISABLED);
        assertThat(breaker.snapshot().failedCalls()).isZero();

        breaker.reset();
        assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(transitions).extracting(CircuitStateChanged::reason).containsExactly("forced open", "disabled", "reset");
    }

    @Test
    void aThrowingListenerDoesNotChangeTheBreakersBehaviour() {
        SreEventBus failing = new SreEventBus();
        failing.subscribe(e -> {
            throw new IllegalStateException("exporter down");
        });
        CircuitBreaker breaker = CircuitBreaker.of("a", config().build(), failing);
        fail(breaker, 3);
        assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
        assertThatThrownBy(() -> breaker.execute(() -> "x")).isInstanceOf(CircuitOpenException.class);
        clock.advance(Duration.ofSeconds(30));
        assertThat(breaker.execute(() -> "x")).isEqualTo("x");
        assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(failing.listenerFailures()).isEqualTo(4); // open, rejected, half-open, closed
    }

    @Test
    void invalidConfigurationNamesTheSetting() {
        assertThatThrownBy(() -> CircuitBreakerConfig.builder().failureThreshold(-1).build()).hasMessageContaining("failureThreshold").hasMessageContaining("-1");
        assertThatThrownBy(() -> CircuitBreakerConfig.builder().failureRateThreshold(120).build()).hasMessageContaining("failureRateThreshold").hasMessageContaining("120");
        assertThatThrownBy(() -> CircuitBreakerConfig.builder().recoveryTimeout(Duration.ZERO).build()).hasMessageContaining("recoveryTimeout");
        assertThatThrownBy(() -> CircuitBreakerConfig.builder().halfOpenMaxCalls(0).build()).hasMessageContaining("halfOpenMaxCalls");
        assertThatThrownBy(() -> CircuitBreakerConfig.builder().countBasedWindow(5).minimumCalls(10).build()).hasMessageContaining("minimumCalls");
        assertThatThrownBy(() -> CircuitBreakerConfig.builder().backoff(0.5, Duration.ofMinutes(1)).build()).hasMessageContaining("backoffMultiplier");
        assertThatThrownBy(() -> CircuitBreakerConfig.builder().backoff(2, Duration.ofSeconds(1)).build()).hasMessageContaining("maxRecoveryTimeout");
        assertThatThrownBy(() -> CircuitBreakerConfig.builder().failureThreshold(0).build()).hasMessageContaining("at least one way to trip");
        assertThatThrownBy(() -> CircuitBreaker.of(" ", CircuitBreakerConfig.ofDefaults())).hasMessageContaining("agentId");
        assertThat(CircuitBreakerConfig.ofDefaults().toBuilder().failureThreshold(7).build().failureThreshold()).isEqualTo(7);
    }
}
