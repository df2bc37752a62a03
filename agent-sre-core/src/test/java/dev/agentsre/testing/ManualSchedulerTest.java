package dev.agentsre.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ManualSchedulerTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    @Test
    void tasksRunInDueOrderWithTheClockAtTheirDueTime() {
        ManualClock clock = ManualClock.at(T0);
        ManualScheduler scheduler = new ManualScheduler(clock);
        List<String> ran = new ArrayList<>();
        scheduler.schedule(() -> ran.add("b@" + clock.instant()), 2, TimeUnit.SECONDS);
        scheduler.schedule(() -> ran.add("a@" + clock.instant()), 1, TimeUnit.SECONDS);
        ScheduledFuture<?> cancelled = scheduler.schedule(() -> ran.add("never"), 1, TimeUnit.SECONDS);
        scheduler.schedule(() -> ran.add("c@" + clock.instant()), 1, TimeUnit.SECONDS);
        assertThat(cancelled.cancel(false)).isTrue();
        assertThat(scheduler.pending()).isEqualTo(3);
        scheduler.advance(Duration.ofSeconds(5));
        assertThat(ran).containsExactly("a@2026-11-25T10:00:01Z", "c@2026-11-25T10:00:01Z", "b@2026-11-25T10:00:02Z");
        assertThat(clock.instant()).isEqualTo(T0.plusSeconds(5));
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void periodicTasksRepeatUntilCancelled() {
        ManualClock clock = ManualClock.at(T0);
        ManualScheduler scheduler = new ManualScheduler(clock);
        List<Instant> ticks = new ArrayList<>();
        ScheduledFuture<?> every10s = scheduler.scheduleAtFixedRate(() -> ticks.add(clock.instant()), 0, 10, TimeUnit.SECONDS);
        scheduler.advance(Duration.ofSeconds(35));
        assertThat(ticks).containsExactly(T0, T0.plusSeconds(10), T0.plusSeconds(20), T0.plusSeconds(30));
        every10s.cancel(false);
        scheduler.advance(Duration.ofMinutes(1));
        assertThat(ticks).hasSize(4);
        assertThatThrownBy(() -> scheduler.scheduleWithFixedDelay(() -> { }, 0, 0, TimeUnit.SECONDS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("period");
    }

    @Test
    void tasksScheduledForNowByRunningTasksRunInTheSameAdvance() {
        ManualClock clock = ManualClock.at(T0);
        ManualScheduler scheduler = new ManualScheduler(clock);
        List<String> ran = new ArrayList<>();
        scheduler.schedule(() -> {
            ran.add("first");
            scheduler.schedule(() -> ran.add("second"), 0, TimeUnit.SECONDS);
        }, 0, TimeUnit.SECONDS);
        scheduler.runDue();
        assertThat(ran).containsExactly("first", "second");
        assertThat(clock.instant()).isEqualTo(T0);
    }
}
