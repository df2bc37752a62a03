package dev.agentsre.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.event.BreakerAdded;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CircuitBreakerRegistryTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-05-01T12:00:00Z"));
    private final CircuitBreakerConfig config = CircuitBreakerConfig.builder().failureThreshold(2).clock(clock).build();

    @Test
    void oneBreakerPerAgentSharingTheBus() {
        SreEventBus bus = new SreEventBus();
        List<BreakerAdded> added = new ArrayList<>();
        bus.subscribe(BreakerAdded.class, added::add);
        CircuitBreakerRegistry fleet = CircuitBreakerRegistry.of(config, bus);

        CircuitBreaker a = fleet.get("agent-a");
        assertThat(fleet.get("agent-a")).isSameAs(a);
        assertThat(a.eventBus()).isSameAs(bus);
        fleet.get("agent-b");
        assertThat(added).extracting(BreakerAdded::agentId).containsExactly("agent-a", "agent-b");
        assertThat(fleet.size()).isEqualTo(2);
        assertThat(fleet.find("agent-c")).isEmpty();
        assertThat(fleet.all()).hasSize(2);
    }

    @Test
    void openCircuitsListsOpenAgentsAndResetAllClosesThem() {
        CircuitBreakerRegistry fleet = CircuitBreakerRegistry.of(config);
        fleet.get("b").recordFailure();
        fleet.get("b").recordFailure();
        fleet.get("a").forceOpen();
        fleet.get("c").recordSuccess();
        assertThat(fleet.openCircuits()).containsExactly("a", "b");
        fleet.resetAll();
        assertThat(fleet.openCircuits()).isEmpty();
    }

    @Test
    void namedConfigurationsAndUnknownNames() {
        CircuitBreakerConfig llm = config.toBuilder().failureThreshold(1).build();
        CircuitBreakerRegistry fleet = CircuitBreakerRegistry.builder().defaultConfig(config).config("llm", llm).build();
        assertThat(fleet.get("writer", "llm").config()).isSameAs(llm);
        assertThat(fleet.get("writer").config()).isSameAs(llm); // an existing breaker keeps its config
        assertThat(fleet.get("reader").config()).isSameAs(config);
        assertThatThrownBy(() -> fleet.get("x", "nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("configName").hasMessageContaining("nope");
        assertThatThrownBy(() -> fleet.get(" ")).hasMessageContaining("agentId");
    }

    @Test
    void theCapEvictsIdleClosedBreakersFirstAndKeepsOpenOnes() {
        CircuitBreakerRegistry fleet = CircuitBreakerRegistry.builder().defaultConfig(config)
                .maxBreakers(3).idleTimeout(Duration.ofMinutes(10)).build();
        CircuitBreaker open = fleet.get("open");
        open.forceOpen();
        fleet.get("idle");
        clock.advance(Duration.ofMinutes(11));
        fleet.get("busy");
        clock.advance(Duration.ofMinutes(1));
        fleet.get("new"); // over the cap: "idle" (closed, unused for 11 min) goes; "open" stays
        assertThat(fleet.size()).isEqualTo(3);
        assertThat(fleet.find("idle")).isEmpty();
        assertThat(fleet.find("open")).containsSame(open);

        fleet.get("newer"); // nothing idle: the least recently used closed one goes ("busy")
        assertThat(fleet.find("busy")).isEmpty();
        assertThat(fleet.find("open")).isPresent();
        assertThat(fleet.size()).isEqualTo(3);
    }

    @Test
    void evictIdleRemovesOnlyIdleClosedBreakers() {
        CircuitBreakerRegistry fleet = CircuitBreakerRegistry.builder().defaultConfig(config).idleTimeout(Duration.ofMinutes(5)).build();
        fleet.get("a");
        fleet.get("b").forceOpen();
        clock.advance(Duration.ofMinutes(6));
        fleet.get("c");
        assertThat(fleet.evictIdle()).isEqualTo(1);
        assertThat(fleet.all()).extracting(CircuitBreaker::agentId).containsExactlyInAnyOrder("b", "c");
        assertThat(fleet.remove("c")).isTrue();
        assertThat(fleet.remove("c")).isFalse();
    }

    @Test
    void invalidSettingsNameTheField() {
        assertThatThrownBy(() -> CircuitBreakerRegistry.builder().maxBreakers(0).build()).hasMessageContaining("maxBreakers");
        assertThatThrownBy(() -> CircuitBreakerRegistry.builder().idleTimeout(Duration.ZERO).build()).hasMessageContaining("idleTimeout");
        assertThatThrownBy(() -> CircuitBreakerRegistry.builder().config(" ", config)).hasMessageContaining("name");
    }
}
