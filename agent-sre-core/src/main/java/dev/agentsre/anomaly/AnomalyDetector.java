package dev.agentsre.anomaly;

import dev.agentsre.event.MetricAnomalyDetected;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.internal.BoundedRegistry;
import dev.agentsre.internal.CachedMillisClock;
import dev.agentsre.internal.Check;
import dev.agentsre.internal.stats.EwmaBaseline;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;

/**
 * Flags outliers of any named per-agent metric — latency, tokens per call, error rate, cost — against
 * that agent's own baseline. Each value is scored <em>before</em> it joins the baseline.
 *
 * <pre>{@code
 * AnomalyDetector detector = AnomalyDetector.builder().method(AnomalyDetector.Method.ROBUST).zThreshold(4).build();
 * detector.record("support-bot", "latency_ms", 840).ifPresent(a -> log.warn(a.describe()));
 * }</pre>
 *
 * <p>Methods: {@link Method#EWMA} (exponentially weighted mean and variance over about
 * {@code window} values; O(1) per value) or {@link Method#ROBUST} (median and median absolute
 * deviation of the last {@code window} values, scaled by 1.4826; O(window log window) per value,
 * insensitive to the outliers it looks for). The spread is floored at {@code noiseFloor} × |centre|
 * so a constant series does not make every change infinite; an anomalous value enters an EWMA
 * baseline clipped to the threshold. |z| at or above {@code zThreshold} is a
 * WARNING, at or above {@code criticalZThreshold} CRITICAL; both directions are flagged. Nothing is
 * scored before {@code warmup} values.
 *
 * <p>Memory: one series per (agent, metric), at most {@code maxSeries}, each O(window): a new series
 * beyond the cap evicts the least recently recorded one (O(1) amortised; a series holds a baseline,
 * no enforcement, so any may go). A value recorded while its series is being evicted goes to the new
 * series. Thread-safe; series are independent and updated under their own lock.
 */
public final class AnomalyDetector {

    /** How the baseline is estimated. */
    public enum Method {
        /** Exponentially weighted mean and variance. */
        EWMA,
        /** Median and median absolute deviation of a sliding window. */
        ROBUST
    }

    private final Method method;
    private final double zThreshold;
    private final double criticalZThreshold;
    private final int warmup;
    private final int window;
    private final double noiseFloor;
    private final int maxSeries;
    private final Clock clock;
    private final SreEventBus eventBus;
    private final BoundedRegistry<SeriesKey, Series> series;

    private AnomalyDetector(Builder b) {
        this.method = Check.notNull("method", b.method);
        this.zThreshold = Check.positive("zThreshold", b.zThreshold);
        this.criticalZThreshold = Check.positive("criticalZThreshold", b.criticalZThreshold);
        if (criticalZThreshold < zThreshold) {
            throw new IllegalArgumentException("criticalZThreshold must be >= zThreshold (" + zThreshold + "), got " + criticalZThreshold);
        }
        this.warmup = Check.positive("warmup", b.warmup);
        this.window = Check.positive("window", b.window);
        if (window < 3 || window > 10_000) {
            throw new IllegalArgumentException("window must be in [3, 10000], got " + window);
        }
        this.noiseFloor = Check.nonNegative("noiseFloor", b.noiseFloor);
        this.maxSeries = Check.positive("maxSeries", b.maxSeries);
        this.clock = Check.notNull("clock", b.clock);
        this.eventBus = b.eventBus == null ? new SreEventBus() : b.eventBus;
        this.series = new BoundedRegistry<>(maxSeries, Series::retire, null);
    }

    /** Starts a builder: EWMA, z 3 (critical 6), warmup 20, window 50, noise floor 5%. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Scores {@code value} of {@code metric} for {@code agentId} against its baseline, then adds it.
     * Returns the anomaly, also published as {@link MetricAnomalyDetected}, if it is one.
     *
     * @throws IllegalArgumentException for a blank name or a NaN or infinite value (nothing recorded)
     */
    public Optional<MetricAnomaly> record(String agentId, String metric, double value) {
        Check.notBlank("agentId", agentId);
        Check.notBlank("metric", metric);
        Check.finite("value", value);
        SeriesKey key = new SeriesKey(agentId, metric);
        MetricAnomaly anomaly;
        while (true) {
            Series s = series.getOrCreate(key, k -> new Series(method, window, noiseFloor)); // any series may go: never null
            synchronized (s) {
                if (!s.retired) {
                    anomaly = score(s, agentId, metric, value);
                    break;
                }
            }
        }
        if (anomaly != null) {
            eventBus.publish(new MetricAnomalyDetected(anomaly.timestamp(), agentId, anomaly));
        }
        return Optional.ofNullable(anomaly);
    }

