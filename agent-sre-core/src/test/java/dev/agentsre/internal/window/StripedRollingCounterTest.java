package dev.agentsre.internal.window;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.testing.Race;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/**
 * The striped ring of the error budgets: O(1) window reads that are exactly the re-sum of the
 * buckets, exact counts under contention and across bucket roll-overs, and a fixed memory bound.
 */
class StripedRollingCounterTest {

    private static final long T0 = 1_700_000_000_000L;

    // --- the fast path is exactly the re-sum --------------------------------------------------------

    /**
     * Random events (single and bulk), random clock moves (small steps, gaps longer than the ring,
     * steps back), random overlays and random windows: every read, several windows read together,
     * the lifetime totals and the exported buckets equal a straightforward re-sum of a model of the
     * buckets, and the old ring ({@link RollingCounter}, which re-reads every bucket) reads the same
     * while no overlay is set.
     */
    @Test
    void everyWindowReadEqualsAReSumOfTheBucketsForManySeeds() {
        for (long seed = 1; seed <= 300; seed++) {
            differential(seed);
        }
    }

    private static void differential(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long bucket = 1 + random.nextInt(50);
        int size = 1 + random.nextInt(40);
        int stripes = 1 << random.nextInt(4);
        StripedRollingCounter ring = new StripedRollingCounter(bucket, size, stripes);
        ring.growTo(random.nextInt(stripes) + 1);
        RollingCounter old = new RollingCounter(bucket, size);
        Model model = new Model(bucket, size);
        long now = T0 + random.nextInt(1_000_000) - 500_000;
        long span = bucket * size;
        for (int step = 0; step < 400; step++) {
            int op = random.nextInt(100);
            if (op < 40) {
                boolean bad = random.nextInt(4) == 0;
                ring.record(now, bad);
                old.record(now, bad);
                model.record(now, 1, bad ? 1 : 0);
            } else if (op < 50) {
                long total = random.nextInt(1_000);
                long bad = total == 0 ? 0 : random.nextLong(total + 1);
                ring.record(now, total, bad);
                old.record(now, total, bad);
                model.record(now, total, bad);
            } else if (op < 75) {
                now += random.nextLong(3 * bucket); // within a few buckets
            } else if (op < 80) {
                now += span + random.nextLong(3 * span); // a gap longer than the ring (and any window)
            } else if (op < 85) {
                now += random.nextLong(span); // a gap shorter than the ring, longer than some windows
            } else if (op < 88) {
                now -= random.nextLong(2 * span); // a clock stepped back
            } else if (op < 92) {
                ring.overlay(model.randomOverlay(random, ring.topIndex(now)));
            } else {
                long[] windows = new long[1 + random.nextInt(5)];
                for (int i = 0; i < windows.length; i++) {
                    windows[i] = 1 + random.nextLong(span + span / 2 + 1);
                }
                RollingCounter.WindowCounts[] many = ring.read(windows, now);
                for (int i = 0; i < windows.length; i++) {
                    RollingCounter.WindowCounts expected = model.read(windows[i], now);
                    assertThat(ring.read(windows[i], now)).as("seed %d step %d window %d", seed, step, windows[i]).isEqualTo(expected);
                    assertThat(many[i]).as("seed %d step %d windows", seed, step).isEqualTo(expected);
                    if (model.overlayIndexes.length == 0) { // the old ring has no overlay
                        assertThat(old.read(windows[i], now)).as("old ring, seed %d step %d", seed, step).isEqualTo(expected);
                    }
                }
            }
            assertThat(ring.lifetimeTotal()).isEqualTo(model.lifetimeTotal);
            assertThat(ring.lifetimeBad()).isEqualTo(model.lifetimeBad);
            StripedRollingCounter.Buckets exported = ring.export(now);
            StripedRollingCounter.Buckets expected = model.export(now);
            assertThat(exported.indexes()).as("seed %d step %d", seed, step).containsExactly(expected.indexes());
            assertThat(exported.totals()).containsExactly(expected.totals());
            assertThat(exported.bads()).containsExactly(expected.bads());
        }
    }

