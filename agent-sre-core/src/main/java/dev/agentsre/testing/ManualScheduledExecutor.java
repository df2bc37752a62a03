package dev.agentsre.testing;

/**
 * The {@link ManualScheduler} under the name the library's own tests use: a
 * {@link java.util.concurrent.ScheduledExecutorService} driven by a {@link ManualClock}, whose
 * scheduled tasks run on the test's thread when {@link #advanceTo} moves the clock past their due
 * time, in due order. No threads, no sleeping.
 */
public final class ManualScheduledExecutor extends ManualScheduler {

    /** An executor whose time is {@code clock}. */
    public ManualScheduledExecutor(ManualClock clock) {
        super(clock);
    }
}
