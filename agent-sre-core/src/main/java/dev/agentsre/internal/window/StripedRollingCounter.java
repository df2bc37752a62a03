package dev.agentsre.internal.window;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.StampedLock;

/**
 * Rolling count of good and bad events over a ring of time buckets, built for a hot path shared by
 * many threads and for windows read in constant time (an error budget's rings).
 *
 * <p><b>One open bucket, striped.</b> Only the newest bucket is ever written: an event at a time
 * whose bucket is older than the newest (a clock stepped back, a thread that read the clock just
 * before the bucket rolled) counts in the newest bucket, so nothing is dropped or counted twice.
 * The open bucket is a set of <em>stripes</em> (like {@link java.util.concurrent.atomic.LongAdder}'s
 * cells): one to start with; when two threads collide on a stripe (a failed CAS) the stripes double,
 * up to {@link #maxStripes()} (twice the next power of two &ge; the number of processors, at most
 * {@value #MAX_STRIPES}), and each thread keeps to its own stripe. A thread's stripe is picked by its
 * id (a field read: the first threads, numbered in sequence, fall on different stripes) until
 * threads still collide with the stripes at their cap; from then on by a per-thread probe that moves
 * after each collision ({@link Stripes}, a {@link ThreadLocal} lookup: measured at 13% of an event's
 * cost at two threads, so it is paid only where ids collide). A good event adds to one counter
 * of one stripe, a bad event to another, so an event is never split: it lands whole in one bucket.
 *
 * <p><b>Rolling.</b> When a writer's clock reaches a newer bucket, it closes the open one under a
 * short lock: it takes each stripe's counts with an atomic get-and-set to zero (an increment lands
 * either before, in the closed bucket, or after, in the new one: exact) and stores the running total
 * of every closed bucket at the slot of each bucket that starts. Idle buckets in between are filled
 * in the same pass (one step per bucket of elapsed time, at most the ring's size).
 *
 * <p><b>Reads in constant time.</b> Every slot holds the count of all events closed before its
 * bucket (a prefix sum), so a window of any length is one subtraction: {@code total before the open
 * bucket + open bucket − total before the window's oldest bucket}. Reads take an optimistic
 * {@link StampedLock} stamp and retry (falling back to a read lock) if a bucket rolled meanwhile;
 * they never change state. A read sums the stripes' good and bad counters separately, so it never
 * sees more bad events than events.
 *
 * <p><b>Windows.</b> A window of {@code w} read at {@code now} is the newest {@code ceil(w / bucket)}
 * buckets ending with the bucket of {@code max(now, newest bucket)} (the ring's span at most), as
 * {@link RollingCounter}. An {@link Overlay} (counts from elsewhere: a store shared by several JVMs)
 * is added to every read in O(log overlay).
 *
 * <p><b>Cost.</b> Recording: a volatile read of where the open bucket ends, one CAS on the thread's stripe
 * (plus a {@link ThreadLocal} lookup once ids collided at the cap); allocation-free. Rolling:
 * once per bucket. Reading a window: O(stripes). <b>Memory:</b> two {@code long}s per bucket (the
 * prefix sums of good and bad events) plus {@value #STRIPE_BYTES} bytes per stripe: for 720 buckets
 * about 11.6 KiB with one stripe and 12.6 KiB with {@value #MAX_STRIPES}; fixed once the stripes
 * have grown, whatever the traffic.
 */
public final class StripedRollingCounter {

    /** Upper bound of {@link #maxStripes()}. */
    public static final int MAX_STRIPES = Stripes.MAX;
    /** Bytes of one stripe (a padded cell of two counters, so that stripes never share a cache line). */
    public static final int STRIPE_BYTES = 144;

    // A stripe is a long[16]: its good and bad counters in the middle, 56 bytes of the array on
    // either side, so that two stripes never share a cache line.
    private static final int CELL_LONGS = 16;
    private static final int GOOD = 7;
    private static final int BAD = 8;
    private static final VarHandle COUNTER = MethodHandles.arrayElementVarHandle(long[].class);

    private static final long EMPTY = Long.MIN_VALUE;