    /** The straightforward reference: every bucket in a map, windows re-summed bucket by bucket. */
    private static final class Model {
        final long bucket;
        final int size;
        final TreeMap<Long, long[]> buckets = new TreeMap<>();
        long newest = Long.MIN_VALUE;
        long lifetimeTotal;
        long lifetimeBad;
        long[] overlayIndexes = new long[0];
        long[] overlayTotals = new long[0];
        long[] overlayBads = new long[0];

        Model(long bucket, int size) {
            this.bucket = bucket;
            this.size = size;
        }

        void record(long now, long total, long bad) {
            newest = Math.max(newest, Math.floorDiv(now, bucket)); // only the newest bucket is written
            long[] counts = buckets.computeIfAbsent(newest, k -> new long[2]);
            counts[0] += total;
            counts[1] += bad;
            lifetimeTotal += total;
            lifetimeBad += bad;
        }

        long top(long now) {
            return Math.max(Math.floorDiv(now, bucket), newest);
        }

        RollingCounter.WindowCounts read(long windowMillis, long now) {
            long top = top(now);
            long buckets = Math.min(size, (windowMillis + bucket - 1) / bucket);
            long total = 0;
            long bad = 0;
            for (long index = top - buckets + 1; index <= top; index++) {
                long[] counts = this.buckets.get(index);
                if (counts != null) {
                    total += counts[0];
                    bad += counts[1];
                }
                for (int i = 0; i < overlayIndexes.length; i++) {
                    if (overlayIndexes[i] == index) {
                        total += overlayTotals[i];
                        bad += overlayBads[i];
                    }
                }
            }
            total = Math.max(0, total);
            return new RollingCounter.WindowCounts(total, Math.max(0, Math.min(bad, total)));
        }

        StripedRollingCounter.Buckets export(long now) {
            long top = top(now);
            List<long[]> rows = new ArrayList<>();
            for (Map.Entry<Long, long[]> e : buckets.subMap(top - size + 1, true, top, true).entrySet()) {
                if (e.getValue()[0] > 0) {
                    rows.add(new long[] {e.getKey(), e.getValue()[0], e.getValue()[1]});
                }
            }
            return new StripedRollingCounter.Buckets(rows.stream().mapToLong(r -> r[0]).toArray(), rows.stream().mapToLong(r -> r[1]).toArray(),
                    rows.stream().mapToLong(r -> r[2]).toArray());
        }

        StripedRollingCounter.Overlay randomOverlay(SplittableRandom random, long top) {
            if (random.nextInt(5) == 0) {
                overlayIndexes = new long[0];
                overlayTotals = new long[0];
                overlayBads = new long[0];
                return null;
            }
            TreeMap<Long, long[]> overlay = new TreeMap<>();
            int n = random.nextInt(2 * size + 1);
            boolean negative = random.nextInt(3) == 0;
            for (int i = 0; i < n; i++) {
                long index = top - random.nextInt(2 * size) + random.nextInt(3);
                long total = negative ? random.nextInt(200) - 100 : random.nextInt(100);
                long bad = total <= 0 ? (negative ? random.nextInt(20) - 10 : 0) : random.nextLong(total + 1);
                overlay.put(index, new long[] {total, bad});
            }
            overlayIndexes = overlay.keySet().stream().mapToLong(Long::longValue).toArray();
            overlayTotals = overlay.values().stream().mapToLong(v -> v[0]).toArray();
            overlayBads = overlay.values().stream().mapToLong(v -> v[1]).toArray();
            return new StripedRollingCounter.Overlay(overlayIndexes, overlayTotals, overlayBads);
        }
    }

    // --- exact under contention ---------------------------------------------------------------------

