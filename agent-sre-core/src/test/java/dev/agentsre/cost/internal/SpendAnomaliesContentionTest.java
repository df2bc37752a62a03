package dev.agentsre.cost.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.cost.BudgetAction;
import dev.agentsre.cost.CostAlert;
import dev.agentsre.testing.Race;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 21: charges of one agent racing for its spend baselines are applied by whichever thread holds
 * them (combining) instead of queueing on a lock — every charge still judged exactly once, in an order
 * a lock could have given, and each caller handed the alerts its own charge raised.
 */
class SpendAnomaliesContentionTest {

    private static final long MINUTE = 60_000;
    private static final long T0 = 1_773_133_200_000L; // 2026-03-10T09:00:00Z, a minute boundary
    private static final long CENT = 10_000_000L;
    private static final long USD = 1_000_000_000L;

    /** Spikes off (z of a billion): only the runaway-minute alert, which fires once per minute. */
    private static SpendAnomalies velocityOnly() {
        SpendAnomalies anomalies = new SpendAnomalies("agent", new SpendAnomalies.Settings(1e9, 3.0, 3.0, 0.50));
        for (int minute = 0; minute <= SpendAnomalies.VELOCITY_WARMUP_MINUTES; minute++) {
            anomalies.check("warm-" + minute, CENT, T0 + minute * MINUTE, null); // a cent a minute: the baseline
        }
        return anomalies;
    }

    @Test
    void racingChargesAreEachAppliedOnceAndTheMinutesOneAlertReachesTheCallerWhoseChargeRaisedIt() throws Exception {
        SpendAnomalies anomalies = velocityOnly();
        long warm = anomalies.charges();
        long racingMinute = T0 + (SpendAnomalies.VELOCITY_WARMUP_MINUTES + 1) * MINUTE;
        int threads = 8;
        int charges = 5_000;
        List<String> misdelivered = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger alerts = new AtomicInteger();
        Race.run(threads, thread -> {
            for (int i = 0; i < charges; i++) {
                String task = "t-" + thread + "-" + i;
                List<CostAlert> raised = anomalies.check(task, USD, racingMinute, null);
                if (raised != null) {
                    for (CostAlert alert : raised) {
                        alerts.incrementAndGet();
                        if (!alert.taskId().equals(task) || alert.action() != BudgetAction.ANOMALY) {
                            misdelivered.add(task + " got " + alert);
                        }
                    }
                }
            }
        });
        assertThat(anomalies.charges()).isEqualTo(warm + (long) threads * charges);
        assertThat(alerts.get()).as("one runaway-minute alert for the minute").isEqualTo(1);
        assertThat(misdelivered).isEmpty();
        assertThat(anomalies.hasWaiting()).as("no charge left waiting").isFalse();
    }

    @Test
    void aChargeThatFindsTheBaselinesBusyIsAppliedByTheHolderAfterItsOwnAndGetsItsAlertsBack() throws Exception {
        SpendAnomalies anomalies = velocityOnly();
        long minute = T0 + (SpendAnomalies.VELOCITY_WARMUP_MINUTES + 1) * MINUTE;
        anomalies.check("first", USD, minute, null);
        anomalies.applying.lock(); // this thread holds the baselines: the next charge must wait
        CompletableFuture<List<CostAlert>> waiter;
        try {
            waiter = CompletableFuture.supplyAsync(() -> anomalies.check("waiting", USD, minute, null));
            while (!anomalies.hasWaiting()) {
                Thread.onSpinWait(); // until its request is in (polled, not slept)
            }
            List<CostAlert> own = anomalies.check("holder", USD, minute, null); // the minute's second charge: no alert yet
            assertThat(own).isNull();
            // Applied by this thread, which still holds the baselines: the waiter could not have applied it itself.
            assertThat(anomalies.hasWaiting()).isFalse();
            assertThat(anomalies.charges()).isEqualTo(SpendAnomalies.VELOCITY_WARMUP_MINUTES + 1 + 3);
        } finally {
            anomalies.applying.unlock();
        }
        List<CostAlert> handedBack = waiter.get(60, TimeUnit.SECONDS);
        assertThat(handedBack).as("the minute's third charge is the runaway one, applied after the holder's").hasSize(1);
        assertThat(handedBack.get(0).taskId()).isEqualTo("waiting");
        assertThat(anomalies.charges()).isEqualTo(SpendAnomalies.VELOCITY_WARMUP_MINUTES + 1 + 3);
    }
}
