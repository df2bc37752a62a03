package dev.agentsre.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.event.AgentEvicted;
import dev.agentsre.event.AgentQuarantined;
import dev.agentsre.event.AgentReleased;
import dev.agentsre.event.RogueEvent;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualClock;
import dev.agentsre.testing.Race;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/** Hardening I: the rogue-agent detector at its boundaries. Each test is named after the defect it pins down. */
class RogueDetectorHardeningTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-06-01T10:00:00Z"));
    private final SreEventBus bus = new SreEventBus();
    private final List<RogueEvent> events = Collections.synchronizedList(new ArrayList<>());

    RogueDetectorHardeningTest() {
        bus.subscribe(RogueEvent.class, events::add);
    }

    private RogueAgentDetector detector(RogueDetectorConfig.Builder config) {
        return new RogueAgentDetector(config.clock(clock).build(), bus);
    }

    // #10: the same eviction flaw as the cost guard's released quarantined agents.
    @Test
    void defect10_aQuarantinedAgentIsNeverEvictedAndANewOneIsRefusedWhenOnlyQuarantinedOnesRemain() {
        RogueAgentDetector detector = detector(RogueDetectorConfig.builder().deniedTools(Set.of("shell_exec")).maxAgents(3));
        detector.recordAction("rogue", "exfiltrate", "shell_exec", clock.instant());
        assertThat(detector.isQuarantined("rogue")).isTrue();

        for (int i = 0; i < 200; i++) {
            detector.recordAction("new-" + i, "search", "search_kb", clock.instant());
        }

        assertThat(detector.isQuarantined("rogue")).isTrue();
        assertThat(detector.admit("rogue")).isFalse();
        assertThat(events).filteredOn(AgentEvicted.class::isInstance).hasSize(198).noneMatch(e -> e.agentId().equals("rogue"));
        detector.recordAction("new-198", "x", "shell_exec", clock.instant());
        detector.recordAction("new-199", "x", "shell_exec", clock.instant());
        assertThatThrownBy(() -> detector.recordAction("one-too-many", "search", "search_kb", clock.instant()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("maxAgents").hasMessageContaining("3");
    }

    // #2 (principle 8) for the detector: isQuarantined released agents and published on a read.
    @Test
    void defect2_isQuarantinedIsAPureReadAndAnAutomaticReleaseHappensAtTheNextCheck() {
        RogueAgentDetector detector = detector(RogueDetectorConfig.builder().deniedTools(Set.of("shell_exec"))
                .violationWindow(Duration.ofSeconds(60)).autoReleaseAfter(Duration.ofMinutes(5)));
        detector.recordAction("a", "run", "shell_exec", clock.instant());
        clock.advance(Duration.ofMinutes(2));
        assertThat(detector.admit("a")).isFalse(); // calm from here
        int before = events.size();
        clock.advance(Duration.ofHours(1));
        for (int i = 0; i < 10; i++) {
            assertThat(detector.isQuarantined("a")).isTrue();
            assertThat(detector.quarantinedAgents()).containsExactly("a");
            assertThat(detector.riskSnapshot("a").quarantined()).isTrue();
        }
        assertThat(events).hasSize(before);
        assertThat(detector.isQuarantined("never-seen")).isFalse();
        assertThat(detector.agents()).containsExactly("a");
        assertThat(detector.admit("a")).isTrue();
        assertThat(events.get(events.size() - 1)).isInstanceOf(AgentReleased.class);
    }

    // #15: the eviction sorted by keys that changed during the sort.
    @Test
    void defect15_newAgentsAtTheCapWhileOthersActNeverThrowAndNeverReleaseAnyone() throws Exception {
        RogueAgentDetector detector = detector(RogueDetectorConfig.builder().deniedTools(Set.of("shell_exec")).maxAgents(2_000));
        for (int i = 0; i < 10; i++) {
            detector.recordAction("quarantined-" + i, "x", "shell_exec", clock.instant());
        }
        Race.run(8, thread -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < 20_000; i++) {
                clock.advanceMillis(1);
                String agent = thread < 4 ? "hot-" + random.nextInt(1_500) : "new-" + thread + "-" + i;
                detector.recordAction(agent, "work", "tool-" + random.nextInt(5), clock.instant(), (long) random.nextInt(1_000_000));
            }
        });
        assertThat(detector.agents().size()).isLessThanOrEqualTo(2_000);
        for (int i = 0; i < 10; i++) {
            assertThat(detector.isQuarantined("quarantined-" + i)).isTrue();
        }
    }

    // #17: 1M capability profiles retained 116 MiB.
    @Test
    void defect17_capabilityProfilesAreCappedAndSharedWhenEqual() {
        RogueAgentDetector detector = detector(RogueDetectorConfig.builder().maxCapabilityProfiles(1_000));
        for (int i = 0; i < 1_000; i++) {
            detector.registerCapabilityProfile("agent-" + i, Set.of("search_kb", "create_ticket", "send_email"));
        }
        detector.registerCapabilityProfile("agent-0", Set.of("search_kb")); // replacing one is fine
        assertThatThrownBy(() -> detector.registerCapabilityProfile("agent-1000", Set.of("search_kb")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("maxCapabilityProfiles");
        assertThat(detector.removeCapabilityProfile("agent-999")).isTrue();
        detector.registerCapabilityProfile("agent-1000", Set.of("search_kb"));
        long bytes = GraphLayout.parseInstance(detector).subtract(GraphLayout.parseInstance(clock, bus)).totalSize();
        System.out.printf("RogueAgentDetector with 1,000 capability profiles (2 distinct): %,d bytes%n", bytes);
        assertThat(bytes).isLessThan(200_000); // one shared set per distinct profile: about 100 bytes per agent
    }

    // #18: 10,000 agents x 100 assessments of history came to 0.5-1.5 GB once anything polled assess().
    @Test
    void defect18_theDetectorsHistoryStaysWithinItsBudgetInBytes() {
        RogueAgentDetector detector = detector(RogueDetectorConfig.builder().deniedTools(Set.of("shell_exec"))
                .maxHistoryBytes(4L * 1024 * 1024));
        for (int round = 0; round < 12; round++) {
            for (int agent = 0; agent < 1_000; agent++) {
                String id = "agent-" + agent;
                detector.recordAction(id, "search", "search_kb", clock.instant(), Map.of("q", "same " + round));
                if (agent % 10 == 0) {
                    detector.recordAction(id, "x", "tool-" + round + "-" + agent, clock.instant());
                }
                detector.assess(id);
            }
            clock.advance(Duration.ofSeconds(5));
        }
        AssessmentHistory history = detector.assessmentHistory();
        long measured = GraphLayout.parseInstance(history).totalSize();
        System.out.printf("12,000 assessments of 1,000 agents: %,d records kept, estimated %,d bytes, measured %,d bytes%n",
                history.records(), history.bytes(), measured);
        assertThat(history.bytes()).isLessThanOrEqualTo(4L * 1024 * 1024);
        assertThat(measured).isLessThanOrEqualTo(history.bytes()); // the estimate is conservative
        assertThat(history.records()).isBetween(2_000, 12_000);
        for (int agent = 0; agent < 1_000; agent += 97) {
            List<RogueAssessment> chain = detector.history("agent-" + agent);
            assertThat(chain).isNotEmpty();
            assertThat(RogueAgentDetector.verifyChain(chain)).isTrue(); // the kept part of a chain still verifies
        }
        assertThat(RogueDetectorConfig.ofDefaults().maxHistoryBytes()).isEqualTo(16L * 1024 * 1024);
    }

    // #19: quarantine and release were published after the change without ordering: listeners saw them
    // out of order in 4 of 20 rounds.
    @Test
    void defect19_quarantinesAndReleasesReachListenersInOrderUnderEightThreads() throws Exception {
        for (int round = 0; round < 20; round++) {
            SreEventBus roundBus = new SreEventBus();
            List<RogueEvent> seen = Collections.synchronizedList(new ArrayList<>());
            roundBus.subscribe(RogueEvent.class, seen::add);
            RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().deniedTools(Set.of("shell_exec"))
                    .clock(clock).build(), roundBus);
            Race.run(8, thread -> {
                for (int i = 0; i < 1_000; i++) {
                    if (thread % 2 == 0) {
                        detector.recordAction("a", "x", "shell_exec", clock.instant());
                    } else {
                        detector.release("a");
                    }
                }
            });
            boolean quarantined = false;
            for (RogueEvent e : List.copyOf(seen)) {
                if (e instanceof AgentQuarantined) {
                    assertThat(quarantined).as("round %d: quarantined twice in a row", round).isFalse();
                    quarantined = true;
                } else if (e instanceof AgentReleased) {
                    assertThat(quarantined).as("round %d: released while not quarantined", round).isTrue();
                    quarantined = false;
                }
            }
            assertThat(quarantined).isEqualTo(detector.isQuarantined("a"));
        }
    }

    // #20: a 0.5 ms frequency window made every tool call throw; a far-future timestamp silently
    // disabled the agent's frequency signal; null tools were bare NullPointerExceptions.
    @Test
    void defect20_windowsTimestampsAndNullsAreClearErrors() {
        assertThatThrownBy(() -> RogueDetectorConfig.builder().frequencyWindow(Duration.ofNanos(500_000)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("frequencyWindow");
        assertThatThrownBy(() -> RogueDetectorConfig.builder().violationWindow(Duration.ofSeconds(Long.MAX_VALUE)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("violationWindow");
        Set<String> withNull = new HashSet<>();
        withNull.add(null);
        assertThatThrownBy(() -> RogueDetectorConfig.builder().deniedTools(withNull).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deniedTools");
        RogueAgentDetector detector = detector(RogueDetectorConfig.builder());
        assertThatThrownBy(() -> detector.registerCapabilityProfile("a", withNull))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowedTools");

        assertThatThrownBy(() -> detector.recordAction("a", "x", "search", Instant.parse("2126-01-01T00:00:00Z")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timestamp");
        assertThat(detector.agents()).isEmpty(); // nothing half-recorded
        // a timestamp a little ahead (clock skew) counts now, and the frequency signal keeps working
        RogueAgentDetector frequency = detector(RogueDetectorConfig.builder().frequencyWarmupBuckets(3));
        for (int minute = 0; minute < 10; minute++) {
            for (int i = 0; i < 5; i++) {
                frequency.recordAction("b", "x", "search", clock.instant().plusSeconds(30), (long) (minute * 10 + i));
            }
            clock.advance(Duration.ofMinutes(1));
        }
        for (int i = 0; i < 60; i++) {
            frequency.recordAction("b", "x", "search", clock.instant(), (long) (1_000 + i));
        }
        assertThat(frequency.riskSnapshot("b").signals().get(Signal.FREQUENCY)).isPositive();
    }
}
