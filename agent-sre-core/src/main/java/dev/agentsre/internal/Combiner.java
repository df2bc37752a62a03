package dev.agentsre.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A lock for state that must change one update at a time (an EWMA baseline, a window of recent
 * actions), which threads do not queue on: a thread that finds the state free updates it itself
 * ({@link #tryLock}, then its own update, then {@link #unlock}); a thread that finds it busy leaves a
 * {@link Request} ({@link #submit}, a lock-free stack) and waits a few spins for the holder to apply it
 * — the holder applies every waiting request, oldest first, before it unlocks — or takes the lock
 * itself when the holder is gone (after the spins it parks between tries, so a preempted holder is
 * not spun on).
 *
 * <p>The lock is one CAS'd word, not a {@code ReentrantLock}: it is held only for a few arithmetic
 * updates, so a thread that cannot take it polls (spins, then yields, then parks up to
 * 100 µs between tries) instead of joining a queue, and its release is a store
 * with release semantics, not a full fence (the fence was a fifth of an uncontended rogue-detector
 * action). A request left as the holder released is not lost: its thread keeps trying the lock until
 * the request is applied. Reentrant, like the lock it replaced: a holder may take it again (an inner
 * {@link #unlock} applies the waiting requests and keeps it held).
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

    private static final int YIELDS = 64;
    private static final long MAX_PARK_NANOS = 100_000;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Combiner.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** 1 while held; taken by CAS, released by a release store. */
    @SuppressWarnings("unused") // through STATE
    private volatile int state;
    /** The holder; written only by the holder, so a thread reads itself here only while it holds the lock. */
    private Thread owner;
    /** Holds beyond the first (reentry); the holder's only. */
    private int reentries;
    private final AtomicReference<Request> waiting = new AtomicReference<>();
    private final Consumer<? super R> applier;

    /** A combiner whose waiting requests are applied by {@code applier} (always under the lock). */
    public Combiner(Consumer<? super R> applier) {
        this.applier = applier;
    }

    /** Takes the lock if it is free. */
    public boolean tryLock() {
        Thread current = Thread.currentThread();
        if (STATE.compareAndSet(this, 0, 1)) {
            owner = current;
            return true;
        }
        if (owner == current) {
            reentries++;
            return true;
        }
        return false;
    }

    /** Takes the lock, waiting for it: spins, then yields, then parks between tries. */
    public void lock() {
        long park = 1_000;
        for (int attempt = 0; !tryLock(); attempt++) {
            if (attempt < SPINS) {
                Thread.onSpinWait();
            } else if (attempt < SPINS + YIELDS) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(park);
                park = Math.min(MAX_PARK_NANOS, park * 2);
            }
        }
    }

    /** Whether some thread holds the lock (a racy hint). */
    public boolean isLocked() {
        return (int) STATE.getOpaque(this) != 0;
    }

    /** Drops one hold; returns whether the lock is now free. */
    private boolean release() {
        if (reentries > 0) {
            reentries--;
            return false;
        }
        owner = null;
        STATE.setRelease(this, 0);
        return true;
    }

    /** Applies the requests that arrived meanwhile, releases the lock, and applies any that arrived as it did. */
    public void unlock() {
        boolean free;
        try {
            applyWaiting();
        } finally {
            free = release();
        }
        if (free && waiting.get() != null) {
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
            if (spin < SPINS ? !isLocked() && tryLock() : lockAnyway()) {
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
        lock();
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
        while (waiting.get() != null && tryLock()) {
            try {
                applyWaiting();
            } finally {
                release();
            }
        }
    }
}
