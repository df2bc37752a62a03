package dev.agentsre.store;

import java.time.Instant;
import java.util.Optional;

/**
 * A flag as a {@link FlagStore} holds it: a kill switch, a quarantine, a forced-open breaker.
 *
 * @param key the flag's key, for example {@code quarantine:support-agent}
 * @param value what the setter attached (a reason; may be empty)
 * @param setAt when it was set
 * @param expiresAt when it lapses by itself; {@code null} for a flag kept until cleared
 */
public record Flag(String key, String value, Instant setAt, Instant expiresAt) {

    /** Validates. */
    public Flag {
        FlagKeys.checkKey(key);
        if (value == null) {
            throw new IllegalArgumentException("value must not be null");
        }
        if (setAt == null) {
            throw new IllegalArgumentException("setAt must not be null");
        }
    }

    /** When it lapses by itself, if it does. */
    public Optional<Instant> expiry() {
        return Optional.ofNullable(expiresAt);
    }

    /** Whether it has lapsed at {@code now}. */
    public boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
