package dev.agentsre.slo;

/**
 * What an {@link ErrorBudget} counts — OpenSLO's {@code budgetingMethod}.
 *
 * <p>With the time-slice methods the budget's events are time slices of a fixed length (aligned to
 * the epoch: a 1-minute slice runs from one whole minute to the next). Events recorded during a slice
 * are counted into it, and when the slice ends it becomes one budget event: its verdict is written
 * at the slice's last millisecond, and reads count an ended slice at once, before the next event
 * writes it. A slice in which nothing was recorded is not counted (no data is neither good nor bad).
 * Every other rule of the budget — projection, exhaustion, alerts, {@code minimumEvents} (then in
 * slices) — applies to slices as it does to events.
 */
public enum BudgetingMethod {
    /** Every event counts: good events over all events. The default. */
    OCCURRENCES,
    /**
     * Good time slices over all time slices: a slice is good when the share of good events in it
     * reaches the slice target ({@code timeSliceTarget}). {@link ErrorBudget#totalEvents()} counts
     * slices.
     */
    TIMESLICES,
    /**
     * The average of the time slices' good-event ratios: each slice counts
     * {@link ErrorBudget#RATIO_TIMESLICE_UNITS} units of which {@code round((1 − ratio) × units)}
     * are bad, so {@link ErrorBudget#totalEvents()} and {@link ErrorBudget#badEvents()} count
     * millionths of a slice.
     */
    RATIO_TIMESLICES
}
