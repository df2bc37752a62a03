package dev.agentsre.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/**
 * The memory bound of an SLO: measured as the retained size of its object graph with JOL
 * ({@link GraphLayout#totalSize()}), excluding the shared clock and event bus.
 */
class SloMemoryTest {

    private static final long LIMIT = 64 * 1024;

    @Test
    void aThirtyDaySloWithMultiWindowAlertsStaysUnder64KiBWhateverTheTraffic() {
        ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T00:00:00Z"));
        Slo slo = Slo.builder("reliability")
                .agentId("agent")
                .indicator(Slis.taskSuccessRate().clock(clock).build())
                .errorBudget(ErrorBudget.builder().total(0.005).window(Duration.ofDays(30)).clock(clock).build())
                .build();

        long empty = retainedSize(slo);

        // 200,000 events spread over 30 days of simulated time: every bucket of every ring is
        // written (the finest are 30 s wide), so any per-event or per-bucket growth would show.
        for (int i = 0; i < 200_000; i++) {
            slo.recordEvent(i % 250 != 0);
            slo.indicator("task_success_rate").record(i % 250 != 0 ? 1.0 : 0.0);
            clock.advanceMillis(12_960); // 30 days / 200,000
        }
        long full = retainedSize(slo);

        System.out.printf("SLO (30d budget, multi-window alerts, 1 built-in SLI): %,d bytes empty, %,d bytes after 200k events over 30 days%n",
                empty, full);
        assertThat(full).isLessThan(LIMIT);
        assertThat(full).isEqualTo(empty);
    }

    private static long retainedSize(Slo slo) {
        GraphLayout graph = GraphLayout.parseInstance(slo);
        // The clock and bus are shared with other components; they are not part of the SLO's cost.
        GraphLayout shared = GraphLayout.parseInstance(slo.errorBudget().clock(), slo.eventBus());
        return graph.subtract(shared).totalSize();
    }
}
