package dev.agentsre.internal.window;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A ring of {@code size} time buckets, each {@code bucketMillis} wide, identified by their bucket
 * index {@code floor(t / bucketMillis)}. Subclasses keep their per-bucket data in arrays indexed
 * by slot and clear a slot when it is reused for a newer bucket.
 *
 * <p><b>Concurrency.</b> Lock-free. A writer reads the slot's epoch; when it is stale it claims the
 * slot with a CAS to {@link #ROTATING}, clears it and publishes the new epoch. Writers that see
 * {@code ROTATING} spin for the few nanoseconds the clear takes. An increment that races with a
 * rotation either lands before the clear (and is dropped together with the expired bucket, which
 * is correct: it was older than the window) or after it (and is counted in the new bucket). A live
 * event is never lost.
 *
 * <p><b>Consistent reads.</b> Every reader goes through {@link #forEachLiveBucket}, the one read
 * loop of the rings, which holds the consistency rule in one place:
 * <ol>
 *   <li>a slot is read only if it holds a bucket of the window, and its data is kept only if it
 *       still holds that same bucket after the read (the epoch re-check), so a read never mixes a
 *       bucket with the one that replaced it, nor a half-cleared slot;</li>
 *   <li>writers add to a bucket's total (its event count) <em>before</em> its sub-counts (bad,
 *       good) and readers read the sub-counts <em>before</em> the total, so every sub-count event a
 *       reader sees has its total counted too: a read never sees more bad (or good) events than
 *       events.</li>
 * </ol>
 *
 * <p><b>Clock jumps.</b> Time is made monotonic per ring: the bucket index used is the maximum of
 * the clock's index and the newest index recorded so far. After a backward jump events keep
 * going to the newest bucket until the clock catches up, so nothing is dropped or double counted;
 * after a forward jump every bucket older than the window is simply no longer read.
 *
 * <p><b>Stripes.</b> A subclass keeps its data in <em>stripes</em> (each a full set of its per-slot
 * arrays) so that threads sharing a ring do not serialise on one counter: one stripe to start with;
 * a writer whose CAS on its stripe fails (another thread wrote the same counter at the same
 * instant) calls {@link #contended(int)}, which moves it to another stripe and doubles the stripes
 * up to {@link #maxStripes()} (as {@link java.util.concurrent.atomic.LongAdder}'s cells). Readers
 * sum a slot over every stripe, each stripe's sub-counts before its total. An uncontended ring keeps
 * its one stripe.
 *
 * <p><b>Memory.</b> One {@code long} epoch per slot plus the subclass arrays per stripe; fixed once
 * the stripes have grown (at most {@link #maxStripes()}).
 */
public abstract class BucketRing {

    private static final long EMPTY = Long.MIN_VALUE;
    private static final long ROTATING = Long.MIN_VALUE + 1;

    /** Width of one bucket in milliseconds. */
    protected final long bucketMillis;
    /** Number of buckets in the ring. */
    protected final int size;
    private final AtomicLongArray epochs;
    private final AtomicLong newestIndex = new AtomicLong(EMPTY);
    private final int maxStripes;
    private volatile int stripes = 1;

    /** A ring of one stripe. */
    protected BucketRing(long bucketMillis, int size) {
        this(bucketMillis, size, 1);
    }

    /** A ring whose data grows to at most {@code maxStripes} stripes (a power of two, at most 8) under contention. */
    protected BucketRing(long bucketMillis, int size, int maxStripes) {
        checkShape(bucketMillis, size);
        this.bucketMillis = bucketMillis;
        this.size = size;
        this.maxStripes = Stripes.checkMax(maxStripes);
        this.epochs = new AtomicLongArray(size);
        for (int i = 0; i < size; i++) {
            epochs.set(i, EMPTY);
        }
    }

    /** Checks a ring's bucket width and size (both &gt; 0). */
    static void checkShape(long bucketMillis, int size) {
        if (bucketMillis <= 0) {
            throw new IllegalArgumentException("bucketMillis must be > 0, got " + bucketMillis);
        }
        if (size <= 0) {
            throw new IllegalArgumentException("size must be > 0, got " + size);
        }
    }

    /** The span covered by the whole ring, in milliseconds. */
    public final long spanMillis() {
        return bucketMillis * size;
    }

    /** Number of buckets in the ring. */
    public final int size() {
        return size;
    }

    /** Width of one bucket in milliseconds. */
    public final long bucketMillis() {
        return bucketMillis;
    }

    /** Clears slot {@code slot} in every stripe; called by the one thread that claimed it for rotation. */
    protected abstract void clear(int slot);

    /**
     * Allocates the data of stripes {@code from} (inclusive) to {@code to} (exclusive) and publishes
     * it (a volatile write), before the ring publishes the new stripe count. Called under the ring's
     * lock; a subclass of one stripe never sees it called.
     */
    protected void addStripes(int from, int to) {
        throw new UnsupportedOperationException("a ring of one stripe");
    }

    /** {@code data} grown to {@code to} stripes, the new ones made by {@code newStripe} (for {@link #addStripes}). */
    protected static <S> S[] grown(S[] data, int to, java.util.function.Supplier<S> newStripe) {
        S[] result = java.util.Arrays.copyOf(data, to);
        for (int i = data.length; i < to; i++) {
            result[i] = newStripe.get();
        }
        return result;
    }

    /** The stripes the data has now (1 until two writers collide). */
    public final int stripes() {
        return stripes;
    }

    /** The most stripes the data grows to. */
    public final int maxStripes() {
        return maxStripes;
    }

    /**
     * The stripe this thread writes to among {@code stripes} (read once per write with {@link
     * #stripes()}): 0 while there is one.
     */
    protected static int stripeFor(int stripes) {
        return stripes == 1 ? 0 : Stripes.probe() & (stripes - 1);
    }

    /** The per-slot sample counts of stripe {@code stripe} (for {@link #countOnStripe}). */
    protected AtomicLongArray countsOf(int stripe) {
        throw new UnsupportedOperationException("a ring without sample counts");
    }

    /**
     * Counts one sample in slot {@code slot} of this thread's stripe (a CAS; on a collision, the
     * thread moves to another stripe, see {@link #contended}) and returns the stripe, where the
     * caller writes the rest of the sample. Read the subclass's stripes <em>after</em> the call: they
     * may have grown.
     */
    protected final int countOnStripe(int slot) {
        int n = stripes;
        int stripe = stripeFor(n);
        AtomicLongArray counts = countsOf(stripe);
        long c = counts.get(slot);
        if (!counts.compareAndSet(slot, c, c + 1)) {
            stripe = contended(n);
            countsOf(stripe).incrementAndGet(slot);
        }
        return stripe;
    }

    /**
     * A writer's CAS on its stripe failed (it saw {@code seenStripes} stripes): moves the thread to
     * another stripe, doubling the stripes if they are below the cap, and returns the stripe to write
     * to (unconditionally, so that the writer makes progress).
     */
    protected final int contended(int seenStripes) {
        int probe = Stripes.advanceProbe();
        if (seenStripes < maxStripes) {
            grow(seenStripes);
        }
        return probe & (stripes - 1);
    }

    /** Grows the stripes as contention would, to {@code count} (at most the cap); for tests of the memory bound. */
    final void growTo(int count) {
        while (stripes < Math.min(count, maxStripes)) {
            grow(stripes);
        }
    }

    private synchronized void grow(int seenStripes) {
        if (stripes == seenStripes && seenStripes < maxStripes) {
            addStripes(seenStripes, seenStripes * 2);
            stripes = seenStripes * 2;
        }
    }

    /**
     * The slot to write an event at {@code nowMillis} into, rotated if it held an older bucket, or
     * {@code -1} when the event is older than the whole ring (possible only for a writer stalled
     * for longer than the ring's span) and must be dropped.
     */
    protected final int slotForWrite(long nowMillis) {
        long index = advance(Math.floorDiv(nowMillis, bucketMillis));
        int slot = (int) Math.floorMod(index, (long) size);
        while (true) {
            long epoch = epochs.get(slot);
            if (epoch == index) {
                return slot;
            }
            if (epoch == ROTATING) {
                Thread.onSpinWait();
            } else if (epoch > index) {
                return -1;
            } else if (epochs.compareAndSet(slot, epoch, ROTATING)) {
                clear(slot);
                epochs.set(slot, index);
                return slot;
            }
        }
    }

    /**
     * Reads the newest buckets covering {@code windowMillis} at {@code nowMillis}, newest first:
     * for each slot that holds a live bucket of the window, {@link SlotReader#read} reads its data
     * aside and, if the slot still holds the same bucket afterwards, {@link SlotReader#keep} adds it
     * to the result. Readers read sub-counts before totals (see the class comment).
     *
     * @return the number of buckets the window spans ({@link #bucketsFor})
     */
    protected final int forEachLiveBucket(long windowMillis, long nowMillis, SlotReader reader) {
        int buckets = bucketsFor(windowMillis);
        forEachLiveBucketFrom(topIndex(nowMillis), buckets, reader);
        return buckets;
    }

    /**
     * The index of the newest bucket a read at {@code nowMillis} starts from: the clock's bucket, or
     * the newest bucket written when the clock is behind it (see <i>clock jumps</i>).
     */
    public final long topIndex(long nowMillis) {
        return Math.max(Math.floorDiv(nowMillis, bucketMillis), newestIndex.get());
    }

    /** {@link #forEachLiveBucket} over the {@code buckets} buckets ending with index {@code top}. */
    protected final void forEachLiveBucketFrom(long top, int buckets, SlotReader reader) {
        if (newestIndex.get() == EMPTY) {
            return; // nothing was ever written: an idle indicator is read without walking the ring
        }
        long index = top;
        int slot = (int) Math.floorMod(index, (long) size); // one division; then walk the ring backwards
        for (int age = 0; age < buckets; age++) {
            if (epochs.get(slot) == index) {
                reader.read(slot);
                if (epochs.get(slot) == index) {
                    reader.keep(age);
                }
            }
            index--;
            slot = slot == 0 ? size - 1 : slot - 1;
        }
    }

    /** Reads one slot for {@link #forEachLiveBucket}. */
    protected interface SlotReader {
        /** Reads slot {@code slot}'s data aside, sub-counts before totals. */
        void read(int slot);

        /**
         * The slot still held the bucket after {@link #read}: adds what was read to the result.
         *
         * @param age 0 for the current bucket, 1 for the one before, and so on
         */
        void keep(int age);
    }

    /**
     * How many of the newest buckets make up a window of {@code windowMillis}: the window is read
     * as the last {@code ceil(window / bucket)} buckets including the current, partly filled one,
     * so it covers between {@code window - bucket} and {@code window} of history.
     */
    public final int bucketsFor(long windowMillis) {
        if (windowMillis <= 0) {
            throw new IllegalArgumentException("window must be > 0 ms, got " + windowMillis);
        }
        long buckets = (windowMillis + bucketMillis - 1) / bucketMillis;
        return (int) Math.min(size, buckets);
    }

    /**
     * Whether an event at {@code atMillis} (not later than {@code nowMillis}) falls within the window
     * of {@code windowMillis} read at {@code nowMillis}: whether {@link #forEachLiveBucket} would read
     * its bucket.
     */
    public final boolean covers(long windowMillis, long atMillis, long nowMillis) {
        long index = Math.max(Math.floorDiv(nowMillis, bucketMillis), newestIndex.get());
        return index - Math.floorDiv(atMillis, bucketMillis) < bucketsFor(windowMillis);
    }

    private long advance(long index) {
        long newest = newestIndex.get();
        while (index > newest) {
            if (newestIndex.compareAndSet(newest, index)) {
                return index;
            }
            newest = newestIndex.get();
        }
        return newest;
    }
}
