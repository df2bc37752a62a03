package dev.agentsre.anomaly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.event.AgentQuarantined;
import dev.agentsre.event.AgentReleased;
import dev.agentsre.event.RogueEvent;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RogueAgentDetectorTest {

    private static final List<String> TOOLS = List.of("search_kb", "create_ticket", "send_email", "lookup_order", "summarize", "translate");

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-06-01T10:00:00Z"));
    private final SreEventBus bus = new SreEventBus();
    private final List<RogueEvent> events = new ArrayList<>();

    RogueAgentDetectorTest() {
        bus.subscribe(RogueEvent.class, events::add);
    }

    private RogueAgentDetector detector(RogueDetectorConfig.Builder config) {
        return new RogueAgentDetector(config.clock(clock).build(), bus);
    }

    private RogueAgentDetector detector() {
        return detector(RogueDetectorConfig.builder().frequencyWindow(Duration.ofSeconds(60)).frequencyZThreshold(2.5)
                .entropyLowThreshold(0.3).entropyHighThreshold(3.5).quarantineRiskLevel(RiskLevel.HIGH));
    }

    /** {@code perSecond} varied calls (random tool, random arguments) in one simulated second. */
    private void variedSecond(RogueAgentDetector detector, String agent, int perSecond, SplittableRandom random) {
        for (int i = 0; i < perSecond; i++) {
            clock.advanceMillis(1_000 / Math.max(1, perSecond));
            detector.recordAction(agent, "work", TOOLS.get(random.nextInt(TOOLS.size())), clock.instant(),
                    Map.of("query", random.nextInt(1_000_000)));
        }
        clock.set(Instant.ofEpochMilli((clock.millis() / 1_000 + (clock.millis() % 1_000 == 0 ? 0 : 1)) * 1_000));
    }

    @Test
    void steadyTrafficRaisesNothingAndASpikeIsFlaggedWithinFiveSeconds() {
        RogueAgentDetector detector = detector();
        SplittableRandom random = new SplittableRandom(1);
        for (int s = 0; s < 600; s++) {
            variedSecond(detector, "agent", 10, random);
            assertThat(detector.assess("agent").score(Signal.FREQUENCY)).as("second %d", s).isZero();
        }
        int secondsToFlag = -1;
        for (int s = 1; s <= 10; s++) {
            variedSecond(detector, "agent", 200, random);
            RogueAssessment a = detector.assess("agent");
            if (a.score(Signal.FREQUENCY) > 0) {
                secondsToFlag = s;
                assertThat(a.reasons()).anyMatch(r -> r.contains("tool calls in the current 60s window against a baseline of"));
                break;
            }
        }
        assertThat(secondsToFlag).isBetween(1, 5);
        assertThat(detector.isQuarantined("agent")).isFalse(); // a burst alone stays MEDIUM
    }

    @Test
    void nineteenIdenticalCallsOfTwentyAreALoopAndQuarantined() {
        RogueAgentDetector detector = detector();
        detector.recordAction("support-agent", "answer", "create_ticket", clock.instant(), Map.of("id", 1));
        for (int i = 0; i < 19; i++) {
            clock.advanceMillis(500);
            detector.recordAction("support-agent", "answer", "search_kb", clock.instant(), Map.of("q", "refund policy"));
        }
        RogueAssessment a = detector.assess("support-agent");
        assertThat(a.score(Signal.LOOP)).isGreaterThan(0.6);
        assertThat(a.score(Signal.ENTROPY)).isPositive();
        assertThat(a.reasons()).contains("search_kb called 19 times in the last 20 actions with the same arguments");
        assertThat(a.reasons()).anyMatch(r -> r.startsWith("action entropy 0.29 bits over the last 20 actions (2 distinct tools): repetitive"));
        assertThat(a.riskLevel()).isEqualTo(RiskLevel.CRITICAL);
        assertThat(a.quarantineRecommended()).isTrue();
        assertThat(detector.isQuarantined("support-agent")).isTrue();
    }

    @Test
    void theSameToolWithVaryingArgumentsIsNotARepeatLoop() {
        RogueAgentDetector detector = detector();
        for (int i = 0; i < 20; i++) {
            detector.recordAction("agent", "read", "read_file", clock.instant(), Map.of("path", "/docs/" + i));
        }
        assertThat(detector.assess("agent").reasons()).noneMatch(r -> r.contains("same arguments"));
    }

    @Test
    void anAbOscillationIsALoopWithinTwelveCalls() {
        RogueAgentDetector detector = detector();
        int callsToDetect = -1;
        for (int i = 1; i <= 12; i++) {
            // stuck: the same search, the same summary, again and again
            detector.recordAction("agent", "step", i % 2 == 0 ? "summarize" : "search_kb", clock.instant(), Map.of("doc", 42));
            if (detector.assess("agent").score(Signal.LOOP) > 0) {
                callsToDetect = i;
                break;
            }
        }
        assertThat(callsToDetect).isBetween(4, 12);
        assertThat(detector.assess("agent").reasons()).anyMatch(r -> r.startsWith("cycle search_kb → summarize repeated")
                || r.startsWith("cycle summarize → search_kb repeated"));
    }

    @Test
    void aFixedWorkflowOnFreshInputsIsNotALoop() {
        RogueAgentDetector detector = detector();
        List<String> workflow = List.of("search_kb", "lookup_order", "create_ticket", "send_email");
        for (int ticket = 0; ticket < 50; ticket++) {
            for (String tool : workflow) {
                detector.recordAction("agent", "handle ticket", tool, clock.instant(), Map.of("ticket", ticket));
                clock.advanceMillis(250);
            }
        }
        RogueAssessment a = detector.assess("agent");
        assertThat(a.score(Signal.LOOP)).isZero();
        assertThat(a.riskLevel()).isEqualTo(RiskLevel.LOW);
    }

    @Test
    void callsSpreadEvenlyOverThirtyTwoToolsAreChaotic() {
        RogueAgentDetector detector = detector();
        for (int i = 0; i < 64; i++) {
            detector.recordAction("agent", "probe", "tool-" + (i % 32), clock.instant(), Map.of("i", i));
        }
        RogueAssessment a = detector.assess("agent");
        assertThat(a.score(Signal.ENTROPY)).isPositive();
        assertThat(a.reasons()).anyMatch(r -> r.contains("(20 distinct tools): chaotic"));
        assertThat(a.riskLevel()).isEqualTo(RiskLevel.MEDIUM);
    }

    @Test
    void threeProfileViolationsWithinAMinuteQuarantine() {
        RogueAgentDetector detector = detector();
        detector.registerCapabilityProfile("support-agent", Set.of("search_kb", "create_ticket", "send_email"));
        detector.recordAction("support-agent", "work", "search_kb", clock.instant(), Map.of("q", 1));
        detector.recordAction("support-agent", "exfiltrate", "http_post", clock.instant());
        clock.advance(Duration.ofSeconds(20));
        detector.recordAction("support-agent", "exfiltrate", "http_post", clock.instant());
        assertThat(detector.isQuarantined("support-agent")).isFalse();
        clock.advance(Duration.ofSeconds(20));
        detector.recordAction("support-agent", "exfiltrate", "read_secrets", clock.instant());

        assertThat(detector.isQuarantined("support-agent")).isTrue();
        AgentQuarantined event = (AgentQuarantined) events.get(0);
        assertThat(event.agentId()).isEqualTo("support-agent");
        assertThat(event.riskLevel()).isEqualTo(RiskLevel.HIGH);
        assertThat(event.reasons()).contains("http_post is not in the profile of support-agent",
                "read_secrets is not in the profile of support-agent", "3 capability violations in the last 60s");
    }

    @Test
    void oldViolationsFadeOut() {
        RogueAgentDetector detector = detector();
        detector.registerCapabilityProfile("agent", Set.of("search_kb"));
        for (int i = 0; i < 3; i++) {
            detector.recordAction("agent", "x", "http_post", clock.instant());
            clock.advance(Duration.ofSeconds(45));
        }
        assertThat(detector.isQuarantined("agent")).isFalse();
        clock.advance(Duration.ofMinutes(2));
        assertThat(detector.assess("agent").score(Signal.CAPABILITY)).isZero();
    }

    @Test
    void aDeniedToolIsImmediatelyHigh() {
        RogueAgentDetector detector = detector(RogueDetectorConfig.builder().deniedTools(Set.of("shell_exec")));
        detector.recordAction("agent", "run", "shell_exec", clock.instant());
        RogueAssessment a = detector.assess("agent");
        assertThat(a.riskLevel()).isEqualTo(RiskLevel.HIGH);
        assertThat(a.reasons()).contains("shell_exec is on the denied list: HIGH risk at once");
        assertThat(detector.isQuarantined("agent")).isTrue();
    }

    @Test
    void theReferenceScenarioFiftyUnauthorisedCallsIsCriticalAndQuarantined() {
        RogueAgentDetector detector = detector();
        detector.registerCapabilityProfile("support-agent", Set.of("search_kb", "create_ticket", "send_email"));
        for (int i = 0; i < 50; i++) {
            detector.recordAction("support-agent", "exfiltrate", "shell_exec", clock.instant().plusMillis(i * 500L));
        }
        clock.advance(Duration.ofSeconds(25));
        RogueAssessment a = detector.assess("support-agent");
        assertThat(a.riskLevel()).isEqualTo(RiskLevel.CRITICAL);
        assertThat(a.quarantineRecommended()).isTrue();
    }

    @Test
    void aRiskSnapshotNeitherChainsNorQuarantines() {
        RogueAgentDetector detector = detector(RogueDetectorConfig.builder().quarantineRiskLevel(RiskLevel.CRITICAL));
        detector.registerCapabilityProfile("agent", Set.of("search_kb"));
        for (int i = 0; i < 3; i++) {
            detector.recordAction("agent", "x", "http_post", clock.instant());
        }
        RogueAgentDetector.RiskSnapshot snapshot = detector.riskSnapshot("agent");
        assertThat(snapshot.riskLevel()).isEqualTo(RiskLevel.HIGH);
        assertThat(snapshot.signals().get(Signal.CAPABILITY)).isCloseTo(0.7, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(snapshot.quarantined()).isFalse();
        assertThat(detector.history("agent")).isEmpty();
        assertThat(detector.agents()).containsExactly("agent");
        assertThat(detector.riskSnapshot("unknown")).isNull();
    }

    @Test
    void releaseEndsAQuarantineAndAutoReleaseWaitsForACalmPeriod() {
        RogueAgentDetector manual = detector(RogueDetectorConfig.builder().deniedTools(Set.of("shell_exec")));
        manual.recordAction("a", "run", "shell_exec", clock.instant());
        assertThat(manual.release("a")).isTrue();
        assertThat(manual.isQuarantined("a")).isFalse();
        assertThat(manual.release("a")).isFalse();
        assertThat(events).filteredOn(e -> e instanceof AgentReleased).singleElement()
                .satisfies(e -> assertThat(((AgentReleased) e).reason()).isEqualTo("released manually"));

        RogueAgentDetector auto = detector(RogueDetectorConfig.builder().deniedTools(Set.of("shell_exec"))
                .violationWindow(Duration.ofSeconds(60)).autoReleaseAfter(Duration.ofMinutes(5)));
        auto.recordAction("b", "run", "shell_exec", clock.instant());
        assertThat(auto.isQuarantined("b")).isTrue();
        clock.advance(Duration.ofSeconds(61));            // the violation fades: calm from the next check
        assertThat(auto.admit("b")).isFalse();
        clock.advance(Duration.ofMinutes(4));
        assertThat(auto.admit("b")).isFalse();
        clock.advance(Duration.ofMinutes(1));
        assertThat(auto.isQuarantined("b")).isTrue();      // a read never releases...
        assertThat(auto.admit("b")).isTrue();              // ...the next check does
        assertThat(auto.isQuarantined("b")).isFalse();
        assertThat(events).filteredOn(e -> e instanceof AgentReleased r && r.reason().equals("calm for 5m")).hasSize(1);
    }

    @Test
    void aReleasedAgentIsJudgedOnWhatItDoesNextNotOnTheLoopThatGotItQuarantined() {
        RogueAgentDetector detector = detector(RogueDetectorConfig.builder().quarantineRiskLevel(RiskLevel.HIGH));
        for (int i = 0; i < 20; i++) {
            clock.advance(Duration.ofSeconds(30));
            detector.recordAction("a", "search", "search_kb", clock.instant(), Map.of("q", "same"));
        }
        assertThat(detector.isQuarantined("a")).isTrue();
        assertThat(detector.assess("a").riskLevel().atLeast(RiskLevel.HIGH)).isTrue();
        List<RogueAssessment> chainBefore = detector.history("a");

        detector.release("a");
        clock.advance(Duration.ofMinutes(1));
        detector.recordAction("a", "search", "search_kb", clock.instant(), Map.of("q", "something new"));

        assertThat(detector.isQuarantined("a")).isFalse();
        assertThat(detector.assess("a").riskLevel()).isEqualTo(RiskLevel.LOW);
        assertThat(detector.history("a")).startsWith(chainBefore.toArray(RogueAssessment[]::new)); // the chain is kept
        // the same loop again is caught again
        for (int i = 0; i < 20; i++) {
            clock.advance(Duration.ofSeconds(30));
            detector.recordAction("a", "search", "search_kb", clock.instant(), Map.of("q", "same"));
        }
        assertThat(detector.isQuarantined("a")).isTrue();
    }

    @Test
    void assessmentsFormATamperEvidentChain() {
        RogueAgentDetector detector = detector(RogueDetectorConfig.builder().deniedTools(Set.of("shell_exec")));
        for (int i = 0; i < 5; i++) {
            detector.recordAction("agent", "work", i == 3 ? "shell_exec" : "search_kb", clock.instant(), Map.of("i", i));
            detector.assess("agent");
            clock.advance(Duration.ofSeconds(10));
        }
        List<RogueAssessment> chain = detector.history("agent");
        assertThat(chain).hasSize(5);
        assertThat(chain.get(0).previousHash()).isEqualTo(RogueAgentDetector.GENESIS);
        assertThat(chain.get(1).previousHash()).isEqualTo(chain.get(0).hash());
        assertThat(detector.verifyChain("agent")).isTrue();

        // Someone edits the stored record of the shell_exec assessment to hide it.
        List<RogueAssessment> edited = new ArrayList<>(chain);
        RogueAssessment original = chain.get(3);
        assertThat(original.riskLevel()).isEqualTo(RiskLevel.HIGH);
        edited.set(3, new RogueAssessment(original.agentId(), original.timestamp(), RiskLevel.LOW, original.riskScore(),
                original.signals(), original.quarantineRecommended(), original.quarantined(), original.reasons(),
                original.previousHash(), original.hash()));
        assertThat(RogueAgentDetector.verifyChain(edited)).isFalse();
        assertThat(RogueAgentDetector.firstBrokenLink(edited)).isEqualTo(3);

        // Re-hashing the edited record does not help: the next link no longer matches.
        RogueAssessment forged = edited.get(3);
        edited.set(3, new RogueAssessment(forged.agentId(), forged.timestamp(), forged.riskLevel(), forged.riskScore(), forged.signals(),
                forged.quarantineRecommended(), forged.quarantined(), forged.reasons(), forged.previousHash(), "f".repeat(64)));
        assertThat(RogueAgentDetector.firstBrokenLink(edited)).isEqualTo(3);
    }

    @Test
    void poissonTrafficOverManySeedsRaisesNoFrequencyAlert() {
        for (int seed = 0; seed < 20; seed++) {
            RogueAgentDetector detector = detector();
            SplittableRandom random = new SplittableRandom(seed);
            String agent = "agent-" + seed;
            for (int s = 0; s < 900; s++) {
                int calls = poisson(random, 10);
                for (int i = 0; i < calls; i++) {
                    detector.recordAction(agent, "work", TOOLS.get(random.nextInt(TOOLS.size())),
                            clock.instant().plusMillis(random.nextInt(1_000)), random.nextLong());
                }
                clock.advance(Duration.ofSeconds(1));
                if (s % 5 == 0) {
                    assertThat(detector.assess(agent).score(Signal.FREQUENCY)).as("seed %d second %d", seed, s).isZero();
                }
            }
        }
    }

    @Test
    void invalidInputIsRejectedNamingTheParameter() {
        RogueAgentDetector detector = detector();
        assertThatThrownBy(() -> detector.recordAction(" ", "a", "t", clock.instant())).hasMessageContaining("agentId");
        assertThatThrownBy(() -> detector.recordAction("a", "a", "", clock.instant())).hasMessageContaining("toolName");
        assertThatThrownBy(() -> detector.recordAction("a", "a", "t", null)).hasMessageContaining("timestamp");
        assertThatThrownBy(() -> RogueDetectorConfig.builder().entropyWindow(2).build()).hasMessageContaining("entropyWindow");
        assertThatThrownBy(() -> RogueDetectorConfig.builder().entropyLowThreshold(4).build()).hasMessageContaining("entropyHighThreshold");
        assertThatThrownBy(() -> RogueDetectorConfig.builder().repeatThreshold(50).build()).hasMessageContaining("repeatThreshold");
        assertThatThrownBy(() -> RogueDetectorConfig.builder().frequencyZThreshold(0).build()).hasMessageContaining("frequencyZThreshold");
        assertThat(detector.recordedActions("never-seen")).isZero();
    }

    private static int poisson(SplittableRandom random, double mean) {
        double l = Math.exp(-mean);
        int k = 0;
        double p = 1;
        do {
            k++;
            p *= random.nextDouble();
        } while (p > l);
        return k - 1;
    }
}
