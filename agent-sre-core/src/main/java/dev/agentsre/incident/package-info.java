/**
 * Incidents: one per real problem. {@link dev.agentsre.incident.IncidentManager} turns events into
 * {@link dev.agentsre.incident.Signal}s ({@link dev.agentsre.incident.DetectionPolicy}),
 * deduplicates and correlates them (same agent, a failing dependency of the
 * {@link dev.agentsre.incident.DependencyTopology}, a recent {@link dev.agentsre.incident.Change}),
 * ranks {@link dev.agentsre.incident.RootCauseHint}s, measures the
 * {@link dev.agentsre.incident.Impact}, runs {@link dev.agentsre.incident.Responses} and
 * {@link dev.agentsre.incident.Runbooks} against the components, and writes the
 * {@link dev.agentsre.incident.Postmortem}.
 */
package dev.agentsre.incident;