    private final long bucketMillis;
    private final int size;
    private final int maxStripes;
    // Written under the lock's write mode, read under an optimistic stamp or the read mode.
    private final long[] goodBefore;
    private final long[] badBefore;
    private final StampedLock lock = new StampedLock();
    private volatile long newest = EMPTY;
    // The first millisecond after the open bucket: writers compare with it and divide only to roll.
    private volatile long nextBucketStart = Long.MIN_VALUE;
    private volatile long[][] cells = {newCell()};
    /** Set (once) when threads collided with the stripes at their cap: stripes are picked by probe, not by id. */
    private boolean byProbe;
    private volatile Overlay overlay;

    /** A ring of {@code size} buckets of {@code bucketMillis} each, striped up to the default cap. */
    public StripedRollingCounter(long bucketMillis, int size) {
        this(bucketMillis, size, Stripes.DEFAULT_MAX);
    }

    /** A ring of {@code size} buckets of {@code bucketMillis} each, striped up to {@code maxStripes} (a power of two). */
    public StripedRollingCounter(long bucketMillis, int size, int maxStripes) {
        BucketRing.checkShape(bucketMillis, size);
        this.bucketMillis = bucketMillis;
        this.size = size;
        this.maxStripes = Stripes.checkMax(maxStripes);
        this.goodBefore = new long[size];
        this.badBefore = new long[size];
    }

    /** The span covered by the whole ring, in milliseconds. */
    public long spanMillis() {
        return bucketMillis * size;
    }

    /** Number of buckets in the ring. */
    public int size() {
        return size;
    }

    /** Width of one bucket in milliseconds. */
    public long bucketMillis() {
        return bucketMillis;
    }

    /** The most stripes the open bucket grows to. */
    public int maxStripes() {
        return maxStripes;
    }

    /** Whether nothing was ever recorded. */
    public boolean isEmpty() {
        return newest == EMPTY;
    }

    /** The stripes the open bucket has now (1 until two writers collide). */
    public int stripes() {
        return cells.length;
    }

    /** Records one event at {@code nowMillis}. */
    public void record(long nowMillis, boolean bad) {
        rollTo(nowMillis);
        add(bad ? BAD : GOOD, 1);
    }

    /** Records {@code total} events of which {@code bad} were bad (0 &le; bad &le; total), at {@code nowMillis}. */
    public void record(long nowMillis, long total, long bad) {
        rollTo(nowMillis);
        if (total - bad != 0) {
            add(GOOD, total - bad);
        }
        if (bad != 0) {
            add(BAD, bad);
        }
    }

    /** Counts of the window of {@code windowMillis} read at {@code nowMillis}, with the overlay. */
    public RollingCounter.WindowCounts read(long windowMillis, long nowMillis) {
        int buckets = bucketsFor(windowMillis);
        // One window, in locals: no array escapes, so the read allocates nothing once compiled; the
        // locked retry is out of line, to keep this small enough to inline into its callers.
        long stamp = lock.tryOptimisticRead();
        long n = newest;
        long top = Math.max(Math.floorDiv(nowMillis, bucketMillis), n);
        long good = windowSum(GOOD, n, top, buckets);
        long bad = windowSum(BAD, n, top, buckets);
        if (stamp != 0 && lock.validate(stamp)) {
            return counts(good, bad, top, buckets);
        }
        return readLocked(buckets, nowMillis);
    }

