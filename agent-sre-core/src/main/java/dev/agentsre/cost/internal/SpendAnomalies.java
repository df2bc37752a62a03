package dev.agentsre.cost.internal;

import dev.agentsre.cost.BudgetAction;
import dev.agentsre.cost.BudgetScope;
import dev.agentsre.cost.CostAlert;
import dev.agentsre.internal.Combiner;
import dev.agentsre.internal.Money;
import dev.agentsre.internal.stats.EwmaBaseline;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;

/**
 * One agent's spend baselines and the two anomalies judged against them: a task that costs far more
 * than the agent's tasks usually do (a spike), and a minute of spend far above its usual minutes (a
 * runaway loop: many charges). Each charge is scored before it joins the baseline; a spike enters the
 * baseline winsorised.
 *
 * <p><b>Contention.</b> The baselines are sequential (each charge is judged against every charge
 * before it), so charges are applied one at a time — but not by queueing threads on a lock. A
 * charge that finds the baselines free applies itself, then any charges that arrived meanwhile; a
 * charge that finds them busy leaves a request (a lock-free stack) and waits a few spins for the
 * thread applying charges to apply it too and hand back its alerts, or takes over when that thread
 * is gone. Every charge is judged exactly as under a lock, in an order that a lock could have given
 * concurrent charges, and each caller gets the alerts its own charge raised; one thread applies a
 * burst of charges with the baselines hot in its cache instead of the baselines moving between
 * cores with every charge. Uncontended, a charge allocates nothing (a waiting one, its request).
 * Memory: about 200 bytes. Not API.
 */
public final class SpendAnomalies {

    /** Tasks before spikes are judged. */
    static final int WARMUP = 10;
    /** Tasks the cost baseline averages over (EWMA). */
    static final int BASELINE_TASKS = 50;
    /** Minutes the velocity baseline averages over (EWMA). */
    static final int BASELINE_MINUTES = 30;
    /** Minutes before velocity is judged. */
    static final int VELOCITY_WARMUP_MINUTES = 10;
    private static final int MIN_LOOP_CHARGES = 3;
    private static final long SPIKE_COOLDOWN_MILLIS = 60_000;
    private static final double SPIKE_ESCALATION = 1.5;

    /**
     * The tuning.
     *
     * @param zThreshold floored standard deviations above the baseline that make a spike
     * @param minRatio times the baseline's mean a spike must also reach
     * @param velocityRatio times the per-minute baseline that make a runaway minute
     * @param velocityMinimumUsdPerMinute the least spend per minute that can be a runaway minute
     */
    public record Settings(double zThreshold, double minRatio, double velocityRatio, double velocityMinimumUsdPerMinute) {
    }

    private final String agentId;
    private final Settings settings;
    private final EwmaBaseline costBaseline = new EwmaBaseline(2.0 / (BASELINE_TASKS + 1), 0.10, 0.000_1);
    private final EwmaBaseline velocityBaseline = new EwmaBaseline(2.0 / (BASELINE_MINUTES + 1), 0.25, 0.01);
    private long minute = Long.MIN_VALUE;
    private long minuteSpend;
    private int minuteCharges;
    private long alertedMinute = Long.MIN_VALUE;
    private long lastSpikeMillis = Long.MIN_VALUE / 2;
    private double lastSpikeUsd;

    /** The baselines of {@code agentId}. */
    public SpendAnomalies(String agentId, Settings settings) {
        this.agentId = agentId;
        this.settings = settings;
    }

    /** Applies the baselines one charge at a time; charges that find them busy are handed to the holder. */
    final Combiner<Request> applying = new Combiner<>(this::apply);

    /** A charge that found the baselines busy: applied by whichever thread holds them. */
    private static final class Request extends Combiner.Request {
        final String taskId;
        final long nanos;
        final long now;
        List<CostAlert> alerts;

        Request(String taskId, long nanos, long now) {
            this.taskId = taskId;
            this.nanos = nanos;
            this.now = now;
        }
    }

    /**
     * Scores a charge of {@code nanos} for {@code taskId} at {@code now}, adds it to the baselines, and
     * returns {@code alerts} with any anomaly it raised appended (a new list when {@code alerts} is null).
     */
    public List<CostAlert> check(String taskId, long nanos, long now, List<CostAlert> alerts) {
        if (applying.tryLock()) {
            try {
                return apply(taskId, nanos, now, alerts);
            } finally {
                applying.unlock();
            }
        }
        return waitForTurn(taskId, nanos, now, alerts);
    }

