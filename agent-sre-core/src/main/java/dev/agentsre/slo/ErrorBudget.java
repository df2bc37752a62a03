package dev.agentsre.slo;

import dev.agentsre.internal.Check;
import dev.agentsre.internal.window.RollingCounter;
import dev.agentsre.time.Durations;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An error budget: the share of events allowed to be bad over a rolling window, and the alerts
 * that watch how fast it burns.
 *
 * <p><b>Semantics.</b> With {@code total = 1 - target} (for example 0.005 for a 99.5% target) and
 * {@code n} events in the window of which {@code bad} were bad:
 * <ul>
 *   <li>allowed bad events = {@code total × n};</li>
 *   <li>{@link #remainingPercent()} = {@code 100 × (1 − bad / allowed)}, floored at 0 (100 when
 *       nothing was allowed yet because nothing happened);</li>
 *   <li>{@link #isExhausted()} when {@code bad ≥ allowed} and {@code n ≥ minimumEvents};</li>
 *   <li>{@link #burnRate(Duration) burnRate(w)} = {@code (bad_w / n_w) / total}.</li>
 * </ul>
 * Burn-rate alerts ({@link #firingAlerts()}) also need {@code minimumEvents} in their long window,
 * so one failure at 3 a.m. does not page anybody.
 *
 * <p><b>Windows and resolution.</b> Events are counted in two rings of 720 time buckets each: a
 * coarse ring spanning the budget window (1-hour buckets for 30 days) and a fine ring spanning
 * {@code window / 120} (30-second buckets over 6 hours for 30 days). Windows up to the fine span
 * are read from the fine ring, longer ones from the coarse ring; a window is read with the
 * resolution of one bucket (see the user guide). Idle periods need no work: stale buckets are
 * skipped on read and reused on write.
 *
 * <p><b>Cost and memory.</b> {@link #recordEvent(boolean)} is O(1), lock-free and allocation-free
 * (two atomic increments for a good event, four for a bad one). Queries cost O(buckets read),
 * independent of how many events were recorded. Memory is fixed at about 35 KiB whatever the
 * traffic or the window.
 */
public final class ErrorBudget {

    /** Default budget window: 30 days. */
    public static final Duration DEFAULT_WINDOW = Duration.ofDays(30);
    /** Default threshold of the single-window warning alert. */
    public static final double DEFAULT_BURN_RATE_ALERT = 2.0;
    /** Default threshold of the single-window critical alert. */
    public static final double DEFAULT_BURN_RATE_CRITICAL = 10.0;
    /** Default window of the single-window alerts: 1 hour. */
    public static final Duration DEFAULT_BURN_RATE_WINDOW = Duration.ofHours(1);
    /** Default minimum number of events before the budget can be exhausted or an alert fire. */
    public static final long DEFAULT_MINIMUM_EVENTS = 10;
    /** Buckets per ring. */
    static final int RING_BUCKETS = 720;
    /** The fine ring spans {@code window / FINE_SPAN_DIVISOR}. */
    static final int FINE_SPAN_DIVISOR = 120;

    // Tolerance for comparing bad (an integer) with allowed (a product of doubles), so that
    // 5 bad events out of 1,000 at a 0.005 budget are "5 >= 5", not "5 >= 5.000000000000001".
    private static final double EPSILON = 1e-9;

    private final double total;
    private final Duration window;
    private final long windowMillis;
    private final ExhaustionAction exhaustionAction;
    private final long minimumEvents;
    private final List<BurnRateAlert> alerts;
    private final Clock clock;
    private final RollingCounter coarse;
    private final RollingCounter fine;
    // Lifetime totals, for exporters: a metrics backend computes burn rates across JVMs from these.
    private final java.util.concurrent.atomic.LongAdder lifetimeEvents = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder lifetimeBad = new java.util.concurrent.atomic.LongAdder();

    private ErrorBudget(Builder b) {
        this.total = Check.openRange("total", b.total, 0.0, 1.0);
        this.window = Check.positive("window", b.window);
        this.windowMillis = window.toMillis();
        if (windowMillis < RING_BUCKETS) {
            throw new IllegalArgumentException("window must be at least " + RING_BUCKETS + "ms, got " + Durations.format(window));
        }
        this.exhaustionAction = Check.notNull("exhaustionAction", b.exhaustionAction);
        this.minimumEvents = Check.nonNegative("minimumEvents", b.minimumEvents);
        this.clock = Check.notNull("clock", b.clock);
        this.alerts = List.copyOf(buildAlerts(b));
        long coarseBucket = Math.max(1, windowMillis / RING_BUCKETS);
        this.coarse = new RollingCounter(coarseBucket, (int) ((windowMillis + coarseBucket - 1) / coarseBucket));
        long fineSpan = Math.max(1, windowMillis / FINE_SPAN_DIVISOR);
        long fineBucket = Math.max(1, fineSpan / RING_BUCKETS);
        this.fine = new RollingCounter(fineBucket, (int) ((fineSpan + fineBucket - 1) / fineBucket));
    }

    /** Starts a builder. Required: {@link Builder#total(double)} or {@link Builder#target(double)}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Records one event: {@code good = true} for a good one, {@code false} for a bad one. */
    public void recordEvent(boolean good) {
        long now = clock.millis();
        coarse.record(now, !good);
        fine.record(now, !good);
        lifetimeEvents.increment();
        if (!good) {
            lifetimeBad.increment();
        }
    }

    /**
     * Records several events at once.
     *
     * @throws IllegalArgumentException if a count is negative (nothing is recorded)
     */
    public void recordEvents(long good, long bad) {
        Check.nonNegative("good", good);
        Check.nonNegative("bad", bad);
        if (good + bad == 0) {
            return;
        }
        long now = clock.millis();
        coarse.record(now, good + bad, bad);
        fine.record(now, good + bad, bad);
        lifetimeEvents.add(good + bad);
        lifetimeBad.add(bad);
    }

    /** Events recorded since the budget was created (monotonic; for exporters and metrics backends). */
    public long lifetimeEvents() {
        return lifetimeEvents.sum();
    }

    /** Bad events recorded since the budget was created (monotonic). */
    public long lifetimeBadEvents() {
        return lifetimeBad.sum();
    }

    /** Events recorded in the budget window. */
    public long totalEvents() {
        return coarse.read(windowMillis, clock.millis()).total();
    }

    /** Bad events recorded in the budget window. */
    public long badEvents() {
        return coarse.read(windowMillis, clock.millis()).bad();
    }

    /** Bad events allowed so far: {@code total × events in the window}. */
    public double allowedBadEvents() {
        return total * totalEvents();
    }

    /** Share of the budget left, 0..100; 100 when nothing happened yet. */
    public double remainingPercent() {
        return remainingPercent(coarse.read(windowMillis, clock.millis()));
    }

    /** Share of the budget used, 0..100 and beyond when over-spent. */
    public double consumedPercent() {
        RollingCounter.WindowCounts counts = coarse.read(windowMillis, clock.millis());
        double allowed = total * counts.total();
        return allowed == 0 ? 0.0 : 100.0 * counts.bad() / allowed;
    }

    /** Whether bad events reached the allowance, with at least {@code minimumEvents} events seen. */
    public boolean isExhausted() {
        return isExhausted(coarse.read(windowMillis, clock.millis()));
    }

    /**
     * The burn rate over the last {@code window}: {@code (bad / total within the window) / total}.
     * 0 when the window holds no events.
     *
     * @throws IllegalArgumentException if {@code window} is not positive or longer than the budget window
     */
    public double burnRate(Duration window) {
        return ringFor(window).read(window.toMillis(), clock.millis()).badRatio() / total;
    }

    /** The configured alert rules, single-window ones first. */
    public List<BurnRateAlert> alerts() {
        return alerts;
    }

    /** The alert rules that fire now. */
    public List<BurnRateAlert> firingAlerts() {
        return firingAt(clock.millis());
    }

    private List<BurnRateAlert> firingAt(long now) {
        List<BurnRateAlert> firing = new ArrayList<>(2);
        for (BurnRateAlert alert : alerts) {
            if (fires(alert, now)) {
                firing.add(alert);
            }
        }
        return firing;
    }

    /** A consistent-enough view of the budget for exporters and reports. */
    public Snapshot snapshot() {
        long now = clock.millis();
        RollingCounter.WindowCounts counts = coarse.read(windowMillis, now);
        return new Snapshot(counts.total(), counts.bad(), total * counts.total(), remainingPercent(counts),
                isExhausted(counts), List.copyOf(firingAt(now)));
    }

    /** The budget as a fraction of events: {@code 1 - target}. */
    public double total() {
        return total;
    }

    /** The target this budget implies: {@code 1 - total}. */
    public double target() {
        return 1.0 - total;
    }

    /** The rolling budget window. */
    public Duration window() {
        return window;
    }

    /** What should happen on exhaustion. */
    public ExhaustionAction exhaustionAction() {
        return exhaustionAction;
    }

    /** Events needed before the budget can be exhausted or an alert fire. */
    public long minimumEvents() {
        return minimumEvents;
    }

    /** The clock events are stamped with. */
    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "ErrorBudget{total=" + total + ", window=" + Durations.format(window) + ", action=" + exhaustionAction + '}';
    }

    private boolean fires(BurnRateAlert alert, long now) {
        RollingCounter.WindowCounts longCounts = ringFor(alert.longWindow()).read(alert.longWindow().toMillis(), now);
        if (longCounts.total() < Math.max(1, minimumEvents) || longCounts.badRatio() / total < alert.rate()) {
            return false;
        }
        if (alert.shortWindow() == null) {
            return true;
        }
        RollingCounter.WindowCounts shortCounts = ringFor(alert.shortWindow()).read(alert.shortWindow().toMillis(), now);
        return shortCounts.badRatio() / total >= alert.rate();
    }

    private RollingCounter ringFor(Duration window) {
        Check.positive("window", window);
        long millis = window.toMillis();
        if (millis > windowMillis) {
            throw new IllegalArgumentException("window must not exceed the budget window " + Durations.format(this.window)
                    + ", got " + Durations.format(window));
        }
        return millis <= fine.spanMillis() ? fine : coarse;
    }

    private double remainingPercent(RollingCounter.WindowCounts counts) {
        double allowed = total * counts.total();
        if (counts.total() == 0) {
            return 100.0;
        }
        return Math.max(0.0, 100.0 * (1.0 - counts.bad() / allowed));
    }

    private boolean isExhausted(RollingCounter.WindowCounts counts) {
        double allowed = total * counts.total();
        return counts.total() >= Math.max(1, minimumEvents) && counts.bad() >= allowed * (1 - EPSILON);
    }

    private List<BurnRateAlert> buildAlerts(Builder b) {
        List<BurnRateAlert> result = new ArrayList<>();
        Check.positive("burnRateWindow", b.burnRateWindow);
        if (b.burnRateAlert > 0) {
            Check.positive("burnRateAlert", b.burnRateAlert);
            result.add(BurnRateAlert.singleWindow("burn_rate_warning", b.burnRateAlert, AlertSeverity.WARNING, b.burnRateWindow));
        } else if (b.burnRateAlert != 0) {
            throw new IllegalArgumentException("burnRateAlert must be > 0, or 0 to disable, got " + b.burnRateAlert);
        }
        if (b.burnRateCritical > 0) {
            Check.positive("burnRateCritical", b.burnRateCritical);
            result.add(BurnRateAlert.singleWindow("burn_rate_critical", b.burnRateCritical, AlertSeverity.CRITICAL, b.burnRateWindow));
        } else if (b.burnRateCritical != 0) {
            throw new IllegalArgumentException("burnRateCritical must be > 0, or 0 to disable, got " + b.burnRateCritical);
        }
        if (b.burnRateAlert > 0 && b.burnRateCritical > 0 && b.burnRateCritical < b.burnRateAlert) {
            throw new IllegalArgumentException("burnRateCritical must be >= burnRateAlert (" + b.burnRateAlert + "), got " + b.burnRateCritical);
        }
        if (b.multiWindowAlerts) {
            result.addAll(BurnRateAlert.workbookDefaults(window));
        }
        result.addAll(b.extraAlerts);
        Set<String> names = new HashSet<>();
        for (BurnRateAlert alert : result) {
            if (!names.add(alert.name())) {
                throw new IllegalArgumentException("alert names must be unique, got '" + alert.name() + "' twice");
            }
            for (Duration w : alert.shortWindow() == null ? List.of(alert.longWindow()) : List.of(alert.longWindow(), alert.shortWindow())) {
                if (w.compareTo(window) > 0) {
                    throw new IllegalArgumentException("alert '" + alert.name() + "' window must not exceed the budget window "
                            + Durations.format(window) + ", got " + Durations.format(w));
                }
            }
        }
        if (result.size() > Long.SIZE) {
            throw new IllegalArgumentException("at most " + Long.SIZE + " alerts per budget, got " + result.size());
        }
        return result;
    }

    /**
     * A view of the budget at one instant.
     *
     * @param totalEvents events in the window
     * @param badEvents bad events in the window
     * @param allowedBadEvents {@code total × totalEvents}
     * @param remainingPercent 0..100
     * @param exhausted whether the budget is exhausted
     * @param firingAlerts alert rules firing now
     */
    public record Snapshot(long totalEvents, long badEvents, double allowedBadEvents, double remainingPercent,
                           boolean exhausted, List<BurnRateAlert> firingAlerts) {
    }

    /**
     * Builder for {@link ErrorBudget}. Defaults: window {@link #DEFAULT_WINDOW} (30d), single-window
     * alerts at {@value #DEFAULT_BURN_RATE_ALERT}&times; (warning) and
     * {@value #DEFAULT_BURN_RATE_CRITICAL}&times; (critical) over 1h, the workbook's multi-window
     * alerts on, exhaustion action {@link ExhaustionAction#ALERT}, minimum events
     * {@value #DEFAULT_MINIMUM_EVENTS}, {@link Clock#systemUTC()}.
     */
    public static final class Builder {
        private double total = Double.NaN;
        private Duration window = DEFAULT_WINDOW;
        private double burnRateAlert = DEFAULT_BURN_RATE_ALERT;
        private double burnRateCritical = DEFAULT_BURN_RATE_CRITICAL;
        private Duration burnRateWindow = DEFAULT_BURN_RATE_WINDOW;
        private boolean multiWindowAlerts = true;
        private final List<BurnRateAlert> extraAlerts = new ArrayList<>();
        private ExhaustionAction exhaustionAction = ExhaustionAction.ALERT;
        private long minimumEvents = DEFAULT_MINIMUM_EVENTS;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The budget as a fraction of events, {@code 1 - target}, in (0, 1). */
        public Builder total(double total) {
            this.total = total;
            return this;
        }

        /** Sets the budget from a target in (0, 1): {@code total = 1 - target}. */
        public Builder target(double target) {
            Check.openRange("target", target, 0.0, 1.0);
            this.total = 1.0 - target;
            return this;
        }

        /** The rolling budget window (at least 720 ms). */
        public Builder window(Duration window) {
            this.window = window;
            return this;
        }

        /** The rolling budget window as a duration string. */
        public Builder window(String window) {
            this.window = Durations.parsePositive("window", window);
            return this;
        }

        /** Threshold of the single-window warning alert; 0 disables it. */
        public Builder burnRateAlert(double rate) {
            this.burnRateAlert = rate;
            return this;
        }

        /** Threshold of the single-window critical alert; 0 disables it. */
        public Builder burnRateCritical(double rate) {
            this.burnRateCritical = rate;
            return this;
        }

        /** Window of the single-window alerts (default 1h). */
        public Builder burnRateWindow(Duration window) {
            this.burnRateWindow = window;
            return this;
        }

        /** Whether to add the workbook's multi-window alerts (default true). */
        public Builder multiWindowAlerts(boolean enabled) {
            this.multiWindowAlerts = enabled;
            return this;
        }

        /** Adds a custom alert rule. */
        public Builder alert(BurnRateAlert alert) {
            this.extraAlerts.add(Check.notNull("alert", alert));
            return this;
        }

        /** What should happen on exhaustion (default {@link ExhaustionAction#ALERT}). */
        public Builder exhaustionAction(ExhaustionAction action) {
            this.exhaustionAction = action;
            return this;
        }

        /** Events needed before exhaustion or alerts (default {@value ErrorBudget#DEFAULT_MINIMUM_EVENTS}). */
        public Builder minimumEvents(long minimumEvents) {
            this.minimumEvents = minimumEvents;
            return this;
        }

        /** The clock events are stamped with. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Validates and builds. */
        public ErrorBudget build() {
            return new ErrorBudget(this);
        }
    }
}
