package dev.agentsre.event;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Several agents' breakers opened within a short window: one failure is spreading through the
 * fleet. Published when the threshold is first reached and again every time another agent joins
 * the same cascade, so an escalation is never swallowed.
 *
 * @param timestamp when
 * @param agentId the agent that failed first (the likely origin)
 * @param agents every agent whose breaker opened in the window, in the order they opened
 * @param window the detection window
 * @param fleetSize breakers in the registry when detected
 */
public record CascadeDetected(Instant timestamp, String agentId, List<String> agents, Duration window, int fleetSize)
        implements BreakerEvent {

    /** Copies the agent list. */
    public CascadeDetected {
        agents = List.copyOf(agents);
    }
}
