package dev.agentsre.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.event.CascadeDetected;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CascadeDetectorTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-05-01T12:00:00Z"));
    private final CircuitBreakerRegistry fleet = CircuitBreakerRegistry.of(
            CircuitBreakerConfig.builder().failureThreshold(1).recoveryTimeout(Duration.ofSeconds(30)).clock(clock).build());
    private final List<CascadeDetected> cascades = new ArrayList<>();

    CascadeDetectorTest() {
        fleet.eventBus().subscribe(CascadeDetected.class, cascades::add);
    }

    private void open(String agent) {
        fleet.get(agent).recordFailure();
    }

    @Test
    void threeAgentsOpeningWithinTheWindowAreACascadeInOrderOfOpening() {
        CascadeDetector detector = CascadeDetector.builder(fleet).minAgents(3).window(Duration.ofMinutes(5)).build();
        open("retriever");
        clock.advance(Duration.ofMinutes(1));
        open("summarizer");
        assertThat(cascades).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        open("writer");

        assertThat(cascades).hasSize(1);
        CascadeDetected cascade = cascades.get(0);
        assertThat(cascade.agents()).containsExactly("retriever", "summarizer", "writer");
        assertThat(cascade.agentId()).isEqualTo("retriever");
        assertThat(cascade.window()).isEqualTo(Duration.ofMinutes(5));
        assertThat(cascade.timestamp()).isEqualTo(clock.instant());
        assertThat(detector.isCascading()).isTrue();
    }

    @Test
    void openingsSpreadWiderThanTheWindowAreNotACascade() {
        CascadeDetector detector = CascadeDetector.builder(fleet).minAgents(3).window(Duration.ofMinutes(5)).build();
        open("a");
        clock.advance(Duration.ofMinutes(4));
        open("b");
        clock.advance(Duration.ofMinutes(2));
        open("c");
        assertThat(cascades).isEmpty();
        assertThat(detector.recentOpenings()).containsExactly("b", "c");
    }

    @Test
    void everyAgentJoiningTheCascadeIsReportedAndTheCascadeEnds() {
        CascadeDetector detector = CascadeDetector.builder(fleet).minAgents(2).window(Duration.ofMinutes(5)).build();
        open("a");
        open("b");
        open("c");
        assertThat(cascades).extracting(c -> c.agents().size()).containsExactly(2, 3);
        // A probe of "a" failing re-opens it: the same agent, not a new spread.
        clock.advance(Duration.ofSeconds(30));
        fleet.get("a").recordFailure();
        assertThat(cascades).hasSize(2);
        clock.advance(Duration.ofMinutes(6));
        assertThat(detector.isCascading()).isFalse();
        open("d");
        assertThat(cascades).hasSize(2);
    }

    @Test
    void aFractionOfTheFleetCanSetTheThreshold() {
        for (int i = 0; i < 10; i++) {
            fleet.get("agent-" + i);
        }
        CascadeDetector detector = CascadeDetector.builder(fleet).minAgents(2).minFraction(0.4).build();
        assertThat(detector.threshold()).isEqualTo(4);
        open("agent-0");
        open("agent-1");
        open("agent-2");
        assertThat(cascades).isEmpty();
        open("agent-3");
        assertThat(cascades).hasSize(1);
        detector.close();
        open("agent-4");
        assertThat(cascades).hasSize(1);
    }

    @Test
    void invalidSettingsNameTheField() {
        assertThatThrownBy(() -> CascadeDetector.builder(fleet).minAgents(0).build()).hasMessageContaining("minAgents");
        assertThatThrownBy(() -> CascadeDetector.builder(fleet).minFraction(1.5).build()).hasMessageContaining("minFraction");
        assertThatThrownBy(() -> CascadeDetector.builder(fleet).window(Duration.ZERO).build()).hasMessageContaining("window");
    }
}
