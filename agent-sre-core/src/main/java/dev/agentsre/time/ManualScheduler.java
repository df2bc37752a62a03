package dev.agentsre.time;

/**
 * The manual scheduler's former home, kept so code written against it still compiles.
 *
 * @deprecated moved to {@link dev.agentsre.testing.ManualScheduler} with the manual clock and the other
 *     test helpers; this alias will be removed in the next release
 */
@Deprecated(forRemoval = true)
public class ManualScheduler extends dev.agentsre.testing.ManualScheduler {

    /**
     * A scheduler on {@code clock}.
     *
     * @deprecated use {@link dev.agentsre.testing.ManualScheduler#ManualScheduler(dev.agentsre.testing.ManualClock)}
     */
    @Deprecated(forRemoval = true)
    public ManualScheduler(dev.agentsre.testing.ManualClock clock) {
        super(clock);
    }
}
