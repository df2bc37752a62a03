package dev.agentsre.docs;

import dev.agentsre.anomaly.ActionVerdict;
import dev.agentsre.anomaly.AnomalyDetector;
import dev.agentsre.anomaly.RiskLevel;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueAssessment;
import dev.agentsre.anomaly.RogueDetectorConfig;
import dev.agentsre.event.SreEventBus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/** What docs/rogue-detection.md's Java fragments take as given. */
abstract class RogueDetectionPage {

    Logger log;
    SreEventBus bus;
    String query;
    String taskId;
    RogueAgentDetector detector;

    void refuse() {
    }
}
