/**
 * Service level objectives for agent behaviour: indicators ({@link dev.agentsre.slo.Sli} and the
 * built-ins in {@link dev.agentsre.slo.Slis}), {@link dev.agentsre.slo.ErrorBudget}s with
 * single- and multi-window burn-rate alerts, and {@link dev.agentsre.slo.Slo}, which evaluates
 * them to an {@link dev.agentsre.slo.SloStatus} and publishes status and alert events.
 * {@link dev.agentsre.slo.OpenSloLoader} reads definitions from OpenSLO v1 YAML.
 */
package dev.agentsre.slo;
