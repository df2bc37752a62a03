package dev.agentsre.examples;

import dev.agentsre.BudgetExceededException;
import dev.agentsre.breaker.CircuitBreaker;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitOpenException;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.testing.ManualClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * Quick start: wrap a model call in a circuit breaker and a cost guard, with no other machinery and
 * no manual reserve, commit or release.
 * The model fails for a stretch (the breaker opens and later fails fast), then a loop of expensive
 * calls runs into the per-agent daily budget.
 */
public final class QuickStartExample {

    private QuickStartExample() {
    }

    /** What happened. */
    public record Outcome(int answered, int failed, int rejectedByBreaker, int refusedByBudget, BigDecimal spentUsd) {
    }

    /** Runs the example on {@code clock}. */
    public static Outcome run(ManualClock clock) {
        CircuitBreaker breaker = CircuitBreaker.of("research-agent", CircuitBreakerConfig.builder()
                .failureThreshold(3).recoveryTimeout(Duration.ofSeconds(30)).clock(clock).build());
        CostGuard guard = CostGuard.builder().perTaskLimit(0.50).perAgentDailyLimit(5.00)
                .priceTable(PriceTable.defaults()).clock(clock).build();

        int answered = 0;
        int failed = 0;
        int rejected = 0;
        int refused = 0;
        for (int task = 0; task < 120; task++) {
            boolean providerDown = task >= 10 && task < 20;
            TokenUsage usage = task < 60 ? TokenUsage.of(2_000, 400) : TokenUsage.of(120_000, 2_000); // then a runaway prompt
            String taskId = "task-" + task;
            try {
                // the breaker fails fast while the provider is known to be down; the cost guard reserves $0.40,
                // commits the price of the reply's usage, and releases the hold if the call throws
                breaker.execute(() -> guard.executeWithUsage("research-agent", taskId, 0.40, "gpt-4o",
                        () -> callModel(providerDown), reply -> usage));
                answered++;
            } catch (CircuitOpenException e) {
                rejected++;
            } catch (BudgetExceededException e) {
                refused++;
            } catch (RuntimeException e) {
                failed++;
            }
            clock.advance(Duration.ofSeconds(5));
        }
        return new Outcome(answered, failed, rejected, refused, guard.snapshot("research-agent").spentUsd());
    }

    private static String callModel(boolean providerDown) {
        if (providerDown) {
            throw new IllegalStateException("503 from the model provider");
        }
        return "an answer";
    }

    /** Prints the outcome. */
    public static void main(String[] args) {
        Outcome o = run(ManualClock.at(Instant.parse("2026-11-02T09:00:00Z")));
        System.out.printf("answered %d, failed %d, rejected by the open breaker %d, refused by the budget %d, spent $%s%n",
                o.answered(), o.failed(), o.rejectedByBreaker(), o.refusedByBudget(), o.spentUsd());
    }
}
