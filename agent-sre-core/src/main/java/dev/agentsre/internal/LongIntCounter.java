package dev.agentsre.internal;

import java.util.Arrays;

/**
 * Counts occurrences of {@code long} keys without boxing: open addressing with linear probing and
 * backward-shift deletion, so a key whose count drops to zero frees its slot (a count of zero marks a
 * free slot). Sized for at most {@code maxKeys} live keys; memory fixed at construction (two arrays
 * of a power of two at least twice {@code maxKeys}). Not thread-safe. Not API.
 */
public final class LongIntCounter {

    private final long[] keys;
    private final int[] counts; // 0: a free slot
    private final int mask;
    private int size;

    /** A counter for at most {@code maxKeys} distinct live keys. */
    public LongIntCounter(int maxKeys) {
        int capacity = Integer.highestOneBit(Math.max(4, maxKeys) * 2 - 1) << 1;
        this.keys = new long[capacity];
        this.counts = new int[capacity];
        this.mask = capacity - 1;
    }

    /** Adds one to {@code key}'s count and returns the new count. */
    public int increment(long key) {
        int slot = find(key);
        if (counts[slot] != 0) {
            return ++counts[slot];
        }
        if (size * 2 >= keys.length) {
            throw new IllegalStateException("more distinct keys than the counter was sized for");
        }
        keys[slot] = key;
        counts[slot] = 1;
        size++;
        return 1;
    }

    /** Subtracts one from {@code key}'s count (removing it at zero) and returns the new count. */
    public int decrement(long key) {
        int slot = find(key);
        if (counts[slot] == 0) {
            return 0;
        }
        int count = --counts[slot];
        if (count == 0) {
            remove(slot);
        }
        return count;
    }

    /** The count of {@code key}. */
    public int get(long key) {
        return counts[find(key)];
    }

    /** Number of keys with a positive count. */
    public int size() {
        return size;
    }

    /** Forgets every key. */
    public void clear() {
        Arrays.fill(counts, 0);
        size = 0;
    }

    private int find(long key) {
        int slot = mix(key) & mask;
        while (counts[slot] != 0 && keys[slot] != key) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private void remove(int slot) { // its count is 0 already: the slot is free
        size--;
        // Backward-shift: move later entries of the same probe run into the gap.
        int gap = slot;
        int next = (gap + 1) & mask;
        while (counts[next] != 0) {
            int home = mix(keys[next]) & mask;
            boolean movable = gap <= next ? (home <= gap || home > next) : (home <= gap && home > next);
            if (movable) {
                keys[gap] = keys[next];
                counts[gap] = counts[next];
                counts[next] = 0;
                gap = next;
            }
            next = (next + 1) & mask;
        }
    }

    /** The hash this counter places {@code key} by (its bits spread by a Fibonacci multiply); callers may bucket by it too. */
    public static int mix(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
