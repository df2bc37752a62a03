package dev.agentsre.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.store.WindowStore;
import dev.agentsre.testing.ManualClock;
import dev.agentsre.testing.ManualScheduledExecutor;
import dev.agentsre.testing.Race;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The error budget's constant-time reads: every window (the budget's and each alert rule's) is
 * exactly the re-sum of its buckets, with and without a window store's overlay; recording stays
 * exact under contention and across roll-overs; reads racing writes stay sane.
 */
class ErrorBudgetFastPathTest {

    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    private static final Duration WINDOW = Duration.ofDays(1);

    // --- differential: the fast path against a re-sum ----------------------------------------------

    /**
     * Random events (single and bulk), random clock moves (within a bucket, across buckets, gaps
     * longer than the alert windows and than the whole budget window): after every step, every alert
     * rule's long and short window and the budget window equal a re-sum of the recorded events by
     * bucket, for many seeds.
     */
    @Test
    void everyWindowOfEveryAlertRuleEqualsAReSumOfItsBuckets() {
        for (long seed = 1; seed <= 40; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            ManualClock clock = ManualClock.at(T0);
            ErrorBudget budget = ErrorBudget.builder().total(0.005).window(WINDOW).burnRateAlert(2.0).burnRateCritical(10.0)
                    .clock(clock).build();
            Rings rings = new Rings(WINDOW.toMillis());
            List<long[]> events = new ArrayList<>(); // {time, total, bad}
            for (int step = 0; step < 300; step++) {
                int op = random.nextInt(100);
                if (op < 45) {
                    boolean good = random.nextInt(20) != 0;
                    budget.recordEvent(good);
                    events.add(new long[] {clock.millis(), 1, good ? 0 : 1});
                } else if (op < 55) {
                    long good = random.nextInt(50);
                    long bad = random.nextInt(5);
                    budget.recordEvents(good, bad);
                    if (good + bad > 0) {
                        events.add(new long[] {clock.millis(), good + bad, bad});
                    }
                } else if (op < 85) {
                    clock.advanceMillis(random.nextLong(5_000));
                } else if (op < 95) {
                    clock.advanceMillis(random.nextLong(WINDOW.toMillis() / 8));
                } else {
                    clock.advanceMillis(WINDOW.toMillis() + random.nextLong(WINDOW.toMillis()));
                }
                ErrorBudget.Snapshot snapshot = budget.snapshot();
                long now = clock.millis();
                long[] budgetWindow = rings.reSum(events, WINDOW.toMillis(), now);
                assertThat(snapshot.totalEvents()).as("seed %d step %d", seed, step).isEqualTo(budgetWindow[0]);
                assertThat(snapshot.badEvents()).isEqualTo(budgetWindow[1]);
                assertThat(budget.totalEvents()).isEqualTo(budgetWindow[0]);
                for (ErrorBudget.AlertReading reading : snapshot.alertReadings()) {
                    BurnRateAlert alert = reading.alert();
                    long[] longWindow = rings.reSum(events, alert.longWindow().toMillis(), now);
                    assertThat(reading.longWindowEvents()).as("seed %d step %d %s", seed, step, alert.name()).isEqualTo(longWindow[0]);
                    assertThat(reading.longWindowRate()).isEqualTo(rate(longWindow));
                    assertThat(budget.burnRate(alert.longWindow())).isEqualTo(rate(longWindow));
                    if (alert.shortWindow() != null) {
                        assertThat(reading.shortWindowRate()).isEqualTo(rate(rings.reSum(events, alert.shortWindow().toMillis(), now)));
                    }
                }
                long lifetime = events.stream().mapToLong(e -> e[1]).sum();
                assertThat(budget.lifetimeEvents()).isEqualTo(lifetime);
                assertThat(budget.lifetimeBadEvents()).isEqualTo(events.stream().mapToLong(e -> e[2]).sum());
            }
        }
    }

    private static double rate(long[] counts) {
        return (counts[0] == 0 ? 0.0 : (double) counts[1] / counts[0]) / 0.005;
    }

    /** The budget's two rings as documented: a coarse one of 720 buckets over the window, a fine one over window / 120. */
    private static final class Rings {
        final long coarseBucket;
        final long coarseSize;
        final long fineBucket;
        final long fineSize;

        Rings(long windowMillis) {
            coarseBucket = Math.max(1, windowMillis / 720);
            coarseSize = (windowMillis + coarseBucket - 1) / coarseBucket;
            long fineSpan = Math.max(1, windowMillis / 120);
            fineBucket = Math.max(1, fineSpan / 720);
            fineSize = (fineSpan + fineBucket - 1) / fineBucket;
        }

