package dev.agentsre.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.slo.CalendarWindow;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.testing.ManualScheduledExecutor;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.function.Supplier;

/**
 * The restart acceptance, for any window store: 1,000 events (10 bad) recorded, the budget and the
 * store closed, a new budget over a new store on the same backend → the same remaining budget,
 * burn rates and counts, exactly.
 */
public final class WindowRestartScenario {

    private WindowRestartScenario() {
    }

    /** What a budget reads, compared exactly. */
    public record Reading(long total, long bad, double remaining, double coverage, double burn5m, double burn1h, double burn6h,
                          double burn3d, long lifetime, long lifetimeBad, List<String> firing) {
        public static Reading of(ErrorBudget b) {
            return new Reading(b.totalEvents(), b.badEvents(), b.remainingPercent(), b.coverage(), b.burnRate(Duration.ofMinutes(5)),
                    b.burnRate(Duration.ofHours(1)), b.burnRate(Duration.ofHours(6)), b.burnRate(Duration.ofDays(3)),
                    b.lifetimeEvents(), b.lifetimeBadEvents(), b.firingAlerts().stream().map(a -> a.name()).toList());
        }
    }

    /** A budget of 99.5% over 30 days (or a calendar month in Berlin) on {@code store}. */
    public static ErrorBudget budget(WindowStore store, ManualClock clock, ManualScheduledExecutor scheduler, boolean calendar) {
        ErrorBudget.Builder b = ErrorBudget.builder().target(0.995).clock(clock).windowStore(store, "slo:checkout")
                .windowSyncScheduler(scheduler);
        if (calendar) {
            b.calendarWindow(CalendarWindow.months(1, ZoneId.of("Europe/Berlin")));
        }
        return b.build();
    }

    /**
     * Runs the scenario: {@code open} opens a store over the backend (a new one each call, as a
     * restarted JVM would); returns the readings before and after.
     */
    public static Reading[] run(Supplier<WindowStore> open, Runnable closeStore, boolean calendar) {
        ManualClock clock = ManualClock.at(Instant.parse("2026-11-25T08:00:00Z"));
        ManualScheduledExecutor scheduler = new ManualScheduledExecutor(clock);
        WindowStore store = open.get();
        ErrorBudget first = budget(store, clock, scheduler, calendar);
        for (int i = 0; i < 1_000; i++) {
            first.recordEvent(i % 100 != 99); // 10 bad, spread out
            clock.advance(Duration.ofSeconds(9));
            if (i % 250 == 0) {
                scheduler.advanceTo(clock.instant()); // some periodic syncs on the way
            }
        }
        Reading before = Reading.of(first);
        assertThat(before.total()).isEqualTo(1_000);
        assertThat(before.bad()).isEqualTo(10);
        first.close();
        closeStore.run();

        WindowStore reopened = open.get();
        ErrorBudget second = budget(reopened, clock, new ManualScheduledExecutor(clock), calendar);
        Reading after = Reading.of(second);
        second.close();
        return new Reading[] {before, after};
    }
}
