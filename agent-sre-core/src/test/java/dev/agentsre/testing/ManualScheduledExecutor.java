package dev.agentsre.testing;

import dev.agentsre.time.ManualClock;
import dev.agentsre.time.ManualScheduler;

/**
 * A {@link java.util.concurrent.ScheduledExecutorService} driven by a {@link ManualClock}: scheduled
 * tasks run on the test's thread when {@link #advanceTo} moves the clock past their due time, in due
 * order. No threads, no sleeping. The tests' name for the library's {@link ManualScheduler}.
 */
public final class ManualScheduledExecutor extends ManualScheduler {

    public ManualScheduledExecutor(ManualClock clock) {
        super(clock);
    }
}
