/**
 * Chaos engineering for agents: {@link dev.agentsre.chaos.Fault}s that are really injected into
 * tool, model and delegation calls by a {@link dev.agentsre.chaos.ChaosInjector}, experiments with
 * abort conditions and resilience scores ({@link dev.agentsre.chaos.ChaosExperiment}), ready
 * templates ({@link dev.agentsre.chaos.ChaosTemplates}), YAML definitions
 * ({@link dev.agentsre.chaos.ChaosYamlLoader}) and a cron scheduler with blackout windows
 * ({@link dev.agentsre.chaos.ChaosScheduler}).
 */
package dev.agentsre.chaos;