        /** {total, bad} of the window read at {@code now}: the newest ceil(window / bucket) buckets of the ring that serves it. */
        long[] reSum(List<long[]> events, long windowMillis, long now) {
            boolean fine = windowMillis <= fineBucket * fineSize;
            long bucket = fine ? fineBucket : coarseBucket;
            long buckets = Math.min(fine ? fineSize : coarseSize, (windowMillis + bucket - 1) / bucket);
            long top = Math.floorDiv(now, bucket);
            long[] sum = new long[2];
            for (long[] e : events) {
                long index = Math.floorDiv(e[0], bucket);
                if (index > top - buckets && index <= top) {
                    sum[0] += e[1];
                    sum[1] += e[2];
                }
            }
            return sum;
        }
    }

    /**
     * Two budgets sharing a window store (two JVMs) read, after they synced, exactly what one plain
     * budget that recorded both streams reads: the overlay of the store is part of every fast window
     * read, for many seeds, with gaps longer than the window between the events.
     */
    @Test
    void budgetsSharingAStoreReadExactlyWhatOneBudgetOfBothStreamsReads() {
        for (long seed = 1; seed <= 25; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            ManualClock clock = ManualClock.at(T0);
            WindowStore store = WindowStore.inMemory();
            ErrorBudget a = shared(store, clock);
            ErrorBudget b = shared(store, clock);
            ErrorBudget union = ErrorBudget.builder().total(0.005).window(WINDOW).clock(clock).build();
            for (int step = 0; step < 200; step++) {
                int op = random.nextInt(100);
                if (op < 35) {
                    boolean good = random.nextInt(10) != 0;
                    (random.nextBoolean() ? a : b).recordEvent(good);
                    union.recordEvent(good);
                } else if (op < 45) {
                    long good = random.nextInt(30);
                    long bad = random.nextInt(4);
                    (random.nextBoolean() ? a : b).recordEvents(good, bad);
                    union.recordEvents(good, bad);
                } else if (op < 75) {
                    clock.advanceMillis(random.nextLong(10_000));
                } else if (op < 90) {
                    clock.advanceMillis(random.nextLong(WINDOW.toMillis() / 10));
                } else if (op < 93) {
                    clock.advanceMillis(WINDOW.toMillis() + random.nextLong(WINDOW.toMillis()));
                } else {
                    b.sync();
                    a.sync();
                    assertThat(a.snapshot()).as("seed %d step %d", seed, step).isEqualTo(union.snapshot());
                    assertThat(a.lifetimeEvents()).isEqualTo(union.lifetimeEvents());
                    assertThat(a.lifetimeBadEvents()).isEqualTo(union.lifetimeBadEvents());
                }
            }
            a.close();
            b.close();
        }
    }

    private static ErrorBudget shared(WindowStore store, ManualClock clock) {
        return ErrorBudget.builder().total(0.005).window(WINDOW).clock(clock).windowStore(store, "slo:shared")
                .windowSyncScheduler(new ManualScheduledExecutor(clock)).build();
    }

    // --- concurrency --------------------------------------------------------------------------------

    @Test
    void sixteenThreadsOnOneBudgetRecordExactlyEveryEvent() throws Exception {
        ManualClock clock = ManualClock.at(T0);
        ErrorBudget budget = ErrorBudget.builder().total(0.005).clock(clock).build();
        int threads = 16;
        int perThread = 50_000;
        Race.run(threads, thread -> {
            for (int i = 0; i < perThread; i++) {
                if (i % 1_000 == 999) {
                    budget.recordEvents(8, 2);
                } else {
                    budget.recordEvent(i % 50 != 0);
                }
            }
        });
        long bulk = perThread / 1_000;
        long singles = perThread - bulk;
        long badSingles = 0;
        for (int i = 0; i < perThread; i++) {
            if (i % 1_000 != 999 && i % 50 == 0) {
                badSingles++;
            }
        }
        long total = threads * (singles + 10 * bulk);
        long bad = threads * (badSingles + 2 * bulk);
        assertThat(budget.totalEvents()).isEqualTo(total);
        assertThat(budget.badEvents()).isEqualTo(bad);
        assertThat(budget.lifetimeEvents()).isEqualTo(total);
        assertThat(budget.lifetimeBadEvents()).isEqualTo(bad);
        for (ErrorBudget.AlertReading reading : budget.snapshot().alertReadings()) {
            assertThat(reading.longWindowEvents()).as(reading.alert().name()).isEqualTo(total); // every window holds the one bucket
        }
    }

