package dev.agentsre.slo;

import dev.agentsre.event.BurnRateAlertFired;
import dev.agentsre.event.BurnRateAlertResolved;
import dev.agentsre.event.SloStatusChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.internal.Check;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A service level objective: indicators, an error budget and the agent they concern.
 *
 * <pre>{@code
 * Slo slo = Slo.builder("code-reviewer-reliability")
 *         .agentId("code-reviewer")
 *         .indicator(Slis.taskSuccessRate().build())
 *         .errorBudget(ErrorBudget.builder().total(0.005).exhaustionAction(ExhaustionAction.THROTTLE).build())
 *         .eventBus(bus)
 *         .build();
 * slo.recordEvent(true);
 * SloStatus status = slo.evaluate();
 * }</pre>
 *
 * <p><b>Status.</b> {@link #evaluate()} returns {@link SloStatus#UNKNOWN} while the budget and every
 * indicator are empty; otherwise the worst that applies of {@link SloStatus#EXHAUSTED} (budget
 * exhausted), {@link SloStatus#CRITICAL} (a critical alert fires), {@link SloStatus#WARNING} (a
 * warning alert fires or an indicator with data misses its target) and {@link SloStatus#HEALTHY}.
 *
 * <p><b>Events.</b> Each evaluation compares with the previous one and publishes, in this order, a
 * {@link BurnRateAlertFired} / {@link BurnRateAlertResolved} for every alert that started or
 * stopped firing, then a {@link SloStatusChanged} if the status changed. Transitions are claimed
 * atomically, so concurrent evaluations report each transition once. {@link #recordEvent(boolean)}
 * evaluates by itself at most once per {@code evaluationInterval} (default 1 s), so events flow
 * without a scheduler; code that records on the budget directly calls {@link #evaluate()}. A failure
 * of that automatic evaluation (a custom indicator that throws) is logged, never thrown into the
 * caller: the event itself is recorded.
 *
 * <p><b>Thread safety and memory.</b> Thread-safe. Beyond its indicators and budget an SLO holds
 * two words of state.
 */
public final class Slo {

    /** Default minimum time between evaluations triggered by {@link #recordEvent(boolean)}. */
    public static final Duration DEFAULT_EVALUATION_INTERVAL = Duration.ofSeconds(1);

    private final String name;
    private final String agentId;
    private final String description;
    private final List<Sli> indicators;
    private final ErrorBudget errorBudget;
    private final SreEventBus eventBus;
    private final Clock clock;
    private final long evaluationIntervalMillis;
    private final AtomicReference<SloStatus> status = new AtomicReference<>(SloStatus.UNKNOWN);
    private final AtomicLong firingMask = new AtomicLong();
    private final AtomicLong nextEvaluationMillis = new AtomicLong(Long.MIN_VALUE);
    private volatile boolean evaluationFailureLogged;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Slo.class);

    private Slo(Builder b) {
        this.name = Check.notBlank("name", b.name);
        this.agentId = b.agentId;
        this.description = b.description == null ? "" : b.description;
        this.indicators = List.copyOf(b.indicators);
        this.errorBudget = Check.notNull("errorBudget", b.errorBudget);
        this.eventBus = b.eventBus == null ? new SreEventBus() : b.eventBus;
        this.clock = b.clock == null ? errorBudget.clock() : b.clock;
        Duration interval = Check.notNull("evaluationInterval", b.evaluationInterval);
        if (interval.isNegative()) {
            throw new IllegalArgumentException("evaluationInterval must not be negative, got " + interval);
        }
        this.evaluationIntervalMillis = interval.toMillis();
        Set<String> names = new HashSet<>();
        for (Sli sli : indicators) {
            if (!names.add(sli.name())) {
                throw new IllegalArgumentException("indicator names must be unique within an SLO, got '" + sli.name() + "' twice");
            }
        }
    }

    /** Starts a builder for an SLO called {@code name}. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * Records one event on the error budget and, if {@code evaluationInterval} has passed since the
     * last such evaluation, evaluates.
     */
    public void recordEvent(boolean good) {
        errorBudget.recordEvent(good);
        long next = nextEvaluationMillis.get();
        long now = clock.millis();
        if (now >= next && nextEvaluationMillis.compareAndSet(next, now + evaluationIntervalMillis)) {
            try {
                evaluate();
            } catch (RuntimeException e) {
                // The event is recorded; a failing indicator must not break the agent's call.
                // Explicit evaluate() calls still see the exception.
                if (!evaluationFailureLogged) {
                    evaluationFailureLogged = true;
                    LOG.warn("SLO '{}' could not be evaluated after recording an event; the event was recorded "
                            + "(further failures are not logged)", name, e);
                }
            }
        }
    }

    /** Evaluates the SLO, publishes alert and status transitions, and returns the status. */
    public SloStatus evaluate() {
        ErrorBudget.Snapshot budget = errorBudget.snapshot();
        publishAlertTransitions(budget.firingAlerts());
        SloStatus next = statusOf(budget);
        SloStatus previous = status.getAndSet(next);
        if (previous != next) {
            eventBus.publish(new SloStatusChanged(clock.instant(), agentId, name, previous, next,
                    errorBudget.exhaustionAction(), budget.remainingPercent()));
        }
        return next;
    }

    /** The status of the last evaluation, without evaluating. */
    public SloStatus status() {
        return status.get();
    }

    /** The SLO's name. */
    public String name() {
        return name;
    }

    /** The agent this SLO concerns, or {@code null}. */
    public String agentId() {
        return agentId;
    }

    /** A free-text description (empty if none). */
    public String description() {
        return description;
    }

    /** The indicators, in the order they were added. */
    public List<Sli> indicators() {
        return indicators;
    }

    /** The indicator called {@code name}. */
    public Sli indicator(String name) {
        for (Sli sli : indicators) {
            if (sli.name().equals(name)) {
                return sli;
            }
        }
        throw new IllegalArgumentException("SLO '" + this.name + "' has no indicator named '" + name + "'");
    }

    /** The error budget. */
    public ErrorBudget errorBudget() {
        return errorBudget;
    }

    /** The bus status and alert events are published on. */
    public SreEventBus eventBus() {
        return eventBus;
    }

    @Override
    public String toString() {
        return "Slo{" + name + (agentId == null ? "" : ", agent=" + agentId) + ", status=" + status.get() + '}';
    }

    private SloStatus statusOf(ErrorBudget.Snapshot budget) {
        boolean anyData = budget.totalEvents() > 0;
        boolean indicatorMissed = false;
        for (Sli sli : indicators) {
            if (sli.hasData()) {
                anyData = true;
                if (!sli.collect().isGood()) {
                    indicatorMissed = true;
                }
            }
        }
        if (!anyData) {
            return SloStatus.UNKNOWN;
        }
        if (budget.exhausted()) {
            return SloStatus.EXHAUSTED;
        }
        boolean warning = indicatorMissed;
        for (BurnRateAlert alert : budget.firingAlerts()) {
            if (alert.severity() == AlertSeverity.CRITICAL) {
                return SloStatus.CRITICAL;
            }
            warning = true;
        }
        return warning ? SloStatus.WARNING : SloStatus.HEALTHY;
    }

    private void publishAlertTransitions(List<BurnRateAlert> firing) {
        List<BurnRateAlert> all = errorBudget.alerts();
        long mask = 0;
        for (BurnRateAlert alert : firing) {
            mask |= 1L << all.indexOf(alert);
        }
        long previous = firingMask.getAndSet(mask);
        long changed = previous ^ mask;
        if (changed == 0) {
            return;
        }
        List<Runnable> publications = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if ((changed & (1L << i)) == 0) {
                continue;
            }
            BurnRateAlert alert = all.get(i);
            double longRate = errorBudget.burnRate(alert.longWindow());
            double shortRate = alert.shortWindow() == null ? Double.NaN : errorBudget.burnRate(alert.shortWindow());
            boolean started = (mask & (1L << i)) != 0;
            publications.add(() -> eventBus.publish(started
                    ? new BurnRateAlertFired(clock.instant(), agentId, name, alert, longRate, shortRate)
                    : new BurnRateAlertResolved(clock.instant(), agentId, name, alert, longRate, shortRate)));
        }
        publications.forEach(Runnable::run);
    }

    /** Builder for {@link Slo}. Required: a name and an error budget. */
    public static final class Builder {
        private final String name;
        private String agentId;
        private String description;
        private final List<Sli> indicators = new ArrayList<>();
        private ErrorBudget errorBudget;
        private SreEventBus eventBus;
        private Clock clock;
        private Duration evaluationInterval = DEFAULT_EVALUATION_INTERVAL;

        private Builder(String name) {
            this.name = name;
        }

        /** The agent this SLO concerns. */
        public Builder agentId(String agentId) {
            this.agentId = Check.notBlank("agentId", agentId);
            return this;
        }

        /** A free-text description. */
        public Builder description(String description) {
            this.description = description;
            return this;
        }

        /** Adds an indicator; names must be unique within the SLO. */
        public Builder indicator(Sli indicator) {
            this.indicators.add(Check.notNull("indicator", indicator));
            return this;
        }

        /** The error budget (required). */
        public Builder errorBudget(ErrorBudget errorBudget) {
            this.errorBudget = errorBudget;
            return this;
        }

        /** Where events are published (default: a private bus nobody listens to). */
        public Builder eventBus(SreEventBus eventBus) {
            this.eventBus = eventBus;
            return this;
        }

        /** The clock events are stamped with (default: the error budget's). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Minimum time between evaluations triggered by {@link Slo#recordEvent(boolean)}; zero evaluates every time. */
        public Builder evaluationInterval(Duration interval) {
            this.evaluationInterval = interval;
            return this;
        }

        /** Validates and builds. */
        public Slo build() {
            return new Slo(this);
        }
    }
}
