package dev.agentsre.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.event.BurnRateAlertFired;
import dev.agentsre.event.BurnRateAlertResolved;
import dev.agentsre.event.SloEvent;
import dev.agentsre.event.SloStatusChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.Race;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SloTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T00:00:00Z"));
    private final SreEventBus bus = new SreEventBus();
    private final List<SloEvent> events = new CopyOnWriteArrayList<>();

    SloTest() {
        bus.subscribe(SloEvent.class, events::add);
    }

    private Slo slo(AggregateSli indicator, ExhaustionAction action) {
        Slo.Builder builder = Slo.builder("code-reviewer-reliability")
                .agentId("code-reviewer")
                .errorBudget(ErrorBudget.builder().total(0.005).window(Duration.ofDays(30)).projectAllowance(false)
                        .burnRateAlert(2.0).burnRateCritical(10.0).exhaustionAction(action).clock(clock).build())
                .eventBus(bus)
                .evaluationInterval(Duration.ZERO);
        if (indicator != null) {
            builder.indicator(indicator);
        }
        return builder.build();
    }

    private List<SloStatus> statusChanges() {
        return events.stream().filter(e -> e instanceof SloStatusChanged)
                .map(e -> ((SloStatusChanged) e).current()).collect(Collectors.toList());
    }

    @Test
    void unknownWithoutDataThenHealthy() {
        Slo slo = slo(Slis.taskSuccessRate().clock(clock).build(), ExhaustionAction.ALERT);
        assertThat(slo.evaluate()).isEqualTo(SloStatus.UNKNOWN);
        assertThat(events).isEmpty();

        slo.recordEvent(true);

        assertThat(slo.status()).isEqualTo(SloStatus.HEALTHY);
        SloStatusChanged change = (SloStatusChanged) events.get(0);
        assertThat(change.previous()).isEqualTo(SloStatus.UNKNOWN);
        assertThat(change.current()).isEqualTo(SloStatus.HEALTHY);
        assertThat(change.agentId()).isEqualTo("code-reviewer");
        assertThat(change.sloName()).isEqualTo("code-reviewer-reliability");
        assertThat(change.timestamp()).isEqualTo(clock.instant());
    }

    @Test
    void anIndicatorMissingItsTargetIsAWarning() {
        AggregateSli success = Slis.taskSuccessRate().clock(clock).build();
        Slo slo = slo(success, ExhaustionAction.ALERT);
        for (int i = 0; i < 100; i++) {
            success.record(i != 0);
        }
        assertThat(slo.evaluate()).isEqualTo(SloStatus.WARNING); // 99% < 99.5%, budget untouched
    }

    @Test
    void escalatesThroughCriticalToExhaustedWithAnEventForEachStep() {
        Slo slo = slo(null, ExhaustionAction.THROTTLE);
        for (int i = 0; i < 10_000; i++) {
            slo.recordEvent(true);
        }
        assertThat(slo.status()).isEqualTo(SloStatus.HEALTHY);

        // 20 failures in 10,020 events: 40% of the budget used, 1h burn rate 0.4x: still healthy.
        for (int i = 0; i < 20; i++) {
            slo.recordEvent(false);
        }
        assertThat(slo.status()).isEqualTo(SloStatus.HEALTHY);

        // Move on an hour and fail hard: the 1h window sees mostly failures -> CRITICAL before EXHAUSTED.
        clock.advance(Duration.ofHours(1));
        for (int i = 0; i < 100; i++) {
            slo.recordEvent(i % 4 != 0); // 25% errors over 100 events -> burn rate 50x
            if (slo.status() == SloStatus.CRITICAL) {
                break;
            }
        }
        assertThat(slo.status()).isEqualTo(SloStatus.CRITICAL);
        while (slo.status() != SloStatus.EXHAUSTED) {
            slo.recordEvent(false);
        }

        assertThat(statusChanges()).containsExactly(SloStatus.HEALTHY, SloStatus.CRITICAL, SloStatus.EXHAUSTED);
        SloStatusChanged exhausted = (SloStatusChanged) events.stream()
                .filter(e -> e instanceof SloStatusChanged s && s.current() == SloStatus.EXHAUSTED).findFirst().orElseThrow();
        assertThat(exhausted.previous()).isEqualTo(SloStatus.CRITICAL);
        assertThat(exhausted.exhausted()).isTrue();
        assertThat(exhausted.exhaustionAction()).isEqualTo(ExhaustionAction.THROTTLE);
        assertThat(exhausted.budgetRemainingPercent()).isZero();
    }

    @Test
    void recoveryFromExhaustionIsReported() {
        Slo slo = slo(null, ExhaustionAction.CIRCUIT_BREAK);
        for (int i = 0; i < 100; i++) {
            slo.recordEvent(i >= 10);
        }
        assertThat(slo.status()).isEqualTo(SloStatus.EXHAUSTED);
        clock.advance(Duration.ofDays(31)); // the bad events roll out of the window
        slo.recordEvent(true);
        assertThat(slo.status()).isEqualTo(SloStatus.HEALTHY);
        SloStatusChanged last = (SloStatusChanged) events.stream().filter(e -> e instanceof SloStatusChanged)
                .reduce((a, b) -> b).orElseThrow();
        assertThat(last.recovered()).isTrue();
        assertThat(last.exhaustionAction()).isEqualTo(ExhaustionAction.CIRCUIT_BREAK);
    }

    @Test
    void alertsPublishOneFiredAndOneResolvedEventPerOpenAlert() {
        Slo slo = slo(null, ExhaustionAction.ALERT);
        ErrorBudget budget = slo.errorBudget();
        budget.recordEvents(100_000, 0);
        slo.evaluate();
        clock.advance(Duration.ofHours(2));
        budget.recordEvents(900, 100); // 10% errors in the last hour: burn rate 20x
        slo.evaluate();

        // Several rules fire (the single-window warning and critical, fast_burn)...
        assertThat(slo.firingAlerts()).extracting(BurnRateAlert::name).contains("burn_rate_warning", "burn_rate_critical", "fast_burn");
        // ...but the SLO reports one alert: the most severe rule, first in list order.
        List<BurnRateAlertFired> fired = events.stream().filter(e -> e instanceof BurnRateAlertFired)
                .map(e -> (BurnRateAlertFired) e).collect(Collectors.toList());
        assertThat(fired).extracting(f -> f.alert().name()).containsExactly("burn_rate_critical");
        assertThat(slo.openAlert()).map(BurnRateAlert::name).hasValue("burn_rate_critical");
        assertThat(fired.get(0).longWindowRate()).isCloseTo(20.0, org.assertj.core.api.Assertions.within(0.5));
        assertThat(fired.get(0).shortWindowRate()).isNaN();

        slo.evaluate(); // nothing changed: no duplicate events
        assertThat(events.stream().filter(e -> e instanceof BurnRateAlertFired).count()).isEqualTo(1);

        clock.advance(Duration.ofHours(2));
        budget.recordEvents(1_000, 0);
        slo.evaluate();
        List<String> resolved = events.stream().filter(e -> e instanceof BurnRateAlertResolved)
                .map(e -> ((BurnRateAlertResolved) e).alert().name()).collect(Collectors.toList());
        assertThat(resolved).containsExactly("burn_rate_critical");
        assertThat(slo.openAlert()).isEmpty();
        // Alert events come before the status change they cause.
        int firstFired = indexOf(BurnRateAlertFired.class);
        int critical = events.indexOf(events.stream()
                .filter(e -> e instanceof SloStatusChanged s && s.current() == SloStatus.CRITICAL).findFirst().orElseThrow());
        assertThat(firstFired).isLessThan(critical);
    }

    @Test
    void recordEventEvaluatesAtMostOncePerInterval() {
        Slo slo = Slo.builder("s").errorBudget(ErrorBudget.builder().total(0.01).clock(clock).minimumEvents(1).projectAllowance(false).build())
                .eventBus(bus).evaluationInterval(Duration.ofSeconds(10)).build();
        slo.recordEvent(true);                      // first call evaluates
        assertThat(slo.status()).isEqualTo(SloStatus.HEALTHY);
        for (int i = 0; i < 50; i++) {
            slo.recordEvent(false);                 // exhausted, but not evaluated yet
        }
        assertThat(slo.status()).isEqualTo(SloStatus.HEALTHY);
        clock.advance(Duration.ofSeconds(10));
        slo.recordEvent(false);
        assertThat(slo.status()).isEqualTo(SloStatus.EXHAUSTED);
    }

    @Test
    void concurrentEvaluationsReportEachTransitionOnce() throws Exception {
        Slo slo = slo(null, ExhaustionAction.ALERT);
        slo.errorBudget().recordEvents(50, 50);
        Race.run(8, thread -> {
            for (int i = 0; i < 1_000; i++) {
                slo.evaluate();
            }
        });
        assertThat(statusChanges()).containsExactly(SloStatus.EXHAUSTED);
        assertThat(slo.errorBudget().firingAlerts()).hasSizeGreaterThan(1);
        assertThat(events.stream().filter(e -> e instanceof BurnRateAlertFired).count()).isEqualTo(1);
    }

    @Test
    void aThrowingListenerDoesNotChangeTheSlosBehaviour() {
        SreEventBus failing = new SreEventBus();
        failing.subscribe(e -> {
            throw new IllegalStateException("exporter down");
        });
        Slo slo = Slo.builder("s").errorBudget(ErrorBudget.builder().total(0.01).projectAllowance(false).clock(clock).build())
                .eventBus(failing).evaluationInterval(Duration.ZERO).build();
        for (int i = 0; i < 100; i++) {
            slo.recordEvent(i >= 5);
        }
        assertThat(slo.status()).isEqualTo(SloStatus.EXHAUSTED);
        assertThat(failing.listenerFailures()).isPositive();
    }

    @Test
    void aThrowingCustomIndicatorDoesNotBreakRecordEventButExplicitEvaluationReportsIt() {
        Sli broken = new ThrowingSli();
        Slo slo = Slo.builder("s").indicator(broken).errorBudget(ErrorBudget.builder().total(0.01).clock(clock).build())
                .evaluationInterval(Duration.ZERO).build();
        slo.recordEvent(true);
        slo.recordEvent(false);
        assertThat(slo.errorBudget().totalEvents()).isEqualTo(2);
        assertThatThrownBy(slo::evaluate).isInstanceOf(IllegalStateException.class).hasMessage("indicator bug");
    }

    @Test
    void buildValidationNamesTheField() {
        assertThatThrownBy(() -> Slo.builder("s").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("errorBudget");
        assertThatThrownBy(() -> Slo.builder(" ").errorBudget(ErrorBudget.builder().total(0.01).build()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> Slo.builder("s").errorBudget(ErrorBudget.builder().total(0.01).build())
                .indicator(Slis.errorRate().build()).indicator(Slis.errorRate().build()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("error_rate");
        assertThatThrownBy(() -> Slo.builder("s").evaluationInterval(Duration.ofSeconds(-1))
                .errorBudget(ErrorBudget.builder().total(0.01).build()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("evaluationInterval");
        Slo slo = Slo.builder("s").errorBudget(ErrorBudget.builder().total(0.01).build()).build();
        assertThatThrownBy(() -> slo.indicator("nope")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
    }

    private int indexOf(Class<?> type) {
        for (int i = 0; i < events.size(); i++) {
            if (type.isInstance(events.get(i))) {
                return i;
            }
        }
        return -1;
    }
}
