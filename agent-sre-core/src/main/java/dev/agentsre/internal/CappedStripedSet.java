package dev.agentsre.internal;

import dev.agentsre.internal.window.Stripes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A set of at most {@code capacity} members (open reservations, say) that threads add to and remove
 * from without sharing a cache line: it is split into {@link #STRIPES} stripes, one group of threads
 * each, and each stripe keeps its members and a few <em>slots</em> it claimed from the capacity.
 *
 * <p><b>Exact cap.</b> A member first {@link #acquire}s a slot, then is {@link #add}ed under it (or the
 * slot is {@link #release}d when the member never comes to be); {@code add} returns the member's
 * {@link Node}, which {@link #remove} takes (a stripe is a doubly linked list: adding and removing is
 * O(1), allocates one node and never hashes the member). A stripe claims slots from the
 * shared pool in chunks — at most 1/(2 × stripes) of what is left, so the pool's counter is written
 * once per chunk instead of once per member — and hands surplus back when it holds more than two
 * chunks free. When a stripe finds no free slot and the pool is empty, it locks every stripe (in
 * index order, so two such threads cannot deadlock) and takes back the free slots parked there: an
 * acquire is refused only when {@code capacity} slots are really taken.
 *
 * <p>Why not a {@code ConcurrentHashMap} key set: measured at two threads reserving and committing, its
 * size count (read by every insert to decide on resizing, and by the cap check) and its small table
 * were written by both cores on every operation, and took 45% of the time.
 *
 * <p>Memory: a node of 32 bytes per member (at most {@code capacity}) plus {@link #STRIPES} padded
 * stripes of about 160 bytes. Thread-safe. Not API.
 *
 * @param <T> the member
 */
public final class CappedStripedSet<T> {

    /** Stripes: a power of two, at least twice the processors (at most 64). */
    public static final int STRIPES = Stripes.FIXED;

    /** Largest chunk of slots a stripe claims at once. */
    static final int CHUNK = 64;

    private final int capacity;
    private final Stripe<T>[] stripes;
    /** Slots no stripe holds (neither free in a stripe nor taken). */
    private final AtomicInteger pool;

    /** A set of at most {@code capacity} members. */
    @SuppressWarnings("unchecked")
    public CappedStripedSet(int capacity) {
        this.capacity = Check.positive("capacity", capacity);
        this.pool = new AtomicInteger(capacity);
        this.stripes = new Stripe[STRIPES];
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe<>();
        }
    }

    /** The cap. */
    public int capacity() {
        return capacity;
    }

    /**
     * Takes a slot for a member about to be added; returns the stripe to {@link #add} it to (or to
     * {@link #release} the slot to), or {@code -1} when {@code capacity} slots are taken.
     */
    public int acquire() {
        int index = Stripes.probe() & (STRIPES - 1);
        Stripe<T> stripe = stripes[index];
        synchronized (stripe) {
            if (stripe.free > 0 || claim(stripe)) {
                stripe.free--;
                return index;
            }
        }
        return lockAll(0, index);
    }

    /**
     * The node {@code member} will have in stripe {@code index}, not added yet: the caller can keep it
     * with the member before {@link #add} makes the member visible to {@link #forEach} (whose callers
     * then find the node where they look for it).
     */
    public Node<T> node(int index, T member) {
        return new Node<>(stripes[index], member);
    }

    /** Adds a {@link #node}'s member under the slot {@link #acquire} took in its stripe; remove it with {@link #remove}. */
    public void add(Node<T> node) {
        Stripe<T> stripe = node.stripe;
        synchronized (stripe) {
            Node<T> first = stripe.first;
            node.next = first;
            if (first != null) {
                first.prev = node;
            }
            stripe.first = node;
            stripe.size++;
        }
    }

    /** Gives back a slot taken by {@link #acquire} whose member was never added. */
    public void release(int index) {
        Stripe<T> stripe = stripes[index];
        synchronized (stripe) {
            giveBack(stripe);
        }
    }

    /** Removes the member {@link #add} returned {@code node} for and frees its slot; false if it was removed already. */
    public boolean remove(Node<T> node) {
        Stripe<T> stripe = node.stripe;
        synchronized (stripe) {
            if (node.removed) {
                return false;
            }
            node.removed = true;
            Node<T> prev = node.prev;
            Node<T> next = node.next;
            if (prev == null) {
                stripe.first = next;
            } else {
                prev.next = next;
            }
            if (next != null) {
                next.prev = prev;
            }
            node.prev = null;
            node.next = null;
            stripe.size--;
            giveBack(stripe);
            return true;
        }
    }

    /** Calls {@code action} for every member now in the set (a copy per stripe, so it may remove members). */
    public void forEach(Consumer<? super T> action) {
        for (Stripe<T> stripe : stripes) {
            List<T> members;
            synchronized (stripe) {
                if (stripe.size == 0) {
                    continue;
                }
                members = new ArrayList<>(stripe.size);
                for (Node<T> node = stripe.first; node != null; node = node.next) {
                    members.add(node.member);
                }
            }
            members.forEach(action);
        }
    }

    /** Members now in the set (a pure read; locks each stripe in turn). */
    public int size() {
        int size = 0;
        for (Stripe<T> stripe : stripes) {
            synchronized (stripe) {
                size += stripe.size;
            }
        }
        return size;
    }

    /** Slots taken: members plus slots acquired and not added or released yet (for tests of the cap). */
    int taken() {
        int free = pool.get();
        for (Stripe<T> stripe : stripes) {
            synchronized (stripe) {
                free += stripe.free;
            }
        }
        return capacity - free;
    }

    /** Under the stripe's lock: claims a chunk of slots from the pool; false when it is empty. */
    private boolean claim(Stripe<T> stripe) {
        while (true) {
            int left = pool.get();
            if (left == 0) {
                return false;
            }
            int chunk = Math.max(1, Math.min(CHUNK, left / (2 * STRIPES)));
            if (pool.compareAndSet(left, left - chunk)) {
                stripe.free += chunk;
                return true;
            }
        }
    }

    /** Under the stripe's lock: one slot freed; a surplus beyond two chunks goes back to the pool. */
    private void giveBack(Stripe<T> stripe) {
        stripe.free++;
        if (stripe.free > 2 * CHUNK) {
            int surplus = stripe.free - CHUNK;
            stripe.free = CHUNK;
            pool.addAndGet(surplus);
        }
    }

    /**
     * The stripe and the pool are empty: locks stripes {@code from..} in order, then (holding all)
     * gathers their free slots and takes one for stripe {@code index}; -1 when there is none.
     */
    private int lockAll(int from, int index) {
        if (from < STRIPES) {
            synchronized (stripes[from]) {
                return lockAll(from + 1, index);
            }
        }
        int gathered = 0;
        for (Stripe<T> stripe : stripes) {
            gathered += stripe.free;
            stripe.free = 0;
        }
        if (gathered > 0) {
            pool.addAndGet(gathered);
        }
        return claim(stripes[index]) ? takeOne(index) : -1;
    }

    private int takeOne(int index) {
        stripes[index].free--;
        return index;
    }

    /** A member's place in its stripe; guarded by the stripe's monitor. */
    public static final class Node<T> {
        final Stripe<T> stripe;
        final T member;
        Node<T> prev;
        Node<T> next;
        boolean removed;

        Node(Stripe<T> stripe, T member) {
            this.stripe = stripe;
            this.member = member;
        }
    }

    /** One stripe: its members (a doubly linked list) and free slots, guarded by its monitor, padded against its neighbours. */
    private static final class Stripe<T> extends StripePadding {
        Node<T> first;
        int size;
        int free;
        @SuppressWarnings("unused")
        private long q0, q1, q2, q3, q4, q5, q6, q7;
    }

    /** Padding before the stripe's fields (superclass fields are laid out first). */
    private abstract static class StripePadding {
        @SuppressWarnings("unused")
        private long p0, p1, p2, p3, p4, p5, p6, p7;
    }
}
