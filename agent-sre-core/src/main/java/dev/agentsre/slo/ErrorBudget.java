package dev.agentsre.slo;

import dev.agentsre.internal.CachedMillisClock;
import dev.agentsre.internal.Check;
import dev.agentsre.internal.window.PeriodCounter;
import dev.agentsre.internal.window.RollingCounter;
import dev.agentsre.internal.window.StripedRollingCounter;
import dev.agentsre.store.WindowSnapshot;
import dev.agentsre.store.WindowStore;
import dev.agentsre.time.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An error budget: the share of events allowed to be bad over a window, and the alerts that watch
 * how fast it burns.
 *
 * <p><b>Semantics.</b> With {@code total = 1 - target} (for example 0.005 for a 99.5% target) and
 * {@code n} events in the budget window of which {@code bad} were bad:
 * <ul>
 *   <li>allowed bad events = {@code total × n / coverage} (see <i>sparse data</i> below; once the
 *       window is fully observed, coverage is 1 and this is {@code total × n});</li>
 *   <li>{@link #remainingPercent()} = {@code 100 × (1 − bad / allowed)}, floored at 0 (100 when
 *       nothing happened yet);</li>
 *   <li>{@link #isExhausted()} when {@code bad ≥ allowed} and {@code n ≥ minimumEvents};</li>
 *   <li>an exhausted SLO recovers only once {@link #recoveryMargin()} of the budget is back
 *       ({@code remaining ≥ 100 × margin}, default 5%) or fewer than {@code minimumEvents} remain in
 *       the window — so an action such as THROTTLE does not flap at the exact boundary, where one good
 *       event would lift it and the next bad one exhaust the budget again;</li>
 *   <li>{@link #burnRate(Duration) burnRate(w)} = {@code (bad_w / n_w) / total}.</li>
 * </ul>
 *
 * <p><b>Sparse data: the allowance is projected until the window is full.</b> A budget that has
 * seen traffic for only part of its window (a new agent, a restart, the first days of a calendar
 * month) judges the traffic so far as a sample of the whole window: {@code coverage} is the share
 * of the window observed since the first event ({@code (now − max(first event, window start)) /
 * window length}, at least one fine bucket), and the allowance is that of a whole window at the
 * traffic rate seen so far. Three failures among the first 200 tasks of a new agent with a
 * 99.5%/30-day budget are then 0.3% of a projected month's allowance, not three times an allowance
 * of one. Exhaustion needs {@code bad / n ≥ total / coverage}: a budget cannot be exhausted before
 * {@code coverage ≥ total} (3.6 hours into a 30-day 99.5% window for a 100% failure rate — the
 * same 3.6 hours of complete outage a steady, fully observed budget allows) and a 10% failure rate
 * exhausts a 24-hour 99.5% budget after 1.2 hours. Burn-rate alerts are ratios over their own
 * windows and are not projected: a new agent that fails pages within minutes. Turn projection off
 * with {@link Builder#projectAllowance(boolean)}.
 *
 * <p><b>Windows.</b> Rolling ({@link Builder#window(Duration)}, any length from 1 second) or
 * calendar-aligned ({@link Builder#calendarWindow(CalendarWindow)}: the budget is refilled at the
 * start of every period). Events are counted in two rings of 720 time buckets each: a coarse ring
 * spanning the (nominal) budget window (1-hour buckets for 30 days) and a fine ring spanning
 * {@code window / 120} (30-second buckets over 6 hours for 30 days). Windows up to the fine span
 * are read from the fine ring, longer ones from the coarse ring; a window is read with the
 * resolution of one bucket. A calendar budget also counts the current period exactly (a counter
 * reset at each period start). Only a ring's newest bucket is written; each closed bucket keeps the
 * running total of the events before it, so any window is read in constant time (see {@link
 * dev.agentsre.internal.window.StripedRollingCounter}). Idle periods need no work on read.
 *
 * <p><b>Budgeting method.</b> By default every event counts ({@link BudgetingMethod#OCCURRENCES}).
 * {@link Builder#timeslices(Duration, double)} and {@link Builder#ratioTimeslices(Duration)} budget
 * time slices instead, as OpenSLO's {@code Timeslices} and {@code RatioTimeslices}: the events of
 * each slice are judged together when it ends, and the slice is the budget's event (see {@link
 * BudgetingMethod}). Everything below then reads "slice" for "event".
 *
 * <p><b>Alerts.</b> By default the four multi-window tiers of {@link BurnRateAlert#workbookDefaults};
 * the single-window alerts of the reference ({@link Builder#burnRateAlert}, {@link
 * Builder#burnRateCritical}) are off unless set, or unless multi-window alerts are turned off.
 * Alerts need {@code minimumEvents} in their long window, so one failure at 3 a.m. does not page
 * anybody.
 *
 * <p><b>Across restarts and JVMs.</b> With {@link Builder#windowStore(WindowStore, String)} the
 * rings are kept in a {@link WindowStore} (a file, a database, Redis): the budget starts from what
 * the store holds, sends its new bucket counts every second (and on {@link #close()}), and reads
 * back the stored window — the fleet's, for a store shared by several JVMs. Reads then count the
 * stored window plus this JVM's events since its last sync; recording is unchanged.
 *
 * <p><b>Cost and memory.</b> {@link #recordEvent(boolean)} is O(1), lock-free and allocation-free:
 * one CAS per ring on the recording thread's stripe of the open bucket (plus a {@link
 * java.util.concurrent.atomic.LongAdder} add for a calendar window), so threads sharing a budget do
 * not serialise on one counter; once per bucket a writer closes the open bucket under a short lock.
 * A time-slice budget counts events into the current slice under a short lock (no allocation; the
 * ended slice is written to the rings under it once per slice), and its reads take the same lock so
 * that a slice is never counted twice or missed while it is being written. {@link #snapshot()},
 * {@link #burnRate(Duration)} and every other read cost O(windows), whatever the number of events or
 * the length of the windows (a budget that has recorded nothing returns a prepared snapshot).
 * <b>Memory</b> is fixed whatever the traffic or the window: two {@code long}s per bucket of each
 * ring (about 23 KiB for the two rings of 720 buckets; about 25 KiB for the whole budget with the
 * four alert tiers) plus 144 bytes per stripe of each ring's open bucket — one stripe while
 * uncontended, at most the next power of two of the processors (at most 8: 2 KiB more for the two
 * rings) once threads collide ({@code ErrorBudgetMemoryTest}).
 */
public final class ErrorBudget {

    /** Default budget window: 30 days. */
    public static final Duration DEFAULT_WINDOW = Duration.ofDays(30);
    /** Shortest budget window. */
    public static final Duration MIN_WINDOW = Duration.ofSeconds(1);
    /** Threshold of the single-window warning alert when it is on without a threshold of its own. */
    public static final double DEFAULT_BURN_RATE_ALERT = 2.0;
    /** Threshold of the single-window critical alert when it is on without a threshold of its own. */
    public static final double DEFAULT_BURN_RATE_CRITICAL = 10.0;
    /** Default window of the single-window alerts: 1 hour, or the budget window when that is shorter. */
    public static final Duration DEFAULT_BURN_RATE_WINDOW = Duration.ofHours(1);
    /** Default interval between the syncs of a budget with a window store: 1 s. */
    public static final Duration DEFAULT_WINDOW_SYNC_INTERVAL = Duration.ofSeconds(1);
    /** Default minimum number of events before the budget can be exhausted or an alert fire. */
    public static final long DEFAULT_MINIMUM_EVENTS = 10;
    /** Default share of the budget that must be back before an exhausted SLO recovers: 5%. */
    public static final double DEFAULT_RECOVERY_MARGIN = 0.05;
    /** Units a slice counts for a {@link BudgetingMethod#RATIO_TIMESLICES} budget: its ratio to a millionth. */
    public static final long RATIO_TIMESLICE_UNITS = 1_000_000;
    /** Buckets per ring. */
    static final int RING_BUCKETS = 720;
    /** The fine ring spans {@code window / FINE_SPAN_DIVISOR}. */
    static final int FINE_SPAN_DIVISOR = 120;

    // Tolerance for comparing counts with products of doubles, so that 5 bad events out of 1,000
    // at a 0.005 budget are "5 >= 5", not "5 >= 5.000000000000001"; burn rates likewise.
    private static final double EPSILON = 1e-9;
    private static final long UNSET = Long.MIN_VALUE;

    private final double total;
    private final Duration window;
    private final long windowMillis;
    private final CalendarWindow calendarWindow;
    private final ExhaustionAction exhaustionAction;
    private final long minimumEvents;
    /** {@code minimumEvents} in the units the rings count (slices, or millionths of a slice). */
    private final long minimumUnits;
    private final double recoveryMargin;
    private final BudgetingMethod budgetingMethod;
    private final long sliceMillis;
    private final double sliceTarget;
    private final TimeSlices slices;
    private final boolean projectAllowance;
    private final List<BurnRateAlert> alerts;
    private final Clock clock;
    private final StripedRollingCounter coarse;
    private final StripedRollingCounter fine;
    private final PeriodCounter period;
    private final AtomicLong firstEventMillis = new AtomicLong(UNSET);
    // The windows a snapshot reads, per ring, and where each alert's windows are among them.
    private final long[] fineWindows;
    private final long[] coarseWindows;
    private final int[] alertLong;  // index into fine (>= 0) or coarse (-1 - index) windows
    private final int[] alertShort; // same, or Integer.MIN_VALUE for a single-window rule
    /** The window store this budget syncs with; null without one. */
    private final SharedWindow shared;
    /** What {@link #snapshot()} reads while nothing was recorded (no store, no slices): the same at any instant. */
    private final Snapshot emptySnapshot;

    private ErrorBudget(Builder b) {
        this.total = Check.openRange("total", b.total, 0.0, 1.0);
        this.calendarWindow = b.calendarWindow;
        this.window = calendarWindow != null ? calendarWindow.nominalLength() : Check.positive("window", b.window);
        if (window.compareTo(MIN_WINDOW) < 0) {
            throw new IllegalArgumentException("window must be at least " + Durations.format(MIN_WINDOW) + ", got " + Durations.format(window));
        }
        this.windowMillis = window.toMillis();
        this.exhaustionAction = Check.notNull("exhaustionAction", b.exhaustionAction);
        this.minimumEvents = Check.nonNegative("minimumEvents", b.minimumEvents);
        if (!(b.recoveryMargin >= 0 && b.recoveryMargin < 1)) {
            throw new IllegalArgumentException("recoveryMargin must be in [0, 1), got " + b.recoveryMargin);
        }
        this.recoveryMargin = b.recoveryMargin;
        this.budgetingMethod = b.budgetingMethod;
        if (budgetingMethod == BudgetingMethod.OCCURRENCES) {
            this.sliceMillis = 0;
            this.sliceTarget = Double.NaN;
            this.minimumUnits = minimumEvents;
        } else {
            Duration slice = Check.positive("timeSlice", b.timeSlice);
            if (slice.compareTo(window) > 0 || slice.toMillis() == 0) {
                throw new IllegalArgumentException("timeSlice must be between 1 ms and the budget window " + Durations.format(window)
                        + ", got " + Durations.format(slice));
            }
            this.sliceMillis = slice.toMillis();
            if (budgetingMethod == BudgetingMethod.TIMESLICES) {
                if (!(b.timeSliceTarget > 0 && b.timeSliceTarget <= 1)) {
                    throw new IllegalArgumentException("timeSliceTarget must be in (0, 1], got " + b.timeSliceTarget);
                }
                this.sliceTarget = b.timeSliceTarget;
                this.minimumUnits = minimumEvents;
            } else {
                this.sliceTarget = Double.NaN;
                this.minimumUnits = minimumEvents > Long.MAX_VALUE / RATIO_TIMESLICE_UNITS ? Long.MAX_VALUE
                        : minimumEvents * RATIO_TIMESLICE_UNITS;
            }
        }
        this.projectAllowance = b.projectAllowance;
        this.clock = Check.notNull("clock", b.clock);
        this.alerts = List.copyOf(buildAlerts(b));
        long coarseBucket = Math.max(1, windowMillis / RING_BUCKETS);
        this.coarse = new StripedRollingCounter(coarseBucket, (int) ((windowMillis + coarseBucket - 1) / coarseBucket));
        long fineSpan = Math.max(1, windowMillis / FINE_SPAN_DIVISOR);
        long fineBucket = Math.max(1, fineSpan / RING_BUCKETS);
        this.fine = new StripedRollingCounter(fineBucket, (int) ((fineSpan + fineBucket - 1) / fineBucket));
        this.period = calendarWindow == null ? null : new PeriodCounter(millis -> {
            CalendarWindow.Period p = calendarWindow.periodAt(Instant.ofEpochMilli(millis));
            return new long[] {p.start().toEpochMilli(), p.end().toEpochMilli()};
        }, clock.millis());

        TreeSet<Long> fineSet = new TreeSet<>();
        TreeSet<Long> coarseSet = new TreeSet<>();
        if (calendarWindow == null) {
            coarseSet.add(windowMillis);
        }
        for (BurnRateAlert alert : alerts) {
            for (Duration w : alert.shortWindow() == null ? List.of(alert.longWindow()) : List.of(alert.longWindow(), alert.shortWindow())) {
                long millis = Math.max(1, w.toMillis());
                (millis <= fine.spanMillis() ? fineSet : coarseSet).add(millis);
            }
        }
        this.fineWindows = fineSet.stream().mapToLong(Long::longValue).toArray();
        this.coarseWindows = coarseSet.stream().mapToLong(Long::longValue).toArray();
        this.alertLong = new int[alerts.size()];
        this.alertShort = new int[alerts.size()];
        for (int i = 0; i < alerts.size(); i++) {
            BurnRateAlert alert = alerts.get(i);
            alertLong[i] = windowIndex(alert.longWindow());
            alertShort[i] = alert.shortWindow() == null ? Integer.MIN_VALUE : windowIndex(alert.shortWindow());
        }
        this.slices = budgetingMethod == BudgetingMethod.OCCURRENCES ? null : new TimeSlices();
        this.emptySnapshot = snapshot(clock.millis());
        if (b.windowStore == null) {
            this.shared = null;
        } else {
            if (slices != null) {
                throw new IllegalArgumentException("windowStore needs a budget of occurrences: the slices of a time-slice budget are"
                        + " judged from one JVM's events, got " + budgetingMethod);
            }
            this.shared = new SharedWindow(b.windowStore, Check.notBlank("windowKey", b.windowKey), clock, coarse, fine, period,
                    coarse::lifetimeTotal, coarse::lifetimeBad, firstEventMillis::get, Check.positive("windowSyncInterval", b.windowSyncInterval),
                    b.windowSyncScheduler);
            shared.start();
        }
    }

    /** Starts a builder. Required: {@link Builder#total(double)} or {@link Builder#target(double)}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Records one event: {@code good = true} for a good one, {@code false} for a bad one. */
    public void recordEvent(boolean good) {
        long now = clock.millis();
        if (slices != null) {
            slices.record(now, 1, good ? 0 : 1);
            return;
        }
        coarse.record(now, !good);
        fine.record(now, !good);
        if (period != null) {
            period.record(now, 1, good ? 0 : 1);
        }
        if (firstEventMillis.get() == UNSET) {
            firstEventMillis.compareAndSet(UNSET, now);
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
        if (slices != null) {
            slices.record(now, good + bad, bad);
            return;
        }
        coarse.record(now, good + bad, bad);
        fine.record(now, good + bad, bad);
        if (period != null) {
            period.record(now, good + bad, bad);
        }
        if (firstEventMillis.get() == UNSET) {
            firstEventMillis.compareAndSet(UNSET, now);
        }
    }

    /**
     * Events recorded since the budget was created (monotonic; for exporters and metrics backends).
     * For a time-slice budget: the ended slices written so far, in the units of {@link #totalEvents()}.
     */
    public long lifetimeEvents() {
        return coarse.lifetimeTotal() + (shared == null ? 0 : shared.lifetimeOverlay()[0]);
    }

    /** Bad events recorded since the budget was created (monotonic). */
    public long lifetimeBadEvents() {
        return coarse.lifetimeBad() + (shared == null ? 0 : shared.lifetimeOverlay()[1]);
    }

    /**
     * With a {@linkplain Builder#windowStore window store}: sends the events recorded here since the
     * last sync and reads the stored window back (what the budget does every
     * {@link Builder#windowSyncInterval sync interval} by itself). Does nothing without a store.
     *
     * @throws dev.agentsre.store.StoreUnavailableException if the store cannot be reached (the events stay
     *         here and go with the next sync)
     */
    public void sync() {
        if (shared != null) {
            shared.sync();
        }
    }

    /**
     * With a window store: stops the periodic syncs and syncs a last time, so that a new budget over
     * the same store carries on exactly from here. Does nothing without a store.
     */
    public void close() {
        if (shared != null) {
            shared.close();
        }
    }

    /**
     * Events recorded in the budget window (the current period of a calendar window): for {@link
     * BudgetingMethod#TIMESLICES} ended slices, for {@link BudgetingMethod#RATIO_TIMESLICES}
     * millionths of an ended slice.
     */
    public long totalEvents() {
        return budgetCounts().total();
    }

    /** Events and bad events in the budget window, read together: {@code {total, bad}}. */
    long[] windowCounts() {
        BudgetCounts counts = budgetCounts();
        return new long[] {counts.total(), counts.bad};
    }

    /** Bad events recorded in the budget window (in the units of {@link #totalEvents()}). */
    public long badEvents() {
        return budgetCounts().bad();
    }

    /** Bad events allowed so far: {@code total × events in the window / coverage} (see the class comment). */
    public double allowedBadEvents() {
        return budgetCounts().allowed();
    }

    /** Share of the budget left, 0..100; 100 when nothing happened yet. */
    public double remainingPercent() {
        return budgetCounts().remainingPercent();
    }

    /** Share of the budget used, 0..100 and beyond when over-spent. */
    public double consumedPercent() {
        BudgetCounts counts = budgetCounts();
        return counts.allowed() == 0 ? 0.0 : 100.0 * counts.bad() / counts.allowed();
    }

    /** Whether bad events reached the allowance, with at least {@code minimumEvents} events seen. */
    public boolean isExhausted() {
        return budgetCounts().exhausted();
    }

    /**
     * The share of the budget window observed so far, in (0, 1]: 1 once the first event is a whole
     * window old (or projection is off); 1 when nothing was recorded.
     */
    public double coverage() {
        return budgetCounts().coverage();
    }

    /**
     * The burn rate over the last {@code window}: {@code (bad / total within the window) / total}.
     * 0 when the window holds no events.
     *
     * @throws IllegalArgumentException if {@code window} is not positive or longer than the budget window
     */
    public double burnRate(Duration window) {
        StripedRollingCounter ring = ringFor(window);
        long millis = Math.max(1, window.toMillis());
        if (slices == null) {
            return ring.read(millis, clock.millis()).badRatio() / total;
        }
        synchronized (slices) {
            long now = clock.millis();
            return slices.withEnded(ring, millis, now, ring.read(millis, now)).badRatio() / total;
        }
    }

    /** The configured alert rules: single-window ones first, then the workbook's tiers, then custom ones. */
    public List<BurnRateAlert> alerts() {
        return alerts;
    }

    /** The alert rules whose raise condition holds now (stateless: no hysteresis, see {@link Slo#firingAlerts()}). */
    public List<BurnRateAlert> firingAlerts() {
        return snapshot().firingAlerts();
    }

    /** The budget and every alert window, read at one instant. */
    public Snapshot snapshot() {
        if (slices == null) {
            if (shared == null && coarse.isEmpty()) {
                return emptySnapshot; // an idle budget is evaluated in a few nanoseconds
            }
            return snapshot(clock.millis());
        }
        synchronized (slices) {
            return snapshot(clock.millis());
        }
    }

    private Snapshot snapshot(long now) {
        RollingCounter.WindowCounts[] fineCounts = fineWindows.length == 0 ? new RollingCounter.WindowCounts[0] : fine.read(fineWindows, now);
        RollingCounter.WindowCounts[] coarseCounts = coarseWindows.length == 0 ? new RollingCounter.WindowCounts[0] : coarse.read(coarseWindows, now);
        if (slices != null) {
            for (int i = 0; i < fineCounts.length; i++) {
                fineCounts[i] = slices.withEnded(fine, fineWindows[i], now, fineCounts[i]);
            }
            for (int i = 0; i < coarseCounts.length; i++) {
                coarseCounts[i] = slices.withEnded(coarse, coarseWindows[i], now, coarseCounts[i]);
            }
        }
        // A rolling budget window is the longest coarse window, read in the same pass.
        BudgetCounts counts = period != null ? budgetCounts(now) : budgetCounts(now, coarseCounts[coarseCounts.length - 1]);
        List<AlertReading> readings = new ArrayList<>(alerts.size());
        List<BurnRateAlert> firing = new ArrayList<>(2);
        for (int i = 0; i < alerts.size(); i++) {
            RollingCounter.WindowCounts longCounts = pick(alertLong[i], fineCounts, coarseCounts);
            double shortRate = alertShort[i] == Integer.MIN_VALUE ? Double.NaN
                    : pick(alertShort[i], fineCounts, coarseCounts).badRatio() / total;
            AlertReading reading = new AlertReading(alerts.get(i), longCounts.total(), longCounts.badRatio() / total, shortRate,
                    longCounts.total() >= Math.max(1, minimumUnits));
            readings.add(reading);
            if (reading.raised()) {
                firing.add(reading.alert());
            }
        }
        return new Snapshot(counts.total(), counts.bad(), counts.allowed, counts.remainingPercent(), counts.exhausted(),
                List.copyOf(firing), counts.coverage, List.copyOf(readings));
    }

    /** The budget as a fraction of events: {@code 1 - target}. */
    public double total() {
        return total;
    }

    /** The target this budget implies: {@code 1 - total}. */
    public double target() {
        return 1.0 - total;
    }

    /** The budget window; for a calendar window its {@linkplain CalendarWindow#nominalLength() nominal length}. */
    public Duration window() {
        return window;
    }

    /** The calendar window, if the budget is calendar-aligned. */
    public Optional<CalendarWindow> calendarWindow() {
        return Optional.ofNullable(calendarWindow);
    }

    /** What should happen on exhaustion. */
    public ExhaustionAction exhaustionAction() {
        return exhaustionAction;
    }

    /** Events (slices, for a time-slice budget) needed before the budget can be exhausted or an alert fire. */
    public long minimumEvents() {
        return minimumEvents;
    }

    /** What the budget counts: events, or time slices. */
    public BudgetingMethod budgetingMethod() {
        return budgetingMethod;
    }

    /** The length of a time slice, for a time-slice budget. */
    public Optional<Duration> timeSlice() {
        return sliceMillis == 0 ? Optional.empty() : Optional.of(Duration.ofMillis(sliceMillis));
    }

    /**
     * The share of good events that makes a time slice good, for {@link BudgetingMethod#TIMESLICES}
     * (OpenSLO's {@code timeSliceTarget}); NaN otherwise.
     */
    public double timeSliceTarget() {
        return sliceTarget;
    }

    /**
     * The share of the budget that must be back before an exhausted SLO recovers (0 = recover as soon
     * as {@code bad < allowed}).
     */
    public double recoveryMargin() {
        return recoveryMargin;
    }

    /**
     * Whether an SLO already exhausted stays exhausted at {@code snapshot}: it has the minimum number
     * of events and less than {@link #recoveryMargin()} of its budget left.
     */
    boolean holdsExhaustion(Snapshot snapshot) {
        return snapshot.exhausted() || snapshot.totalEvents() >= Math.max(1, minimumUnits)
                && snapshot.remainingPercent() < 100.0 * recoveryMargin;
    }

    /** Whether the allowance is projected while the window is not yet fully observed. */
    public boolean projectsAllowance() {
        return projectAllowance;
    }

    /** The clock events are stamped with. */
    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "ErrorBudget{total=" + total + ", window=" + (calendarWindow != null ? calendarWindow : Durations.format(window))
                + (slices == null ? "" : ", " + budgetingMethod + " of " + Durations.format(Duration.ofMillis(sliceMillis)))
                + ", action=" + exhaustionAction + '}';
    }

    private BudgetCounts budgetCounts() {
        if (slices == null) {
            return budgetCounts(clock.millis());
        }
        synchronized (slices) {
            return budgetCounts(clock.millis());
        }
    }

    private BudgetCounts budgetCounts(long now) {
        if (period == null) {
            RollingCounter.WindowCounts counts = coarse.read(windowMillis, now);
            return budgetCounts(now, slices == null ? counts : slices.withEnded(coarse, windowMillis, now, counts));
        }
        PeriodCounter.Reading reading = period.read(now);
        long n = reading.total();
        long bad = reading.bad();
        long[] stored = shared == null ? null : shared.periodOverlay(reading.startMillis());
        if (stored != null) {
            n += stored[0];
            bad = Math.min(n, bad + stored[1]);
        }
        if (slices != null && slices.endedAt(now) >= reading.startMillis() && slices.endedAt(now) < reading.endMillis()) {
            n += slices.endedUnits();
            bad += slices.endedBadUnits();
        }
        return budgetCounts(now, n, bad, reading.startMillis(), reading.endMillis() - reading.startMillis());
    }

    private BudgetCounts budgetCounts(long now, RollingCounter.WindowCounts rolling) {
        return budgetCounts(now, rolling.total(), rolling.bad(), now - windowMillis, windowMillis);
    }

    private BudgetCounts budgetCounts(long now, long n, long bad, long windowStart, long windowLength) {
        double coverage = 1.0;
        long first = firstEventMillis.get();
        if (shared != null && shared.storedFirstEvent() != WindowSnapshot.NO_EVENT) {
            first = first == UNSET ? shared.storedFirstEvent() : Math.min(first, shared.storedFirstEvent());
        }
        if (projectAllowance && first != UNSET) {
            long observed = now - Math.max(first, windowStart);
            observed = Math.max(fine.bucketMillis(), Math.min(windowLength, observed));
            coverage = (double) observed / windowLength;
        }
        return new BudgetCounts(n, bad, total * n / coverage, coverage, minimumUnits);
    }

    private RollingCounter.WindowCounts pick(int index, RollingCounter.WindowCounts[] fineCounts, RollingCounter.WindowCounts[] coarseCounts) {
        return index >= 0 ? fineCounts[index] : coarseCounts[-1 - index];
    }

    private int windowIndex(Duration window) {
        long millis = Math.max(1, window.toMillis());
        if (millis <= fine.spanMillis()) {
            return java.util.Arrays.binarySearch(fineWindows, millis);
        }
        return -1 - java.util.Arrays.binarySearch(coarseWindows, millis);
    }

    private StripedRollingCounter ringFor(Duration window) {
        Check.positive("window", window);
        long millis = window.toMillis();
        if (millis > windowMillis) {
            throw new IllegalArgumentException("window must not exceed the budget window " + Durations.format(this.window)
                    + ", got " + Durations.format(window));
        }
        return Math.max(1, millis) <= fine.spanMillis() ? fine : coarse;
    }

    /** Whether {@code rate} reaches {@code threshold}, with a tolerance for binary fractions. */
    static boolean reaches(double rate, double threshold) {
        return rate >= threshold * (1 - EPSILON);
    }

    /**
     * The time slice being counted, of a time-slice budget. Events are added to it under its lock;
     * the first event of a later slice writes it, judged, to the rings (at its last millisecond) and
     * starts the new one. Reads, under the same lock, count a slice that has ended but is not written
     * yet as if it were ({@link #withEnded}), so a read is pure and never sees a slice twice or not
     * at all. A clock stepping back keeps counting into the current slice.
     */
    private final class TimeSlices {
        private long start = UNSET; // guarded by this
        private long events;        // guarded by this
        private long bad;           // guarded by this

        synchronized void record(long now, long n, long nBad) {
            long sliceStart = Math.floorDiv(now, sliceMillis) * sliceMillis;
            if (start == UNSET || sliceStart > start) {
                if (start != UNSET && events > 0) {
                    write(start + sliceMillis - 1, units(), badUnits());
                }
                start = sliceStart;
                events = 0;
                bad = 0;
            }
            events += n;
            bad += nBad;
            if (firstEventMillis.get() == UNSET) {
                firstEventMillis.set(now);
            }
        }

        private void write(long at, long units, long badUnits) {
            coarse.record(at, units, badUnits);
            fine.record(at, units, badUnits);
            if (period != null) {
                period.record(at, units, badUnits);
            }
        }

        /** Under the lock: the last millisecond of the current slice if it has ended by {@code now} with events in it, else UNSET. */
        long endedAt(long now) {
            return start != UNSET && events > 0 && now >= start + sliceMillis ? start + sliceMillis - 1 : UNSET;
        }

        /** Under the lock: {@code counts} of the window {@code windowMillis} of {@code ring}, with the ended, unwritten slice. */
        RollingCounter.WindowCounts withEnded(StripedRollingCounter ring, long windowMillis, long now, RollingCounter.WindowCounts counts) {
            long at = endedAt(now);
            if (at == UNSET || !ring.covers(windowMillis, at, now)) {
                return counts;
            }
            return new RollingCounter.WindowCounts(counts.total() + units(), counts.bad() + badUnits());
        }

        long endedUnits() {
            return units();
        }

        long endedBadUnits() {
            return badUnits();
        }

        private long units() {
            return budgetingMethod == BudgetingMethod.TIMESLICES ? 1 : RATIO_TIMESLICE_UNITS;
        }

        /** The slice's verdict: 1 or 0 bad slice, or its bad ratio in millionths (rounded half up). */
        private long badUnits() {
            if (budgetingMethod == BudgetingMethod.TIMESLICES) {
                double goodRatio = (double) (events - bad) / events;
                return reaches(goodRatio, sliceTarget) ? 0 : 1;
            }
            // bad <= events, so bad * 2e6 cannot overflow before events does
            return (2 * bad * RATIO_TIMESLICE_UNITS + events) / (2 * events);
        }
    }

    /** The budget window's counts, its allowance and coverage, and the verdicts on them. */
    private record BudgetCounts(long total, long bad, double allowed, double coverage, long minimumEvents) {
        double remainingPercent() {
            return total == 0 ? 100.0 : Math.max(0.0, 100.0 * (1.0 - bad / allowed));
        }

        boolean exhausted() {
            return total >= Math.max(1, minimumEvents) && bad >= allowed * (1 - EPSILON);
        }
    }

    private List<BurnRateAlert> buildAlerts(Builder b) {
        List<BurnRateAlert> result = new ArrayList<>();
        Duration singleWindow = b.burnRateWindow != null ? Check.positive("burnRateWindow", b.burnRateWindow)
                : (DEFAULT_BURN_RATE_WINDOW.compareTo(window) < 0 ? DEFAULT_BURN_RATE_WINDOW : window);
        // Single-window alerts are the reference's; beside the multi-window tiers they only add noise,
        // so they are on by default only when the tiers are off.
        double warning = Double.isNaN(b.burnRateAlert) ? (b.multiWindowAlerts ? 0 : DEFAULT_BURN_RATE_ALERT) : b.burnRateAlert;
        double critical = Double.isNaN(b.burnRateCritical) ? (b.multiWindowAlerts ? 0 : DEFAULT_BURN_RATE_CRITICAL) : b.burnRateCritical;
        if (warning > 0) {
            Check.positive("burnRateAlert", warning);
            result.add(BurnRateAlert.singleWindow("burn_rate_warning", warning, AlertSeverity.WARNING, singleWindow));
        } else if (warning != 0) {
            throw new IllegalArgumentException("burnRateAlert must be > 0, or 0 to disable, got " + warning);
        }
        if (critical > 0) {
            Check.positive("burnRateCritical", critical);
            result.add(BurnRateAlert.singleWindow("burn_rate_critical", critical, AlertSeverity.CRITICAL, singleWindow));
        } else if (critical != 0) {
            throw new IllegalArgumentException("burnRateCritical must be > 0, or 0 to disable, got " + critical);
        }
        if (warning > 0 && critical > 0 && critical < warning) {
            throw new IllegalArgumentException("burnRateCritical must be >= burnRateAlert (" + warning + "), got " + critical);
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
     * One alert rule's windows, read at one instant.
     *
     * @param alert the rule
     * @param longWindowEvents events in its long window
     * @param longWindowRate burn rate over its long window
     * @param shortWindowRate burn rate over its short window, NaN for a single-window rule
     * @param enoughEvents whether the long window holds the budget's minimum number of events
     */
    public record AlertReading(BurnRateAlert alert, long longWindowEvents, double longWindowRate, double shortWindowRate,
                               boolean enoughEvents) {

        /** The raise condition: enough events and every window at the rule's rate or faster. */
        public boolean raised() {
            return burnsAtLeast(alert.rate());
        }

        /** The hold condition of a firing rule: enough events and every window at its resolve rate or faster. */
        public boolean holding() {
            return burnsAtLeast(alert.resolveRate());
        }

        private boolean burnsAtLeast(double threshold) {
            return enoughEvents && reaches(longWindowRate, threshold)
                    && (Double.isNaN(shortWindowRate) || reaches(shortWindowRate, threshold));
        }
    }

    /**
     * A view of the budget at one instant.
     *
     * @param totalEvents events in the window
     * @param badEvents bad events in the window
     * @param allowedBadEvents {@code total × totalEvents / coverage}
     * @param remainingPercent 0..100
     * @param exhausted whether the budget is exhausted
     * @param firingAlerts alert rules whose raise condition holds now
     * @param coverage share of the window observed so far, in (0, 1]
     * @param alertReadings every alert rule's windows, in {@link #alerts()} order
     */
    public record Snapshot(long totalEvents, long badEvents, double allowedBadEvents, double remainingPercent,
                           boolean exhausted, List<BurnRateAlert> firingAlerts, double coverage, List<AlertReading> alertReadings) {
    }

    /**
     * Builder for {@link ErrorBudget}. Defaults: a rolling window of {@link #DEFAULT_WINDOW} (30d),
     * the workbook's four multi-window alert tiers and no single-window alerts, exhaustion action
     * {@link ExhaustionAction#ALERT}, minimum events {@value #DEFAULT_MINIMUM_EVENTS}, recovery margin
     * {@value #DEFAULT_RECOVERY_MARGIN}, projection on, the system clock in UTC (read from a millisecond cache;
     * inject {@link Clock#systemUTC()} for every read to be a system call).
     */
    public static final class Builder {
        private double total = Double.NaN;
        private Duration window = DEFAULT_WINDOW;
        private CalendarWindow calendarWindow;
        private double burnRateAlert = Double.NaN;
        private double burnRateCritical = Double.NaN;
        private Duration burnRateWindow;
        private boolean multiWindowAlerts = true;
        private final List<BurnRateAlert> extraAlerts = new ArrayList<>();
        private ExhaustionAction exhaustionAction = ExhaustionAction.ALERT;
        private long minimumEvents = DEFAULT_MINIMUM_EVENTS;
        private double recoveryMargin = DEFAULT_RECOVERY_MARGIN;
        private BudgetingMethod budgetingMethod = BudgetingMethod.OCCURRENCES;
        private Duration timeSlice;
        private double timeSliceTarget = Double.NaN;
        private boolean projectAllowance = true;
        private Clock clock = CachedMillisClock.UTC;
        private WindowStore windowStore;
        private String windowKey;
        private Duration windowSyncInterval = DEFAULT_WINDOW_SYNC_INTERVAL;
        private ScheduledExecutorService windowSyncScheduler;

        private Builder() {
        }

        /**
         * Keeps the budget's windows in {@code store} under {@code key}: the budget starts from what
         * the store holds (a restart carries on exactly), sends its events every
         * {@link #windowSyncInterval sync interval} and on {@link ErrorBudget#close()}, and reads
         * the stored window back — with a store shared by several JVMs (Redis), the whole fleet's
         * events. Budgets of occurrences only. Give every budget its own key.
         */
        public Builder windowStore(WindowStore store, String key) {
            this.windowStore = Check.notNull("store", store);
            this.windowKey = Check.notBlank("key", key);
            return this;
        }

        /**
         * How often a budget with a window store syncs (default {@link #DEFAULT_WINDOW_SYNC_INTERVAL}):
         * how far behind the other JVMs' events it may read, and how much a crash loses.
         */
        public Builder windowSyncInterval(Duration interval) {
            this.windowSyncInterval = interval;
            return this;
        }

        /** Where the syncs run (not shut down by the budget); default: one daemon thread shared by every budget. */
        public Builder windowSyncScheduler(ScheduledExecutorService scheduler) {
            this.windowSyncScheduler = scheduler;
            return this;
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

        /** A rolling budget window, at least {@link ErrorBudget#MIN_WINDOW} (replaces a calendar window). */
        public Builder window(Duration window) {
            this.window = window;
            this.calendarWindow = null;
            return this;
        }

        /** A rolling budget window as a duration string (replaces a calendar window). */
        public Builder window(String window) {
            return window(Durations.parsePositive("window", window));
        }

        /** A calendar-aligned budget window: the budget refills at the start of every period. */
        public Builder calendarWindow(CalendarWindow window) {
            this.calendarWindow = Check.notNull("calendarWindow", window);
            return this;
        }

        /**
         * Threshold of the single-window warning alert; 0 disables it. Unset, it is off while
         * multi-window alerts are on and {@value ErrorBudget#DEFAULT_BURN_RATE_ALERT} otherwise.
         */
        public Builder burnRateAlert(double rate) {
            this.burnRateAlert = rate;
            return this;
        }

        /**
         * Threshold of the single-window critical alert; 0 disables it. Unset, it is off while
         * multi-window alerts are on and {@value ErrorBudget#DEFAULT_BURN_RATE_CRITICAL} otherwise.
         */
        public Builder burnRateCritical(double rate) {
            this.burnRateCritical = rate;
            return this;
        }

        /** Window of the single-window alerts (default 1h, or the budget window when shorter). */
        public Builder burnRateWindow(Duration window) {
            this.burnRateWindow = window;
            return this;
        }

        /** Whether to add the workbook's four multi-window tiers (default true). */
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

        /**
         * Budgets time slices of {@code slice} (OpenSLO's {@code Timeslices}): a slice is good when at
         * least {@code sliceTarget} (in (0, 1]) of its events are good, and the target applies to the
         * share of good slices. {@code slice} must not exceed the budget window. See {@link
         * BudgetingMethod}.
         */
        public Builder timeslices(Duration slice, double sliceTarget) {
            this.budgetingMethod = BudgetingMethod.TIMESLICES;
            this.timeSlice = slice;
            this.timeSliceTarget = sliceTarget;
            return this;
        }

        /**
         * Budgets the average of the good-event ratios of time slices of {@code slice} (OpenSLO's
         * {@code RatioTimeslices}): the target applies to the mean of the slices' ratios, each slice
         * weighing the same however many events it held. See {@link BudgetingMethod}.
         */
        public Builder ratioTimeslices(Duration slice) {
            this.budgetingMethod = BudgetingMethod.RATIO_TIMESLICES;
            this.timeSlice = slice;
            this.timeSliceTarget = Double.NaN;
            return this;
        }

        /** Counts every event (the default), undoing {@link #timeslices} or {@link #ratioTimeslices}. */
        public Builder occurrences() {
            this.budgetingMethod = BudgetingMethod.OCCURRENCES;
            this.timeSlice = null;
            this.timeSliceTarget = Double.NaN;
            return this;
        }

        /**
         * The share of the budget, in [0, 1), that must be back before an exhausted SLO recovers
         * (default {@value ErrorBudget#DEFAULT_RECOVERY_MARGIN}: at least 5% remaining). 0 recovers as
         * soon as the bad events fall below the allowance.
         */
        public Builder recoveryMargin(double margin) {
            this.recoveryMargin = margin;
            return this;
        }

        /**
         * Whether the allowance is projected to the whole window while the window is not fully
         * observed (default true; see the class comment). Off, a budget judges the events it has as
         * if they were a whole window's.
         */
        public Builder projectAllowance(boolean enabled) {
            this.projectAllowance = enabled;
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
