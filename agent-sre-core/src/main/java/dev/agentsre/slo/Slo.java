package dev.agentsre.slo;

import dev.agentsre.event.BurnRateAlertFired;
import dev.agentsre.event.BurnRateAlertResolved;
import dev.agentsre.event.SloStatusChanged;
import dev.agentsre.event.SreEvent;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.internal.Check;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import dev.agentsre.redact.Redactor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * exhausted; once exhausted, until the budget's {@linkplain ErrorBudget#recoveryMargin() recovery
 * margin} is back), {@link SloStatus#CRITICAL} (a critical alert is open), {@link SloStatus#WARNING} (a
 * warning alert is open or an indicator with data misses its target) and {@link SloStatus#HEALTHY}.
 *
 * <p><b>Alerts.</b> Each rule of the budget fires and resolves with the hysteresis of {@link
 * BurnRateAlert} ({@link #firingAlerts()}). The SLO has at most one <em>open</em> alert ({@link
 * #openAlert()}): the most severe firing rule (the first in {@link ErrorBudget#alerts()} order among
 * equals). Events follow the open alert, so an outage that makes all four default tiers fire reports
 * one alert, not four: {@link BurnRateAlertFired} when an alert opens, {@link BurnRateAlertResolved}
 * when it closes, and on a change of severity (a ticket escalating to a page, a page calming down
 * to a ticket) the old one's Resolved followed by the new one's Fired. Other rules starting or
 * stopping at the same severity publish nothing.
 *
 * <p><b>Events and evaluation.</b> Each evaluation publishes, in this order, the alert events, then
 * a {@link SloStatusChanged} if the status changed. Evaluations are serialised and versioned: each
 * takes a ticket before it reads anything, the budget is read and the state updated under a lock
 * (never held while an indicator or a listener runs), and an evaluation that finds a later ticket
 * already applied publishes nothing — so a stale reading never overwrites a newer one. Events reach
 * listeners in the order of the transitions, each exactly once, on the thread of whichever
 * evaluation drains them. {@link #recordEvent(boolean)} evaluates by itself at most once per
 * {@code evaluationInterval} (default 1 s); with no traffic, an {@link SloEvaluator} evaluates on a
 * schedule so that alerts resolve and exhaustion recovers. A failure of the automatic evaluation (a
 * custom indicator that throws) is logged, never thrown into the caller: the event itself is recorded.
 *
 * <p><b>Feeding it from a pipeline.</b> {@link #recordServed(boolean)} and {@link
 * #recordRefused(Refusal)} turn tasks and refusals into budget events according to {@link
 * BudgetEvents} and feed every {@link AvailabilitySli} of the SLO; {@link #recordEvent(boolean)}
 * records a raw budget event.
 *
 * <p><b>Thread safety and memory.</b> Thread-safe. Beyond its indicators and budget an SLO holds
 * the state of its alert rules (three words per rule) and a queue of events not yet delivered
 * (empty between evaluations).
 */
public final class Slo {

    /** Default minimum time between evaluations triggered by {@link #recordEvent(boolean)}. */
    public static final Duration DEFAULT_EVALUATION_INTERVAL = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(Slo.class);
    private static final long UNSET = Long.MIN_VALUE;

    private final String name;
    private final String agentId;
    private final String description;
    private final List<Sli> indicators;
    private final List<AvailabilitySli> availabilityIndicators;
    private final Sli budgetIndicator;
    private final ErrorBudget errorBudget;
    private final BudgetEvents budgetEvents;
    private final Set<Refusal> unavailability;
    private final SreEventBus eventBus;
    private final Clock clock;
    private final long evaluationIntervalMillis;
    private final AtomicLong nextEvaluationMillis = new AtomicLong(Long.MIN_VALUE);
    private volatile boolean evaluationFailureLogged;

    // Evaluation state: written under the lock, published through volatiles for lock-free reads.
    private final ReentrantLock evaluationLock = new ReentrantLock();
    private final AtomicLong tickets = new AtomicLong();
    private long appliedTicket;
    private final long[] raisingSince;
    private final long[] notHoldingSince;
    private final boolean[] firing;
    private volatile SloStatus status = SloStatus.UNKNOWN;
    private volatile BurnRateAlert openAlert;
    private volatile List<BurnRateAlert> firingAlerts = List.of();
    private final ArrayDeque<SreEvent> outbox = new ArrayDeque<>(); // guarded by itself
    private final AtomicBoolean draining = new AtomicBoolean();

    private Slo(Builder b) {
        this.name = Check.notBlank("name", b.name);
        this.agentId = b.agentId;
        this.description = b.description == null ? "" : b.description;
        this.indicators = List.copyOf(b.indicators);
        this.errorBudget = Check.notNull("errorBudget", b.errorBudget);
        this.budgetEvents = Check.notNull("budgetEvents", b.budgetEvents);
        this.unavailability = Set.copyOf(Check.notNull("unavailability", b.unavailability));
        this.eventBus = b.eventBus == null ? new SreEventBus() : b.eventBus;
        this.clock = b.clock == null ? errorBudget.clock() : b.clock;
        Duration interval = Check.notNull("evaluationInterval", b.evaluationInterval);
        if (interval.isNegative()) {
            throw new IllegalArgumentException("evaluationInterval must not be negative, got " + interval);
        }
        this.evaluationIntervalMillis = interval.toMillis();
        Set<String> names = new HashSet<>();
        List<AvailabilitySli> availability = new ArrayList<>();
        for (Sli sli : indicators) {
            if (!names.add(sli.name())) {
                throw new IllegalArgumentException("indicator names must be unique within an SLO, got '" + sli.name() + "' twice");
            }
            if (sli instanceof AvailabilitySli a) {
                availability.add(a);
            }
        }
        this.availabilityIndicators = List.copyOf(availability);
        this.budgetIndicator = b.budgetIndicator;
        if (budgetIndicator instanceof EventRatioSli || budgetIndicator instanceof AvailabilitySli) {
            throw new IllegalArgumentException("budgetIndicator must judge samples against a threshold, got "
                    + budgetIndicator.getClass().getSimpleName() + " '" + budgetIndicator.name() + "', which counts events itself");
        }
        int rules = errorBudget.alerts().size();
        this.raisingSince = new long[rules];
        this.notHoldingSince = new long[rules];
        this.firing = new boolean[rules];
        java.util.Arrays.fill(raisingSince, UNSET);
        java.util.Arrays.fill(notHoldingSince, UNSET);
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
        evaluateIfDue();
    }

    /**
     * Records {@code value} on the SLO's {@linkplain Builder#budgetIndicator(Sli) budget indicator}
     * and a budget event judged against it: good when the sample meets the indicator's target in its
     * direction (a latency below its threshold, say). Each sample is an occurrence, as with an
     * OpenSLO {@code thresholdMetric} budgeted by {@code Occurrences}. Then evaluates if due.
     *
     * @throws IllegalStateException if the SLO has no budget indicator
     * @throws IllegalArgumentException if the indicator rejects the value (nothing is recorded)
     */
    public void record(double value) {
        if (budgetIndicator == null) {
            throw new IllegalStateException("SLO '" + name + "' has no budget indicator; record events with recordEvent(good)");
        }
        budgetIndicator.record(value);
        errorBudget.recordEvent(budgetIndicator.comparison().isGood(value, budgetIndicator.target()));
        evaluateIfDue();
    }

    /** The indicator whose samples are the budget's events ({@link #record(double)}), if any. */
    public Optional<Sli> budgetIndicator() {
        return Optional.ofNullable(budgetIndicator);
    }

    /**
     * A task of this SLO's agent was served (admitted and run): records a budget event according to
     * {@link #budgetEvents()} ({@code succeeded} for {@link BudgetEvents#TASK_OUTCOMES}, good for
     * {@link BudgetEvents#AVAILABILITY}) and a served task on every {@link AvailabilitySli}, then
     * evaluates if due (as {@link #recordEvent(boolean)}).
     */
    public void recordServed(boolean succeeded) {
        errorBudget.recordEvent(budgetEvents == BudgetEvents.AVAILABILITY || succeeded);
        for (AvailabilitySli sli : availabilityIndicators) {
            sli.recordServed();
        }
        evaluateIfDue();
    }

    /**
     * A task of this SLO's agent was refused at the door. When the refusal counts as unavailability
     * ({@link #unavailability()}), records an unavailable task on every {@link AvailabilitySli} and,
     * for {@link BudgetEvents#AVAILABILITY}, a bad budget event; otherwise records nothing. Then
     * evaluates if due.
     */
    public void recordRefused(Refusal refusal) {
        Check.notNull("refusal", refusal);
        if (unavailability.contains(refusal)) {
            if (budgetEvents == BudgetEvents.AVAILABILITY) {
                errorBudget.recordEvent(false);
            }
            for (AvailabilitySli sli : availabilityIndicators) {
                sli.recordUnavailable();
            }
        }
        evaluateIfDue();
    }

    private void evaluateIfDue() {
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
                            + "(further failures are not logged)", name, Redactor.defaults().redact(e));
                }
            }
        }
    }

    /**
     * Evaluates the SLO, publishes alert and status transitions, and returns the status. When a
     * concurrent evaluation that started later has already been applied, publishes nothing and
     * returns that evaluation's status.
     *
     * @throws RuntimeException whatever an indicator's {@link Sli#collect()} throws (nothing is applied)
     */
    public SloStatus evaluate() {
        long ticket = tickets.incrementAndGet();
        // Indicators may be user code: judged before the lock is taken.
        boolean indicatorData = false;
        boolean indicatorMissed = false;
        for (Sli sli : indicators) {
            Boolean good = sli.judge();
            if (good != null) {
                indicatorData = true;
                indicatorMissed |= !good;
            }
        }
        SloStatus result;
        evaluationLock.lock();
        try {
            if (ticket < appliedTicket) {
                return status;
            }
            appliedTicket = ticket;
            result = apply(errorBudget.snapshot(), indicatorData, indicatorMissed);
        } finally {
            evaluationLock.unlock();
        }
        drain();
        return result;
    }

    // Under the lock: moves the alert rules, the open alert and the status, and queues the events.
    private SloStatus apply(ErrorBudget.Snapshot budget, boolean indicatorData, boolean indicatorMissed) {
        long now = clock.millis();
        List<ErrorBudget.AlertReading> readings = budget.alertReadings();
        List<BurnRateAlert> nowFiring = null; // allocated only when a rule fires
        BurnRateAlert mostSevere = null;
        for (int i = 0; i < readings.size(); i++) {
            ErrorBudget.AlertReading reading = readings.get(i);
            BurnRateAlert rule = reading.alert();
            if (!firing[i]) {
                if (!reading.raised()) {
                    raisingSince[i] = UNSET;
                } else {
                    if (raisingSince[i] == UNSET) {
                        raisingSince[i] = now;
                    }
                    if (now - raisingSince[i] >= rule.pendingFor().toMillis()) {
                        firing[i] = true;
                        notHoldingSince[i] = UNSET;
                    }
                }
            } else if (reading.holding()) {
                notHoldingSince[i] = UNSET;
            } else {
                if (notHoldingSince[i] == UNSET) {
                    notHoldingSince[i] = now;
                }
                if (now - notHoldingSince[i] >= rule.keepFiringFor().toMillis()) {
                    firing[i] = false;
                    raisingSince[i] = UNSET;
                }
            }
            if (firing[i]) {
                if (nowFiring == null) {
                    nowFiring = new ArrayList<>(2);
                }
                nowFiring.add(rule);
                if (mostSevere == null || rule.severity().compareTo(mostSevere.severity()) > 0) {
                    mostSevere = rule;
                }
            }
        }
        if (nowFiring == null ? !firingAlerts.isEmpty() : !nowFiring.equals(firingAlerts)) {
            firingAlerts = nowFiring == null ? List.of() : List.copyOf(nowFiring);
        }

        BurnRateAlert open = openAlert;
        boolean sameLevel = open == null ? mostSevere == null : mostSevere != null && open.severity() == mostSevere.severity();
        Instant at = null;
        if (!sameLevel) {
            at = clock.instant();
            if (open != null) {
                ErrorBudget.AlertReading reading = readings.get(errorBudget.alerts().indexOf(open));
                enqueue(new BurnRateAlertResolved(at, agentId, name, open, reading.longWindowRate(), reading.shortWindowRate()));
            }
            if (mostSevere != null) {
                ErrorBudget.AlertReading reading = readings.get(errorBudget.alerts().indexOf(mostSevere));
                enqueue(new BurnRateAlertFired(at, agentId, name, mostSevere, reading.longWindowRate(), reading.shortWindowRate()));
            }
            open = mostSevere;
            openAlert = open;
        }

        SloStatus next;
        if (budget.totalEvents() == 0 && !indicatorData) {
            next = SloStatus.UNKNOWN;
        } else if (status == SloStatus.EXHAUSTED ? errorBudget.holdsExhaustion(budget) : budget.exhausted()) {
            next = SloStatus.EXHAUSTED; // once exhausted, recovered only with the budget's recovery margin back
        } else if (open != null && open.severity() == AlertSeverity.CRITICAL) {
            next = SloStatus.CRITICAL;
        } else if (open != null || indicatorMissed) {
            next = SloStatus.WARNING;
        } else {
            next = SloStatus.HEALTHY;
        }
        SloStatus previous = status;
        if (previous != next) {
            if (at == null) {
                at = clock.instant();
            }
            status = next;
            enqueue(new SloStatusChanged(at, agentId, name, previous, next, errorBudget.exhaustionAction(), budget.remainingPercent()));
        }
        return next;
    }

    private void enqueue(SreEvent event) {
        synchronized (outbox) {
            outbox.addLast(event);
        }
    }

    private SreEvent dequeue() {
        synchronized (outbox) {
            return outbox.pollFirst();
        }
    }

    private boolean outboxEmpty() {
        synchronized (outbox) {
            return outbox.isEmpty();
        }
    }

    // Delivers queued events in order, one drainer at a time, with no lock held while listeners run.
    private void drain() {
        while (!outboxEmpty()) {
            if (!draining.compareAndSet(false, true)) {
                return; // the thread draining now delivers ours too (it re-checks before leaving)
            }
            try {
                SreEvent event;
                while ((event = dequeue()) != null) {
                    eventBus.publish(event);
                }
            } finally {
                draining.set(false);
            }
        }
    }

    /** The status of the last evaluation, without evaluating. */
    public SloStatus status() {
        return status;
    }

    /**
     * The exhaustion action in force after the last evaluation: the budget's {@link
     * ErrorBudget#exhaustionAction()} while the status is {@link SloStatus#EXHAUSTED}, empty
     * otherwise. A pure read, for a pipeline that enforces the action at admission (a throttle gate,
     * a breaker to trip after a failure) instead of mirroring it from events.
     */
    public Optional<ExhaustionAction> actionInForce() {
        return status == SloStatus.EXHAUSTED ? Optional.of(errorBudget.exhaustionAction()) : Optional.empty();
    }

    /** The alert rules firing after the last evaluation (hysteresis applied), in {@link ErrorBudget#alerts()} order. */
    public List<BurnRateAlert> firingAlerts() {
        return firingAlerts;
    }

    /** The open alert after the last evaluation: the most severe firing rule, the one events were published for. */
    public Optional<BurnRateAlert> openAlert() {
        return Optional.ofNullable(openAlert);
    }

    /** The SLO's name. */
    public String name() {
        return name;
    }

    /** The agent this SLO concerns, or {@code null} for a fleet-wide SLO. */
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

    /** What the budget counts for {@link #recordServed(boolean)} and {@link #recordRefused(Refusal)}. */
    public BudgetEvents budgetEvents() {
        return budgetEvents;
    }

    /** The refusals that count as unavailability. */
    public Set<Refusal> unavailability() {
        return unavailability;
    }

    /** The bus status and alert events are published on. */
    public SreEventBus eventBus() {
        return eventBus;
    }

    /** The clock events are stamped with. */
    public Clock clock() {
        return clock;
    }

    /** The minimum time between evaluations triggered by recording. */
    public Duration evaluationInterval() {
        return Duration.ofMillis(evaluationIntervalMillis);
    }

    @Override
    public String toString() {
        return "Slo{" + name + (agentId == null ? "" : ", agent=" + agentId) + ", status=" + status + '}';
    }

    /** Builder for {@link Slo}. Required: a name and an error budget. */
    public static final class Builder {
        private final String name;
        private String agentId;
        private String description;
        private final List<Sli> indicators = new ArrayList<>();
        private ErrorBudget errorBudget;
        private Sli budgetIndicator;
        private BudgetEvents budgetEvents = BudgetEvents.TASK_OUTCOMES;
        private Set<Refusal> unavailability = Refusal.UNAVAILABILITY;
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

        /**
         * Adds an indicator whose samples are also the budget's events: {@link Slo#record(double)}
         * records a sample on it and a good or bad event, judged against its target, on the budget.
         */
        public Builder budgetIndicator(Sli indicator) {
            if (budgetIndicator != null) {
                throw new IllegalArgumentException("an SLO has one budget indicator, got '" + budgetIndicator.name() + "' already");
            }
            indicator(indicator);
            this.budgetIndicator = indicator;
            return this;
        }

        /** The error budget (required). */
        public Builder errorBudget(ErrorBudget errorBudget) {
            this.errorBudget = errorBudget;
            return this;
        }

        /** What the budget counts for reported tasks and refusals (default {@link BudgetEvents#TASK_OUTCOMES}). */
        public Builder budgetEvents(BudgetEvents budgetEvents) {
            this.budgetEvents = budgetEvents;
            return this;
        }

        /** The refusals that count as unavailability (default {@link Refusal#UNAVAILABILITY}). */
        public Builder unavailability(Set<Refusal> refusals) {
            Check.notNull("unavailability", refusals);
            this.unavailability = refusals.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(refusals));
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

        /** Minimum time between evaluations triggered by recording; zero evaluates every time. */
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