    /** The baselines are busy: the charge is handed to their holder (or applied here if that thread is gone). */
    private List<CostAlert> waitForTurn(String taskId, long nanos, long now, List<CostAlert> alerts) {
        Request request = new Request(taskId, nanos, now);
        applying.submit(request);
        List<CostAlert> raised = request.alerts;
        if (raised != null) {
            for (CostAlert alert : raised) {
                alerts = Alerts.add(alerts, alert);
            }
        }
        return alerts;
    }

    /** Whether a charge is waiting to be applied (for tests). */
    boolean hasWaiting() {
        return applying.hasWaiting();
    }

    /** Charges in the cost baseline (for tests). */
    long charges() {
        applying.lock();
        try {
            return costBaseline.count();
        } finally {
            applying.unlock();
        }
    }

    private void apply(Request request) {
        request.alerts = apply(request.taskId, request.nanos, request.now, null);
    }

    /** Under the lock: one charge judged against the baselines, then added to them. */
    private List<CostAlert> apply(String taskId, long nanos, long now, List<CostAlert> alerts) {
        double usd = Money.toDouble(nanos);
        boolean spike = false;
        // Per-task cost: scored against the baseline before it joins it.
        if (costBaseline.count() >= WARMUP) {
            double z = costBaseline.score(usd);
            double mean = costBaseline.mean();
            if (z >= settings.zThreshold() && usd >= settings.minRatio() * mean) {
                spike = true;
            }
            // One alert per burst: repeats within the cooldown are dropped unless they escalate.
            boolean repeat = now - lastSpikeMillis < SPIKE_COOLDOWN_MILLIS && usd <= lastSpikeUsd * SPIKE_ESCALATION;
            if (spike && !repeat) {
                lastSpikeMillis = now;
                lastSpikeUsd = usd;
                alerts = Alerts.add(alerts, new CostAlert(Instant.ofEpochMilli(now), agentId, taskId, BudgetScope.AGENT, agentId,
                        BudgetAction.ANOMALY, Double.NaN, Money.toUsd(nanos), BigDecimal.valueOf(mean).setScale(6, RoundingMode.HALF_EVEN),
                        String.format("task '%s' of agent '%s' cost $%.4f, %.1f× its baseline of $%.4f (z = %.1f)",
                                taskId, agentId, usd, usd / mean, mean, z)));
            }
            // Winsorised: one spike must not blow up the baseline it is judged against.
            costBaseline.add(Math.min(usd, mean + settings.zThreshold() * costBaseline.flooredStd()));
        } else {
            costBaseline.add(usd);
        }
        // Spend velocity: dollars per minute against the agent's per-minute baseline.
        long currentMinute = Math.floorDiv(now, 60_000L);
        if (currentMinute > minute) {
            if (minute != Long.MIN_VALUE) {
                velocityBaseline.add(Money.toDouble(minuteSpend));
                long idle = Math.min(currentMinute - minute - 1, BASELINE_MINUTES * 2L);
                for (long i = 0; i < idle; i++) {
                    velocityBaseline.add(0.0); // idle minutes are minutes of zero spend
                }
            }
            minute = currentMinute;
            minuteSpend = 0;
            minuteCharges = 0;
        }
        minuteSpend = Money.sum(minuteSpend, nanos);
        minuteCharges++;
        double perMinute = Money.toDouble(minuteSpend);
        double baseline = velocityBaseline.mean();
        // A loop is many charges: one expensive task is the spike above, not a velocity problem.
        if (!spike && minuteCharges >= MIN_LOOP_CHARGES
                && velocityBaseline.count() >= VELOCITY_WARMUP_MINUTES && alertedMinute != currentMinute
                && perMinute >= settings.velocityMinimumUsdPerMinute()
                && perMinute >= settings.velocityRatio() * Math.max(baseline, 0.01)) {
            alertedMinute = currentMinute;
            alerts = Alerts.add(alerts, new CostAlert(Instant.ofEpochMilli(now), agentId, taskId, BudgetScope.AGENT, agentId,
                    BudgetAction.ANOMALY, Double.NaN, Money.toUsd(minuteSpend),
                    BigDecimal.valueOf(baseline).setScale(6, RoundingMode.HALF_EVEN),
                    String.format("agent '%s' is spending $%.2f/min, %.1f× its baseline of $%.2f/min (runaway loop?)",
                            agentId, perMinute, perMinute / Math.max(baseline, 0.01), baseline)));
        }
        return alerts;
    }
}
