package dev.agentsre.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.testing.ManualClock;
import dev.agentsre.testing.Race;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** 8 threads recording 1,000,000 events in total lose none, in the budget and in the indicators. */
class SloConcurrencyTest {

    private static final int THREADS = 8;
    private static final int PER_THREAD = 125_000;

    @Test
    void eightThreadsRecordingAMillionEventsLoseNone() throws Exception {
        ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T00:00:00Z"));
        ErrorBudget budget = ErrorBudget.builder().total(0.005).clock(clock).build();
        AggregateSli success = Slis.taskSuccessRate().clock(clock).build();
        PercentileSli latency = Slis.responseLatency().clock(clock).build();
        AggregateSli cost = Slis.costPerTask().clock(clock).build();

        Race.run(THREADS, thread -> {
            for (int i = 0; i < PER_THREAD; i++) {
                boolean good = i % 100 != 0;
                budget.recordEvent(good);
                success.record(good);
                latency.record(good ? 800 : 9_000);
                cost.record(0.25);
                if (i % 10_000 == 0) {
                    clock.advanceMillis(1_000); // buckets rotate while others write
                }
            }
        });

        long total = (long) THREADS * PER_THREAD;
        long bad = (long) THREADS * (PER_THREAD / 100);
        assertThat(budget.totalEvents()).isEqualTo(total);
        assertThat(budget.badEvents()).isEqualTo(bad);
        assertThat(success.count()).isEqualTo(total);
        assertThat(success.compliance()).isEqualTo((double) (total - bad) / total);
        assertThat(latency.count()).isEqualTo(total);
        assertThat(latency.compliance()).isEqualTo((double) (total - bad) / total);
        assertThat(cost.count()).isEqualTo(total);
        assertThat(cost.currentValue()).isEqualTo(0.25);
    }
}
