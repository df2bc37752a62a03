package dev.agentsre.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Admission permits: a call's outcome goes to the state it was admitted under. */
class CircuitBreakerPermitTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-05-01T12:00:00Z"));

    private CircuitBreaker breaker() {
        return CircuitBreaker.of("gpt-4o", CircuitBreakerConfig.builder().failureThreshold(2).recoveryTimeout(Duration.ofSeconds(30))
                .halfOpenMaxCalls(1).clock(clock).build());
    }

    @Test
    void closedPermitsAreSharedAndCountOutcomes() {
        CircuitBreaker breaker = breaker();
        CircuitBreaker.Permit first = breaker.tryAcquire();
        CircuitBreaker.Permit second = breaker.tryAcquire();

        assertThat(first).isSameAs(second); // nothing allocated per call while CLOSED
        assertThat(first.admittedIn()).isEqualTo(CircuitState.CLOSED);
        first.onError(10, TimeUnit.MILLISECONDS, new IllegalStateException("503"));
        second.onError(10, TimeUnit.MILLISECONDS, new IllegalStateException("503"));
        assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
        assertThat(breaker.tryAcquire()).isNull();
        assertThatThrownBy(breaker::acquire).isInstanceOf(CircuitOpenException.class)
                .satisfies(e -> assertThat(((CircuitOpenException) e).retryAfter()).isEqualTo(Duration.ofSeconds(30)));
    }

    @Test
    void aSlowSuccessAdmittedBeforeTheCircuitOpenedDoesNotCloseItLater() {
        CircuitBreaker breaker = breaker();
        CircuitBreaker.Permit slow = breaker.tryAcquire();
        breaker.tryAcquire().onError(1, TimeUnit.MILLISECONDS, new IllegalStateException());
        breaker.tryAcquire().onError(1, TimeUnit.MILLISECONDS, new IllegalStateException());
        assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
        clock.advance(Duration.ofSeconds(30));
        CircuitBreaker.Permit probe = breaker.tryAcquire();
        assertThat(probe.admittedIn()).isEqualTo(CircuitState.HALF_OPEN);

        slow.onSuccess(40, TimeUnit.SECONDS); // admitted under the old CLOSED state: says nothing now

        assertThat(breaker.state()).isEqualTo(CircuitState.HALF_OPEN);
        assertThat(breaker.tryAcquire()).isNull(); // the one probe slot is still taken
        probe.onSuccess(5, TimeUnit.MILLISECONDS);
        assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void aProbePermitIsGivenBackExactlyOnce() {
        CircuitBreaker breaker = breaker();
        breaker.forceOpen();
        breaker.reset();
        breaker.tryAcquire().onError(1, TimeUnit.MILLISECONDS, new IllegalStateException());
        breaker.tryAcquire().onError(1, TimeUnit.MILLISECONDS, new IllegalStateException());
        clock.advance(Duration.ofSeconds(30));

        CircuitBreaker.Permit probe = breaker.tryAcquire();
        probe.release();
        probe.release(); // a second release must not free a slot it does not hold
        CircuitBreaker.Permit next = breaker.tryAcquire();
        assertThat(next).isNotNull();
        assertThat(breaker.tryAcquire()).isNull();
        next.onSuccess(1, TimeUnit.MILLISECONDS);
        next.onError(1, TimeUnit.MILLISECONDS, new IllegalStateException()); // ignored: already reported
        assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    }
}
