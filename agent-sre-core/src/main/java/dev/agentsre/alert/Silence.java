package dev.agentsre.alert;

import dev.agentsre.internal.Check;
import java.time.Instant;
import java.util.List;

/**
 * Mutes every alert that satisfies all its matchers between {@code startsAt} and {@code endsAt}
 * (Alertmanager's silence), with who created it and why. A silenced alert is still tracked and
 * shown as silenced in {@link AlertManager#status()}; it is simply not notified. Immutable.
 *
 * <pre>{@code
 * Silence s = alerts.silence(Silence.matching(Matcher.equal("agent_id", "code-reviewer"))
 *         .until(end).by("alice").comment("planned maintenance"));
 * }</pre>
 *
 * @param id assigned by {@link AlertManager#silence} (null before)
 * @param matchers every one must match (at least one)
 * @param startsAt when it starts muting (null: when it is added)
 * @param endsAt when it stops muting
 * @param createdBy who created it
 * @param comment why
 */
public record Silence(String id, List<Matcher> matchers, Instant startsAt, Instant endsAt, String createdBy, String comment) {

    /** Where a silence is in its life at a given time. */
    public enum State {
        /** Not started yet. */
        PENDING,
        /** Muting matching alerts. */
        ACTIVE,
        /** Over (ended, or expired by hand). */
        EXPIRED
    }

    /** Validates: at least one matcher, an end, an author, a comment, and an end after the start. */
    public Silence {
        matchers = List.copyOf(Check.notNull("matchers", matchers));
        if (matchers.isEmpty()) {
            throw new IllegalArgumentException("a silence needs at least one matcher");
        }
        Check.notNull("endsAt", endsAt);
        Check.notBlank("createdBy", createdBy);
        Check.notBlank("comment", comment);
        if (startsAt != null && !endsAt.isAfter(startsAt)) {
            throw new IllegalArgumentException("endsAt must be after startsAt (" + startsAt + "), got " + endsAt);
        }
    }

    /** Starts a silence draft for alerts satisfying every matcher. */
    public static Draft matching(Matcher... matchers) {
        return new Draft(List.of(matchers), null, null, null);
    }

    /** Starts a silence draft for alerts whose label {@code name} equals {@code value}. */
    public static Draft matching(String name, String value) {
        return matching(Matcher.equal(name, value));
    }

    /** The state at {@code now}. */
    public State state(Instant now) {
        if (!endsAt.isAfter(now)) {
            return State.EXPIRED;
        }
        return startsAt != null && startsAt.isAfter(now) ? State.PENDING : State.ACTIVE;
    }

    /** Whether it mutes {@code alert} at {@code now}. */
    public boolean mutes(Alert alert, Instant now) {
        return state(now) == State.ACTIVE && Matcher.all(matchers, alert);
    }

    Silence withId(String newId, Instant defaultStart) {
        return new Silence(newId, matchers, startsAt == null ? defaultStart : startsAt, endsAt, createdBy, comment);
    }

    Silence expiredAt(Instant now) {
        Instant start = startsAt != null && startsAt.isBefore(now) ? startsAt : now.minusMillis(1);
        return new Silence(id, matchers, start, now, createdBy, comment);
    }

    /** A silence being written: matchers first, then end, author and comment. */
    public static final class Draft {
        private final List<Matcher> matchers;
        private final Instant startsAt;
        private final Instant endsAt;
        private final String createdBy;

        private Draft(List<Matcher> matchers, Instant startsAt, Instant endsAt, String createdBy) {
            this.matchers = matchers;
            this.startsAt = startsAt;
            this.endsAt = endsAt;
            this.createdBy = createdBy;
        }

        /** Starts muting at {@code start} (default: when added). */
        public Draft from(Instant start) {
            return new Draft(matchers, Check.notNull("startsAt", start), endsAt, createdBy);
        }

        /** Stops muting at {@code end}. */
        public Draft until(Instant end) {
            return new Draft(matchers, startsAt, Check.notNull("endsAt", end), createdBy);
        }

        /** Who creates it. */
        public Draft by(String author) {
            return new Draft(matchers, startsAt, endsAt, author);
        }

        /** Why; completes the silence. */
        public Silence comment(String comment) {
            return new Silence(null, matchers, startsAt, endsAt, createdBy, comment);
        }
    }
}
