package dev.agentsre.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.testing.Race;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CappedStripedSetTest {

    /** Adds {@code member} under {@code slot} as the cost guard does: its node first, then the member. */
    private static <T> CappedStripedSet.Node<T> add(CappedStripedSet<T> set, int slot, T member) {
        CappedStripedSet.Node<T> node = set.node(slot, member);
        set.add(node);
        return node;
    }

    @Test
    void addsRemovesAndListsMembers() {
        CappedStripedSet<String> set = new CappedStripedSet<>(10);
        List<CappedStripedSet.Node<String>> nodes = new ArrayList<>();
        for (String member : List.of("a", "b", "c")) {
            nodes.add(add(set, set.acquire(), member));
        }
        assertThat(set.size()).isEqualTo(3);
        assertThat(set.remove(nodes.get(1))).isTrue();
        assertThat(set.remove(nodes.get(1))).as("a second removal frees nothing").isFalse();
        List<String> members = new ArrayList<>();
        set.forEach(members::add);
        assertThat(members).containsExactlyInAnyOrder("a", "c");
        assertThat(set.taken()).isEqualTo(2);
    }

    @Test
    void refusesOnlyWhenTheCapIsReallyTaken() {
        CappedStripedSet<Integer> set = new CappedStripedSet<>(5);
        List<CappedStripedSet.Node<Integer>> nodes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int slot = set.acquire();
            assertThat(slot).isNotNegative();
            nodes.add(add(set, slot, i));
        }
        assertThat(set.acquire()).isEqualTo(-1);
        set.remove(nodes.get(0));
        int slot = set.acquire();
        assertThat(slot).as("the freed slot is found again").isNotNegative();
        set.release(slot);
        assertThat(set.taken()).isEqualTo(4);
    }

    @Test
    void slotsParkedByOtherThreadsAreGatheredBeforeARefusal() throws Exception {
        // Every thread takes and returns slots, leaving free ones parked in its stripe; then one
        // thread must still get all 100 slots.
        CappedStripedSet<Integer> set = new CappedStripedSet<>(100);
        Race.run(8, thread -> {
            for (int i = 0; i < 1_000; i++) {
                set.remove(add(set, set.acquire(), i));
            }
        });
        assertThat(set.taken()).isZero();
        for (int i = 0; i < 100; i++) {
            assertThat(set.acquire()).as("slot %d of 100", i).isNotNegative();
        }
        assertThat(set.acquire()).isEqualTo(-1);
        assertThat(set.taken()).isEqualTo(100);
    }

    @Test
    void sixteenThreadsNeverHoldMoreThanTheCapAndLoseNoSlot() throws Exception {
        int cap = 50;
        CappedStripedSet<Integer> set = new CappedStripedSet<>(cap);
        AtomicInteger open = new AtomicInteger();
        AtomicInteger mostOpen = new AtomicInteger();
        AtomicInteger refusals = new AtomicInteger();
        ConcurrentLinkedQueue<CappedStripedSet.Node<Integer>> held = new ConcurrentLinkedQueue<>();
        Race.run(16, thread -> {
            for (int i = 0; i < 5_000; i++) {
                int slot = set.acquire();
                if (slot < 0) {
                    refusals.incrementAndGet();
                } else {
                    mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                    held.add(add(set, slot, i));
                }
                CappedStripedSet.Node<Integer> node = (i % 3 == 0) ? null : held.poll(); // removals lag additions
                if (node != null) {
                    open.decrementAndGet();
                    set.remove(node);
                }
            }
        });
        assertThat(mostOpen.get()).isLessThanOrEqualTo(cap);
        assertThat(refusals.get()).as("the cap was reached").isPositive();
        assertThat(set.size()).isEqualTo(held.size());
        assertThat(set.taken()).isEqualTo(held.size());
        held.forEach(set::remove);
        assertThat(set.taken()).isZero();
        for (int i = 0; i < cap; i++) {
            assertThat(set.acquire()).isNotNegative();
        }
        assertThat(set.acquire()).isEqualTo(-1);
    }

    @Test
    void rejectsANonPositiveCapacity() {
        assertThatThrownBy(() -> new CappedStripedSet<>(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
    }
}
