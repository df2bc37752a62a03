package dev.agentsre.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * An action computes no scores when {@link AgentBehaviour#quiet} says every signal is 0: that must
 * never hide a score, or a rogue agent would go unquarantined. Random configurations and random
 * traffic (bursts, loops, cycles, varied work, violations, task loops, idle gaps) check, after every
 * action and at later instants, that quiet implies a risk of exactly 0.
 */
class QuietAgentTest {

    private static final String[] TOOLS = {"search", "summarise", "ticket", "email", "lookup", "shell_exec", "ftp", "calc"};

    @Test
    void quietNeverHidesAScoreUnderRandomTrafficAndConfigurations() {
        long quietStates = 0;
        long scoredStates = 0;
        long scoredAtFirstRisk = 0;
        for (int seed = 0; seed < 60; seed++) {
            Random random = new Random(seed);
            ManualClock clock = ManualClock.at(Instant.parse("2026-12-01T00:00:00Z"));
            int window = 8 + random.nextInt(57);
            double low = random.nextDouble() * 1.5;
            // Each signal is sometimes switched off, so that the others are met at their own edges.
            boolean entropyOff = random.nextInt(3) == 0;
            RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder()
                    .clock(clock)
                    .frequencyWindow(Duration.ofSeconds(1 + random.nextInt(30)))
                    .frequencyZThreshold(random.nextInt(3) == 0 ? 1e9 : 0.5 + random.nextDouble() * 3)
                    .frequencyWarmupBuckets(1 + random.nextInt(4))
                    .baselineBuckets(2 + random.nextInt(10))
                    .entropyWindow(window)
                    .entropyLowThreshold(entropyOff ? 0 : low)
                    .entropyHighThreshold(entropyOff ? 1_000 : low + 0.2 + random.nextDouble() * 2.5)
                    .repeatThreshold(random.nextInt(3) == 0 ? window : 3 + random.nextInt(window - 2))
                    .cycleRepeats(2 + random.nextInt(4))
                    .violationWindow(Duration.ofSeconds(1 + random.nextInt(60)))
                    .deniedTools(Set.of("shell_exec"))
                    .quarantineRiskLevel(RiskLevel.CRITICAL)
                    .build());
            if (random.nextBoolean()) {
                detector.registerCapabilityProfile("a", Set.of("search", "summarise", "ticket", "email", "lookup", "calc"));
            }
            RogueAgentDetector.TaskActions task = detector.taskActions("a", "t");
            int pattern = 0;
            for (int i = 0; i < 3_000; i++) {
                if (i % 200 == 0) {
                    pattern = random.nextInt(5);
                }
                String tool;
                long args;
                switch (pattern) {
                    case 0 -> { tool = TOOLS[random.nextInt(TOOLS.length)]; args = random.nextLong(); } // varied work
                    case 1 -> { tool = TOOLS[0]; args = 7; }                                           // a loop
                    case 2 -> { tool = TOOLS[i % 2]; args = i % 2; }                                   // an A/B cycle
                    case 3 -> { tool = TOOLS[random.nextInt(2)]; args = random.nextInt(3); }           // repetitive
                    default -> { tool = TOOLS[random.nextInt(TOOLS.length)]; args = random.nextInt(4); }
                }
                int gap = random.nextInt(100);
                clock.advance(Duration.ofMillis(gap < 90 ? random.nextInt(50) : gap < 98 ? random.nextInt(5_000) : random.nextInt(120_000)));
                if (random.nextInt(20) == 0) {
                    task.record(tool, args);
                } else {
                    detector.recordAction("a", "act", tool, clock.instant(), args);
                }
                AgentBehaviour behaviour = detector.peekBehaviour("a");
                long now = clock.millis();
                for (long later : new long[] {0, 1, 500, 5_000, 61_000}) {
                    behaviour.turn.lock();
                    try {
                        boolean quiet = behaviour.quiet(now + later);
                        double risk = behaviour.risk(now + later);
                        if (quiet) {
                            assertThat(risk).as("seed %d, action %d, %d ms later: quiet but scored", seed, i, later).isZero();
                            quietStates++;
                        } else if (risk > 0) {
                            scoredStates++;
                        }
                    } finally {
                        behaviour.turn.unlock();
                    }
                }
                if (detector.isQuarantined("a")) {
                    scoredAtFirstRisk++;
                    detector.release("a");
                }
            }
        }
        // The traffic reached both sides of every bound often enough for the check to mean something.
        assertThat(quietStates).isGreaterThan(100_000);
        assertThat(scoredStates).isGreaterThan(100_000);
        assertThat(scoredAtFirstRisk).isPositive();
    }

    @Test
    void aCycleIsNotQuietFromTheActionThatCompletesIt() {
        for (int period = 2; period <= 4; period++) {
            for (int repeats = 2; repeats <= 4; repeats++) {
                ManualClock clock = ManualClock.at(Instant.parse("2026-12-01T00:00:00Z"));
                RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().clock(clock)
                        .entropyLowThreshold(0).entropyHighThreshold(1_000) // only the cycle can score
                        .frequencyZThreshold(1e9).repeatThreshold(20).cycleRepeats(repeats).build());
                for (int i = 0; i < 30; i++) {
                    detector.recordAction("a", "act", TOOLS[i % 5], clock.instant(), 1_000 + i);
                }
                AgentBehaviour behaviour = detector.peekBehaviour("a");
                int firstScored = -1;
                for (int i = 0; i < period * repeats + 2; i++) {
                    detector.recordAction("a", "act", TOOLS[i % period], clock.instant(), i % period);
                    double risk = behaviour.risk(clock.millis());
                    assertThat(behaviour.quiet(clock.millis()) && risk > 0).as("period %d, %d repeats, call %d", period, repeats, i).isFalse();
                    if (risk > 0 && firstScored < 0) {
                        firstScored = i;
                    }
                }
                assertThat(firstScored).as("the cycle of %d repeated %d times scored at its last call", period, repeats)
                        .isEqualTo(period * repeats - 1);
            }
        }
    }

    @Test
    void repeatScoresMatchACountOfTheWindowByBruteForce() {
        for (int seed = 0; seed < 40; seed++) {
            Random random = new Random(seed);
            ManualClock clock = ManualClock.at(Instant.parse("2026-12-01T00:00:00Z"));
            int window = 5 + random.nextInt(60);
            int threshold = 1 + random.nextInt(window);
            RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().clock(clock).entropyWindow(window)
                    .repeatThreshold(threshold).cycleRepeats(1_000).quarantineRiskLevel(RiskLevel.CRITICAL).build());
            java.util.ArrayDeque<String> last = new java.util.ArrayDeque<>();
            int keys = 1 + random.nextInt(12);
            for (int i = 0; i < 1_500; i++) {
                int k = random.nextInt(keys);
                String tool = TOOLS[k % 3];
                detector.recordAction("a", "act", tool, clock.instant(), k);
                last.addLast(tool + "/" + k);
                if (last.size() > window) {
                    last.removeFirst();
                }
                int max = (int) last.stream().collect(java.util.stream.Collectors.groupingBy(key -> key, java.util.stream.Collectors.counting()))
                        .values().stream().mapToLong(Long::longValue).max().orElse(0);
                double expected = max >= threshold
                        ? Math.min(0.8, 0.6 + 0.2 * (max - threshold) / Math.max(1, window - threshold)) : 0;
                assertThat(detector.riskSnapshot("a").signals().get(Signal.LOOP)).as("seed %d, action %d: %d repeats of %d", seed, i, max,
                        threshold).isEqualTo(expected);
                if (detector.isQuarantined("a")) {
                    detector.release("a");
                    last.clear();
                }
            }
        }
    }

    @Test
    void aCalmAgentIsQuietAndALoopIsNot() {
        ManualClock clock = ManualClock.at(Instant.parse("2026-12-01T00:00:00Z"));
        RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().clock(clock).build());
        for (int i = 0; i < 100; i++) {
            detector.recordAction("a", "act", TOOLS[i % 5], clock.instant(), i);
        }
        AgentBehaviour behaviour = detector.peekBehaviour("a");
        assertThat(behaviour.quiet(clock.millis())).isTrue();

        for (int i = 0; i < 10; i++) {
            detector.recordAction("a", "act", "search", clock.instant(), 42);
        }
        assertThat(behaviour.quiet(clock.millis())).isFalse();
    }

    @Test
    void aNewProfileIsAppliedToToolsAlreadyJudged() {
        ManualClock clock = ManualClock.at(Instant.parse("2026-12-01T00:00:00Z"));
        RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().clock(clock).build());
        detector.registerCapabilityProfile("a", Set.of("search", "email"));
        detector.recordAction("a", "act", "email", clock.instant(), 1);
        assertThat(detector.riskSnapshot("a").signals().get(Signal.CAPABILITY)).isZero();

        detector.registerCapabilityProfile("a", Set.of("search"));
        detector.recordAction("a", "act", "email", clock.instant(), 2);
        assertThat(detector.riskSnapshot("a").signals().get(Signal.CAPABILITY)).isPositive();

        detector.removeCapabilityProfile("a"); // no profile: only the denied list counts
        clock.advance(Duration.ofMinutes(10));
        detector.recordAction("a", "act", "email", clock.instant(), 3);
        assertThat(detector.riskSnapshot("a").signals().get(Signal.CAPABILITY)).isZero();
    }
}
