package dev.agentsre.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.internal.window.StripedRollingCounter;
import dev.agentsre.testing.ManualClock;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/**
 * The memory bound of the class comment of {@link ErrorBudget}, measured with JOL: about 25 KiB for
 * a 30-day budget at one stripe per ring, whatever the traffic, and 144 bytes more per stripe of each
 * ring once they have grown to the stripe cap (at most 8: about 2 KiB more).
 */
class ErrorBudgetMemoryTest {

    @Test
    void aThirtyDayBudgetIsAbout25KiBAtOneStripeAndAtMost2KiBMoreAtTheCap() throws Exception {
        ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T00:00:00Z"));
        ErrorBudget budget = ErrorBudget.builder().total(0.005).clock(clock).build();
        long empty = retainedSize(budget);
        for (int i = 0; i < 200_000; i++) {
            budget.recordEvent(i % 250 != 0);
            clock.advanceMillis(12_960); // 30 days over 200,000 events: every bucket of both rings written
        }
        long oneStripe = retainedSize(budget);
        int cap = growRingsToTheCap(budget);
        long capped = retainedSize(budget);
        System.out.printf("ErrorBudget (30d, four tiers): %,d bytes empty, %,d after 200k events, %,d with both rings at their cap of %d"
                + " stripes%n", empty, oneStripe, capped, cap);

        assertThat(oneStripe).isEqualTo(empty);
        assertThat(oneStripe).isLessThanOrEqualTo(26 * 1024);
        long perStripe = StripedRollingCounter.STRIPE_BYTES + 4; // the cell and its reference
        assertThat(capped - oneStripe).isBetween(2L * (cap - 1) * StripedRollingCounter.STRIPE_BYTES, 2L * ((cap - 1) * perStripe + 16));
        assertThat(2L * ((StripedRollingCounter.MAX_STRIPES - 1) * perStripe + 16)).isLessThanOrEqualTo(2 * 1024 + 64);
    }

    private static long retainedSize(ErrorBudget budget) {
        return GraphLayout.parseInstance(budget).subtract(GraphLayout.parseInstance(budget.clock())).totalSize();
    }

    // As contention would grow them (StripedRollingCounter.growTo is the rings' test hook).
    private static int growRingsToTheCap(ErrorBudget budget) throws Exception {
        Method growTo = StripedRollingCounter.class.getDeclaredMethod("growTo", int.class);
        growTo.setAccessible(true);
        int rings = 0;
        int cap = 0;
        for (Field field : ErrorBudget.class.getDeclaredFields()) {
            if (field.getType() == StripedRollingCounter.class) {
                field.setAccessible(true);
                StripedRollingCounter ring = (StripedRollingCounter) field.get(budget);
                growTo.invoke(ring, StripedRollingCounter.MAX_STRIPES);
                assertThat(ring.stripes()).isEqualTo(ring.maxStripes());
                cap = ring.maxStripes();
                rings++;
            }
        }
        assertThat(rings).isEqualTo(2);
        return cap;
    }
}
