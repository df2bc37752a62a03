package dev.agentsre.slo;

import dev.agentsre.internal.Check;
import dev.agentsre.time.Durations;
import java.time.Duration;
import java.util.List;

/**
 * A burn-rate alert rule: fires when the error budget burns at {@code rate} times the sustainable
 * pace or faster over {@code longWindow}, and — for a multi-window rule — also over
 * {@code shortWindow}. The short window makes the alert resolve soon after the errors stop
 * instead of waiting for the long window to drain.
 *
 * <p>Burn rate over a window {@code w} is {@code (bad / total within w) / (1 - target)}: a burn
 * rate of 1 uses up exactly the budget over the budget window.
 *
 * @param name unique name within a budget, e.g. {@code fast_burn}
 * @param rate the threshold burn rate, &gt; 0
 * @param severity {@link AlertSeverity#CRITICAL} for a page, {@link AlertSeverity#WARNING} for a ticket
 * @param longWindow the window the burn rate is measured over
 * @param shortWindow the confirming window, or {@code null} for a single-window rule
 */
public record BurnRateAlert(String name, double rate, AlertSeverity severity, Duration longWindow, Duration shortWindow) {

    /** Validates every field. */
    public BurnRateAlert {
        Check.notBlank("name", name);
        Check.positive("rate", rate);
        Check.notNull("severity", severity);
        Check.positive("longWindow", longWindow);
        if (shortWindow != null) {
            Check.positive("shortWindow", shortWindow);
            if (shortWindow.compareTo(longWindow) >= 0) {
                throw new IllegalArgumentException("shortWindow must be shorter than longWindow (" + Durations.format(longWindow)
                        + "), got " + Durations.format(shortWindow));
            }
        }
    }

    /** A single-window rule. */
    public static BurnRateAlert singleWindow(String name, double rate, AlertSeverity severity, Duration window) {
        return new BurnRateAlert(name, rate, severity, window, null);
    }

    /** A multi-window rule: both windows must burn at {@code rate} or faster. */
    public static BurnRateAlert multiWindow(String name, double rate, AlertSeverity severity, Duration longWindow, Duration shortWindow) {
        return new BurnRateAlert(name, rate, severity, longWindow, shortWindow);
    }

    /** Whether this rule has a confirming short window. */
    public boolean isMultiWindow() {
        return shortWindow != null;
    }

    /**
     * The multi-window, multi-burn-rate rules the Google SRE workbook recommends, scaled to a
     * budget window. For a 30-day budget:
     * <ul>
     *   <li>{@code fast_burn}: page at 14.4&times; over 1h and 5m (2% of the budget in an hour);</li>
     *   <li>{@code slow_burn}: page at 6&times; over 6h and 30m (5% of the budget in 6 hours);</li>
     *   <li>{@code budget_drain}: ticket at 1&times; over 3d and 6h (10% of the budget in 3 days).</li>
     * </ul>
     * For another budget window {@code W} every window is scaled by {@code W / 30d} and the rates
     * stay the same, so each rule still means "this share of the budget is gone".
     */
    public static List<BurnRateAlert> workbookDefaults(Duration budgetWindow) {
        Check.positive("budgetWindow", budgetWindow);
        return List.of(
                multiWindow("fast_burn", 14.4, AlertSeverity.CRITICAL, budgetWindow.dividedBy(720), budgetWindow.dividedBy(8640)),
                multiWindow("slow_burn", 6.0, AlertSeverity.CRITICAL, budgetWindow.dividedBy(120), budgetWindow.dividedBy(1440)),
                multiWindow("budget_drain", 1.0, AlertSeverity.WARNING, budgetWindow.dividedBy(10), budgetWindow.dividedBy(120)));
    }

    @Override
    public String toString() {
        return name + " (" + severity + ": burn rate >= " + rate + "x over " + Durations.format(longWindow)
                + (shortWindow == null ? "" : " and " + Durations.format(shortWindow)) + ")";
    }
}
