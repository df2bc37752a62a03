/**
 * Service level objectives for agent behaviour: indicators ({@link dev.agentsre.slo.Sli} and the
 * built-ins in {@link dev.agentsre.slo.Slis}, among them {@link dev.agentsre.slo.AvailabilitySli}),
 * {@link dev.agentsre.slo.ErrorBudget}s over rolling or {@linkplain dev.agentsre.slo.CalendarWindow
 * calendar} windows, counting events or {@linkplain dev.agentsre.slo.BudgetingMethod time slices},
 * with the workbook's multi-window burn-rate alerts, and {@link
 * dev.agentsre.slo.Slo}, which evaluates them to an {@link dev.agentsre.slo.SloStatus} and publishes
 * status and alert events. {@link dev.agentsre.slo.SloTemplate} applies one definition to every
 * agent of a fleet; {@link dev.agentsre.slo.SloEvaluator} evaluates SLOs on a schedule so that
 * alerts resolve and budgets recover with no traffic; {@link dev.agentsre.slo.OpenSloLoader} reads
 * OpenSLO v1 YAML.
 */
package dev.agentsre.slo;
