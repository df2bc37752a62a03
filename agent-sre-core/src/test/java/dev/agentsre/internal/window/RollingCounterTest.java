package dev.agentsre.internal.window;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.testing.Race;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RollingCounterTest {

    private static final long SECOND = 1_000;
    private static final long T0 = 1_700_000_000_000L;

    @Test
    void countsEventsAndBadEventsInTheWindow() {
        RollingCounter counter = new RollingCounter(SECOND, 60);
        for (int i = 0; i < 10; i++) {
            counter.record(T0 + i * SECOND, i % 3 == 0);
        }
        RollingCounter.WindowCounts counts = counter.read(60 * SECOND, T0 + 9 * SECOND);
        assertThat(counts.total()).isEqualTo(10);
        assertThat(counts.bad()).isEqualTo(4);
        assertThat(counts.badRatio()).isEqualTo(0.4);
    }

    @Test
    void aShorterWindowReadsOnlyTheNewestBuckets() {
        RollingCounter counter = new RollingCounter(SECOND, 60);
        for (int i = 0; i < 60; i++) {
            counter.record(T0 + i * SECOND, false);
        }
        assertThat(counter.read(5 * SECOND, T0 + 59 * SECOND).total()).isEqualTo(5);
        assertThat(counter.read(60 * SECOND, T0 + 59 * SECOND).total()).isEqualTo(60);
        // Windows longer than the ring are read as the whole ring.
        assertThat(counter.read(600 * SECOND, T0 + 59 * SECOND).total()).isEqualTo(60);
    }

    @Test
    void eventsExpireAsTheWindowSlides() {
        RollingCounter counter = new RollingCounter(SECOND, 10);
        counter.record(T0, true);
        counter.record(T0 + 5 * SECOND, false);
        assertThat(counter.read(10 * SECOND, T0 + 9 * SECOND).total()).isEqualTo(2);
        assertThat(counter.read(10 * SECOND, T0 + 10 * SECOND).total()).isEqualTo(1);
        assertThat(counter.read(10 * SECOND, T0 + 15 * SECOND).total()).isZero();
    }

    @Test
    void idleGapsLongerThanTheRingLeaveNothingBehindAndSlotsAreReused() {
        RollingCounter counter = new RollingCounter(SECOND, 10);
        for (int i = 0; i < 10; i++) {
            counter.record(T0 + i * SECOND, true);
        }
        long later = T0 + 3_600 * SECOND; // an hour of silence
        assertThat(counter.read(10 * SECOND, later).total()).isZero();
        counter.record(later, false);
        RollingCounter.WindowCounts counts = counter.read(10 * SECOND, later);
        assertThat(counts.total()).isEqualTo(1);
        assertThat(counts.bad()).isZero();
    }

    @Test
    void aPartialIdleGapKeepsTheBucketsStillInTheWindow() {
        RollingCounter counter = new RollingCounter(SECOND, 10);
        counter.record(T0, true);
        counter.record(T0 + SECOND, true);
        counter.record(T0 + 8 * SECOND, false); // slots 2..7 stay empty
        RollingCounter.WindowCounts counts = counter.read(10 * SECOND, T0 + 8 * SECOND);
        assertThat(counts.total()).isEqualTo(3);
        assertThat(counts.bad()).isEqualTo(2);
        assertThat(counter.read(10 * SECOND, T0 + 10 * SECOND).total()).isEqualTo(2);
    }

    @Test
    void aBackwardClockJumpLosesNothingAndDoesNotResurrectExpiredBuckets() {
        RollingCounter counter = new RollingCounter(SECOND, 10);
        counter.record(T0 + 20 * SECOND, true);
        counter.record(T0 + 5 * SECOND, false); // clock stepped back 15 s
        counter.record(T0 + 6 * SECOND, false);
        // Time is monotonic per ring: the late events land in the newest bucket.
        RollingCounter.WindowCounts counts = counter.read(10 * SECOND, T0 + 6 * SECOND);
        assertThat(counts.total()).isEqualTo(3);
        assertThat(counts.bad()).isEqualTo(1);
        // They expire together with that bucket once real time has passed it.
        assertThat(counter.read(10 * SECOND, T0 + 30 * SECOND).total()).isZero();
    }

    @Test
    void aForwardClockJumpExpiresEverythingOlderThanTheWindow() {
        RollingCounter counter = new RollingCounter(SECOND, 10);
        counter.record(T0, true);
        counter.record(T0 + 86_400 * SECOND, false);
        RollingCounter.WindowCounts counts = counter.read(10 * SECOND, T0 + 86_400 * SECOND);
        assertThat(counts.total()).isEqualTo(1);
        assertThat(counts.bad()).isZero();
    }

    @Test
    void bulkRecordingAddsCounts() {
        RollingCounter counter = new RollingCounter(SECOND, 10);
        counter.record(T0, 1_000, 6);
        counter.record(T0, 500, 0);
        RollingCounter.WindowCounts counts = counter.read(10 * SECOND, T0);
        assertThat(counts.total()).isEqualTo(1_500);
        assertThat(counts.bad()).isEqualTo(6);
    }

    @Test
    void eightThreadsRecordingAMillionEventsLoseNone() throws Exception {
        RollingCounter counter = new RollingCounter(SECOND, 60);
        int perThread = 125_000;
        Race.run(8, thread -> {
            for (int i = 0; i < perThread; i++) {
                counter.record(T0, i % 10 == 0);
            }
        });
        RollingCounter.WindowCounts counts = counter.read(60 * SECOND, T0);
        assertThat(counts.total()).isEqualTo(1_000_000);
        assertThat(counts.bad()).isEqualTo(100_000);
    }

    @Test
    void concurrentRotationNeverLosesALiveEvent() throws Exception {
        // Threads race across bucket boundaries (every thread moves its own notion of "now"
        // forward through 40 buckets of a 100-bucket ring): nothing expires, so every event
        // must still be counted, whichever thread rotated which slot.
        RollingCounter counter = new RollingCounter(10, 100);
        AtomicLong time = new AtomicLong(T0);
        int threads = 8;
        int perThread = 50_000;
        Race.run(threads, thread -> {
            for (int i = 0; i < perThread; i++) {
                long now = time.get();
                if (i % 1_000 == 0) {
                    now = time.addAndGet(1); // 400 ms in total over 10 ms buckets
                }
                counter.record(now, false);
            }
        });
        assertThat(counter.read(1_000, time.get()).total()).isEqualTo((long) threads * perThread);
    }
}
