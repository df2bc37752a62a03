package dev.agentsre.cost;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * A budget at one instant.
 *
 * @param scope which budget
 * @param owner its owner: agent id, tenant, or {@code "organization"}
 * @param spentUsd spent in the current period
 * @param heldUsd held by open reservations
 * @param limitUsd the limit, or {@code null} when unlimited (spend is still tracked)
 * @param utilisation {@code spent / limit}, NaN when unlimited
 * @param state the enforcement state
 * @param periodStart start of the current period (a day for agents, a month otherwise)
 * @param periodEnd end of the current period, exclusive
 * @param breakdown spend of the period by category ({@code input_tokens}, {@code tool_calls}, ...),
 *     agent budgets only
 */
public record BudgetSnapshot(BudgetScope scope, String owner, BigDecimal spentUsd, BigDecimal heldUsd, BigDecimal limitUsd,
                             double utilisation, BudgetState state, Instant periodStart, Instant periodEnd,
                             Map<String, BigDecimal> breakdown) {
}
