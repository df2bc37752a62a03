package dev.agentsre.replay;

import dev.agentsre.internal.Check;
import java.time.Clock;

/**
 * How a {@link Replay} matches calls to recordings.
 *
 * @param mode {@link Mode#STRICT}: every call must be the next recorded step; {@link Mode#KEYED}:
 *     each call takes the first unplayed recording with the same kind, name and request
 * @param onMiss what a call without a recording does: {@link OnMiss#FAIL} (a
 *     {@link ReplayDivergenceException}) or {@link OnMiss#LIVE} (call the real thing, and record it)
 * @param redactor must be the capture's, so live requests hash like recorded ones
 * @param clock the clock of the new trace the replay records
 */
public record ReplayOptions(Mode mode, OnMiss onMiss, Redactor redactor, Clock clock) {

    /** How calls are matched to recordings. */
    public enum Mode {
        /** In recorded order; the first call that differs diverges. */
        STRICT,
        /** By kind, name and request key; repeats are served in recorded order. */
        KEYED
    }

    /** What a call without a recording does. */
    public enum OnMiss {
        /** Throw {@link ReplayDivergenceException}. */
        FAIL,
        /** Call the real function. */
        LIVE
    }

    /** Validates. */
    public ReplayOptions {
        Check.notNull("mode", mode);
        Check.notNull("onMiss", onMiss);
        Check.notNull("redactor", redactor);
        Check.notNull("clock", clock);
    }

    /** Strict order, fail on a miss, default redaction, system clock. */
    public static ReplayOptions strict() {
        return new ReplayOptions(Mode.STRICT, OnMiss.FAIL, Redactor.defaults(), Clock.systemUTC());
    }

    /** Keyed matching, fail on a miss. */
    public static ReplayOptions keyed() {
        return new ReplayOptions(Mode.KEYED, OnMiss.FAIL, Redactor.defaults(), Clock.systemUTC());
    }

    /** These options, calling the real function on a miss. */
    public ReplayOptions liveOnMiss() {
        return new ReplayOptions(mode, OnMiss.LIVE, redactor, clock);
    }

    /** These options with another redactor. */
    public ReplayOptions withRedactor(Redactor redactor) {
        return new ReplayOptions(mode, onMiss, redactor, clock);
    }

    /** These options with another clock. */
    public ReplayOptions withClock(Clock clock) {
        return new ReplayOptions(mode, onMiss, redactor, clock);
    }
}
