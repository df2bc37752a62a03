package dev.agentsre.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.testing.ManualScheduledExecutor;
import dev.agentsre.testing.ManualClock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ChaosSchedulerTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    // Monday 2026-07-06 00:00 in Berlin
    private final ManualClock clock = ManualClock.at(ZonedDateTime.of(2026, 7, 6, 0, 0, 0, 0, BERLIN).toInstant());
    private final ManualScheduledExecutor executor = new ManualScheduledExecutor(clock);

    private ChaosScheduler scheduler() {
        return ChaosScheduler.builder(executor).clock(clock).zone(BERLIN).build();
    }

    private ChaosExperiment.Builder latencyDrill() {
        return ChaosExperiment.builder("latency-drill").clock(clock).duration(Duration.ofMinutes(30))
                .fault(Fault.latencyInjection("openai-api", Duration.ofSeconds(2), 0.1))
                .abortCondition(AbortCondition.atMost("quality", 0.5));
    }

    @Test
    void aWeekdayCronWithALunchtimeBlackoutStartsExactlyTheExpectedRunsOverAWeek() {
        ChaosScheduler scheduler = scheduler();
        scheduler.schedule(ChaosScheduler.Schedule.builder("weekday")
                .cron("0 9-17 * * MON-FRI")
                .blackout(BlackoutWindow.timeOfDay(LocalTime.of(12, 0), LocalTime.of(13, 0)))
                .experiment(this::latencyDrill)
                .build());
        scheduler.start();
        ZonedDateTime weekStart = ZonedDateTime.now(clock).withZoneSameInstant(BERLIN);
        executor.advanceTo(weekStart.plusDays(7).toInstant());

        List<ZonedDateTime> expected = new ArrayList<>();
        for (int day = 0; day < 5; day++) {
            for (int hour = 9; hour <= 17; hour++) {
                if (hour != 12) {
                    expected.add(weekStart.plusDays(day).withHour(hour));
                }
            }
        }
        List<ChaosScheduler.Run> runs = scheduler.history("weekday");
        assertThat(runs).extracting(r -> r.scheduledAt().toInstant())
                .containsExactlyElementsOf(expected.stream().map(ZonedDateTime::toInstant).collect(Collectors.toList()));
        assertThat(runs).hasSize(40).allMatch(r -> r.outcome() == ExperimentState.COMPLETED);
        assertThat(scheduler.plannedRuns("weekday", weekStart, weekStart.plusDays(7))).hasSize(40);
    }

    @Test
    void severityRisesAfterPassedRunsAndResetsOnAFailure() {
        ChaosScheduler scheduler = scheduler();
        List<Double> rates = new ArrayList<>();
        scheduler.schedule(ChaosScheduler.Schedule.builder("hourly")
                .cron("0 * * * *")
                .experiment(this::latencyDrill)
                .progressiveSeverity(2, 0.2, 0.5)
                .build());
        scheduler.start();
        ZonedDateTime t = ZonedDateTime.now(clock);
        for (int run = 1; run <= 7; run++) {
            executor.advanceTo(t.plusHours(run).toInstant());
            ChaosExperiment active = scheduler.active("hourly").orElseThrow();
            rates.add(active.faults().get(0).rate());
            if (run == 5) {
                active.checkAbort(Map.of("quality", 0.1)); // this run fails
            }
            executor.advanceTo(t.plusHours(run).plusMinutes(31).toInstant());
        }
        // passes: 1, 2 -> level 1; 3, 4 -> level 2 (capped at 0.5); 5 fails -> level 0
        assertThat(rates).containsExactly(0.1, 0.1, 0.30000000000000004, 0.30000000000000004, 0.5, 0.1, 0.1);
        assertThat(scheduler.history("hourly").get(4).outcome()).isEqualTo(ExperimentState.ABORTED);
        assertThat(scheduler.severityLevel("hourly")).isEqualTo(1);
        scheduler.stop();
        assertThat(executor.pending()).isZero();
    }

    @Test
    void cronExpressionsParseRangesListsStepsAndNames() {
        ZonedDateTime monday = ZonedDateTime.of(2026, 7, 6, 8, 59, 0, 0, BERLIN);
        CronExpression cron = CronExpression.parse("*/15 9-17/4 * JUL mon,wed,5");
        assertThat(cron.next(monday)).isEqualTo(monday.withHour(9).withMinute(0));
        assertThat(cron.next(monday.withHour(9).withMinute(50))).isEqualTo(monday.withHour(13).withMinute(0));
        assertThat(cron.next(monday.withHour(17).withMinute(45))).isEqualTo(monday.plusDays(2).withHour(9).withMinute(0));
        // day-of-month and day-of-week both restricted: either matches (the 1st, or a Sunday)
        CronExpression either = CronExpression.parse("0 0 1 * 0");
        assertThat(either.next(ZonedDateTime.of(2026, 7, 6, 0, 0, 0, 0, BERLIN)).toLocalDate()).isEqualTo(LocalDate.of(2026, 7, 12));
        assertThat(CronExpression.parse("0 0 * * 7").matches(ZonedDateTime.of(2026, 7, 12, 0, 0, 0, 0, BERLIN))).isTrue();
        assertThatThrownBy(() -> CronExpression.parse("0 25 * * *")).hasMessageContaining("hour").hasMessageContaining("25");
        assertThatThrownBy(() -> CronExpression.parse("0 * * *")).hasMessageContaining("5 fields");
        assertThatThrownBy(() -> CronExpression.parse("0 * * FOO *")).hasMessageContaining("month").hasMessageContaining("FOO");
        assertThatThrownBy(() -> CronExpression.parse("0 5-1 * * *")).hasMessageContaining("backwards");
    }

    @Test
    void blackoutsCrossMidnightAndCombine() {
        BlackoutWindow night = BlackoutWindow.timeOfDay(LocalTime.of(22, 0), LocalTime.of(6, 0));
        assertThat(night.contains(ZonedDateTime.of(2026, 7, 6, 23, 30, 0, 0, BERLIN))).isTrue();
        assertThat(night.contains(ZonedDateTime.of(2026, 7, 6, 5, 59, 0, 0, BERLIN))).isTrue();
        assertThat(night.contains(ZonedDateTime.of(2026, 7, 6, 6, 0, 0, 0, BERLIN))).isFalse();
        BlackoutWindow fridayLunch = BlackoutWindow.daysOfWeek(DayOfWeek.FRIDAY).and(BlackoutWindow.timeOfDay(LocalTime.NOON, LocalTime.of(14, 0)));
        assertThat(fridayLunch.contains(ZonedDateTime.of(2026, 7, 10, 13, 0, 0, 0, BERLIN))).isTrue();
        assertThat(fridayLunch.contains(ZonedDateTime.of(2026, 7, 9, 13, 0, 0, 0, BERLIN))).isFalse();
        BlackoutWindow freeze = BlackoutWindow.dates(LocalDate.of(2026, 12, 20), LocalDate.of(2027, 1, 3));
        assertThat(freeze.contains(ZonedDateTime.of(2027, 1, 3, 23, 0, 0, 0, BERLIN))).isTrue();
        assertThatThrownBy(() -> BlackoutWindow.timeOfDay(LocalTime.NOON, LocalTime.NOON)).hasMessageContaining("differ");
    }

    @Test
    void scheduleNamesAreUnique() {
        ChaosScheduler scheduler = scheduler();
        ChaosScheduler.Schedule s = ChaosScheduler.Schedule.builder("x").cron("0 * * * *").experiment(this::latencyDrill).build();
        scheduler.schedule(s);
        assertThatThrownBy(() -> scheduler.schedule(s)).hasMessageContaining("unique");
        assertThatThrownBy(() -> scheduler.history("nope")).hasMessageContaining("nope");
    }
}
