package dev.agentsre.cost.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.cost.BudgetScope;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.Race;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/** The striped period underneath the cost guard's budgets (issue 21): caps, exact mode, bounds. */
class StripedPeriodTest {

    private static final long NOW = 1_773_133_200_000L; // 2026-03-10T09:00:00Z
    private static final long USD = 1_000_000_000L;

    private final Enforcement enforcement = new Enforcement(new double[] {0.5, 0.75}, true, 0.85, 0.95, new SreEventBus());

    private Budget budget(long limit, Enforcement striping) {
        return new Budget(BudgetScope.ORGANIZATION, "organization", null, limit, PeriodClock.Periodicity.MONTH,
                new PeriodClock(ZoneOffset.UTC), NOW, striping);
    }

    @Test
    void theCapIsTheLargestSpendBelowTheNextThresholdAsUtilisationJudgesIt() {
        for (long limit : new long[] {1, 3, 7, 100 * USD, 9_000_000_000L * USD, Long.MAX_VALUE - 1}) {
            for (double threshold : new double[] {0.5, 0.75, 0.85, 0.9, 0.95, 1.0}) {
                long below = Enforcement.below(threshold, limit);
                assertThat((double) below / limit).as("%s of %s", threshold, limit).isLessThan(threshold);
                if (limit < 1L << 53) { // exact doubles: the largest such spend
                    assertThat((double) (below + 1) / limit >= threshold || below + 1 >= limit)
                            .as("%s of %s: %s is the largest", threshold, limit, below).isTrue();
                } else { // coarser doubles: a hair below it (exact mode begins that much earlier)
                    assertThat((double) below).isGreaterThanOrEqualTo(threshold * limit * (1 - 1e-12));
                }
            }
        }
        Budget budget = budget(100 * USD, enforcement);
        Period p = budget.peek();
        assertThat(enforcement.cap(budget, p)).isEqualTo(50 * USD - 1); // the first alert
        p.alertLevel = 2;
        assertThat(enforcement.cap(budget, p)).isEqualTo(85 * USD - 1); // the throttle
        p.enforcementOverridden = true;
        assertThat(enforcement.cap(budget, p)).isEqualTo(100 * USD); // nothing due: the limit
    }

    /** Records the spend each roll-over announced. */
    private static final class Rolls implements Budget.RollOverListener {
        final java.util.List<Long> announced = new java.util.ArrayList<>();

        @Override
        public void rolledOver(Budget budget, Period previous, Period next, long now) {
            announced.add(previous.sealedSpentNanos());
        }
    }

    @Test
    void aChargeLandingInAPeriodAfterItsRollOverMovesToTheNextAndIsCountedOnce() {
        Budget budget = budget(100 * USD, enforcement);
        Period march = budget.peek();
        assertThat(budget.chargeUnlessSealed(march, 3 * USD)).isTrue();
        Rolls rolls = new Rolls();
        Period april = budget.current(march.endMillis, rolls); // another thread's charge rolled it over
        assertThat(rolls.announced).containsExactly(3 * USD);

        // A charge whose time fell in March and that took March before the roll-over lands now.
        assertThat(budget.chargeUnlessSealed(march, 2 * USD)).as("moved on").isFalse();
        assertThat(march.spentNanos()).as("taken back out of March").isEqualTo(3 * USD);
        assertThat(budget.chargeUnlessSealed(april, 2 * USD)).isTrue();
        assertThat(rolls.announced.get(0) + april.spentNanos()).isEqualTo(5 * USD);

        // A reservation's commit still goes into the period it was held in.
        budget.charge(march, USD);
        assertThat(march.spentNanos()).isEqualTo(4 * USD);
    }

    @Test
    void chargesRacingARollOverOnStripesAreCountedExactlyOnce() throws Exception {
        for (int round = 0; round < 20; round++) {
            Budget budget = budget(9_000_000_000L * USD, enforcement);
            Period first = budget.peek();
            java.util.concurrent.atomic.LongAdder charged = new java.util.concurrent.atomic.LongAdder();
            for (int attempt = 0; attempt < 1_000 && !first.striped(); attempt++) { // contend until it stripes
                Race.run(4, thread -> {
                    for (int i = 0; i < 20_000; i++) {
                        budget.charge(first, 1);
                        charged.add(1);
                    }
                });
            }
            Rolls rolls = new Rolls();
            Race.run(8, thread -> {
                for (int i = 0; i < 20_000; i++) {
                    if (thread == 0 && i == 10_000) {
                        synchronized (rolls) {
                            budget.current(first.endMillis, rolls);
                        }
                    }
                    Period p = i < 10_000 || (i + thread) % 2 == 0 ? first : budget.peek();
                    while (!budget.chargeUnlessSealed(p, 7)) {
                        p = budget.current(p.endMillis, rolls);
                    }
                    charged.add(7);
                }
            });
            assertThat(first.striped()).as("round %d: contended", round).isTrue();
            assertThat(rolls.announced).hasSize(1);
            assertThat(rolls.announced.get(0) + budget.peek().spentNanos()).as("round %d", round).isEqualTo(charged.sum());
        }
    }

    @Test
    void anUncontendedPeriodNeverStripesAndAStoreBackedOneNeverDoes() throws Exception {
        Budget single = budget(100 * USD, enforcement);
        for (int i = 0; i < 100_000; i++) {
            single.charge(single.peek(), 1);
        }
        assertThat(single.peek().striped()).isFalse();
        Budget storeBacked = budget(100 * USD, null);
        Race.run(8, thread -> {
            for (int i = 0; i < 100_000; i++) {
                storeBacked.charge(storeBacked.peek(), 1);
                assertThat(storeBacked.tryHold(storeBacked.peek(), 1, 0)).isTrue();
                Budget.release(storeBacked.peek(), 1);
            }
        });
        assertThat(storeBacked.peek().striped()).isFalse();
        assertThat(storeBacked.peek().spentNanos()).isEqualTo(800_000);
        assertThat(storeBacked.peek().heldNanos()).isZero();
    }

    @Test
    void aContendedPeriodStripesReadsExactlyAndStaysWithinItsMemoryBound() throws Exception {
        Budget budget = budget(1_000_000 * USD, enforcement);
        Period p = budget.peek();
        long before = GraphLayout.parseInstance(p).totalSize();
        for (int round = 0; round < 1_000 && !p.striped(); round++) {
            Race.run(4, thread -> {
                for (int i = 0; i < 20_000; i++) {
                    budget.charge(p, 1);
                }
            });
        }
        assertThat(p.striped()).isTrue();
        long spentSoFar = p.spentNanos();
        Race.run(8, thread -> {
            for (int i = 0; i < 50_000; i++) {
                budget.charge(p, 3);
                assertThat(budget.tryHold(p, 5, 0)).isTrue();
                Budget.release(p, 5);
            }
        });
        assertThat(p.spentNanos()).isEqualTo(spentSoFar + 8 * 50_000 * 3);
        assertThat(p.heldNanos()).isZero();
        // what the base counts beyond the truth is only allowances, at most 1/8 of the room below the cap
        long parked = p.baseUsed() - p.spentNanos() - p.heldNanos();
        assertThat(parked).isBetween(0L, (p.cap - p.spentNanos()) / 8 + 2 * p.chunk * Period.STRIPES);
        long growth = GraphLayout.parseInstance(p).totalSize() - before;
        assertThat(growth).as("bytes a striped period adds").isLessThanOrEqualTo(Period.STRIPES * 200L);
        System.out.printf("A striped period (%d stripes) adds %d bytes%n", Period.STRIPES, growth);
    }
}
