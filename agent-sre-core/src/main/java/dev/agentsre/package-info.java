/**
 * Agent SRE for Java: site-reliability engineering for AI-agent applications.
 *
 * <p>Each capability lives in its own package ({@code slo}, {@code breaker}, {@code cost},
 * {@code anomaly}, {@code chaos}, {@code replay}); components never call each other's internals
 * but publish typed {@link dev.agentsre.event.SreEvent}s to an {@link dev.agentsre.event.SreEventBus}.
 */
package dev.agentsre;
