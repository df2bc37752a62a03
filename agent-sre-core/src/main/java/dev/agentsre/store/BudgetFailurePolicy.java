package dev.agentsre.store;

import dev.agentsre.internal.Check;
import dev.agentsre.internal.Money;
import java.time.Duration;

/**
 * What a budget does while its store cannot be reached.
 *
 * <ul>
 *   <li>{@link #failClosed()} (the default): a reservation is refused with
 *       {@link ReserveResult.Status#UNAVAILABLE} and a reason that says the store was unreachable.
 *       Nothing can be over-spent.</li>
 *   <li>{@link #failOpen(double) failOpen(maxLocalSpendUsd)}: each JVM admits reservations on its
 *       own up to {@code maxLocalSpendUsd} outstanding (provisional holds plus spend not yet
 *       replayed), and replays what they cost to the store, exactly once, when it answers again.
 *       The fleet can over-spend by at most {@code JVMs × maxLocalSpendUsd} (plus what calls cost
 *       beyond their estimates) during an outage.</li>
 * </ul>
 *
 * <p>In both modes a commit, release or charge that cannot reach the store is queued (at most
 * {@link #maxQueued()} entries; beyond that new provisional admissions are refused) and replayed in
 * order, each idempotently by its id, at most every {@link #retryInterval()}.
 */
public final class BudgetFailurePolicy {

    /** Default queue bound. */
    public static final int DEFAULT_MAX_QUEUED = 10_000;
    /** Default interval between replay attempts while the store is away. */
    public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofSeconds(1);

    private static final BudgetFailurePolicy FAIL_CLOSED = new BudgetFailurePolicy(false, 0, DEFAULT_MAX_QUEUED, DEFAULT_RETRY_INTERVAL);

    private final boolean failOpen;
    private final long maxLocalSpendNanos;
    private final int maxQueued;
    private final Duration retryInterval;

    private BudgetFailurePolicy(boolean failOpen, long maxLocalSpendNanos, int maxQueued, Duration retryInterval) {
        this.failOpen = failOpen;
        this.maxLocalSpendNanos = maxLocalSpendNanos;
        this.maxQueued = maxQueued;
        this.retryInterval = retryInterval;
    }

    /** Refuse every reservation while the store is unreachable (the default). */
    public static BudgetFailurePolicy failClosed() {
        return FAIL_CLOSED;
    }

    /**
     * Admit reservations locally while the store is unreachable, up to {@code maxLocalSpendUsd}
     * outstanding in this JVM.
     *
     * @throws IllegalArgumentException if the cap is NaN, infinite, negative or above {@link BudgetStore#MAX_AMOUNT_NANOS}
     */
    public static BudgetFailurePolicy failOpen(double maxLocalSpendUsd) {
        long nanos = Money.toNanos("maxLocalSpendUsd", maxLocalSpendUsd);
        if (nanos > BudgetStore.MAX_AMOUNT_NANOS) {
            throw new IllegalArgumentException("maxLocalSpendUsd must be at most " + Money.format(BudgetStore.MAX_AMOUNT_NANOS)
                    + ", got " + maxLocalSpendUsd);
        }
        return new BudgetFailurePolicy(true, nanos, DEFAULT_MAX_QUEUED, DEFAULT_RETRY_INTERVAL);
    }

    /**
     * This policy with another queue bound.
     *
     * @throws IllegalArgumentException if {@code maxQueued} is not positive
     */
    public BudgetFailurePolicy withMaxQueued(int maxQueued) {
        return new BudgetFailurePolicy(failOpen, maxLocalSpendNanos, Check.positive("maxQueued", maxQueued), retryInterval);
    }

    /**
     * This policy with another interval between replay attempts.
     *
     * @throws IllegalArgumentException if the interval is not positive
     */
    public BudgetFailurePolicy withRetryInterval(Duration retryInterval) {
        return new BudgetFailurePolicy(failOpen, maxLocalSpendNanos, maxQueued, Check.positive("retryInterval", retryInterval));
    }

    /** Whether reservations are admitted locally during an outage. */
    public boolean failsOpen() {
        return failOpen;
    }

    /** The per-JVM cap on provisional spend, nano-dollars (0 when failing closed). */
    public long maxLocalSpendNanos() {
        return maxLocalSpendNanos;
    }

    /** Bound of the replay queue. */
    public int maxQueued() {
        return maxQueued;
    }

    /** Least time between two replay attempts while the store is away. */
    public Duration retryInterval() {
        return retryInterval;
    }

    @Override
    public String toString() {
        return failOpen ? "failOpen(" + Money.format(maxLocalSpendNanos) + ")" : "failClosed";
    }
}
