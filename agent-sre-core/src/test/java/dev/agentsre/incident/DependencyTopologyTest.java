package dev.agentsre.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.testing.ManualClock;
import dev.agentsre.testing.Race;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The topology learned from calls: edges, failure ratio over the window, the failing run's start, caps. */
class DependencyTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    @Test
    void edgesAreLearnedFromCalls() {
        DependencyTopology topology = DependencyTopology.create();
        topology.observe("a", DependencyKind.MODEL, "gpt-4o", true, T0);
        topology.observe("a", DependencyKind.TOOL, "search", true, T0);
        topology.observe("b", DependencyKind.MODEL, "gpt-4o", true, T0);
        assertThat(topology.dependenciesOf("a")).containsExactly("gpt-4o", "search");
        assertThat(topology.dependents("gpt-4o")).containsExactly("a", "b");
        assertThat(topology.kindOf("search")).isEqualTo(DependencyKind.TOOL);
        assertThat(topology.isDependency("gpt-4o")).isTrue();
        assertThat(topology.isDependency("a")).isFalse();
        assertThat(topology.dependsOn("b", "search")).isFalse();
        assertThatThrownBy(() -> topology.observe(" ", DependencyKind.MODEL, "x", true, T0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("agentId");
    }

    @Test
    void aDependencyFailsWhenHalfItsRecentCallsFailAndRecoversAsTheWindowMoves() {
        DependencyTopology topology = DependencyTopology.create();
        for (int s = 0; s < 120; s++) {
            topology.observe("a", DependencyKind.MODEL, "gpt-4o", true, T0.plusSeconds(s));
        }
        for (int s = 120; s < 300; s++) {
            topology.observe("a", DependencyKind.MODEL, "gpt-4o", false, T0.plusSeconds(s));
        }
        Instant at = T0.plusSeconds(300);
        assertThat(topology.isFailing("gpt-4o", at)).isTrue();
        assertThat(topology.failingSince("gpt-4o", at)).isEqualTo(T0.plusSeconds(120));
        DependencyTopology.Health health = topology.health("gpt-4o", at);
        assertThat(health.calls()).isEqualTo(240); // the window is the current minute and the 4 before it
        assertThat(health.failures()).isEqualTo(180);
        assertThat(topology.isFailing("gpt-4o", T0.plus(Duration.ofMinutes(20)))).isFalse(); // nothing recent
        assertThat(topology.isFailing("unknown", at)).isFalse();
        assertThat(DependencyTopology.create().health("x", at).describe()).isEqualTo("no calls observed");
    }

    @Test
    void fewCallsAreNotEvidence() {
        DependencyTopology topology = DependencyTopology.create();
        for (int i = 0; i < 4; i++) {
            topology.observe("a", DependencyKind.TOOL, "search", false, T0);
        }
        assertThat(topology.isFailing("search", T0)).isFalse();
        topology.observe("a", DependencyKind.TOOL, "search", false, T0);
        assertThat(topology.isFailing("search", T0)).isTrue();
    }

    @Test
    void anOpenDependencyBreakerMeansFailing() {
        DependencyTopology topology = DependencyTopology.create();
        topology.declare("a", DependencyKind.MODEL, "gpt-4o");
        topology.breakerChanged("gpt-4o", true, T0);
        assertThat(topology.isFailing("gpt-4o", T0)).isTrue();
        assertThat(topology.health("gpt-4o", T0).breakerOpenSince()).isEqualTo(T0);
        topology.breakerChanged("agent-x", true, T0); // not a dependency: ignored
        assertThat(topology.isDependency("agent-x")).isFalse();
        topology.breakerChanged("gpt-4o", false, T0.plusSeconds(5));
        assertThat(topology.isFailing("gpt-4o", T0.plusSeconds(5))).isFalse();
    }

    @Test
    void capsBoundAgentsDependenciesAndEdges() {
        DependencyTopology topology = DependencyTopology.builder().maxAgents(100).maxDependencies(50).maxDependenciesPerAgent(3)
                .clock(ManualClock.at(T0)).build();
        for (int i = 0; i < 1_000; i++) {
            topology.observe("agent-" + i, DependencyKind.TOOL, "tool-" + (i % 200), true, T0.plusMillis(i));
        }
        for (int i = 0; i < 10; i++) {
            topology.observe("wide", DependencyKind.TOOL, "t" + i, true, T0.plusSeconds(2));
        }
        assertThat(topology.agentCount()).isLessThanOrEqualTo(100);
        assertThat(topology.dependencyCount()).isLessThanOrEqualTo(50);
        assertThat(topology.dependenciesOf("wide")).hasSize(3);
        assertThat(topology.droppedEdges()).isEqualTo(7);
    }

    @Test
    void concurrentObservationsAreAllCounted() throws Exception {
        DependencyTopology topology = DependencyTopology.create();
        int threads = 8;
        int calls = 20_000;
        Race.run(threads, t -> {
            for (int i = 0; i < calls; i++) {
                topology.observe("agent-" + t, DependencyKind.MODEL, "gpt-4o", i % 4 != 0, T0.plusMillis(i % 1000));
            }
        });
        DependencyTopology.Health health = topology.health("gpt-4o", T0.plusSeconds(1));
        assertThat(health.calls()).isEqualTo((long) threads * calls);
        assertThat(health.failures()).isEqualTo((long) threads * calls / 4);
        assertThat(topology.dependents("gpt-4o")).hasSize(threads);
    }
}