    @Test
    void sixteenThreadsLoseNoEventPerBucketOrInTheLifetimeTotals() throws Exception {
        StripedRollingCounter ring = new StripedRollingCounter(1_000, 60, StripedRollingCounter.MAX_STRIPES);
        int threads = 16;
        int perThread = 100_000;
        java.util.concurrent.CyclicBarrier nextBucket = new java.util.concurrent.CyclicBarrier(threads);
        Race.run(threads, thread -> {
            for (int i = 0; i < perThread; i++) {
                // every thread writes buckets 0..9 in turn, all together (a thread ahead would roll the
                // ring and the others' events would count in the newer bucket): many threads on one
                // bucket, stripes growing under them
                if (i % (perThread / 10) == 0) {
                    nextBucket.await();
                }
                if (thread == 0 && (i == 3 * perThread / 10 + 17 || i == 6 * perThread / 10 + 17)) {
                    ring.growTo(ring.stripes() * 2); // as contention would, while the others write (if it has not already)
                }
                if (thread == 0 && i == 8 * perThread / 10 + 17) {
                    ring.growTo(StripedRollingCounter.MAX_STRIPES);
                }
                long now = T0 + (i / (perThread / 10)) * 1_000L;
                if (i % 1_000 == 0) {
                    ring.record(now, 10, 3);
                } else {
                    ring.record(now, i % 7 == 0);
                }
            }
        });
        assertThat(ring.stripes()).isEqualTo(StripedRollingCounter.MAX_STRIPES);
        StripedRollingCounter.Buckets buckets = ring.export(T0 + 9_000);
        assertThat(buckets.indexes()).hasSize(10);
        long perBucket = perThread / 10;
        long bulkPerBucket = perBucket / 1_000;                                       // calls of 10 events, 3 bad
        long singlePerBucket = perBucket - bulkPerBucket;
        long lifetimeBad = 0;
        for (int k = 0; k < 10; k++) {
            long badSingles = 0;
            for (long i = k * perBucket; i < (k + 1) * perBucket; i++) {
                if (i % 1_000 != 0 && i % 7 == 0) {
                    badSingles++;
                }
            }
            assertThat(buckets.totals()[k]).as("bucket %d", k).isEqualTo(threads * (singlePerBucket + 10 * bulkPerBucket));
            assertThat(buckets.bads()[k]).as("bucket %d", k).isEqualTo(threads * (badSingles + 3 * bulkPerBucket));
            lifetimeBad += buckets.bads()[k];
        }
        assertThat(ring.lifetimeTotal()).isEqualTo(threads * 10 * (singlePerBucket + 10 * bulkPerBucket));
        assertThat(ring.lifetimeBad()).isEqualTo(lifetimeBad);
        assertThat(ring.read(60_000, T0 + 9_000).total()).isEqualTo(ring.lifetimeTotal());
    }

    @Test
    void stripesArePickedByThreadIdUntilThreadsCollideAtTheCapThenByProbe() throws Exception {
        StripedRollingCounter alone = new StripedRollingCounter(1_000, 60, 2);
        for (int i = 0; i < 10_000; i++) {
            alone.record(T0, false);
        }
        assertThat(alone.picksByProbe()).as("one thread never collides").isFalse();

        // Eight threads on a cap of one stripe: every collision is at the cap, so the ring switches to
        // probes; no event is lost on the way.
        // (A collision needs two threads on the stripe at once: rounds are raced until one happened.)
        StripedRollingCounter crowded = new StripedRollingCounter(1_000, 60, 1);
        int rounds = 0;
        while (!crowded.picksByProbe() && rounds < 1_000) {
            Race.run(8, thread -> {
                for (int i = 0; i < 50_000; i++) {
                    crowded.record(T0, i % 5 == 0);
                }
            });
            rounds++;
        }
        assertThat(crowded.picksByProbe()).isTrue();
        assertThat(crowded.lifetimeTotal()).isEqualTo(rounds * 8 * 50_000L);
        assertThat(crowded.lifetimeBad()).isEqualTo(rounds * 8 * 10_000L);
    }

