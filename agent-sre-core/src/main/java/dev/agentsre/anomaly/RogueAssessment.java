package dev.agentsre.anomaly;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One assessment of an agent by a {@link RogueAgentDetector}, and a link of that agent's
 * tamper-evident chain: {@link #hash()} is the SHA-256 of every other field, including
 * {@link #previousHash()}, so editing any record (its risk level, a reason, a score) breaks the
 * chain from there on ({@link RogueAgentDetector#verifyChain(List)}).
 *
 * @param agentId the agent
 * @param timestamp when
 * @param riskLevel the combined risk
 * @param riskScore the combined score in [0, 1]
 * @param signals each signal's score in [0, 1]
 * @param quarantineRecommended whether the risk reached the quarantine level
 * @param quarantined whether the agent is quarantined after this assessment
 * @param reasons the evidence, in words
 * @param previousHash the hash of the agent's previous assessment ({@code "0"×64} for the first)
 * @param hash this record's hash
 */
public record RogueAssessment(String agentId, Instant timestamp, RiskLevel riskLevel, double riskScore, Map<Signal, Double> signals,
                              boolean quarantineRecommended, boolean quarantined, List<String> reasons, String previousHash,
                              String hash) {

    /** Copies the collections. */
    public RogueAssessment {
        signals = Map.copyOf(signals);
        reasons = List.copyOf(reasons);
    }

    /** The score of one signal. */
    public double score(Signal signal) {
        return signals.getOrDefault(signal, 0.0);
    }
}
