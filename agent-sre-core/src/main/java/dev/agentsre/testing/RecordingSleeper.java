package dev.agentsre.testing;

import dev.agentsre.chaos.Sleeper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link Sleeper} that records every wait and moves a {@link ManualClock} instead of sleeping: give
 * it to a chaos experiment or injector to test injected latency without waiting. Like a real sleep it
 * throws {@link InterruptedException} when the thread is interrupted. Thread-safe.
 */
public final class RecordingSleeper implements Sleeper {

    private final ManualClock clock;
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    /** A sleeper that moves {@code clock}. */
    public RecordingSleeper(ManualClock clock) {
        this.clock = clock;
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("interrupted before the injected wait");
        }
        sleeps.add(duration);
        clock.advance(duration);
    }

    /** Every wait so far. */
    public List<Duration> sleeps() {
        return sleeps;
    }
}
