package dev.agentsre.cost.internal;

import dev.agentsre.cost.BudgetState;
import dev.agentsre.time.Durations;
import java.time.Duration;
import java.time.Instant;

/** How a throttle or kill by hand reads in decisions and events. Not API. */
public final class Manuals {

    private Manuals() {
    }

    /** "throttled by hand for 30m (until 2026-11-25T10:30:00Z): incident INC-1", or "... until revived: ...". */
    public static String describe(Budget.Manual manual) {
        String what = manual.state == BudgetState.KILLED ? "killed by hand" : "throttled by hand";
        String howLong = manual.untilRevived() ? " until revived"
                : " for " + Durations.format(Duration.ofMillis(manual.untilMillis - manual.sinceMillis)) + " (until "
                        + Instant.ofEpochMilli(manual.untilMillis) + ")";
        return what + howLong + ": " + manual.reason;
    }
}
