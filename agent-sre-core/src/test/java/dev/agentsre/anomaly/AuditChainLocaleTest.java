package dev.agentsre.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 14, defect 13: the audit-chain hash depended on the default locale. */
class AuditChainLocaleTest {

    /** Defect 13: String.format("%.9f") gives "0,500000000" under de_DE, so a chain exported from one JVM failed verifyChain on another. */
    @Test
    void aChainWrittenUnderOneLocaleVerifiesUnderAnother() {
        Locale original = Locale.getDefault();
        try {
            Locale.setDefault(Locale.US);
            List<RogueAssessment> chain = chainWithFractionalScores();
            assertThat(chain).hasSize(4); // every score is hashed as a decimal ("0.000000000"): locale-sensitive until fixed
            assertThat(RogueAgentDetector.verifyChain(chain)).isTrue();

            for (Locale other : new Locale[] {Locale.GERMANY, new Locale("ar", "EG"), new Locale("hi", "IN", "u-nu-deva"), Locale.FRANCE}) {
                Locale.setDefault(other);
                assertThat(RogueAgentDetector.verifyChain(chain)).as("verified under %s", other).isTrue();
                assertThat(chainWithFractionalScores()).extracting(RogueAssessment::hash)
                        .as("the same chain is written under %s", other)
                        .containsExactlyElementsOf(chain.stream().map(RogueAssessment::hash).toList());
            }
        } finally {
            Locale.setDefault(original);
        }
    }

    /** The same run every time: four assessments of a looping agent. */
    private static List<RogueAssessment> chainWithFractionalScores() {
        ManualClock clock = ManualClock.at(Instant.parse("2026-06-01T10:00:00Z"));
        RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().clock(clock)
                .frequencyWindow(Duration.ofSeconds(60)).quarantineRiskLevel(RiskLevel.CRITICAL).build());
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < 6; i++) {
                clock.advanceMillis(700);
                detector.recordAction("agent", "answer", i % 3 == 0 ? "create_ticket" : "search_kb", clock.instant(),
                        Map.of("q", "refund policy " + (i % 2)));
            }
            detector.assess("agent");
        }
        return detector.history("agent");
    }
}
