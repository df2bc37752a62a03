package dev.agentsre.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.testing.ManualClock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Availability beside success: refused tasks are counted, by a documented choice of refusals. */
class AvailabilityTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T00:00:00Z"));

    private Slo slo(BudgetEvents budgetEvents, AvailabilitySli availability, AggregateSli success) {
        return Slo.builder("research").agentId("research-agent").indicator(availability).indicator(success)
                .errorBudget(ErrorBudget.builder().target(0.99).projectAllowance(false).clock(clock).build())
                .budgetEvents(budgetEvents).build();
    }

    /** The demo's day: 55 tasks served (one failed), 45 refused by an open circuit. */
    private static void day(Slo slo) {
        for (int i = 0; i < 55; i++) {
            slo.recordServed(i != 0);
        }
        for (int i = 0; i < 45; i++) {
            slo.recordRefused(Refusal.CIRCUIT_OPEN);
        }
    }

    @Test
    void refusedTasksAreNoLongerInvisible() {
        AvailabilitySli availability = Slis.availability().clock(clock).build();
        AggregateSli success = Slis.taskSuccessRate().target(0.99).clock(clock).build();
        Slo slo = slo(BudgetEvents.AVAILABILITY, availability, success);
        day(slo);
        assertThat(availability.name()).isEqualTo("availability");
        assertThat(availability.offered()).isEqualTo(100);
        assertThat(availability.unavailable()).isEqualTo(45);
        assertThat(availability.currentValue()).isEqualTo(0.55);
        assertThat(availability.collect().isGood()).isFalse();
        assertThat(slo.errorBudget().totalEvents()).isEqualTo(100);
        assertThat(slo.errorBudget().badEvents()).isEqualTo(45);
        assertThat(slo.evaluate()).isEqualTo(SloStatus.EXHAUSTED);
    }

    @Test
    void aSuccessObjectiveCountsServedTasksOnlyWhileItsAvailabilityIndicatorSeesTheRefusals() {
        AvailabilitySli availability = Slis.availability().clock(clock).build();
        AggregateSli success = Slis.taskSuccessRate().target(0.95).clock(clock).build();
        Slo slo = slo(BudgetEvents.TASK_OUTCOMES, availability, success);
        day(slo);
        assertThat(slo.errorBudget().totalEvents()).isEqualTo(55);
        assertThat(slo.errorBudget().badEvents()).isEqualTo(1);
        assertThat(availability.currentValue()).isEqualTo(0.55);
    }

    @Test
    void policyRefusalsAreNotUnavailabilityUnlessTheSloSaysSo() {
        AvailabilitySli availability = Slis.availability().clock(clock).build();
        Slo slo = slo(BudgetEvents.AVAILABILITY, availability, Slis.taskSuccessRate().clock(clock).build());
        for (Refusal refusal : EnumSet.of(Refusal.SLO_ACTION, Refusal.COST_THROTTLED, Refusal.BUDGET_EXCEEDED, Refusal.POLICY)) {
            slo.recordRefused(refusal);
        }
        slo.recordRefused(Refusal.QUARANTINED);
        slo.recordServed(true);
        assertThat(availability.offered()).isEqualTo(2);
        assertThat(slo.errorBudget().badEvents()).isEqualTo(1);
        assertThat(Refusal.UNAVAILABILITY).containsExactlyInAnyOrder(Refusal.CIRCUIT_OPEN, Refusal.QUARANTINED);

        Slo strict = Slo.builder("strict").errorBudget(ErrorBudget.builder().target(0.99).clock(clock).build())
                .budgetEvents(BudgetEvents.AVAILABILITY).unavailability(Set.of(Refusal.BUDGET_EXCEEDED)).build();
        strict.recordRefused(Refusal.BUDGET_EXCEEDED);
        strict.recordRefused(Refusal.CIRCUIT_OPEN);
        assertThat(strict.errorBudget().badEvents()).isEqualTo(1);
        assertThat(strict.unavailability()).containsExactly(Refusal.BUDGET_EXCEEDED);
    }

    @Test
    void theIndicatorTakesOnlyServedOrUnavailable() {
        AvailabilitySli availability = Slis.availability().clock(clock).build();
        availability.record(1.0);
        availability.record(0.0);
        assertThat(availability.compliance()).isEqualTo(0.5);
        assertThatThrownBy(() -> availability.record(0.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("availability").hasMessageContaining("0.5");
        assertThatThrownBy(() -> Slis.availability().target(1.5).build()).hasMessageContaining("target");
        assertThat(Slis.availability().build().collect().value()).isEqualTo(0.999); // no data: the target
        assertThatThrownBy(() -> Slo.builder("s").errorBudget(ErrorBudget.builder().target(0.9).build()).build().recordRefused(null))
                .hasMessageContaining("refusal");
    }
}
