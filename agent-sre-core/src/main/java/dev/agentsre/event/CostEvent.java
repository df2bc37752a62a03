package dev.agentsre.event;

/** Events published by a {@link dev.agentsre.cost.CostGuard}. */
public sealed interface CostEvent extends SreEvent permits CostAlertRaised, BudgetStateChanged, BudgetPeriodRolledOver, CostCharged,
        UnknownModelPriced, BudgetEvicted {
}
