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
 * <p><b>Hysteresis.</b> An SLO ({@link Slo#evaluate()}) applies three timings, the way Prometheus
 * applies {@code for} and {@code keep_firing_for}:
 * <ul>
 *   <li>the rule <em>raises</em> when every window burns at {@code rate} or faster and has at least
 *       the budget's minimum number of events; after {@code pendingFor} of raising without a break
 *       it fires (immediately when {@code pendingFor} is zero);</li>
 *   <li>a firing rule <em>holds</em> while every window still burns at {@code resolveRate} or faster
 *       (default {@value #DEFAULT_RESOLVE_FACTOR} &times; {@code rate}): a burn hovering around the
 *       threshold does not flap;</li>
 *   <li>once it no longer holds, it keeps firing for {@code keepFiringFor} more (from the first
 *       evaluation that found it not holding), then resolves.</li>
 * </ul>
 * {@link ErrorBudget#firingAlerts()} reports the stateless raise condition alone.
 *
 * @param name unique name within a budget, e.g. {@code fast_burn}
 * @param rate the threshold burn rate, &gt; 0
 * @param severity {@link AlertSeverity#CRITICAL} for a page, {@link AlertSeverity#WARNING} for a ticket
 * @param longWindow the window the burn rate is measured over
 * @param shortWindow the confirming window, or {@code null} for a single-window rule
 * @param resolveRate a firing rule holds while its windows burn at this rate or faster; in (0, rate]
 * @param pendingFor how long the rule must raise before it fires; zero or more
 * @param keepFiringFor how long a rule that no longer holds keeps firing; zero or more
 */
public record BurnRateAlert(String name, double rate, AlertSeverity severity, Duration longWindow, Duration shortWindow,
                            double resolveRate, Duration pendingFor, Duration keepFiringFor) {

    /** Default {@code resolveRate / rate}: a rule resolves once its burn falls 10% below its threshold. */
    public static final double DEFAULT_RESOLVE_FACTOR = 0.9;

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
        if (!(resolveRate > 0 && resolveRate <= rate)) {
            throw new IllegalArgumentException("resolveRate must be in (0, rate = " + rate + "], got " + resolveRate);
        }
        nonNegative("pendingFor", pendingFor);
        nonNegative("keepFiringFor", keepFiringFor);
    }

    /** A rule with the default hysteresis: resolve below {@value #DEFAULT_RESOLVE_FACTOR} × rate, no pending or keep-firing time. */
    public BurnRateAlert(String name, double rate, AlertSeverity severity, Duration longWindow, Duration shortWindow) {
        this(name, rate, severity, longWindow, shortWindow, rate * DEFAULT_RESOLVE_FACTOR, Duration.ZERO, Duration.ZERO);
    }

    /** A single-window rule. */
    public static BurnRateAlert singleWindow(String name, double rate, AlertSeverity severity, Duration window) {
        return new BurnRateAlert(name, rate, severity, window, null);
    }

    /** A multi-window rule: both windows must burn at {@code rate} or faster. */
    public static BurnRateAlert multiWindow(String name, double rate, AlertSeverity severity, Duration longWindow, Duration shortWindow) {
        return new BurnRateAlert(name, rate, severity, longWindow, shortWindow);
    }

    /** This rule resolving only once its windows burn below {@code resolveRate} (in (0, rate]; {@code rate} for no hysteresis). */
    public BurnRateAlert withResolveRate(double resolveRate) {
        return new BurnRateAlert(name, rate, severity, longWindow, shortWindow, resolveRate, pendingFor, keepFiringFor);
    }

    /** This rule firing only after raising for {@code pendingFor} (Prometheus {@code for}, OpenSLO {@code alertAfter}). */
    public BurnRateAlert withPendingFor(Duration pendingFor) {
        return new BurnRateAlert(name, rate, severity, longWindow, shortWindow, resolveRate, pendingFor, keepFiringFor);
    }

    /** This rule firing for {@code keepFiringFor} more after it stops holding (Prometheus {@code keep_firing_for}). */
    public BurnRateAlert withKeepFiringFor(Duration keepFiringFor) {
        return new BurnRateAlert(name, rate, severity, longWindow, shortWindow, resolveRate, pendingFor, keepFiringFor);
    }

    /** Whether this rule has a confirming short window. */
    public boolean isMultiWindow() {
        return shortWindow != null;
    }

    /**
     * The four multi-window, multi-burn-rate tiers of the Google SRE workbook (as Sloth generates
     * them), scaled to a budget window. For a 30-day budget:
     * <table>
     *   <caption>Default alert tiers for a 30-day budget</caption>
     *   <tr><th>name</th><th>severity</th><th>rate</th><th>long / short window</th><th>budget spent when it fires</th></tr>
     *   <tr><td>{@code fast_burn}</td><td>CRITICAL (page)</td><td>14.4&times;</td><td>1h / 5m</td><td>2% in an hour</td></tr>
     *   <tr><td>{@code slow_burn}</td><td>CRITICAL (page)</td><td>6&times;</td><td>6h / 30m</td><td>5% in six hours</td></tr>
     *   <tr><td>{@code steady_burn}</td><td>WARNING (ticket)</td><td>3&times;</td><td>1d / 2h</td><td>10% in a day</td></tr>
     *   <tr><td>{@code budget_drain}</td><td>WARNING (ticket)</td><td>1&times;</td><td>3d / 6h</td><td>10% in three days</td></tr>
     * </table>
     * For another budget window {@code W} every window is scaled by {@code W / 30d} (and never
     * below 1 ms) and the rates stay the same, so each rule still means "this share of the budget
     * is gone".
     */
    public static List<BurnRateAlert> workbookDefaults(Duration budgetWindow) {
        Check.positive("budgetWindow", budgetWindow);
        return List.of(
                multiWindow("fast_burn", 14.4, AlertSeverity.CRITICAL, scaled(budgetWindow, 720), scaled(budgetWindow, 8640)),
                multiWindow("slow_burn", 6.0, AlertSeverity.CRITICAL, scaled(budgetWindow, 120), scaled(budgetWindow, 1440)),
                multiWindow("steady_burn", 3.0, AlertSeverity.WARNING, scaled(budgetWindow, 30), scaled(budgetWindow, 360)),
                multiWindow("budget_drain", 1.0, AlertSeverity.WARNING, scaled(budgetWindow, 10), scaled(budgetWindow, 120)));
    }

    private static Duration scaled(Duration budgetWindow, long divisor) {
        Duration window = budgetWindow.dividedBy(divisor);
        return window.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : window;
    }

    private static void nonNegative(String field, Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(field + " must be zero or a positive duration, got " + value);
        }
    }

    @Override
    public String toString() {
        return name + " (" + severity + ": burn rate >= " + rate + "x over " + Durations.format(longWindow)
                + (shortWindow == null ? "" : " and " + Durations.format(shortWindow)) + ")";
    }
}
