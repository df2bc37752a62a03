package dev.agentsre.event;

import dev.agentsre.slo.BurnRateAlert;
import java.time.Instant;

/**
 * A burn-rate alert rule stopped firing.
 *
 * @param timestamp when it was observed
 * @param agentId the SLO's agent, or {@code null}
 * @param sloName the SLO
 * @param alert the rule
 * @param longWindowRate burn rate over the rule's long window
 * @param shortWindowRate burn rate over its short window, or NaN for a single-window rule
 */
public record BurnRateAlertResolved(Instant timestamp, String agentId, String sloName, BurnRateAlert alert,
                                    double longWindowRate, double shortWindowRate) implements SloEvent {
}
