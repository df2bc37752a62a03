package dev.agentsre.internal.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RollingHistogramTest {

    private static final long T0 = 1_700_000_000_000L;

    @Test
    void everyBinReportsWithinTheDocumentedRelativeError() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            double value = Math.exp(random.nextDouble(Math.log(0.001), Math.log(1e9)));
            double reported = RollingHistogram.valueOf(RollingHistogram.binOf(value));
            assertThat(Math.abs(reported - value) / value).isLessThanOrEqualTo(RollingHistogram.RELATIVE_ERROR);
        }
    }

    @Test
    void percentilesOfALogNormalLatencyMatchTheExactOnesWithinTheBound() {
        RollingHistogram histogram = new RollingHistogram(60_000, 60);
        SplittableRandom random = new SplittableRandom(42);
        double[] samples = new double[50_000];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = Math.exp(7 + 0.8 * gaussian(random)); // median ~1.1 s, long tail
            histogram.record(T0 + i, samples[i], samples[i] <= 5_000);
        }
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        for (double q : new double[] {0.5, 0.95, 0.99}) {
            double exact = sorted[(int) Math.ceil(q * sorted.length) - 1];
            double estimate = histogram.read(q, 3_600_000, T0 + samples.length).quantile();
            assertThat(estimate).isCloseTo(exact, within(exact * RollingHistogram.RELATIVE_ERROR));
        }
        long good = Arrays.stream(samples).filter(s -> s <= 5_000).count();
        RollingHistogram.Summary summary = histogram.read(0.95, 3_600_000, T0 + samples.length);
        assertThat(summary.count()).isEqualTo(samples.length);
        assertThat(summary.good()).isEqualTo(good);
    }

    @Test
    void underflowAndOverflowAreReportedAtTheEdgesOfTheRange() {
        RollingHistogram histogram = new RollingHistogram(1_000, 10);
        histogram.record(T0, 0.0, true);
        assertThat(histogram.read(1.0, 10_000, T0).quantile()).isZero();
        histogram.record(T0, 1e12, false);
        assertThat(histogram.read(1.0, 10_000, T0).quantile()).isEqualTo(Math.scalb(1.0, RollingHistogram.MAX_EXPONENT));
    }

    @Test
    void emptyWindowHasNoQuantileAndExpiredSamplesAreGone() {
        RollingHistogram histogram = new RollingHistogram(1_000, 10);
        assertThat(histogram.read(0.95, 10_000, T0).quantile()).isNaN();
        histogram.record(T0, 100, true);
        assertThat(histogram.read(0.95, 10_000, T0 + 9_999).count()).isEqualTo(1);
        assertThat(histogram.read(0.95, 10_000, T0 + 10_000).count()).isZero();
    }

    private static double gaussian(SplittableRandom random) {
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
