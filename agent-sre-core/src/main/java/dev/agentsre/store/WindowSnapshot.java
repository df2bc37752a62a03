package dev.agentsre.store;

import dev.agentsre.internal.Check;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * The counts of one rolling window, as a {@link WindowStore} keeps them: a ring of at most
 * {@code size} time buckets of {@code bucketMillis} each (bucket {@code i} covers
 * {@code [i × bucketMillis, (i + 1) × bucketMillis)}), each with its event and bad-event counts,
 * plus lifetime totals and the time of the first event. Constant size whatever the traffic: this
 * is what an SLO keeps, not its raw events.
 *
 * <p>Buckets are kept only if they lie within the {@code size} newest indexes, counted back from
 * the newest bucket present; {@link #plus} adds two snapshots bucket by bucket (what a JVM sends is
 * a delta; what the store returns is the sum of every JVM's deltas). Immutable.
 */
public final class WindowSnapshot {

    /** Most buckets in a window. */
    public static final int MAX_BUCKETS = 100_000;
    /** {@link #firstEventMillis()} when no event was recorded. */
    public static final long NO_EVENT = Long.MAX_VALUE;

    private final long bucketMillis;
    private final int size;
    private final long[] indexes;
    private final long[] totals;
    private final long[] bad;
    private final long lifetimeTotal;
    private final long lifetimeBad;
    private final long firstEventMillis;

    private WindowSnapshot(long bucketMillis, int size, long[] indexes, long[] totals, long[] bad,
                           long lifetimeTotal, long lifetimeBad, long firstEventMillis) {
        this.bucketMillis = bucketMillis;
        this.size = size;
        this.indexes = indexes;
        this.totals = totals;
        this.bad = bad;
        this.lifetimeTotal = lifetimeTotal;
        this.lifetimeBad = lifetimeBad;
        this.firstEventMillis = firstEventMillis;
    }

    /** An empty window of {@code size} buckets of {@code bucketMillis}. */
    public static WindowSnapshot empty(long bucketMillis, int size) {
        checkLayout(bucketMillis, size);
        return new WindowSnapshot(bucketMillis, size, new long[0], new long[0], new long[0], 0, 0, NO_EVENT);
    }

    /**
     * A window holding {@code buckets} (any order, distinct indexes; those older than the
     * {@code size} newest indexes are dropped).
     *
     * @throws IllegalArgumentException naming the field if the layout is invalid, an index repeats,
     *         a count is negative, or a bucket has more bad events than events
     */
    public static WindowSnapshot of(long bucketMillis, int size, List<Bucket> buckets, long lifetimeTotal, long lifetimeBad,
                                    long firstEventMillis) {
        checkLayout(bucketMillis, size);
        Check.notNull("buckets", buckets);
        checkCounts("lifetime", lifetimeTotal, lifetimeBad);
        TreeMap<Long, Bucket> sorted = new TreeMap<>();
        for (Bucket bucket : buckets) {
            Check.notNull("bucket", bucket);
            if (sorted.put(bucket.index(), bucket) != null) {
                throw new IllegalArgumentException("bucket indexes must be distinct, got " + bucket.index() + " twice");
            }
        }
        return fromSorted(bucketMillis, size, sorted, lifetimeTotal, lifetimeBad, firstEventMillis);
    }

    private static WindowSnapshot fromSorted(long bucketMillis, int size, TreeMap<Long, Bucket> sorted, long lifetimeTotal,
                                             long lifetimeBad, long firstEventMillis) {
        if (!sorted.isEmpty()) {
            long oldestKept = sorted.lastKey() - size + 1;
            sorted.headMap(oldestKept, false).clear();
        }
        sorted.values().removeIf(b -> b.total() == 0);
        long[] indexes = new long[sorted.size()];
        long[] totals = new long[sorted.size()];
        long[] bad = new long[sorted.size()];
        int i = 0;
        for (Bucket b : sorted.values()) {
            indexes[i] = b.index();
            totals[i] = b.total();
            bad[i] = b.bad();
            i++;
        }
        return new WindowSnapshot(bucketMillis, size, indexes, totals, bad, lifetimeTotal, lifetimeBad, firstEventMillis);
    }

    /**
     * This window plus {@code delta}, bucket by bucket; lifetime totals added, the earlier first event kept.
     *
     * @throws IllegalArgumentException if the layouts differ
     */
    public WindowSnapshot plus(WindowSnapshot delta) {
        Check.notNull("delta", delta);
        if (!sameLayout(delta)) {
            throw new IllegalArgumentException("layouts differ: " + layout() + " and " + delta.layout());
        }
        TreeMap<Long, Bucket> sum = new TreeMap<>();
        for (int i = 0; i < indexes.length; i++) {
            sum.put(indexes[i], new Bucket(indexes[i], totals[i], bad[i]));
        }
        for (int i = 0; i < delta.indexes.length; i++) {
            long index = delta.indexes[i];
            Bucket mine = sum.get(index);
            sum.put(index, mine == null ? new Bucket(index, delta.totals[i], delta.bad[i])
                    : new Bucket(index, Math.addExact(mine.total(), delta.totals[i]), Math.addExact(mine.bad(), delta.bad[i])));
        }
        return fromSorted(bucketMillis, size, sum, Math.addExact(lifetimeTotal, delta.lifetimeTotal),
                Math.addExact(lifetimeBad, delta.lifetimeBad), Math.min(firstEventMillis, delta.firstEventMillis));
    }

    /** Whether {@code other} has the same bucket width and size. */
    public boolean sameLayout(WindowSnapshot other) {
        return bucketMillis == other.bucketMillis && size == other.size;
    }

    /** Width of a bucket, milliseconds. */
    public long bucketMillis() {
        return bucketMillis;
    }

    /** Buckets in the ring. */
    public int size() {
        return size;
    }

    /** The non-empty buckets, oldest first. */
    public List<Bucket> buckets() {
        List<Bucket> list = new ArrayList<>(indexes.length);
        for (int i = 0; i < indexes.length; i++) {
            list.add(new Bucket(indexes[i], totals[i], bad[i]));
        }
        return list;
    }

    /** Whether no bucket holds an event. */
    public boolean isEmpty() {
        return indexes.length == 0;
    }

    /** Events since the window was first recorded (all JVMs, for a shared store). */
    public long lifetimeTotal() {
        return lifetimeTotal;
    }

    /** Bad events since the window was first recorded. */
    public long lifetimeBad() {
        return lifetimeBad;
    }

    /** Epoch millis of the first event, or {@link #NO_EVENT}. */
    public long firstEventMillis() {
        return firstEventMillis;
    }

    private String layout() {
        return size + " × " + bucketMillis + " ms";
    }

    private static void checkLayout(long bucketMillis, int size) {
        Check.positive("bucketMillis", bucketMillis);
        if (size <= 0 || size > MAX_BUCKETS) {
            throw new IllegalArgumentException("size must be 1 to " + MAX_BUCKETS + ", got " + size);
        }
    }

    private static void checkCounts(String name, long total, long bad) {
        if (total < 0 || bad < 0 || bad > total) {
            throw new IllegalArgumentException(name + " counts must satisfy 0 <= bad <= total, got total " + total + ", bad " + bad);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WindowSnapshot w && bucketMillis == w.bucketMillis && size == w.size
                && Arrays.equals(indexes, w.indexes) && Arrays.equals(totals, w.totals) && Arrays.equals(bad, w.bad)
                && lifetimeTotal == w.lifetimeTotal && lifetimeBad == w.lifetimeBad && firstEventMillis == w.firstEventMillis;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(bucketMillis) * 31 + Arrays.hashCode(indexes) * 17 + Arrays.hashCode(totals) + Long.hashCode(lifetimeTotal);
    }

    @Override
    public String toString() {
        return "WindowSnapshot[" + layout() + ", " + indexes.length + " buckets, lifetime " + lifetimeTotal + "/" + lifetimeBad + "]";
    }

    /**
     * One bucket.
     *
     * @param index {@code floor(t / bucketMillis)} of its events
     * @param total events in it
     * @param bad bad events in it, at most {@code total}
     */
    public record Bucket(long index, long total, long bad) {

        /** Validates the counts. */
        public Bucket {
            checkCounts("bucket " + index, total, bad);
        }
    }
}
