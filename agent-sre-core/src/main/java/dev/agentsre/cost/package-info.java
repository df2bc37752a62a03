/**
 * Cost guard: per-task, per-agent daily, per-tenant and organisation monthly budgets with alerts,
 * throttling and a kill switch ({@link dev.agentsre.cost.CostGuard}, configured by a
 * {@link dev.agentsre.cost.CostGuardConfig}), race-free reservations
 * ({@link dev.agentsre.cost.CostReservation}), token pricing ({@link dev.agentsre.cost.PriceTable},
 * {@link dev.agentsre.cost.TokenUsage}) and cost anomaly detection.
 */
package dev.agentsre.cost;
