package dev.agentsre.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A map of at most {@code capacity} per-agent (or per-task, per-tenant) entries that makes room for a
 * new key by evicting an old one — but never one whose eviction would lift enforcement. It is the one
 * eviction policy of the library: cost ledgers, tenants and task totals, circuit breakers, rogue-agent
 * behaviours and metric series all use it.
 *
 * <p><b>Policy.</b> Second chance ("CLOCK", an approximation of least recently used): entries wait in
 * a ring in insertion order; a {@link #get} marks an entry referenced. To make room the ring is
 * swept from its oldest end: a referenced entry loses its mark and goes to the back; an entry the
 * owner's {@link Retirement} refuses to retire (a killed or throttled budget, a reservation held, an
 * open circuit, a quarantined agent) goes to the back; the first entry it retires is evicted, and the
 * {@link EvictionListener} is told (outside the lock, so exporters can drop its series).
 *
 * <p><b>Full of pinned entries.</b> When no entry may go, {@link #getOrCreate} returns {@code null}
 * and the owner refuses the new key with a clear error (each component documents what it does).
 * While the registry stays full, a refused key examines at most {@value #LIMITED_SCAN} entries
 * (continuing the rotation) and every {@code size / }{@value #LIMITED_SCAN}-th refusal sweeps the
 * whole ring again, so an entry that became evictable (a period ended, a circuit closed) is found
 * within that many refusals, and a refusal stays O(1) amortised.
 *
 * <p><b>Cost.</b> {@link #get} and {@link #peek} are a concurrent-map lookup (a {@code get} writes
 * the mark only when it is not set yet). Creating a key takes one short lock, never held while user
 * code runs: the value is made before the lock (and dropped if another thread created the key
 * first); retirement checks run under it and must be quick. Eviction is O(1) amortised: every step
 * of a sweep clears a mark paid for by an earlier {@code get}, drops a stale node paid for by its
 * removal, re-queues a pinned entry (bounded as above) or evicts.
 *
 * <p><b>Memory:</b> {@code capacity} entries plus a node of about 32 bytes each; the ring is
 * compacted when removed keys leave more than {@code capacity} stale nodes in it. Thread-safe. Not API.
 *
 * @param <K> the key
 * @param <V> the value
 */
public final class BoundedRegistry<K, V> {

    /** Entries a refused key examines while the registry stays full of pinned entries. */
    public static final int LIMITED_SCAN = 32;

    /**
     * Whether an entry may be evicted: if evicting {@code value} would lift no enforcement, the owner
     * marks it retired — atomically with respect to the value's own updates, so an update racing the
     * eviction either pins it first or sees it retired and goes to the new entry — and returns true.
     * Called under the registry's lock: it must be quick and must not call back into the registry.
     */
    @FunctionalInterface
    public interface Retirement<V> {
        /** Retires {@code value} and returns true, or returns false when it must stay. */
        boolean tryRetire(V value);
    }

    /** Told about every entry evicted to make room (not about explicit removals). */
    @FunctionalInterface
    public interface EvictionListener<K, V> {
        /** {@code value} of {@code key} was evicted; called after the eviction, outside the registry's lock. */
        void evicted(K key, V value);
    }

    private final int capacity;
    private final Retirement<? super V> retirement;
    private final EvictionListener<? super K, ? super V> listener;
    private final ConcurrentHashMap<K, Node<K, V>> map = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock.
    private final ArrayDeque<Node<K, V>> ring = new ArrayDeque<>();
    private int limitedScansLeft;
    private long probes;
    private long evictions;
    private long refusals;

    /**
     * A registry of at most {@code capacity} entries.
     *
     * @param retirement decides which entries may go (see {@link Retirement})
     * @param listener told about evictions; {@code null} for none
     * @throws IllegalArgumentException if {@code capacity} is not positive or {@code retirement} is null
     */
    public BoundedRegistry(int capacity, Retirement<? super V> retirement, EvictionListener<? super K, ? super V> listener) {
        this.capacity = Check.positive("capacity", capacity);
        this.retirement = Check.notNull("retirement", retirement);
        this.listener = listener;
    }

    /** The value of {@code key}, marked as recently used; {@code null} when absent. Never creates. */
    public V get(K key) {
        Node<K, V> node = map.get(key);
        if (node == null) {
            return null;
        }
        if (!node.referenced) {
            node.referenced = true;
        }
        return node.value;
    }

    /** The value of {@code key} without marking it used (for reads that must not keep it alive); {@code null} when absent. */
    public V peek(K key) {
        Node<K, V> node = map.get(key);
        return node == null ? null : node.value;
    }

    /**
     * The value of {@code key}, made by {@code factory} and registered if absent — evicting an entry
     * that may go when the registry is full. Returns {@code null} when it is full and no entry may go.
     * The factory runs without any lock and may run even though another thread registered the key
     * first (its value is then dropped and the other returned).
     */
    public V getOrCreate(K key, Function<? super K, ? extends V> factory) {
        V existing = get(key);
        if (existing != null) {
            return existing;
        }
        V created = Objects.requireNonNull(factory.apply(key), "factory returned null");
        Node<K, V> evicted = null;
        V result;
        lock.lock();
        try {
            Node<K, V> current = map.get(key);
            if (current != null) {
                current.referenced = true;
                return current.value;
            }
            if (map.size() >= capacity) {
                evicted = evictOne();
                if (evicted == null) {
                    refusals++;
                    return null;
                }
            }
            Node<K, V> node = new Node<>(key, created);
            map.put(key, node);
            ring.addLast(node);
            if (ring.size() > 2 * capacity + 16) {
                compact();
            }
            result = created;
        } finally {
            lock.unlock();
        }
        if (evicted != null) {
            notifyEvicted(evicted);
        }
        return result;
    }

    /** Removes {@code key} whatever its state (an explicit removal: no eviction event); returns its value or {@code null}. */
    public V remove(K key) {
        lock.lock();
        try {
            Node<K, V> node = map.remove(key);
            if (node == null) {
                return null;
            }
            node.removed = true;
            limitedScansLeft = 0; // there is room now
            return node.value;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes every entry that {@code eligible} accepts and its {@link Retirement} lets go (an idle
     * sweep, say) and returns their values; the caller reports them (the eviction listener is only
     * told about evictions that made room). O(size) under the lock: for maintenance, not for hot paths.
     */
    public List<V> evictIf(Predicate<? super V> eligible) {
        List<Node<K, V>> evicted = new ArrayList<>();
        lock.lock();
        try {
            for (Node<K, V> node : map.values()) {
                if (eligible.test(node.value) && retirement.tryRetire(node.value)) {
                    node.removed = true;
                    map.remove(node.key, node);
                    evicted.add(node);
                }
            }
            if (!evicted.isEmpty()) {
                limitedScansLeft = 0;
            }
        } finally {
            lock.unlock();
        }
        List<V> values = new ArrayList<>(evicted.size());
        for (Node<K, V> node : evicted) {
            values.add(node.value);
        }
        return values;
    }

    /** The values now registered, in no particular order (a copy). */
    public List<V> values() {
        List<V> values = new ArrayList<>(map.size());
        for (Node<K, V> node : map.values()) {
            values.add(node.value);
        }
        return values;
    }

    /** The keys now registered, in no particular order (a copy). */
    public List<K> keys() {
        return new ArrayList<>(map.keySet());
    }

    /** Calls {@code action} for every entry now registered, without copying. */
    public void forEach(BiConsumer<? super K, ? super V> action) {
        map.forEach((k, node) -> action.accept(k, node.value));
    }

    /** Number of entries. */
    public int size() {
        return map.size();
    }

    /** The cap on entries. */
    public int capacity() {
        return capacity;
    }

    /** Entries examined by eviction sweeps so far (for tests of the amortised cost). */
    public long probes() {
        lock.lock();
        try {
            return probes;
        } finally {
            lock.unlock();
        }
    }

    /** Entries evicted so far to make room. */
    public long evictions() {
        lock.lock();
        try {
            return evictions;
        } finally {
            lock.unlock();
        }
    }

    /** New keys refused so far because no entry could go. */
    public long refusals() {
        lock.lock();
        try {
            return refusals;
        } finally {
            lock.unlock();
        }
    }

    // Under the lock.
    private Node<K, V> evictOne() {
        // A full sweep is two rotations: the first may only clear marks.
        int budget = limitedScansLeft > 0 ? LIMITED_SCAN : 2 * ring.size();
        for (int i = 0; i < budget; i++) {
            Node<K, V> node = ring.pollFirst();
            if (node == null) {
                break;
            }
            probes++;
            if (node.removed) {
                continue; // removed explicitly: its node was left behind
            }
            if (node.referenced) {
                node.referenced = false;
                ring.addLast(node);
                continue;
            }
            if (!retirement.tryRetire(node.value)) {
                ring.addLast(node);
                continue;
            }
            node.removed = true;
            map.remove(node.key, node);
            evictions++;
            limitedScansLeft = 0;
            return node;
        }
        limitedScansLeft = limitedScansLeft > 0 ? limitedScansLeft - 1 : Math.max(1, ring.size() / LIMITED_SCAN);
        return null;
    }

    // Under the lock: drops the nodes of removed keys.
    private void compact() {
        ring.removeIf(node -> node.removed);
    }

    private void notifyEvicted(Node<K, V> node) {
        if (listener != null) {
            listener.evicted(node.key, node.value);
        }
    }

    private static final class Node<K, V> {
        final K key;
        final V value;
        volatile boolean referenced;
        volatile boolean removed;

        Node(K key, V value) {
            this.key = key;
            this.value = value;
        }
    }
}
