package dev.agentsre.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.agentsre.testing.Race;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Time-slice budgets: OpenSLO's {@code Timeslices} and {@code RatioTimeslices} budgeting methods. */
class TimeSlicesTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T00:00:00Z")); // a whole minute

    private ErrorBudget.Builder budget() {
        return ErrorBudget.builder().target(0.9).window("1h").projectAllowance(false).minimumEvents(1).clock(clock);
    }

    @Test
    void aSliceIsOneEventJudgedByTheShareOfGoodEventsInItWhenItEnds() {
        ErrorBudget budget = budget().timeslices(Duration.ofMinutes(1), 0.95).build();

        budget.recordEvents(97, 3);                           // 97% good: a good slice
        assertThat(budget.totalEvents()).isZero();        // not judged before it ends
        clock.advance(Duration.ofMinutes(1));
        assertThat(budget.totalEvents()).isEqualTo(1);    // judged as soon as it ended, without another event
        assertThat(budget.badEvents()).isZero();
        assertThat(budget.lifetimeEvents()).isZero();     // a read writes nothing
        assertThat(budget.totalEvents()).isEqualTo(1);    // and reading again counts it once

        budget.recordEvents(90, 10);                          // 90% good: a bad slice (writes the first one)
        assertThat(budget.lifetimeEvents()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(2));            // a minute without events is not counted
        budget.recordEvents(1, 0);
        clock.advance(Duration.ofMinutes(1));

        assertThat(budget.totalEvents()).isEqualTo(3);
        assertThat(budget.badEvents()).isEqualTo(1);
        assertThat(budget.lifetimeEvents()).isEqualTo(2);
        assertThat(budget.lifetimeBadEvents()).isEqualTo(1);
        // a 90% target over 3 slices allows 0.3 bad slices: 1 exhausts it
        assertThat(budget.isExhausted()).isTrue();
        assertThat(budget.snapshot().totalEvents()).isEqualTo(3);
        assertThat(budget.snapshot().badEvents()).isEqualTo(1);
    }

    @Test
    void aSliceExactlyAtTheSliceTargetIsGood() {
        ErrorBudget budget = budget().timeslices(Duration.ofMinutes(1), 0.95).build();
        budget.recordEvents(95, 5);
        clock.advance(Duration.ofMinutes(1));
        budget.recordEvents(94, 6);
        clock.advance(Duration.ofMinutes(1));

        assertThat(budget.totalEvents()).isEqualTo(2);
        assertThat(budget.badEvents()).isEqualTo(1);
    }

    @Test
    void ratioTimeslicesAverageTheSlicesRatiosSoAQuietSliceWeighsAsMuchAsABusyOne() {
        ErrorBudget slices = budget().ratioTimeslices(Duration.ofMinutes(1)).build();
        ErrorBudget occurrences = budget().build();
        for (int[] slice : new int[][] {{1, 0}, {1, 1}, {950, 50}}) { // ratios 1.0, 0.5, 0.95
            slices.recordEvents(slice[0], slice[1]);
            occurrences.recordEvents(slice[0], slice[1]);
            clock.advance(Duration.ofMinutes(1));
        }

        assertThat(slices.totalEvents()).isEqualTo(3 * ErrorBudget.RATIO_TIMESLICE_UNITS);
        assertThat(slices.badEvents()).isEqualTo(550_000);                     // 0 + 0.5 + 0.05 slices
        assertThat(EventRatioSli.of("ratio", slices).currentValue()).isCloseTo(0.8166666667, within(1e-9)); // the mean of the ratios
        assertThat(EventRatioSli.of("ratio", occurrences).currentValue()).isCloseTo(952.0 / 1003, within(1e-9));
        // 0.55 bad slices of the 0.3 a 90% target allows over 3 slices; 51 bad events of the 100.3 allowed over 1,003
        assertThat(slices.isExhausted()).isTrue();
        assertThat(occurrences.isExhausted()).isFalse();
    }

    @Test
    void ratiosAreCountedToAMillionthRoundedHalfUp() {
        ErrorBudget budget = budget().ratioTimeslices(Duration.ofMinutes(1)).build();
        budget.recordEvents(2, 1);                             // 1/3 bad
        clock.advance(Duration.ofMinutes(1));
        assertThat(budget.badEvents()).isEqualTo(333_333);
        budget.recordEvents(1, 2);                             // 2/3 bad
        clock.advance(Duration.ofMinutes(1));
        assertThat(budget.badEvents()).isEqualTo(333_333 + 666_667);
    }

    @Test
    void minimumEventsCountSlicesAndAlertsBurnOverSlices() {
        ErrorBudget budget = ErrorBudget.builder().target(0.99).window("30d").projectAllowance(false).minimumEvents(10)
                .ratioTimeslices(Duration.ofMinutes(1)).clock(clock).build();
        for (int i = 0; i < 9; i++) {                      // nine bad minutes: not yet ten slices
            budget.recordEvents(0, 5);
            clock.advance(Duration.ofMinutes(1));
        }
        assertThat(budget.isExhausted()).isFalse();
        assertThat(budget.firingAlerts()).isEmpty();
        budget.recordEvents(0, 5);
        clock.advance(Duration.ofMinutes(1));
        assertThat(budget.isExhausted()).isTrue();
        assertThat(budget.burnRate(Duration.ofMinutes(5))).isCloseTo(100.0, within(1e-9)); // every slice fully bad
        assertThat(budget.firingAlerts()).extracting(BurnRateAlert::name).contains("fast_burn");
    }

    @Test
    void aCalendarPeriodCountsTheSlicesThatEndInIt() {
        ErrorBudget budget = ErrorBudget.builder().target(0.9).projectAllowance(false).minimumEvents(1)
                .calendarWindow(new CalendarWindow(1, ChronoUnit.HOURS, LocalDateTime.parse("2026-01-01T00:00:00"), ZoneOffset.UTC))
                .timeslices(Duration.ofMinutes(30), 0.5).clock(clock).build();
        budget.recordEvents(0, 1);                             // 00:00-00:30: bad
        clock.advance(Duration.ofMinutes(30));
        budget.recordEvents(1, 0);                             // 00:30-01:00: good, ends in this hour
        clock.advance(Duration.ofMinutes(30));            // 01:00: a new period
        assertThat(budget.totalEvents()).isZero();        // both slices belong to the hour that ended
        budget.recordEvents(1, 0);
        clock.advance(Duration.ofMinutes(30));
        assertThat(budget.totalEvents()).isEqualTo(1);
        assertThat(budget.badEvents()).isZero();
    }

    @Test
    void aClockSteppingBackKeepsCountingIntoTheCurrentSlice() {
        ErrorBudget budget = budget().timeslices(Duration.ofMinutes(1), 0.5).build();
        clock.advance(Duration.ofSeconds(30));
        budget.recordEvents(1, 0);
        clock.set(clock.instant().minus(Duration.ofMinutes(5)));
        budget.recordEvents(0, 1);                             // counted into the current slice, not an old one
        clock.advance(Duration.ofMinutes(5).plusSeconds(30));
        assertThat(budget.totalEvents()).isEqualTo(1);
        assertThat(budget.badEvents()).isZero();         // 1 of 2 good: at the 50% slice target
    }

    @Test
    void racingWritersLoseNoEventOfASlice() throws Exception {
        ErrorBudget budget = budget().ratioTimeslices(Duration.ofMinutes(1)).build();
        Race.run(8, thread -> {
            for (int i = 0; i < 10_000; i++) {
                budget.recordEvent(i % 10 != 0);           // 10% bad in each thread
            }
        });
        clock.advance(Duration.ofMinutes(1));
        assertThat(budget.badEvents()).isEqualTo(100_000); // exactly 10% of a slice
    }

    @Test
    void racingReadersNeverCountASliceTwiceOrMissOne() throws Exception {
        ErrorBudget budget = budget().timeslices(Duration.ofMillis(10), 0.5).window("1h").build();
        java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
        Race.run(4, thread -> {
            long last = 0;
            for (int i = 0; i < 2_000; i++) {
                if (thread == 0) {
                    budget.recordEvent(true);
                    written.incrementAndGet();
                    clock.advance(Duration.ofMillis(10));    // one slice per event
                } else {
                    long total = budget.snapshot().totalEvents();
                    // never counted twice (a later read would drop back) nor missed (an earlier one would be higher)
                    assertThat(total).isGreaterThanOrEqualTo(last).isLessThanOrEqualTo(written.get());
                    last = total;
                }
            }
        });
        assertThat(budget.totalEvents()).isEqualTo(2_000);
    }

    @Test
    void recordsThroughAnSlo() {
        Slo slo = Slo.builder("latency").budgetIndicator(PercentileSli.builder("latency").name("latency").percentile(0.99).target(500).window("1h")
                        .comparison(Comparison.BELOW).clock(clock).build())
                .errorBudget(budget().timeslices(Duration.ofMinutes(1), 0.9).build()).clock(clock).build();
        for (int i = 0; i < 10; i++) {
            slo.record(i < 9 ? 100 : 900);                 // 90% of the minute's samples under 500 ms
        }
        clock.advance(Duration.ofMinutes(1));
        assertThat(slo.errorBudget().totalEvents()).isEqualTo(1);
        assertThat(slo.errorBudget().badEvents()).isZero();
        assertThat(slo.evaluate()).isNotEqualTo(SloStatus.EXHAUSTED); // (its p99 of 900 ms still misses 500: WARNING)
    }

    @Test
    void badSettingsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> budget().timeslices(Duration.ofHours(2), 0.9).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeSlice");
        assertThatThrownBy(() -> budget().timeslices(Duration.ZERO, 0.9).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeSlice");
        assertThatThrownBy(() -> budget().timeslices(Duration.ofMinutes(1), 0).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeSliceTarget");
        assertThatThrownBy(() -> budget().timeslices(Duration.ofMinutes(1), 1.5).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeSliceTarget");
        assertThatThrownBy(() -> budget().ratioTimeslices(null).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeSlice");
        ErrorBudget occurrences = budget().timeslices(Duration.ofMinutes(1), 0.9).occurrences().build();
        assertThat(occurrences.budgetingMethod()).isEqualTo(BudgetingMethod.OCCURRENCES);
        assertThat(occurrences.timeSlice()).isEmpty();
        assertThat(occurrences.timeSliceTarget()).isNaN();
    }

    // ------------------------------------------------------------------ OpenSLO

    private static String slo(String method, String objective) {
        return String.join("\n",
                "apiVersion: openslo/v1",
                "kind: SLO",
                "metadata:",
                "  name: availability",
                "spec:",
                "  service: web",
                "  indicatorRef: task_success_rate",
                "  budgetingMethod: " + method,
                "  timeWindow:",
                "    - duration: 1d",
                "      isRolling: true",
                "  objectives:",
                "    - target: 0.99",
                objective,
                "");
    }

    @Test
    void openSloTimeSliceFieldsLoadOrAreRejectedNamingTheField() {
        OpenSloLoader loader = OpenSloLoader.create(clock, null);
        Slo timeslices = loader.loadString(slo("Timeslices", "      timeSliceTarget: 0.95\n      timeSliceWindow: 5m")).get(0);
        assertThat(timeslices.errorBudget().budgetingMethod()).isEqualTo(BudgetingMethod.TIMESLICES);
        assertThat(timeslices.errorBudget().timeSlice()).hasValue(Duration.ofMinutes(5));
        assertThat(timeslices.errorBudget().timeSliceTarget()).isEqualTo(0.95);
        Slo bareMinutes = loader.loadString(slo("RatioTimeslices", "      timeSliceWindow: 10")).get(0);
        assertThat(bareMinutes.errorBudget().budgetingMethod()).isEqualTo(BudgetingMethod.RATIO_TIMESLICES);
        assertThat(bareMinutes.errorBudget().timeSlice()).hasValue(Duration.ofMinutes(10)); // a number is minutes

        for (List<String> rejected : List.of(
                List.of("Timeslices", "      timeSliceWindow: 1m", "spec.objectives[0].timeSliceTarget: is required"),
                List.of("Timeslices", "      timeSliceTarget: 0.9", "spec.objectives[0].timeSliceWindow: is required"),
                List.of("RatioTimeslices", "      timeSliceTarget: 0.9\n      timeSliceWindow: 1m",
                        "spec.objectives[0].timeSliceTarget: applies only to Timeslices"),
                List.of("Occurrences", "      timeSliceWindow: 1m", "spec.objectives[0].timeSliceWindow: applies only to"),
                List.of("Occurrences", "      timeSliceTarget: 0.9", "spec.objectives[0].timeSliceTarget: applies only to"),
                List.of("Timeslices", "      timeSliceTarget: 1.5\n      timeSliceWindow: 1m", "spec.objectives[0].timeSliceTarget: must be"),
                List.of("Timeslices", "      timeSliceTarget: 0.9\n      timeSliceWindow: 2d",
                        "spec.objectives[0].timeSliceWindow: a time slice must not be longer"),
                List.of("Timeslices", "      timeSliceTarget: 0.9\n      timeSliceWindow: 1M",
                        "spec.objectives[0].timeSliceWindow: a time slice must have a fixed length"),
                List.of("Timeslices", "      timeSliceTarget: 0.9\n      timeSliceWindow: 0", "spec.objectives[0].timeSliceWindow: must be"))) {
            assertThatThrownBy(() -> loader.loadString(slo(rejected.get(0), rejected.get(1)))).as(rejected.toString())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("document 1: " + rejected.get(2));
        }
    }
}