    /**
     * One thread moves a shared clock forward a bucket at a time while eight others record. Every
     * event lands in a bucket between the one of the time it was stamped with and the one the clock
     * showed when its call returned; an event whose call saw no move lands in its own bucket; no
     * event is lost or counted twice at a roll.
     */
    @Test
    void bucketsRollingUnderConcurrentWritersLoseNothingAndPutEveryEventInItsBucket() throws Exception {
        long bucketMillis = 1_000;
        int moves = 50;
        StripedRollingCounter ring = new StripedRollingCounter(bucketMillis, 64, StripedRollingCounter.MAX_STRIPES);
        AtomicLong clock = new AtomicLong(T0);
        int writers = 8;
        int perWriter = 60_000;
        AtomicLong progress = new AtomicLong();
        // per writer and bucket: events that must be in that bucket (the clock did not move during the
        // call), and the difference array of the buckets each event may be in
        long[][] exact = new long[writers][moves + 2];
        long[][] exactBad = new long[writers][moves + 2];
        long[][] mayStart = new long[writers][moves + 3];
        long[][] mayBadStart = new long[writers][moves + 3];
        Race.run(writers + 1, thread -> {
            if (thread == writers) {
                for (int m = 1; m <= moves; m++) {
                    long due = (long) m * writers * perWriter / (moves + 1);
                    while (progress.get() < due) {
                        Thread.onSpinWait();
                    }
                    clock.addAndGet(bucketMillis);
                }
                return;
            }
            for (int i = 0; i < perWriter; i++) {
                boolean bad = i % 5 == 0;
                long now = clock.get();
                ring.record(now, bad);
                int from = (int) ((now - T0) / bucketMillis);
                int to = (int) ((clock.get() - T0) / bucketMillis);
                if (from == to) {
                    exact[thread][from]++;
                    if (bad) {
                        exactBad[thread][from]++;
                    }
                }
                mayStart[thread][from]++;
                mayStart[thread][to + 1]--;
                if (bad) {
                    mayBadStart[thread][from]++;
                    mayBadStart[thread][to + 1]--;
                }
                if (i % 100 == 99) {
                    progress.addAndGet(100);
                }
            }
        });
        long end = clock.get();
        assertThat(end).isEqualTo(T0 + moves * bucketMillis);
        TreeMap<Long, long[]> actual = new TreeMap<>();
        StripedRollingCounter.Buckets buckets = ring.export(end);
        for (int k = 0; k < buckets.indexes().length; k++) {
            actual.put(buckets.indexes()[k] - T0 / bucketMillis, new long[] {buckets.totals()[k], buckets.bads()[k]});
        }
        long total = 0;
        long bad = 0;
        for (int b = 0; b <= moves; b++) {
            long mustTotal = 0;
            long mustBad = 0;
            long mayTotal = 0;
            long mayBad = 0;
            for (int w = 0; w < writers; w++) {
                mustTotal += exact[w][b];
                mustBad += exactBad[w][b];
                long running = 0;
                long runningBad = 0;
                for (int k = 0; k <= b; k++) {
                    running += mayStart[w][k];
                    runningBad += mayBadStart[w][k];
                }
                mayTotal += running;
                mayBad += runningBad;
            }
            long[] counts = actual.getOrDefault((long) b, new long[2]);
            assertThat(counts[0]).as("events in bucket %d", b).isBetween(mustTotal, mayTotal);
            assertThat(counts[1]).as("bad events in bucket %d", b).isBetween(mustBad, mayBad);
            total += counts[0];
            bad += counts[1];
        }
        assertThat(total).isEqualTo((long) writers * perWriter);
        assertThat(bad).isEqualTo((long) writers * (perWriter / 5));
        assertThat(ring.lifetimeTotal()).isEqualTo(total);
        assertThat(ring.read(64_000, end).total()).isEqualTo(total);
    }

    /** Reads racing writers and rolls never see a negative count, more bad events than events, or a lifetime going back. */
    @Test
    void readsRacingWritesAndRollsAreAlwaysSane() throws Exception {
        StripedRollingCounter ring = new StripedRollingCounter(10, 20, StripedRollingCounter.MAX_STRIPES);
        AtomicLong clock = new AtomicLong(T0);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        long[] windows = {10, 50, 100, 200};
        Race.run(6, thread -> {
            if (thread < 3) {
                for (int i = 0; i < 200_000; i++) {
                    ring.record(clock.get(), i % 3 == 0);
                    if (thread == 0 && i % 500 == 0) {
                        clock.addAndGet(7);
                    }
                }
                done.set(true);
                return;
            }
            long lastLifetime = 0;
            while (!done.get()) {
                RollingCounter.WindowCounts[] counts = ring.read(windows, clock.get());
                for (RollingCounter.WindowCounts c : counts) {
                    if (c.total() < 0 || c.bad() < 0 || c.bad() > c.total() || c.badRatio() < 0 || c.badRatio() > 1) {
                        failure.compareAndSet(null, "insane window " + c);
                    }
                }
                for (int i = 1; i < counts.length; i++) {
                    if (counts[i].total() < counts[i - 1].total()) {
                        failure.compareAndSet(null, "a longer window read fewer events: " + counts[i - 1] + " then " + counts[i]);
                    }
                }
                long lifetime = ring.lifetimeTotal();
                if (lifetime < lastLifetime) {
                    failure.compareAndSet(null, "lifetime went back from " + lastLifetime + " to " + lifetime);
                }
                lastLifetime = lifetime;
            }
        });
        assertThat(failure.get()).isNull();
        assertThat(ring.lifetimeTotal()).isEqualTo(600_000);
        assertThat(ring.lifetimeBad()).isEqualTo(3 * 66_667);
    }

