package dev.agentsre.slo;

import java.util.Map;

/**
 * An indicator that is a view of an error budget's own events: the share of good events over the
 * budget window (the current period of a calendar window). It keeps nothing of its own; recording
 * on it records an event on the budget ({@code 1.0} good, {@code 0.0} bad), exactly as {@link
 * Slo#recordEvent(boolean)} does. This is what an OpenSLO {@code ratioMetric} (good / total, or
 * total − bad / total) is in this engine, where events are counted in process: the indicator names
 * the ratio, the budget counts it.
 *
 * <p>Target, window and clock are the budget's; direction {@link Comparison#AT_LEAST}. Memory: a
 * reference. Thread-safe.
 */
public final class EventRatioSli extends Sli {

    private final ErrorBudget budget;

    private EventRatioSli(String name, ErrorBudget budget) {
        super(spec(name).target(budget.target()).window(budget.window()).clock(budget.clock()));
        this.budget = budget;
    }

    /** A view of {@code budget}'s events called {@code name}. */
    public static EventRatioSli of(String name, ErrorBudget budget) {
        return new EventRatioSli(name, dev.agentsre.internal.Check.notNull("budget", budget));
    }

    /** Records an event on the budget: {@code 1.0} good, {@code 0.0} bad; anything else is rejected. */
    @Override
    public void record(double value) {
        if (value != 0.0 && value != 1.0) {
            throw new IllegalArgumentException("value must be 1.0 (good) or 0.0 (bad) for " + name() + ", got " + value);
        }
        budget.recordEvent(value == 1.0);
    }

    /** As {@link #record(double)}; metadata is not kept. */
    @Override
    public void record(double value, Map<String, ?> metadata) {
        record(value);
    }

    /** Good events / events over the budget window; the target when there were none. */
    @Override
    public SliValue collect() {
        long[] counts = budget.windowCounts();
        return value(counts[0] == 0 ? target() : good(counts));
    }

    /** Good events / events over the budget window; 1.0 when there were none. */
    @Override
    public double compliance() {
        long[] counts = budget.windowCounts();
        return counts[0] == 0 ? 1.0 : good(counts);
    }

    @Override
    public boolean hasData() {
        return budget.totalEvents() > 0;
    }

    /** The budget this indicator is a view of. */
    public ErrorBudget budget() {
        return budget;
    }

    private static double good(long[] counts) {
        return 1.0 - (double) counts[1] / counts[0];
    }
}
