package dev.agentsre.internal;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A lock for state that must change one update at a time (an EWMA baseline, a window of recent
 * actions), which threads do not queue on: a thread that finds the state free updates it itself
 * ({@link #tryLock}, then its own update, then {@link #unlock}); a thread that finds it busy leaves a
 * {@link Request} ({@link #submit}, a lock-free stack) and waits a few spins for the holder to apply it
 * — the holder applies every waiting request, oldest first, before it unlocks — or takes the lock
 * itself when the holder is gone (after the spins it blocks, so a preempted holder is not spun on).
 *
 * <p>Every update is applied exactly once, under the lock, in an order a plain lock could have given
 * concurrent updates; each request carries its own results back to its thread. One thread applies a
 * burst of updates with the state hot in its cache instead of the state moving between cores with
 * every update. Uncontended, nothing is allocated (a waiting update allocates its request).
 * Memory: about 100 bytes. Not API.
 *
 * @param <R> the request type the applier understands
 */
public final class Combiner<R extends Combiner.Request> {

    /** Spins a waiting request makes before it blocks on the lock. */
    private static final int SPINS = 256;

    /** An update left for the holder: subclasses carry its input and its results. */
    public abstract static class Request {
        private Request next;
        private Throwable failure;
        private volatile boolean applied;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicReference<Request> waiting = new AtomicReference<>();
    private final Consumer<? super R> applier;

    /** A combiner whose waiting requests are applied by {@code applier} (always under the lock). */
    public Combiner(Consumer<? super R> applier) {
        this.applier = applier;
    }

    /** Takes the lock if it is free. */
    public boolean tryLock() {
        return lock.tryLock();
    }

    /** Takes the lock, waiting for it. */
    public void lock() {
        lock.lock();
    }

    /** Applies the requests that arrived meanwhile, releases the lock, and applies any that arrived as it did. */
    public void unlock() {
        try {
            applyWaiting();
        } finally {
            lock.unlock();
        }
        if (waiting.get() != null) {
            applyStragglers();
        }
    }

    /**
     * Has {@code request} applied (by the holder, or by this thread when the holder is gone) and returns
     * once it is; a failure of the applier is thrown here, to the request's own thread.
     */
    public void submit(R submitted) {
        Request request = submitted; // its fields through the class, not the type variable
        Request head;
        do {
            head = waiting.get();
            request.next = head;
        } while (!waiting.compareAndSet(head, request));
        for (int spin = 0; !request.applied; spin++) {
            if (spin < SPINS ? !lock.isLocked() && lock.tryLock() : lockAnyway()) {
                unlock(); // applies ours, unless the previous holder applied it already
            } else {
                Thread.onSpinWait();
            }
        }
        if (request.failure instanceof RuntimeException e) {
            throw e;
        }
        if (request.failure instanceof Error e) {
            throw e;
        }
    }

    /** Whether a request is waiting (for tests). */
    public boolean hasWaiting() {
        return waiting.get() != null;
    }

    private boolean lockAnyway() {
        lock.lock();
        return true;
    }

    /** Under the lock: applies every waiting request, oldest first. */
    @SuppressWarnings("unchecked")
    private void applyWaiting() {
        if (waiting.get() == null) {
            return; // the usual case: a read, not a write to a line other cores read
        }
        Request batch = waiting.getAndSet(null);
        Request oldestFirst = null;
        while (batch != null) { // the stack is newest first
            Request next = batch.next;
            batch.next = oldestFirst;
            oldestFirst = batch;
            batch = next;
        }
        for (Request r = oldestFirst; r != null; ) {
            Request next = r.next;
            r.next = null;
            try {
                applier.accept((R) r);
            } catch (RuntimeException | Error e) {
                r.failure = e; // thrown to its own thread, as if it had applied the update itself
            }
            r.applied = true; // publishes the results (and the state) to the waiting thread
            r = next;
        }
    }

    private void applyStragglers() {
        while (waiting.get() != null && lock.tryLock()) {
            try {
                applyWaiting();
            } finally {
                lock.unlock();
            }
        }
    }
}
