package dev.agentsre.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.testing.Race;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BoundedRegistryTest {

    /** A value that may be pinned; retired once, under its own lock. */
    static final class Value {
        final String id;
        volatile boolean pinned;
        boolean retired;

        Value(String id) {
            this.id = id;
        }

        synchronized boolean tryRetire() {
            if (pinned) {
                return false;
            }
            retired = true;
            return true;
        }
    }

    private final List<String> evicted = new ArrayList<>();

    private BoundedRegistry<String, Value> registry(int capacity) {
        return new BoundedRegistry<>(capacity, Value::tryRetire, (k, v) -> evicted.add(k));
    }

    @Test
    void makesRoomByEvictingTheLeastRecentlyUsedAndReportsIt() {
        BoundedRegistry<String, Value> registry = registry(3);
        registry.getOrCreate("a", Value::new);
        registry.getOrCreate("b", Value::new);
        registry.getOrCreate("c", Value::new);
        registry.get("a"); // used again: a second chance

        registry.getOrCreate("d", Value::new);

        assertThat(evicted).containsExactly("b");
        assertThat(registry.keys()).containsExactlyInAnyOrder("a", "c", "d");
        assertThat(registry.size()).isEqualTo(3);
    }

    @Test
    void readsNeverCreateAndPeekDoesNotKeepAnEntryAlive() {
        BoundedRegistry<String, Value> registry = registry(2);
        assertThat(registry.get("ghost")).isNull();
        assertThat(registry.peek("ghost")).isNull();
        assertThat(registry.size()).isZero();
        registry.getOrCreate("a", Value::new);
        registry.getOrCreate("b", Value::new);
        registry.peek("a"); // an exporter's read: no second chance

        registry.getOrCreate("c", Value::new);

        assertThat(evicted).containsExactly("a");
    }

    @Test
    void neverEvictsAPinnedEntryAndRefusesANewKeyWhenOnlyPinnedOnesRemain() {
        BoundedRegistry<String, Value> registry = registry(3);
        for (String id : List.of("a", "b", "c")) {
            registry.getOrCreate(id, Value::new).pinned = true;
        }

        for (int i = 0; i < 200; i++) {
            assertThat(registry.getOrCreate("new-" + i, Value::new)).isNull();
        }

        assertThat(evicted).isEmpty();
        assertThat(registry.keys()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(registry.refusals()).isEqualTo(200);
    }

    @Test
    void anEntryThatBecameEvictableAmongPinnedOnesIsFoundWithinTheDocumentedNumberOfRefusals() {
        int capacity = 1_000;
        BoundedRegistry<String, Value> registry = registry(capacity);
        List<Value> values = new ArrayList<>();
        for (int i = 0; i < capacity; i++) {
            Value v = registry.getOrCreate("pinned-" + i, Value::new);
            v.pinned = true;
            values.add(v);
        }
        assertThat(registry.getOrCreate("first", Value::new)).isNull(); // full: a whole sweep found nothing
        values.get(capacity / 2).pinned = false; // e.g. its period ended

        int refusals = 0;
        while (registry.getOrCreate("late", Value::new) == null) {
            refusals++;
        }

        assertThat(refusals).isLessThanOrEqualTo(capacity / BoundedRegistry.LIMITED_SCAN + 1);
        assertThat(evicted).containsExactly("pinned-" + capacity / 2);
    }

    @Test
    void defect16_evictionIsAmortisedConstantWhenNothingIsPinned() {
        BoundedRegistry<String, Value> registry = registry(1_000);
        for (int i = 0; i < 200_000; i++) {
            registry.getOrCreate("id-" + i, Value::new);
            if (i % 3 == 0) {
                registry.get("id-" + (i - 1)); // some entries used again
            }
        }
        long evictions = 200_000 - 1_000;
        assertThat(registry.evictions()).isEqualTo(evictions);
        assertThat(registry.probes()).isLessThanOrEqualTo(3 * evictions);
    }

    @Test
    void defect16_refusalsStayAmortisedConstantWhenEverythingIsPinned() {
        int capacity = 10_000;
        BoundedRegistry<String, Value> registry = registry(capacity);
        for (int i = 0; i < capacity; i++) {
            registry.getOrCreate("p-" + i, Value::new).pinned = true;
        }
        long before = registry.probes();
        int attempts = 100_000;
        for (int i = 0; i < attempts; i++) {
            registry.getOrCreate("n-" + i, Value::new);
        }
        // A limited scan per refusal plus a full sweep (two rotations) every size / LIMITED_SCAN refusals.
        long perRefusal = BoundedRegistry.LIMITED_SCAN + 2L * BoundedRegistry.LIMITED_SCAN + 1;
        assertThat(registry.probes() - before).isLessThanOrEqualTo(perRefusal * attempts + 2L * capacity);
    }

    @Test
    void defect16_newIdChurnAtTheCapUnderFourThreadsCostsAConstantNumberOfProbesPerId() throws Exception {
        // Defect 16: every new id at the cap took a lock and sorted all 10,000 entries. Half the entries here are
        // pinned, and four threads keep bringing ids the registry has never seen.
        int capacity = 10_000;
        BoundedRegistry<String, Value> registry = registry(capacity);
        for (int i = 0; i < capacity; i++) {
            registry.getOrCreate("seed-" + i, Value::new).pinned = i % 2 == 0;
        }
        long before = registry.probes();
        int perThread = 50_000;
        Race.run(4, thread -> {
            for (int i = 0; i < perThread; i++) {
                registry.getOrCreate("t" + thread + "-" + i, Value::new);
            }
        });
        long ids = 4L * perThread;
        assertThat(registry.size()).isLessThanOrEqualTo(capacity);
        assertThat(registry.evictions()).isGreaterThanOrEqualTo(ids - capacity); // the unpinned half keeps turning over
        // Amortised: a bounded number of clock-hand probes per new id, independent of the capacity.
        assertThat(registry.probes() - before).isLessThanOrEqualTo(8 * ids + 2L * capacity);
    }

    @Test
    void explicitRemovalsLeaveNoUnboundedGarbageBehind() {
        BoundedRegistry<String, Value> registry = registry(100);
        for (int i = 0; i < 100_000; i++) {
            registry.getOrCreate("id-" + i, Value::new);
            registry.remove("id-" + i);
        }
        assertThat(registry.size()).isZero();
        assertThat(registry.evictions()).isZero();
        registry.getOrCreate("x", Value::new);
        assertThat(registry.get("x")).isNotNull();
    }

    @Test
    void evictIfRetiresOnlyWhatTheOwnerLetsGo() {
        BoundedRegistry<String, Value> registry = registry(10);
        registry.getOrCreate("idle", Value::new);
        registry.getOrCreate("idle-but-pinned", Value::new).pinned = true;
        registry.getOrCreate("busy", Value::new);

        List<Value> gone = registry.evictIf(v -> v.id.startsWith("idle"));

        assertThat(gone).extracting(v -> v.id).containsExactly("idle");
        assertThat(evicted).isEmpty(); // the caller reports what it swept
        assertThat(registry.keys()).containsExactlyInAnyOrder("idle-but-pinned", "busy");
    }

    @Test
    void racingThreadsNeverExceedTheCapAndEveryEvictionIsReportedOnce() throws Exception {
        int capacity = 500;
        Set<Value> reported = ConcurrentHashMap.newKeySet(); // by identity: a key may be evicted, come back and go again
        AtomicLong duplicates = new AtomicLong();
        AtomicLong created = new AtomicLong();
        AtomicLong maxSize = new AtomicLong();
        BoundedRegistry<String, Value> registry = new BoundedRegistry<>(capacity, Value::tryRetire, (k, v) -> {
            if (!reported.add(v) || !v.retired) {
                duplicates.incrementAndGet();
            }
        });
        Race.run(8, thread -> {
            for (int i = 0; i < 20_000; i++) {
                String id = "t" + thread + "-" + (i % 3_000);
                Value v = registry.getOrCreate(id, key -> {
                    created.incrementAndGet();
                    return new Value(key);
                });
                if (v != null && i % 3 == 0) {
                    synchronized (v) {
                        if (!v.retired) {
                            v.pinned = i % 2 == 0;
                        }
                    }
                }
                maxSize.accumulateAndGet(registry.size(), Math::max);
            }
        });
        assertThat(maxSize.get()).isLessThanOrEqualTo(capacity);
        assertThat(duplicates).hasValue(0);
        assertThat((long) reported.size()).isEqualTo(registry.evictions());
        // No value that ended up registered was retired, and none retired is still registered.
        for (Value v : registry.values()) {
            assertThat(v.retired).isFalse();
        }
    }
}
