package dev.agentsre.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The combiner's own lock (a CAS'd word with a release store): exclusion, reentry, waiting, hand-over. */
class CombinerTest {

    /** Plain state that only the lock protects: a lost update or an overlap shows in its counts. */
    private static final class State {
        long applied;
        int inside;
        int overlaps;

        void update() {
            if (++inside != 1) {
                overlaps++;
            }
            applied++;
            inside--;
        }
    }

    private static final class Update extends Combiner.Request {
        long seenApplied = -1;
    }

    @Test
    void sixteenThreadsLockingAndHandingOverApplyEveryUpdateOnceAndNeverTwoAtATime() throws Exception {
        State state = new State();
        Combiner<Update> combiner = new Combiner<>(update -> {
            state.update();
            update.seenApplied = state.applied;
        });
        int threads = 16;
        int perThread = 20_000;
        AtomicInteger handedOver = new AtomicInteger();
        AtomicBoolean unappliedResult = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        Thread[] all = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int kind = t % 3;
            all[t] = new Thread(() -> {
                await(start);
                for (int i = 0; i < perThread; i++) {
                    if (kind == 0 || kind == 1 && combiner.tryLock()) {
                        if (kind == 0) {
                            combiner.lock();
                        }
                        try {
                            state.update();
                        } finally {
                            combiner.unlock();
                        }
                    } else {
                        Update update = new Update();
                        combiner.submit(update); // returns once applied, by the holder or by this thread
                        handedOver.incrementAndGet();
                        if (update.seenApplied <= 0) {
                            unappliedResult.set(true);
                        }
                    }
                }
            });
            all[t].start();
        }
        start.countDown();
        for (Thread thread : all) {
            thread.join(120_000);
            assertThat(thread.isAlive()).as("a thread still running after 120 s").isFalse();
        }

        assertThat(state.overlaps).as("updates overlapping").isZero();
        assertThat(state.applied).isEqualTo((long) threads * perThread);
        assertThat(handedOver.get()).isPositive();
        assertThat(unappliedResult).as("a request returned before it was applied").isFalse();
        assertThat(combiner.isLocked()).isFalse();
        assertThat(combiner.hasWaiting()).isFalse();
    }

    @Test
    void theHolderMayTakeTheLockAgainAndAnInnerUnlockKeepsItHeld() throws Exception {
        Combiner<Update> combiner = new Combiner<>(update -> { });
        combiner.lock();
        assertThat(combiner.tryLock()).isTrue();
        combiner.unlock();
        assertThat(combiner.isLocked()).isTrue();
        assertThat(CompletableFuture.supplyAsync(combiner::tryLock).get(10, TimeUnit.SECONDS)).as("another thread while held").isFalse();
        combiner.unlock();
        assertThat(combiner.isLocked()).isFalse();
        assertThat(CompletableFuture.supplyAsync(() -> {
            boolean taken = combiner.tryLock();
            combiner.unlock();
            return taken;
        }).get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aThreadWaitingInLockGetsItWhenTheHolderLetsGoEvenAfterItStartedToPark() throws Exception {
        Combiner<Update> combiner = new Combiner<>(update -> { });
        combiner.lock();
        AtomicBoolean took = new AtomicBoolean();
        Thread waiter = new Thread(() -> {
            combiner.lock();
            took.set(true);
            combiner.unlock();
        });
        waiter.start();
        while (waiter.getState() != Thread.State.TIMED_WAITING) { // past its spins and yields: parked between tries
            Thread.onSpinWait();
        }
        assertThat(took).isFalse();
        combiner.unlock();
        waiter.join(10_000);
        assertThat(took).isTrue();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
