package dev.agentsre.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Loops are judged per task; frequency, entropy and capability stay per agent. */
class TaskLoopDetectionTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-11-02T09:00:00Z"));
    private final RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().clock(clock).build());

    @Test
    void theSameCallOnceInEachOfManyTasksIsNotALoop() {
        for (int i = 0; i < 15; i++) {
            assertThat(detector.taskActions("a", "t-" + i).record("search_kb", Map.of("q", "hours"))).isEqualTo(ActionVerdict.ALLOWED);
        }
        assertThat(detector.riskSnapshot("a").signals().get(Signal.LOOP)).isZero();
    }

    @Test
    void theSameCallRepeatedInOneTaskIsALoopThatQuarantinesTheAgent() {
        RogueAgentDetector.TaskActions task = detector.taskActions("a", "loop");
        ActionVerdict verdict = ActionVerdict.ALLOWED;
        int calls = 0;
        while (verdict == ActionVerdict.ALLOWED && calls < 20) {
            verdict = task.record("search_kb", Map.of("q", "hours"));
            calls++;
        }

        assertThat(verdict).isEqualTo(ActionVerdict.QUARANTINED);
        assertThat(calls).isEqualTo(15); // the loop score reaches HIGH at 15 identical calls of 20
        assertThat(detector.isQuarantined("a")).isTrue();
        assertThat(detector.assess("a").reasons()).anySatisfy(r -> assertThat(r).contains("task 'loop'").contains("search_kb called 15 times"));
    }

    @Test
    void aCycleWithinOneTaskIsALoopAndItsEvidenceFadesAfterTheViolationWindow() {
        RogueAgentDetector.TaskActions task = detector.taskActions("a", "cycle");
        for (int i = 0; i < 4; i++) {
            task.record("search", "q");
            task.record("summarise", "doc");
        }
        assertThat(detector.riskSnapshot("a").signals().get(Signal.LOOP)).isGreaterThanOrEqualTo(0.55);

        clock.advance(Duration.ofSeconds(61));
        assertThat(detector.riskSnapshot("a").signals().get(Signal.LOOP)).isZero();
    }

    @Test
    void callsRecordedWithoutATaskAreStillJudgedTogether() {
        for (int i = 0; i < 12; i++) {
            detector.recordAction("a", "tool_call", "search_kb", clock.instant(), Map.of("q", "hours"));
        }
        assertThat(detector.riskSnapshot("a").signals().get(Signal.LOOP)).isPositive();
    }

    @Test
    void profilesAreEnforcedByDefaultAndOnlyScoredInObserveMode() {
        detector.registerCapabilityProfile("a", Set.of("search_kb"));
        assertThat(detector.isAuthorised("a", "search_kb")).isTrue();
        assertThat(detector.isAuthorised("a", "shell_exec")).isFalse();
        assertThat(detector.taskActions("a", "t").record("shell_exec", "ls")).isEqualTo(ActionVerdict.UNAUTHORISED);

        RogueAgentDetector observing = new RogueAgentDetector(RogueDetectorConfig.builder().enforcement(Enforcement.OBSERVE).clock(clock).build());
        observing.registerCapabilityProfile("a", Set.of("search_kb"));
        assertThat(observing.taskActions("a", "t").record("shell_exec", "ls")).isEqualTo(ActionVerdict.ALLOWED);
        assertThat(observing.riskSnapshot("a").signals().get(Signal.CAPABILITY)).isPositive();
    }

    @Test
    void aQuarantinedAgentsTaskCallsAreRefusedUnrecordedUntilAnAutomaticReleaseIsDue() {
        RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().deniedTools(Set.of("shell_exec"))
                .autoReleaseAfter(Duration.ofMinutes(5)).clock(clock).build());
        assertThat(detector.taskActions("a", "t1").record("shell_exec", "ls")).isEqualTo(ActionVerdict.UNAUTHORISED);
        assertThat(detector.isQuarantined("a")).isTrue();
        long recorded = detector.recordedActions("a");

        clock.advance(Duration.ofMinutes(2)); // the violation has faded: calm from now
        assertThat(detector.taskActions("a", "t2").record("search", "q")).isEqualTo(ActionVerdict.QUARANTINED);
        assertThat(detector.recordedActions("a")).isEqualTo(recorded);
        clock.advance(Duration.ofMinutes(5));

        assertThat(detector.taskActions("a", "t3").record("search", "q")).isEqualTo(ActionVerdict.ALLOWED);
        assertThat(detector.isQuarantined("a")).isFalse();
    }
}
