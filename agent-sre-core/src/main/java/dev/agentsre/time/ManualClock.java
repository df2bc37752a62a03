package dev.agentsre.time;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The manual clock's former home, kept so code written against it still compiles.
 *
 * @deprecated moved to {@link dev.agentsre.testing.ManualClock} with the other test helpers; this alias
 *     will be removed in the next release
 */
@Deprecated(forRemoval = true)
public final class ManualClock extends dev.agentsre.testing.ManualClock {

    private ManualClock(long millis, ZoneId zone) {
        super(millis, zone);
    }

    /**
     * A clock at {@code instant}, in UTC.
     *
     * @deprecated use {@link dev.agentsre.testing.ManualClock#at(Instant)}
     */
    @Deprecated(forRemoval = true)
    public static ManualClock at(Instant instant) {
        return at(instant, ZoneOffset.UTC);
    }

    /**
     * A clock at {@code instant} in {@code zone}.
     *
     * @deprecated use {@link dev.agentsre.testing.ManualClock#at(Instant, ZoneId)}
     */
    @Deprecated(forRemoval = true)
    public static ManualClock at(Instant instant, ZoneId zone) {
        dev.agentsre.internal.Check.notNull("instant", instant);
        return new ManualClock(instant.toEpochMilli(), dev.agentsre.internal.Check.notNull("zone", zone));
    }
}
