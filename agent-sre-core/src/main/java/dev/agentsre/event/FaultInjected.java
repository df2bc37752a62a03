package dev.agentsre.event;

import dev.agentsre.chaos.FaultType;
import java.time.Instant;

/**
 * A chaos experiment injected a fault into a call.
 *
 * @param timestamp when
 * @param agentId the experiment's target agent
 * @param experiment the experiment
 * @param target the call's target (tool, model or agent name)
 * @param faultType the fault
 * @param callId the call's sequence number within the experiment (1-based)
 * @param detail what was done, e.g. {@code "latency 512ms"}
 */
public record FaultInjected(Instant timestamp, String agentId, String experiment, String target, FaultType faultType, long callId,
                            String detail) implements ChaosEvent {
}
