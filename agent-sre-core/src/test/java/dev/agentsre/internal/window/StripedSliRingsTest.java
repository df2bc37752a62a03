package dev.agentsre.internal.window;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.testing.Race;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/**
 * The indicators' rings striped under contention: exact under many threads while their stripes grow
 * under the writers, one stripe while uncontended, and a memory bound at one stripe and at the cap.
 */
class StripedSliRingsTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final int THREADS = 16;
    private static final int PER_THREAD = 40_000;

    @Test
    void statsLoseNoSampleWhileTheirStripesGrowUnderSixteenWriters() throws Exception {
        RollingStats stats = new RollingStats(1_000, 60, 8);
        CyclicBarrier half = new CyclicBarrier(THREADS);
        Race.run(THREADS, thread -> {
            for (int i = 0; i < PER_THREAD; i++) {
                if (i == PER_THREAD / 2) {
                    half.await(); // the second half in the next bucket, all threads together
                }
                if (thread == 0 && (i == PER_THREAD / 4 || i == 3 * PER_THREAD / 4)) {
                    stats.growTo(stats.stripes() * 2);
                }
                long now = T0 + (i < PER_THREAD / 2 ? 0 : 1_000);
                boolean good = i % 10 != 0;
                stats.record(now, good ? 1.0 : 3.0, good);
            }
        });
        assertThat(stats.stripes()).isGreaterThanOrEqualTo(4);
        RollingStats.Summary all = stats.read(60_000, T0 + 1_000);
        long total = (long) THREADS * PER_THREAD;
        assertThat(all.count()).isEqualTo(total);
        assertThat(all.good()).isEqualTo(total - total / 10);
        assertThat(all.sum()).isEqualTo((total - total / 10) * 1.0 + (total / 10) * 3.0);
        assertThat(all.max()).isEqualTo(3.0);
        assertThat(stats.read(1_000, T0 + 1_000).count()).isEqualTo(total / 2); // the newest bucket alone
    }

    @Test
    void histogramsLoseNoSampleWhileTheirStripesGrowUnderSixteenWriters() throws Exception {
        RollingHistogram histogram = new RollingHistogram(1_000, 6, 100.0, true);
        Race.run(THREADS, thread -> {
            for (int i = 0; i < PER_THREAD; i++) {
                if (thread == 0 && i == PER_THREAD / 3) {
                    histogram.growTo(RollingHistogram.MAX_STRIPES);
                }
                boolean good = i % 20 != 0;
                histogram.record(T0, good ? 50.0 : 500.0, good);
            }
        });
        RollingHistogram.Summary summary = histogram.read(0.99, 6_000, T0);
        long total = (long) THREADS * PER_THREAD;
        assertThat(summary.count()).isEqualTo(total);
        assertThat(summary.good()).isEqualTo(total - total / 20);
        assertThat(summary.quantile()).isGreaterThan(100.0); // 5% above the threshold: p99 among them
        assertThat(histogram.read(0.9, 6_000, T0).quantile()).isLessThan(100.0);
    }

    @Test
    void uncontendedRingsKeepOneStripe() {
        RollingStats stats = new RollingStats(1_000, 60);
        RollingHistogram histogram = new RollingHistogram(1_000, 6);
        for (int i = 0; i < 10_000; i++) {
            stats.record(T0 + i, 1.0, true);
            histogram.record(T0 + i, 1.0, true);
        }
        assertThat(stats.stripes()).isEqualTo(1);
        assertThat(histogram.stripes()).isEqualTo(1);
        assertThat(histogram.maxStripes()).isLessThanOrEqualTo(RollingHistogram.MAX_STRIPES);
    }

    /**
     * The bounds of the class comments: a 60-bucket stats ring is about 2 KiB per stripe (at most 8),
     * a 6-bucket histogram about 31 KiB per stripe (at most {@value RollingHistogram#MAX_STRIPES}).
     */
    @Test
    void memoryGrowsByOneStripeOfDataPerStripeUpToTheCap() {
        RollingStats stats = new RollingStats(1_000, 60, 8);
        long statsOne = GraphLayout.parseInstance(stats).totalSize();
        stats.growTo(8);
        long statsCapped = GraphLayout.parseInstance(stats).totalSize();
        RollingHistogram histogram = new RollingHistogram(1_000, 6, 100.0, true);
        long histogramOne = GraphLayout.parseInstance(histogram).totalSize();
        histogram.growTo(RollingHistogram.MAX_STRIPES);
        long histogramCapped = GraphLayout.parseInstance(histogram).totalSize();
        System.out.printf("RollingStats(60): %,d bytes at one stripe, %,d at 8; RollingHistogram(6): %,d at one stripe, %,d at %d%n",
                statsOne, statsCapped, histogramOne, histogramCapped, histogram.stripes());

        long statsStripe = 4 * (16 + 16 + 60 * 8) + 32; // four AtomicLongArrays of 60 and the stripe
        assertThat(statsOne).isLessThanOrEqualTo(60 * 8 + 3 * 1024);
        assertThat(statsCapped - statsOne).isLessThanOrEqualTo(7 * statsStripe + 7 * 4 + 16); // and the longer array of stripes
        assertThat(statsCapped).isLessThanOrEqualTo(17 * 1024);
        assertThat(histogramOne).isLessThanOrEqualTo(32 * 1024);
        assertThat(histogramCapped).isLessThanOrEqualTo(histogram.stripes() * 32 * 1024L);
    }
}
