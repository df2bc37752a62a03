package dev.agentsre.chaos;

import java.time.Duration;

/**
 * How injected latency and timeouts wait. The default sleeps the calling thread; tests inject one
 * that records the waits and moves a virtual clock instead. Implementations must honour
 * interruption by throwing {@link InterruptedException}.
 */
@FunctionalInterface
public interface Sleeper {

    /** The real thing: {@link Thread#sleep(long)}. */
    Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis());

    /** Waits for {@code duration}. */
    void sleep(Duration duration) throws InterruptedException;
}