    /** One thread moves the clock across fine buckets (30 s) while eight record: nothing lost at any roll-over, in any window. */
    @Test
    void rollOversWhileEightThreadsRecordLoseNothing() throws Exception {
        ManualClock clock = ManualClock.at(T0);
        ErrorBudget budget = ErrorBudget.builder().total(0.005).clock(clock).build();
        int writers = 8;
        int perWriter = 40_000;
        AtomicLong progress = new AtomicLong();
        Race.run(writers + 1, thread -> {
            if (thread == writers) {
                for (int m = 1; m <= 200; m++) { // 200 × 7 s: 46 fine buckets, one coarse roll-over
                    long due = (long) m * writers * perWriter / 201;
                    while (progress.get() < due) {
                        Thread.onSpinWait();
                    }
                    clock.advanceMillis(7_000);
                }
                return;
            }
            for (int i = 0; i < perWriter; i++) {
                budget.recordEvent(i % 8 != 0);
                if (i % 100 == 99) {
                    progress.addAndGet(100);
                }
            }
        });
        long total = (long) writers * perWriter;
        assertThat(budget.totalEvents()).isEqualTo(total);
        assertThat(budget.badEvents()).isEqualTo(total / 8);
        assertThat(budget.lifetimeEvents()).isEqualTo(total);
        // 1,400 s of events: the 6 h, 3 d and 1 h windows hold all of them
        assertThat(budget.burnRate(Duration.ofHours(1))).isEqualTo((1.0 / 8) / 0.005);
        for (ErrorBudget.AlertReading reading : budget.snapshot().alertReadings()) {
            if (reading.alert().longWindow().compareTo(Duration.ofMinutes(30)) >= 0) {
                assertThat(reading.longWindowEvents()).as(reading.alert().name()).isEqualTo(total);
            }
        }
    }

    /**
     * Evaluations and snapshots racing recorders and a moving clock never see a negative count, more
     * bad events than events, a burn rate beyond {@code 1 / total} (a bad ratio outside [0, 1]) or a
     * remaining budget outside [0, 100].
     */
    @Test
    void evaluationsRacingRecordingsNeverSeeImpossibleNumbers() throws Exception {
        ManualClock clock = ManualClock.at(T0);
        ErrorBudget budget = ErrorBudget.builder().total(0.005).window(Duration.ofHours(1)).clock(clock).build();
        Slo slo = Slo.builder("race").errorBudget(budget).clock(clock).build();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicLong writersLeft = new AtomicLong(3);
        Race.run(5, thread -> {
            if (thread < 3) {
                for (int i = 0; i < 150_000; i++) {
                    budget.recordEvent(i % 4 != 0);
                    if (thread == 0 && i % 300 == 0) {
                        clock.advanceMillis(1_000); // 1 s: fine buckets of 250 ms roll, and the 5 min window slides
                    }
                }
                if (writersLeft.decrementAndGet() == 0) {
                    done.set(true);
                }
                return;
            }
            while (!done.get()) {
                slo.evaluate();
                ErrorBudget.Snapshot s = budget.snapshot();
                if (s.totalEvents() < 0 || s.badEvents() < 0 || s.badEvents() > s.totalEvents()
                        || !(s.remainingPercent() >= 0 && s.remainingPercent() <= 100)) {
                    failure.compareAndSet(null, "impossible budget " + s);
                }
                for (ErrorBudget.AlertReading r : s.alertReadings()) {
                    if (r.longWindowEvents() < 0 || !(r.longWindowRate() >= 0 && r.longWindowRate() <= 1 / 0.005)
                            || !(Double.isNaN(r.shortWindowRate()) || r.shortWindowRate() >= 0 && r.shortWindowRate() <= 1 / 0.005)) {
                        failure.compareAndSet(null, "impossible reading " + r);
                    }
                }
            }
        });
        assertThat(failure.get()).isNull();
        assertThat(budget.lifetimeEvents()).isEqualTo(450_000);
        assertThat(budget.lifetimeBadEvents()).isEqualTo(3 * 37_500);
    }

    // --- purity and the idle budget -----------------------------------------------------------------

    @Test
    void readsChangeNothingAndAnIdleBudgetReadsItsEmptySnapshot() {
        ManualClock clock = ManualClock.at(T0);
        ErrorBudget budget = ErrorBudget.builder().total(0.005).clock(clock).build();
        ErrorBudget.Snapshot empty = budget.snapshot();
        assertThat(empty.totalEvents()).isZero();
        assertThat(empty.remainingPercent()).isEqualTo(100.0);
        assertThat(empty.firingAlerts()).isEmpty();
        clock.advance(Duration.ofDays(90));
        assertThat(budget.snapshot()).isEqualTo(empty);

        budget.recordEvent(false);
        ErrorBudget.Snapshot one = budget.snapshot();
        clock.advance(Duration.ofDays(40)); // a read long after: nothing in the window, nothing rolled by the read
        assertThat(budget.totalEvents()).isZero();
        clock.set(T0.plus(Duration.ofDays(90)));
        assertThat(budget.snapshot()).isEqualTo(one);
        assertThat(budget.lifetimeEvents()).isEqualTo(1);
    }
}
