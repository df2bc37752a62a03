package dev.agentsre.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.event.SloStatusChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.Race;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;

/**
 * 16 threads recording while 4 threads evaluate: the status changes published form one consistent
 * chain that ends in the final status — no stale EXHAUSTED after the recovery.
 */
class SloEvaluationConcurrencyTest {

    private static final int RECORDERS = 16;
    private static final int EVALUATORS = 4;
    private static final int EVENTS_PER_RECORDER = 1_000;

    @RepeatedTest(3)
    void publishedStatusChangesAreConsistentWithTheFinalStatus() throws Exception {
        ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T00:00:00Z"));
        SreEventBus bus = new SreEventBus();
        List<SloStatusChanged> changes = Collections.synchronizedList(new ArrayList<>());
        bus.subscribe(SloStatusChanged.class, e -> {
            changes.add(e);
            Thread.yield(); // a slow listener widens the window for out-of-order delivery
        });
        Slo slo = Slo.builder("reliability").agentId("a")
                .errorBudget(ErrorBudget.builder().target(0.99).window("1h").projectAllowance(false).clock(clock).build())
                .eventBus(bus).evaluationInterval(Duration.ZERO).build();

        // Recorders first record failures; when all are done, the barrier moves the clock past the
        // window and they record successes. Evaluators run throughout, across the jump.
        CyclicBarrier halfway = new CyclicBarrier(RECORDERS, () -> clock.advance(Duration.ofHours(2)));
        AtomicInteger recordersDone = new AtomicInteger();
        Race.run(RECORDERS + EVALUATORS, thread -> {
            if (thread < EVALUATORS) {
                while (recordersDone.get() < RECORDERS) {
                    slo.evaluate();
                }
                return;
            }
            for (int i = 0; i < EVENTS_PER_RECORDER; i++) {
                slo.recordEvent(false);
            }
            halfway.await();
            for (int i = 0; i < EVENTS_PER_RECORDER; i++) {
                slo.recordEvent(true);
            }
            recordersDone.incrementAndGet();
        });
        SloStatus last = slo.evaluate();

        assertThat(last).isEqualTo(SloStatus.HEALTHY);
        List<SloStatusChanged> chain = List.copyOf(changes);
        assertThat(chain).isNotEmpty();
        assertThat(chain.get(0).previous()).isEqualTo(SloStatus.UNKNOWN);
        for (int i = 1; i < chain.size(); i++) {
            assertThat(chain.get(i).previous()).as("change %d follows change %d", i, i - 1).isEqualTo(chain.get(i - 1).current());
            assertThat(chain.get(i).timestamp()).isAfterOrEqualTo(chain.get(i - 1).timestamp());
        }
        assertThat(chain.get(chain.size() - 1).current()).isEqualTo(slo.status());
        assertThat(chain).filteredOn(SloStatusChanged::exhausted).hasSize(1);
        int recovery = chain.indexOf(chain.stream().filter(SloStatusChanged::recovered).findFirst().orElseThrow());
        assertThat(chain.subList(recovery, chain.size())).extracting(SloStatusChanged::current).doesNotContain(SloStatus.EXHAUSTED);
    }
}
