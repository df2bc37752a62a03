package dev.agentsre.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.agentsre.event.CircuitStateChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.Race;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link CircuitBreaker#trip(String)}: opened from outside, healed by the breaker's own probing. */
class CircuitBreakerTripTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-05-01T12:00:00Z"));
    private final SreEventBus bus = new SreEventBus();
    private final List<CircuitStateChanged> transitions = new ArrayList<>();
    private final CircuitBreaker breaker = CircuitBreaker.of("agent", CircuitBreakerConfig.builder().failureThreshold(3)
            .recoveryTimeout(Duration.ofSeconds(30)).clock(clock).build(), bus);

    CircuitBreakerTripTest() {
        bus.subscribe(CircuitStateChanged.class, transitions::add);
    }

    @Test
    void aTrippedCircuitIsOpenForTheRecoveryTimeoutThenProbesAndClosesOnASuccessfulProbe() {
        assertThat(breaker.trip("error budget exhausted")).isTrue();

        assertThat(breaker.state()).isEqualTo(CircuitState.OPEN); // not FORCED_OPEN
        assertThat(transitions).singleElement().satisfies(t -> {
            assertThat(t.from()).isEqualTo(CircuitState.CLOSED);
            assertThat(t.to()).isEqualTo(CircuitState.OPEN);
            assertThat(t.reason()).isEqualTo("error budget exhausted");
            assertThat(t.openFor()).isEqualTo(Duration.ofSeconds(30));
        });
        clock.advance(Duration.ofSeconds(10));
        CircuitOpenException rejected = catchThrowableOfType(() -> breaker.execute(() -> "x"), CircuitOpenException.class);
        assertThat(rejected.retryAfter()).isEqualTo(Duration.ofSeconds(20)); // exactly when the probe is admitted
        clock.advance(Duration.ofSeconds(20).minusMillis(1));
        assertThatThrownBy(() -> breaker.execute(() -> "x")).isInstanceOf(CircuitOpenException.class);
        clock.advance(Duration.ofMillis(1));
        assertThat(breaker.execute(() -> "probe")).isEqualTo("probe");
        assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void aFailedProbeReopensLikeAnyTrip() {
        breaker.trip("slo");
        clock.advance(Duration.ofSeconds(30));
        assertThatThrownBy(() -> breaker.execute(() -> {
            throw new IllegalStateException("still down");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(breaker.state()).isEqualTo(CircuitState.OPEN);
    }

    @Test
    void onlyAClosedCircuitTrips() {
        breaker.trip("first");
        clock.advance(Duration.ofSeconds(10));
        assertThat(breaker.trip("again")).isFalse(); // an open circuit is not extended
        CircuitOpenException rejected = catchThrowableOfType(() -> breaker.execute(() -> "x"), CircuitOpenException.class);
        assertThat(rejected.retryAfter()).isEqualTo(Duration.ofSeconds(20));

        clock.advance(Duration.ofSeconds(20));
        assertThat(breaker.tryAcquire().admittedIn()).isEqualTo(CircuitState.HALF_OPEN); // the next call probes (reads never transition)
        assertThat(breaker.trip("during probing")).isFalse();
        assertThat(breaker.state()).isEqualTo(CircuitState.HALF_OPEN);

        breaker.forceOpen();
        assertThat(breaker.trip("operator")).isFalse();
        assertThat(breaker.state()).isEqualTo(CircuitState.FORCED_OPEN);
        breaker.disable();
        assertThat(breaker.trip("operator")).isFalse();
        assertThat(breaker.state()).isEqualTo(CircuitState.DISABLED);
    }

    @Test
    void aReasonIsRequired() {
        assertThatThrownBy(() -> breaker.trip(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason");
        assertThat(breaker.state()).isEqualTo(CircuitState.CLOSED);
    }

    @Test
    void racingTripsOpenTheCircuitOnce() throws Exception {
        AtomicInteger tripped = new AtomicInteger();
        Race.run(8, thread -> {
            if (breaker.trip("race " + thread)) {
                tripped.incrementAndGet();
            }
        });
        assertThat(tripped).hasValue(1);
        assertThat(transitions).hasSize(1);
    }
}