    // Under the series' lock.
    private MetricAnomaly score(Series s, String agentId, String metric, double value) {
        MetricAnomaly anomaly = null;
        double added = value;
        if (s.count() >= warmup) {
            double centre = s.centre();
            double spread = s.spread();
            double z = spread == 0 ? 0 : (value - centre) / spread;
            if (Math.abs(z) >= zThreshold) {
                anomaly = new MetricAnomaly(clock.instant(), agentId, metric, value, centre, spread, z,
                        Math.abs(z) >= criticalZThreshold ? AnomalySeverity.CRITICAL : AnomalySeverity.WARNING);
                // Winsorised: an outlier must not inflate the baseline that judges the next value.
                added = centre + Math.signum(z) * zThreshold * spread;
            }
        }
        s.add(method == Method.EWMA ? added : value);
        return anomaly;
    }

    /** Number of (agent, metric) series tracked. */
    public int seriesCount() {
        return series.size();
    }

    private record SeriesKey(String agentId, String metric) {
    }

    /** One (agent, metric) baseline. */
    private static final class Series {
        /** Evicted: a value for it goes to the new series. Guarded by the lock. */
        boolean retired;
        private final Method method;
        private final double noiseFloor;
        private final EwmaBaseline ewma;
        private final double[] ring;
        private int filled;
        private int head;
        private long count;

        Series(Method method, int window, double noiseFloor) {
            this.method = method;
            this.noiseFloor = noiseFloor;
            this.ewma = method == Method.EWMA ? new EwmaBaseline(2.0 / (window + 1), noiseFloor, 0) : null;
            this.ring = method == Method.ROBUST ? new double[window] : null;
        }

        synchronized boolean retire() {
            retired = true;
            return true;
        }

        long count() {
            return count;
        }

        void add(double value) {
            count++;
            if (ewma != null) {
                ewma.add(value);
            } else {
                ring[head] = value;
                head = (head + 1) % ring.length;
                filled = Math.min(filled + 1, ring.length);
            }
        }

        double centre() {
            return ewma != null ? ewma.mean() : median(Arrays.copyOf(ring, filled));
        }

        double spread() {
            if (ewma != null) {
                return ewma.flooredStd();
            }
            double[] values = Arrays.copyOf(ring, filled);
            double median = median(values.clone());
            for (int i = 0; i < values.length; i++) {
                values[i] = Math.abs(values[i] - median);
            }
            double mad = 1.4826 * median(values);
            return Math.max(mad, noiseFloor * Math.abs(median));
        }

        private static double median(double[] values) {
            Arrays.sort(values);
            int n = values.length;
            return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
        }
    }

    /** Builder for {@link AnomalyDetector}. */
    public static final class Builder {
        private Method method = Method.EWMA;
        private double zThreshold = 3.0;
        private double criticalZThreshold = 6.0;
        private int warmup = 20;
        private int window = 50;
        private double noiseFloor = 0.05;
        private int maxSeries = 10_000;
        private Clock clock = CachedMillisClock.UTC;
        private SreEventBus eventBus;

        private Builder() {
        }

        /** How the baseline is estimated (default EWMA). */
        public Builder method(Method method) {
            this.method = method;
            return this;
        }

        /** |z| that makes a WARNING (default 3). */
        public Builder zThreshold(double z) {
            this.zThreshold = z;
            return this;
        }

        /** |z| that makes it CRITICAL (default 6). */
        public Builder criticalZThreshold(double z) {
            this.criticalZThreshold = z;
            return this;
        }

        /** Values before scoring starts (default 20). */
        public Builder warmup(int values) {
            this.warmup = values;
            return this;
        }

        /** Values the baseline covers (default 50). */
        public Builder window(int values) {
            this.window = values;
            return this;
        }

        /** Spread floor as a share of |centre| (default 0.05). */
        public Builder noiseFloor(double share) {
            this.noiseFloor = share;
            return this;
        }

        /** Cap on (agent, metric) series (default 10,000). */
        public Builder maxSeries(int max) {
            this.maxSeries = max;
            return this;
        }

        /** The clock. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Where anomalies are published. */
        public Builder eventBus(SreEventBus eventBus) {
            this.eventBus = eventBus;
            return this;
        }

        /** Validates and builds. */
        public AnomalyDetector build() {
            return new AnomalyDetector(this);
        }
    }
}