    @Test
    void readsAreOfConstantCostAndChangeNothing() {
        StripedRollingCounter ring = new StripedRollingCounter(1_000, 10);
        ring.record(T0, true);
        StripedRollingCounter.Buckets before = ring.export(T0);
        // reading far in the future neither rolls the ring nor loses the bucket for a read at the present
        assertThat(ring.read(10_000, T0 + 1_000_000).total()).isZero();
        assertThat(ring.export(T0 + 1_000_000).indexes()).isEmpty();
        assertThat(ring.read(10_000, T0).total()).isEqualTo(1);
        assertThat(ring.export(T0).indexes()).containsExactly(before.indexes());
        assertThat(ring.stripes()).isEqualTo(1);
    }

    @Test
    void anUncontendedRingKeepsOneStripeAndTheCapIsAPowerOfTwoOfAtMostEight() {
        StripedRollingCounter ring = new StripedRollingCounter(1_000, 10);
        for (int i = 0; i < 10_000; i++) {
            ring.record(T0 + i, i % 2 == 0);
        }
        assertThat(ring.stripes()).isEqualTo(1);
        assertThat(ring.maxStripes()).isBetween(1, StripedRollingCounter.MAX_STRIPES);
        assertThat(Integer.bitCount(ring.maxStripes())).isEqualTo(1);
        assertThat(ring.maxStripes()).isGreaterThanOrEqualTo(Math.min(StripedRollingCounter.MAX_STRIPES, Runtime.getRuntime().availableProcessors()));
    }

    // --- memory -------------------------------------------------------------------------------------

    /**
     * The bound of the class comment, for the 720 buckets of an error budget's ring: two longs per
     * bucket, plus {@value StripedRollingCounter#STRIPE_BYTES} bytes per stripe; about 11.6 KiB at one
     * stripe and 12.6 KiB at the cap of eight, whatever the traffic.
     */
    @Test
    void memoryIsTwoLongsPerBucketPlusOneCacheLinePairPerStripe() {
        StripedRollingCounter ring = new StripedRollingCounter(3_600_000, 720, StripedRollingCounter.MAX_STRIPES);
        long empty = GraphLayout.parseInstance(ring).totalSize();
        for (int i = 0; i < 2_000; i++) {
            ring.record(T0 + i * 1_800_000L, i % 3 == 0); // 1,000 hours: every slot written, the ring wrapped
        }
        long oneStripe = GraphLayout.parseInstance(ring).totalSize();
        ring.growTo(StripedRollingCounter.MAX_STRIPES);
        long capped = GraphLayout.parseInstance(ring).totalSize();
        System.out.printf("StripedRollingCounter, 720 buckets: %,d bytes at one stripe, %,d at %d stripes%n", oneStripe, capped,
                StripedRollingCounter.MAX_STRIPES);

        assertThat(oneStripe).isEqualTo(empty);
        assertThat(oneStripe).isLessThanOrEqualTo((long) (11.6 * 1024));
        assertThat(capped - oneStripe).isLessThanOrEqualTo((StripedRollingCounter.MAX_STRIPES - 1) * (StripedRollingCounter.STRIPE_BYTES + 4) + 16);
        assertThat(capped).isLessThanOrEqualTo((long) (12.6 * 1024));
    }
}
