package dev.agentsre.internal.window;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.testing.Race;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Hardening II, defect 14: torn reads in the bucket rings. Writers add to a bucket's total before
 * its sub-count (bad, good) and readers must read in the opposite order and re-check the bucket's
 * epoch, so that no read ever sees more bad (or good) events than events.
 */
class TornReadTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final int READS = 200_000;

    @Test
    void tornReadsInTheBucketRings_counterNeverReadsMoreBadThanTotal() throws Exception {
        RollingCounter counter = new RollingCounter(1_000, 8);
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong torn = new AtomicLong();
        Race.run(2, thread -> {
            if (thread == 0) {
                while (!done.get()) {
                    counter.record(T0, true); // every event bad: bad == total between writes
                }
            } else {
                for (int i = 0; i < READS; i++) {
                    RollingCounter.WindowCounts counts = counter.read(8_000, T0);
                    if (counts.bad() > counts.total()) {
                        torn.incrementAndGet();
                    }
                }
                done.set(true);
            }
        });
        assertThat(torn.get()).isZero();
    }

    @Test
    void tornReadsInTheBucketRings_statsNeverReadMoreGoodThanCount() throws Exception {
        RollingStats stats = new RollingStats(1_000, 8);
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong torn = new AtomicLong();
        Race.run(2, thread -> {
            if (thread == 0) {
                while (!done.get()) {
                    stats.record(T0, 1.0, true);
                }
            } else {
                for (int i = 0; i < READS; i++) {
                    RollingStats.Summary summary = stats.read(8_000, T0);
                    if (summary.good() > summary.count()) {
                        torn.incrementAndGet();
                    }
                }
                done.set(true);
            }
        });
        assertThat(torn.get()).isZero();
    }

    @Test
    void tornReadsInTheBucketRings_histogramNeverReadsMoreGoodThanCount() throws Exception {
        RollingHistogram histogram = new RollingHistogram(1_000, 8);
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong torn = new AtomicLong();
        Race.run(2, thread -> {
            if (thread == 0) {
                while (!done.get()) {
                    histogram.record(T0, 10.0, true);
                }
            } else {
                for (int i = 0; i < READS / 10; i++) {
                    RollingHistogram.Summary summary = histogram.read(0.5, 8_000, T0);
                    if (summary.good() > summary.count()) {
                        torn.incrementAndGet();
                    }
                }
                done.set(true);
            }
        });
        assertThat(torn.get()).isZero();
    }

    /**
     * A slot rotated to a newer bucket while a reader is reading it: without the epoch re-check the
     * reader adds the old bucket's good count to the new bucket's (smaller) count.
     */
    @Test
    void tornReadsInTheBucketRings_histogramRechecksTheEpochOfEachSlotItRead() throws Exception {
        RollingHistogram histogram = new RollingHistogram(1, 2);
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong clock = new AtomicLong(T0);
        AtomicLong torn = new AtomicLong();
        Race.run(2, thread -> {
            if (thread == 0) {
                while (!done.get()) {
                    long now = clock.get();
                    for (int i = 0; i < 50; i++) {
                        histogram.record(now, 10.0, true);
                    }
                    clock.incrementAndGet(); // the next write rotates a slot
                }
            } else {
                for (int i = 0; i < READS / 10; i++) {
                    RollingHistogram.Summary summary = histogram.read(0.5, 2, clock.get());
                    if (summary.good() > summary.count()) {
                        torn.incrementAndGet();
                    }
                }
                done.set(true);
            }
        });
        assertThat(torn.get()).isZero();
    }
}
