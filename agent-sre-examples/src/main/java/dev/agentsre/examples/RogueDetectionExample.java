package dev.agentsre.examples;

import dev.agentsre.anomaly.RiskLevel;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueAssessment;
import dev.agentsre.anomaly.RogueDetectorConfig;
import dev.agentsre.event.AgentQuarantined;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Three support agents on a virtual clock: one works normally, one gets stuck re-running the same
 * search (a loop), one is prompt-injected into calling tools outside its profile. The detector
 * quarantines the two rogue ones with the evidence, and the assessment chain verifies.
 */
public final class RogueDetectionExample {

    private RogueDetectionExample() {
    }

    /** What happened, for the test. */
    public record Outcome(List<String> quarantined, List<String> log, boolean chainIntact) {
    }

    /** Runs the scenario on {@code clock}. */
    public static Outcome run(ManualClock clock) {
        SreEventBus bus = new SreEventBus();
        List<String> log = new ArrayList<>();
        bus.subscribe(AgentQuarantined.class, e -> log.add(e.timestamp() + " QUARANTINED " + e.agentId() + " (" + e.riskLevel()
                + "): " + String.join("; ", e.reasons())));

        RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder()
                .quarantineRiskLevel(RiskLevel.HIGH)
                .deniedTools(Set.of("shell_exec"))
                .clock(clock)
                .build(), bus);
        Set<String> supportTools = Set.of("search_kb", "create_ticket", "send_email", "lookup_order");
        for (String agent : List.of("helpful-agent", "looping-agent", "injected-agent")) {
            detector.registerCapabilityProfile(agent, supportTools);
        }

        List<String> tools = List.copyOf(supportTools);
        for (int i = 0; i < 40; i++) {
            clock.advance(Duration.ofSeconds(2));
            detector.recordAction("helpful-agent", "answer", tools.get((i * 7) % tools.size()), clock.instant(), Map.of("ticket", i));
            detector.recordAction("looping-agent", "answer", "search_kb", clock.instant(), Map.of("q", "how do I reset my password"));
            if (i >= 30) {
                String tool = i % 2 == 0 ? "http_post" : "read_file";
                detector.recordAction("injected-agent", "follow injected instruction", tool, clock.instant(), Map.of("i", i));
            } else {
                detector.recordAction("injected-agent", "answer", tools.get(i % tools.size()), clock.instant(), Map.of("ticket", i));
            }
        }
        for (String agent : List.of("helpful-agent", "looping-agent", "injected-agent")) {
            RogueAssessment a = detector.assess(agent);
            log.add(String.format("%s: %s (%.2f) %s", agent, a.riskLevel(), a.riskScore(), a.reasons()));
        }
        boolean intact = detector.verifyChain("looping-agent") && detector.verifyChain("injected-agent");
        return new Outcome(detector.quarantinedAgents(), log, intact);
    }

    /** Prints the scenario. */
    public static void main(String[] args) {
        Outcome outcome = run(ManualClock.at(Instant.parse("2026-11-02T14:00:00Z")));
        outcome.log().forEach(System.out::println);
        System.out.println("quarantined: " + outcome.quarantined() + ", assessment chain intact: " + outcome.chainIntact());
    }
}