    private RollingCounter.WindowCounts readLocked(int buckets, long nowMillis) {
        long stamp = lock.readLock();
        try {
            long n = newest;
            long top = Math.max(Math.floorDiv(nowMillis, bucketMillis), n);
            return counts(windowSum(GOOD, n, top, buckets), windowSum(BAD, n, top, buckets), top, buckets);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    // One counter's events in the `buckets` buckets ending with `top`, this ring's own; newest = n.
    private long windowSum(int counter, long n, long top, int buckets) {
        long oldest = top - buckets + 1;
        if (n == EMPTY || oldest > n) {
            return 0;
        }
        long[] before = counter == GOOD ? goodBefore : badBefore;
        long sum = before[slot(n)] - before[slot(oldest)];
        for (long[] cell : cells) {
            sum += (long) COUNTER.getVolatile(cell, counter);
        }
        return sum;
    }

    /**
     * Counts of several windows read at one instant: element {@code i} of the result covers
     * {@code windowsMillis[i]}. O(windows × stripes).
     */
    public RollingCounter.WindowCounts[] read(long[] windowsMillis, long nowMillis) {
        int n = windowsMillis.length;
        int[] spans = new int[n];
        for (int i = 0; i < n; i++) {
            spans[i] = bucketsFor(windowsMillis[i]);
        }
        long[] out = new long[1 + 2 * n];
        readInto(nowMillis, spans, out);
        RollingCounter.WindowCounts[] result = new RollingCounter.WindowCounts[n];
        for (int i = 0; i < n; i++) {
            result[i] = counts(out[1 + 2 * i], out[2 + 2 * i], out[0], spans[i]);
        }
        return result;
    }

    /** Events recorded since the ring was created (this ring's own: the overlay is not included). */
    public long lifetimeTotal() {
        long[] out = lifetime();
        return out[0] + out[1];
    }

    /** Bad events recorded since the ring was created (this ring's own). */
    public long lifetimeBad() {
        return lifetime()[1];
    }

    /**
     * Whether an event at {@code atMillis} (not later than {@code nowMillis}) falls within the window
     * of {@code windowMillis} read at {@code nowMillis}.
     */
    public boolean covers(long windowMillis, long atMillis, long nowMillis) {
        return topIndex(nowMillis) - Math.floorDiv(atMillis, bucketMillis) < bucketsFor(windowMillis);
    }

    /**
     * How many of the newest buckets make up a window of {@code windowMillis}: {@code ceil(window /
     * bucket)}, at most the ring's size.
     */
    public int bucketsFor(long windowMillis) {
        if (windowMillis <= 0) {
            throw new IllegalArgumentException("window must be > 0 ms, got " + windowMillis);
        }
        return (int) Math.min(size, (windowMillis + bucketMillis - 1) / bucketMillis);
    }

    /** The index of the newest bucket a read at {@code nowMillis} ends with. */
    public long topIndex(long nowMillis) {
        return Math.max(Math.floorDiv(nowMillis, bucketMillis), newest);
    }

    /** Adds {@code overlay}'s counts to every read from now on (replacing any previous one); null removes it. */
    public void overlay(Overlay overlay) {
        this.overlay = overlay;
    }

    /** The overlay in use, or null. */
    public Overlay overlay() {
        return overlay;
    }

    /**
     * Every bucket of the ring with an event, oldest first, read at {@code nowMillis} (this ring's
     * own counts: the overlay is not included). O(size).
     */
    public Buckets export(long nowMillis) {
        long[] good = new long[size];
        long[] bad = new long[size];
        long top;
        long n;
        long openGood;
        long openBad;
        long stamp = lock.tryOptimisticRead();
        while (true) {
            n = newest;
            System.arraycopy(goodBefore, 0, good, 0, size);
            System.arraycopy(badBefore, 0, bad, 0, size);
            long[] open = sumCells();
            openGood = open[0];
            openBad = open[1];
            if (stamp != 0 && lock.validate(stamp)) {
                break;
            }
            stamp = lock.readLock();
            try {
                n = newest;
                System.arraycopy(goodBefore, 0, good, 0, size);
                System.arraycopy(badBefore, 0, bad, 0, size);
                open = sumCells();
                openGood = open[0];
                openBad = open[1];
            } finally {
                lock.unlockRead(stamp);
            }
            break;
        }
        if (n == EMPTY) {
            return new Buckets(new long[0], new long[0], new long[0]);
        }
        top = Math.max(Math.floorDiv(nowMillis, bucketMillis), n);
        long oldest = Math.max(n - size + 1, top - size + 1);
        int count = (int) Math.max(0, n - oldest + 1);
        long[] indexes = new long[count];
        long[] totals = new long[count];
        long[] bads = new long[count];
        int k = 0;
        for (long x = oldest; x <= n; x++) {
            int slot = slot(x);
            long g;
            long b;
            if (x == n) {
                g = openGood;
                b = openBad;
            } else {
                int next = slot(x + 1);
                g = good[next] - good[slot];
                b = bad[next] - bad[slot];
            }
            if (g + b > 0) {
                indexes[k] = x;
                totals[k] = g + b;
                bads[k] = b;
                k++;
            }
        }
        return new Buckets(java.util.Arrays.copyOf(indexes, k), java.util.Arrays.copyOf(totals, k),
                java.util.Arrays.copyOf(bads, k));
    }

    // --- recording -------------------------------------------------------------------------------

    private void rollTo(long nowMillis) {
        if (nowMillis >= nextBucketStart) {
            long stamp = lock.writeLock();
            try {
                long index = Math.floorDiv(nowMillis, bucketMillis);
                if (index > newest) {
                    roll(index);
                }
            } finally {
                lock.unlockWrite(stamp);
            }
        }
    }

    // Under the write lock: closes the open bucket and opens bucket `index` (> newest).
    private void roll(long index) {
        long n = newest;
        long good = 0;
        long bad = 0;
        if (n != EMPTY) {
            int open = slot(n);
            good = goodBefore[open];
            bad = badBefore[open];
            for (long[] cell : cells) {
                good += (long) COUNTER.getAndSet(cell, GOOD, 0L);
                bad += (long) COUNTER.getAndSet(cell, BAD, 0L);
            }
        }
        long from = n == EMPTY ? index - size + 1 : Math.max(n + 1, index - size + 1);
        for (long x = from; x <= index; x++) {
            int slot = slot(x);
            goodBefore[slot] = good;
            badBefore[slot] = bad;
        }
        newest = index;
        long next = (index + 1) * bucketMillis;
        nextBucketStart = next / bucketMillis == index + 1 ? next : Long.MAX_VALUE; // saturated at the end of time
    }

    private void add(int counter, long delta) {
        long[][] cs = cells;
        long[] cell = cs.length == 1 ? cs[0] : cs[stripeOf() & (cs.length - 1)];
        long v = (long) COUNTER.getVolatile(cell, counter);
        if (!COUNTER.compareAndSet(cell, counter, v, v + delta)) {
            COUNTER.getAndAdd(contended(cs), counter, delta);
        }
    }

    // A CAS failed on this thread's stripe: move the thread to another stripe, doubling the stripes if
    // they are below the cap, and return the stripe to add to (unconditionally, so a writer always
    // makes progress).
    private long[] contended(long[][] seen) {
        if (seen.length < maxStripes) {
            long[][] cs = grow(seen);
            return cs[stripeOf() & (cs.length - 1)];
        }
        if (!byProbe) {
            byProbe = true; // ids collide at the cap: probes from now on (a benign race: any thread may set it)
        }
        int probe = Stripes.advanceProbe();
        return seen[probe & (seen.length - 1)];
    }

    /** Whether stripes are picked by probe (threads collided at the cap) rather than by thread id (for tests). */
    boolean picksByProbe() {
        return byProbe;
    }

    // This thread's stripe number (to be masked): its id until ids collided at the cap, then its probe.
    private int stripeOf() {
        return byProbe ? Stripes.probe() : (int) Thread.currentThread().getId();
    }

    // Doubles the stripes unless another writer already has; returns the stripes now in use.
    private long[][] grow(long[][] seen) {
        long stamp = lock.writeLock();
        try {
            long[][] cs = cells;
            if (cs == seen && cs.length < maxStripes) {
                long[][] grown = java.util.Arrays.copyOf(cs, cs.length * 2);
                for (int i = cs.length; i < grown.length; i++) {
                    grown[i] = newCell();
                }
                cells = grown;
                cs = grown;
            }
            return cs;
        } finally {
            lock.unlockWrite(stamp);
        }
    }

    /** Grows the stripes as contention would, to {@code stripes} (at most the cap); for tests of the memory bound. */
    void growTo(int stripes) {
        while (cells.length < Math.min(stripes, maxStripes)) {
            grow(cells);
        }
    }

    // --- reading ---------------------------------------------------------------------------------

    // out[0] = the top bucket index; out[1 + 2i], out[2 + 2i] = good and bad events of window i
    // (spans[i] buckets), this ring's own.
    private void readInto(long nowMillis, int[] spans, long[] out) {
        long stamp = lock.tryOptimisticRead();
        if (stamp != 0) {
            readUnlocked(nowMillis, spans, out);
            if (lock.validate(stamp)) {
                return;
            }
        }
        stamp = lock.readLock();
        try {
            readUnlocked(nowMillis, spans, out);
        } finally {
            lock.unlockRead(stamp);
        }
    }

    private void readUnlocked(long nowMillis, int[] spans, long[] out) {
        long n = newest;
        long top = Math.max(Math.floorDiv(nowMillis, bucketMillis), n);
        out[0] = top;
        if (n == EMPTY) {
            java.util.Arrays.fill(out, 1, out.length, 0L);
            return;
        }
        int open = slot(n);
        long good = goodBefore[open];
        long bad = badBefore[open];
        for (long[] cell : cells) {
            good += (long) COUNTER.getVolatile(cell, GOOD);
            bad += (long) COUNTER.getVolatile(cell, BAD);
        }
        for (int i = 0; i < spans.length; i++) {
            long oldest = top - spans[i] + 1; // >= n - size + 1, since top >= n and spans[i] <= size
            if (oldest > n) {
                out[1 + 2 * i] = 0;
                out[2 + 2 * i] = 0;
            } else {
                int slot = slot(oldest);
                out[1 + 2 * i] = good - goodBefore[slot];
                out[2 + 2 * i] = bad - badBefore[slot];
            }
        }
    }

    private long[] lifetime() {
        long stamp = lock.tryOptimisticRead();
        long[] out = lifetimeUnlocked();
        if (stamp != 0 && lock.validate(stamp)) {
            return out;
        }
        stamp = lock.readLock();
        try {
            return lifetimeUnlocked();
        } finally {
            lock.unlockRead(stamp);
        }
    }

    private long[] lifetimeUnlocked() {
        long n = newest;
        if (n == EMPTY) {
            return new long[2];
        }
        long[] open = sumCells();
        int slot = slot(n);
        return new long[] {goodBefore[slot] + open[0], badBefore[slot] + open[1]};
    }

    private long[] sumCells() {
        long good = 0;
        long bad = 0;
        for (long[] cell : cells) {
            good += (long) COUNTER.getVolatile(cell, GOOD);
            bad += (long) COUNTER.getVolatile(cell, BAD);
        }
        return new long[] {good, bad};
    }

    private RollingCounter.WindowCounts counts(long good, long bad, long top, int buckets) {
        long total = good + bad;
        Overlay o = overlay;
        if (o != null) {
            total += o.total(top - buckets + 1, top);
            bad += o.bad(top - buckets + 1, top);
        }
        // An overlay may be negative in a bucket while this ring holds the rest; a read never is.
        total = Math.max(0, total);
        return new RollingCounter.WindowCounts(total, Math.max(0, Math.min(bad, total)));
    }

    private int slot(long index) {
        return (int) Math.floorMod(index, (long) size);
    }

    /**
     * Counts added to a ring's reads, by bucket index (immutable): what a shared store holds minus
     * what this ring already counts of it. A range sum is two binary searches over prefix sums.
     */
    public static final class Overlay {
        private final long[] indexes;
        private final long[] totalPrefix;
        private final long[] badPrefix;

        /** Counts per bucket: ascending {@code indexes}, may be negative while the ring holds the rest. */
        public Overlay(long[] indexes, long[] totals, long[] bads) {
            this.indexes = indexes.clone();
            this.totalPrefix = new long[indexes.length + 1];
            this.badPrefix = new long[indexes.length + 1];
            for (int i = 0; i < indexes.length; i++) {
                totalPrefix[i + 1] = totalPrefix[i] + totals[i];
                badPrefix[i + 1] = badPrefix[i] + bads[i];
            }
        }

        /** Sum of the totals of buckets {@code from..to} (inclusive). */
        public long total(long from, long to) {
            return totalPrefix[after(to)] - totalPrefix[after(from - 1)];
        }

        /** Sum of the bad counts of buckets {@code from..to} (inclusive). */
        public long bad(long from, long to) {
            return badPrefix[after(to)] - badPrefix[after(from - 1)];
        }

        // The number of buckets with an index <= `index`.
        private int after(long index) {
            int lo = 0;
            int hi = indexes.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (indexes[mid] <= index) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }

    private static long[] newCell() {
        return new long[CELL_LONGS];
    }

    /**
     * Buckets by index, oldest first: {@code totals[i]} events of which {@code bads[i]} were bad in
     * bucket {@code indexes[i]}. The arrays are not copied: do not change them.
     *
     * @param indexes bucket indexes, ascending
     * @param totals events per bucket
     * @param bads bad events per bucket
     */
    public record Buckets(long[] indexes, long[] totals, long[] bads) {
    }
}
