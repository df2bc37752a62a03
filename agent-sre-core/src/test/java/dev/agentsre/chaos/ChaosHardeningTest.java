package dev.agentsre.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.agentsre.testing.ManualScheduledExecutor;
import dev.agentsre.testing.ManualClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Regression tests of issue 14 ("Hardening II"), defects 10 to 12: the chaos scheduler, cron and the resilience verdict. */
class ChaosHardeningTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private static ChaosExperiment.Builder drill(Clock clock) {
        return ChaosExperiment.builder("drill").clock(clock).duration(Duration.ofMinutes(5))
                .fault(Fault.latencyInjection("openai-api", Duration.ofSeconds(2), 0.1));
    }

    // ---- defect 10 ------------------------------------------------------------------------------------------

    /** Defect 10: start() hung forever when every cron match fell in a blackout. */
    @Test
    void startReturnsWhenEveryCronMatchFallsInABlackout() {
        ManualClock clock = ManualClock.at(Instant.parse("2026-07-06T00:00:00Z"));
        ManualScheduledExecutor executor = new ManualScheduledExecutor(clock);
        ChaosScheduler scheduler = ChaosScheduler.builder(executor).clock(clock).zone(BERLIN).build();
        scheduler.schedule(ChaosScheduler.Schedule.builder("never").cron("*/5 12 * * *")
                .blackout(BlackoutWindow.timeOfDay(LocalTime.of(11, 0), LocalTime.of(13, 0)))
                .experiment(() -> drill(clock)).build());
        assertTimeoutPreemptively(Duration.ofSeconds(10), scheduler::start);
        assertThat(executor.pending()).isEqualTo(1); // planning pauses and resumes later, it does not spin
        executor.advanceTo(clock.instant().plus(Duration.ofDays(800)));
        assertThat(scheduler.history("never")).isEmpty();
        assertThat(executor.pending()).isEqualTo(1);
    }

    // ---- defect 11 ------------------------------------------------------------------------------------------

    /** Defect 11: a *-led day field (*&#47;1) wrongly triggered the either-day rule: "0 0 *&#47;1 * 1" fired daily. */
    @Test
    void aStarLedDayFieldDoesNotTriggerTheEitherDayRule() {
        ZonedDateTime tuesday = ZonedDateTime.of(2026, 7, 7, 12, 0, 0, 0, BERLIN);
        assertThat(CronExpression.parse("0 0 */1 * 1").next(tuesday).toLocalDate()).hasToString("2026-07-13"); // Mondays only
        assertThat(CronExpression.parse("0 0 */2 * 1").next(tuesday).toLocalDate()).hasToString("2026-07-13"); // odd Mondays (cronie)
        assertThat(CronExpression.parse("0 0 1 * */1").next(tuesday).toLocalDate()).hasToString("2026-08-01"); // the 1st only
        assertThat(CronExpression.parse("0 0 1,15 * 1").next(tuesday).toLocalDate()).hasToString("2026-07-13"); // either rule
        assertThat(CronExpression.parse("0 0 1,15 * 1").next(ZonedDateTime.of(2026, 7, 13, 12, 0, 0, 0, BERLIN)).toLocalDate())
                .hasToString("2026-07-15");
    }

    /** Defect 11: on the day clocks jump forward, a 02:30 job never ran; it runs once, right after the jump. */
    @Test
    void aFixedTimeJobInTheSkippedHourRunsOnceRightAfterTheJump() {
        CronExpression cron = CronExpression.parse("30 2 * * *");
        ZonedDateTime before = ZonedDateTime.of(2026, 3, 29, 0, 0, 0, 0, BERLIN); // 02:00 -> 03:00 that night
        ZonedDateTime first = cron.next(before);
        assertThat(first).isEqualTo(ZonedDateTime.of(2026, 3, 29, 3, 0, 0, 0, BERLIN));
        assertThat(cron.next(first)).isEqualTo(ZonedDateTime.of(2026, 3, 30, 2, 30, 0, 0, BERLIN));
        CronExpression both = CronExpression.parse("0,30 2 * * *"); // two skipped times: still once
        assertThat(both.next(before)).isEqualTo(first);
        assertThat(both.next(first)).isEqualTo(ZonedDateTime.of(2026, 3, 30, 2, 0, 0, 0, BERLIN));
        CronExpression wildcard = CronExpression.parse("*/15 2 * * *"); // a wildcard job's skipped runs do not happen
        assertThat(wildcard.next(before)).isEqualTo(ZonedDateTime.of(2026, 3, 30, 2, 0, 0, 0, BERLIN));
        assertThat(CronExpression.parse("30 2 * * *").next(ZonedDateTime.of(2026, 3, 8, 0, 0, 0, 0, NEW_YORK)))
                .isEqualTo(ZonedDateTime.of(2026, 3, 8, 3, 0, 0, 0, NEW_YORK));
    }

    /** Defect 11: on the day clocks fall back, a 02:30 job ran twice; it runs once, the first time. */
    @Test
    void aFixedTimeJobInTheRepeatedHourRunsOnceAndAWildcardJobInBothPasses() {
        ZonedDateTime before = ZonedDateTime.of(2026, 10, 25, 0, 0, 0, 0, BERLIN); // 03:00 -> 02:00 that night
        CronExpression fixed = CronExpression.parse("30 2 * * *");
        ZonedDateTime first = fixed.next(before);
        assertThat(first.toInstant()).isEqualTo(Instant.parse("2026-10-25T00:30:00Z")); // 02:30 CEST
        assertThat(fixed.next(first)).isEqualTo(ZonedDateTime.of(2026, 10, 26, 2, 30, 0, 0, BERLIN));
        List<Instant> hourly = runs(CronExpression.parse("30 * * * *"), before, 5);
        assertThat(hourly).containsExactly(Instant.parse("2026-10-24T22:30:00Z"), Instant.parse("2026-10-24T23:30:00Z"),
                Instant.parse("2026-10-25T00:30:00Z"), Instant.parse("2026-10-25T01:30:00Z"), Instant.parse("2026-10-25T02:30:00Z"));
    }

    private static List<Instant> runs(CronExpression cron, ZonedDateTime from, int n) {
        List<Instant> out = new java.util.ArrayList<>();
        ZonedDateTime t = from;
        for (int i = 0; i < n; i++) {
            t = cron.next(t);
            out.add(t.toInstant());
        }
        return out;
    }

    /** Defect 11: SAT-SUN, *&#47;60, @daily and @hourly were rejected. */
    @Test
    void saturdayToSundayStepsBeyondTheFieldAndNicknamesAreAccepted() {
        ZonedDateTime monday = ZonedDateTime.of(2026, 7, 6, 10, 17, 0, 0, BERLIN);
        assertThat(CronExpression.parse("0 9 * * SAT-SUN").next(monday)).isEqualTo(ZonedDateTime.of(2026, 7, 11, 9, 0, 0, 0, BERLIN));
        assertThat(CronExpression.parse("0 9 * * 5-0").next(ZonedDateTime.of(2026, 7, 11, 10, 0, 0, 0, BERLIN)).getDayOfMonth())
                .isEqualTo(12);
        assertThat(CronExpression.parse("*/60 * * * *").next(monday)).isEqualTo(monday.withHour(11).withMinute(0));
        assertThat(CronExpression.parse("@daily").next(monday)).isEqualTo(ZonedDateTime.of(2026, 7, 7, 0, 0, 0, 0, BERLIN));
        assertThat(CronExpression.parse("@midnight").isFixedTime()).isTrue();
        assertThat(CronExpression.parse("@hourly").next(monday)).isEqualTo(monday.withHour(11).withMinute(0));
        assertThat(CronExpression.parse("@hourly").isFixedTime()).isFalse();
        assertThat(CronExpression.parse("@weekly").next(monday).toLocalDate()).hasToString("2026-07-12");
        assertThat(CronExpression.parse("@monthly").next(monday).toLocalDate()).hasToString("2026-08-01");
        assertThat(CronExpression.parse("@yearly").next(monday).toLocalDate()).hasToString("2027-01-01");
        assertThatThrownBy(() -> CronExpression.parse("@reboot")).hasMessageContaining("@reboot");
        assertThatThrownBy(() -> CronExpression.parse("0 0 30 2 *")).hasMessageContaining("never matches");
        assertThatThrownBy(() -> CronExpression.parse("0 0 * * FRI-MON")).hasMessageContaining("backwards");
        assertThatThrownBy(() -> CronExpression.parse("*/0 * * * *")).hasMessageContaining("step");
        assertThatThrownBy(() -> CronExpression.parse("1,,2 * * * *")).hasMessageContaining("empty");
    }

    /** Defect 11: planNext planned from "now", so a task firing a millisecond early ran its slot twice. */
    @Test
    void aRunFiringAMillisecondEarlyDoesNotRunItsSlotTwice() {
        ManualClock clock = ManualClock.at(Instant.parse("2026-07-06T00:00:30Z"));
        ManualScheduledExecutor executor = new ManualScheduledExecutor(clock);
        // The scheduler's clock reads half a millisecond behind the executor's (wall clock against the executor's
        // timer): a task due at 01:00 runs when the scheduler still reads 00:59:59.9995.
        Clock lagging = new Clock() {
            @Override
            public ZoneId getZone() {
                return clock.getZone();
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return clock.instant().minusNanos(500_000);
            }
        };
        ChaosScheduler scheduler = ChaosScheduler.builder(executor).clock(lagging).build();
        scheduler.schedule(ChaosScheduler.Schedule.builder("hourly").cron("0 * * * *").experiment(() -> drill(clock)).build());
        scheduler.start();
        // guarded: the defect made the scheduler re-plan its slot for ever (a busy loop)
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> executor.advanceTo(Instant.parse("2026-07-06T03:30:00Z")));
        assertThat(scheduler.history("hourly")).extracting(r -> r.scheduledAt().toInstant()).containsExactly(
                Instant.parse("2026-07-06T01:00:00Z"), Instant.parse("2026-07-06T02:00:00Z"), Instant.parse("2026-07-06T03:00:00Z"));
        assertThat(scheduler.history("hourly")).allMatch(r -> r.outcome() == ExperimentState.COMPLETED);
    }

    /** Defect 11: schedule() racing start() could plan one schedule twice. */
    @Test
    void aScheduleAddedWhileStartIsPlanningIsPlannedOnce() {
        ManualClock base = ManualClock.at(Instant.parse("2026-07-06T00:00:00Z"));
        ManualScheduledExecutor executor = new ManualScheduledExecutor(base);
        ChaosScheduler[] holder = new ChaosScheduler[1];
        boolean[] added = new boolean[1];
        // The scheduler reads its clock while start() plans; at that moment 40 more schedules arrive.
        Clock racing = new Clock() {
            @Override
            public ZoneId getZone() {
                return base.getZone();
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                if (holder[0] != null && !added[0]) {
                    added[0] = true;
                    for (int i = 0; i < 40; i++) {
                        holder[0].schedule(ChaosScheduler.Schedule.builder("late-" + i).cron("0 * * * *").experiment(() -> drill(base)).build());
                    }
                }
                return base.instant();
            }
        };
        ChaosScheduler scheduler = ChaosScheduler.builder(executor).clock(racing).build();
        for (int i = 0; i < 5; i++) {
            scheduler.schedule(ChaosScheduler.Schedule.builder("early-" + i).cron("0 * * * *").experiment(() -> drill(base)).build());
        }
        holder[0] = scheduler;
        scheduler.start();
        assertThat(executor.pending()).isEqualTo(45); // one planned run per schedule
        executor.advanceTo(Instant.parse("2026-07-06T01:30:00Z"));
        assertThat(scheduler.history("late-7")).hasSize(1);
    }

    // ---- defect 12 ------------------------------------------------------------------------------------------

    /** Defect 12: ResilienceScore had no pass/fail verdict (the Python original has passed). */
    @Test
    void aResilienceScoreHasAPassFailVerdictWithADocumentedThreshold() {
        assertThat(ResilienceScore.PASS_THRESHOLD).isEqualTo(90.0);
        assertThat(ResilienceScore.of(0.99, 0.95).passed()).isTrue();   // 96% of the baseline kept
        assertThat(ResilienceScore.of(0.99, 0.85).passed()).isFalse();  // 85.9%
        assertThat(ResilienceScore.of(1.0, 0.90).passed()).isTrue();    // exactly the threshold
        assertThat(ResilienceScore.of(0.99, 0.85).passed(80)).isTrue();
        ResilienceScore missedAttacks = new ResilienceScore(90, 100, 80, Map.of("LLM01", 80.0), null);
        assertThat(missedAttacks.passed()).isFalse(); // reliable, but 20% of the attacks got through
        assertThatThrownBy(() -> missedAttacks.passed(101)).hasMessageContaining("threshold");

        ManualClock clock = ManualClock.at(Instant.parse("2026-07-06T00:00:00Z"));
        ManualScheduledExecutor executor = new ManualScheduledExecutor(clock);
        ChaosScheduler scheduler = ChaosScheduler.builder(executor).clock(clock).build();
        scheduler.schedule(ChaosScheduler.Schedule.builder("scored").cron("0 * * * *").experiment(() -> drill(clock)).build());
        scheduler.start();
        executor.advanceTo(Instant.parse("2026-07-06T01:01:00Z"));
        ChaosExperiment running = scheduler.active("scored").orElseThrow();
        running.complete(running.calculateResilience(0.99, 0.5));
        executor.advanceTo(Instant.parse("2026-07-06T01:10:00Z"));
        assertThat(scheduler.history("scored")).singleElement().satisfies(run -> {
            assertThat(run.outcome()).isEqualTo(ExperimentState.COMPLETED);
            assertThat(run.note()).startsWith("failed: reliability 50.5");
        });
    }
}
