package dev.agentsre.testing;

import dev.agentsre.internal.Check;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Clock} that only moves when told to: for tests and simulations (the demo runs a whole
 * day on one). Give it to any component's builder instead of the system clock and move it instead of
 * sleeping. Thread-safe; millisecond resolution. It may be moved backwards to simulate a clock step.
 *
 * <pre>{@code
 * ManualClock clock = ManualClock.at(Instant.parse("2026-01-05T09:00:00Z"));
 * ErrorBudget budget = ErrorBudget.builder().total(0.005).clock(clock).build();
 * clock.advance(Duration.ofMinutes(5));
 * }</pre>
 */
public class ManualClock extends Clock {

    private final AtomicLong millis;
    private final ZoneId zone;

    /** A clock at {@code millis} since the epoch in {@code zone}; use {@link #at}. Subclassed only by the deprecated alias. */
    protected ManualClock(long millis, ZoneId zone) {
        this.millis = new AtomicLong(millis);
        this.zone = zone;
    }

    /** A clock at {@code instant}, in UTC. */
    public static ManualClock at(Instant instant) {
        return new ManualClock(Check.notNull("instant", instant).toEpochMilli(), ZoneOffset.UTC);
    }

    /** A clock at {@code instant} in {@code zone}. */
    public static ManualClock at(Instant instant, ZoneId zone) {
        return new ManualClock(Check.notNull("instant", instant).toEpochMilli(), Check.notNull("zone", zone));
    }

    /** Moves the clock by {@code amount} (negative moves it back) and returns the new instant. */
    public Instant advance(Duration amount) {
        Check.notNull("amount", amount);
        return Instant.ofEpochMilli(millis.addAndGet(amount.toMillis()));
    }

    /** Moves the clock by {@code amount} milliseconds (negative moves it back). */
    public void advanceMillis(long amount) {
        millis.addAndGet(amount);
    }

    /** Sets the clock to {@code instant}. */
    public void set(Instant instant) {
        millis.set(Check.notNull("instant", instant).toEpochMilli());
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** A clock sharing this one's time, in another zone. */
    @Override
    public Clock withZone(ZoneId zone) {
        ManualClock self = this;
        ZoneId target = Check.notNull("zone", zone);
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return target;
            }

            @Override
            public Clock withZone(ZoneId other) {
                return self.withZone(other);
            }

            @Override
            public Instant instant() {
                return self.instant();
            }

            @Override
            public long millis() {
                return self.millis();
            }
        };
    }

    @Override
    public String toString() {
        return "ManualClock[" + instant() + ", " + zone + "]";
    }
}
