/**
 * The cost guard's machinery behind {@link dev.agentsre.cost.CostGuard}: budgets and their periods
 * (which only move forward), the enforcement of thresholds, throttle and kill switch with their events
 * in order, the throttle gate, the bounded ledgers of agents, tenants and tasks, and the spend
 * anomaly baselines. Not API: anything here may change without notice.
 */
package dev.agentsre.cost.internal;
