package dev.agentsre.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.event.BurnRateAlertFired;
import dev.agentsre.event.BurnRateAlertResolved;
import dev.agentsre.event.SloEvent;
import dev.agentsre.event.SloStatusChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualScheduledExecutor;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Scheduled evaluation: alerts resolve and budgets recover with no traffic at all. */
class SloEvaluatorTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T00:00:00Z"));
    private final ManualScheduledExecutor scheduler = new ManualScheduledExecutor(clock);
    private final SreEventBus bus = new SreEventBus();
    private final List<SloEvent> events = new ArrayList<>();

    SloEvaluatorTest() {
        bus.subscribe(SloEvent.class, events::add);
    }

    private Slo slo(ExhaustionAction action) {
        return Slo.builder("reliability").agentId("a")
                .errorBudget(ErrorBudget.builder().target(0.995).exhaustionAction(action).clock(clock).build())
                .eventBus(bus).build();
    }

    @Test
    void withNoTrafficAfterABurstTheFastBurnPageResolvesWithinFiveMinutesAndOneBucket() {
        Slo slo = slo(ExhaustionAction.ALERT);
        for (int s = 0; s < 6 * 3_600; s++) { // six healthy hours, one task a second
            slo.recordEvent(true);
            clock.advance(Duration.ofSeconds(1));
        }
        for (int s = 0; s < 300; s++) {       // five minutes of total failure: a fast burn, not a slow one
            slo.recordEvent(false);
            clock.advance(Duration.ofSeconds(1));
        }
        Instant trafficStopped = clock.instant();
        SloEvaluator evaluator = SloEvaluator.builder().executor(scheduler).interval(Duration.ofSeconds(10)).slo(slo).build().start();
        scheduler.advanceTo(clock.instant().plusSeconds(10));
        assertThat(slo.openAlert()).map(BurnRateAlert::name).hasValue("fast_burn");

        // Silence: only the evaluator looks at the SLO from now on.
        Instant resolvedAt = null;
        while (resolvedAt == null && clock.instant().isBefore(trafficStopped.plus(Duration.ofMinutes(30)))) {
            scheduler.advanceTo(clock.instant().plusSeconds(10));
            if (events.stream().anyMatch(e -> e instanceof BurnRateAlertResolved r && r.alert().name().equals("fast_burn"))) {
                resolvedAt = clock.instant();
            }
        }
        // The 5-minute window of a 30-day budget is read in 30-second buckets; rounds come every 10 s.
        assertThat(resolvedAt).isNotNull();
        assertThat(Duration.between(trafficStopped, resolvedAt)).isLessThanOrEqualTo(Duration.ofMinutes(5).plusSeconds(30 + 10));
        assertThat(slo.firingAlerts()).extracting(BurnRateAlert::name).doesNotContain("fast_burn");
        // The page became the ticket that the lost 1.4% of six hours still deserves.
        assertThat(slo.openAlert()).map(BurnRateAlert::name).hasValue("budget_drain");
        assertThat(slo.status()).isEqualTo(SloStatus.WARNING);
        assertThat(evaluator.rounds()).isGreaterThan(25);
        evaluator.close();
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void anExhaustedBudgetRecoversAndTheRecoveryIsPublishedWithNoTraffic() {
        Slo slo = Slo.builder("reliability").agentId("a")
                .errorBudget(ErrorBudget.builder().target(0.99).window("1h").exhaustionAction(ExhaustionAction.THROTTLE).clock(clock).build())
                .eventBus(bus).build();
        for (int s = 0; s < 3_600; s++) {
            slo.recordEvent(s % 20 != 0); // 5% errors against a 1% budget, for the whole window
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(slo.status()).isEqualTo(SloStatus.EXHAUSTED);
        try (SloEvaluator evaluator = SloEvaluator.builder().executor(scheduler).interval(Duration.ofSeconds(10)).slo(slo).build()) {
            evaluator.start();
            scheduler.advanceTo(clock.instant().plus(Duration.ofMinutes(61)));
        }
        List<SloStatusChanged> changes = events.stream().filter(e -> e instanceof SloStatusChanged).map(e -> (SloStatusChanged) e).toList();
        SloStatusChanged recovery = changes.stream().filter(SloStatusChanged::recovered).findFirst().orElseThrow();
        assertThat(recovery.exhaustionAction()).isEqualTo(ExhaustionAction.THROTTLE);
        assertThat(recovery.timestamp()).isAfter(changes.stream().filter(SloStatusChanged::exhausted).findFirst().orElseThrow().timestamp());
        assertThat(slo.actionInForce()).isEmpty();
        assertThat(slo.status()).isEqualTo(SloStatus.UNKNOWN); // the window has emptied
    }

    @Test
    void aFailingSloDoesNotStopTheRoundsNorTheOtherSlos() {
        Sli broken = new ThrowingSli();
        Slo bad = Slo.builder("bad").indicator(broken).errorBudget(ErrorBudget.builder().target(0.99).clock(clock).build()).build();
        Slo good = slo(ExhaustionAction.ALERT);
        good.errorBudget().recordEvent(true);
        SloEvaluator evaluator = SloEvaluator.builder().executor(scheduler).interval(Duration.ofMinutes(1)).slo(bad).slo(good).build().start();
        scheduler.advanceTo(clock.instant().plus(Duration.ofMinutes(3)));
        assertThat(evaluator.rounds()).isEqualTo(3);
        assertThat(evaluator.failures()).isEqualTo(3);
        assertThat(good.status()).isEqualTo(SloStatus.HEALTHY);
        evaluator.close();
        evaluator.close(); // idempotent
        assertThatThrownBy(evaluator::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void roundsEvaluateEveryAgentOfATemplateAndRemoveIdleOnes() {
        SloTemplate template = SloTemplate.builder("reliability")
                .errorBudget(() -> ErrorBudget.builder().target(0.99).clock(clock).build())
                .eventBus(bus).clock(clock).idleExpiry(Duration.ofHours(1)).build();
        template.forAgent("a").recordServed(true);
        template.forAgent("b").errorBudget().recordEvent(true); // recorded, never evaluated
        SloEvaluator evaluator = SloEvaluator.builder().executor(scheduler).interval(Duration.ofMinutes(1)).template(template).build().start();
        scheduler.advanceTo(clock.instant().plus(Duration.ofMinutes(1)));
        assertThat(template.find("b").orElseThrow().status()).isEqualTo(SloStatus.HEALTHY);
        scheduler.advanceTo(clock.instant().plus(Duration.ofMinutes(61)));
        assertThat(template.size()).isZero();
        evaluator.close();
    }

    @Test
    void withoutAnExecutorItRunsOnADaemonThreadOfItsOwnUntilClosed() throws Exception {
        Slo slo = Slo.builder("s").errorBudget(ErrorBudget.builder().target(0.99).build()).build();
        CountDownLatch evaluated = new CountDownLatch(1);
        List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
        slo.eventBus().subscribe(SloStatusChanged.class, e -> {
            threads.add(Thread.currentThread().getName());
            evaluated.countDown();
        });
        slo.errorBudget().recordEvent(true);
        SloEvaluator evaluator = SloEvaluator.builder().interval(Duration.ofMillis(1)).slo(slo).build().start();
        try {
            // A latch, not a sleep: the round runs on the evaluator's thread and publishes UNKNOWN -> HEALTHY.
            assertThat(evaluated.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            evaluator.close();
        }
        assertThat(threads).containsExactly("agentsre-slo-evaluator");
    }

    @Test
    void invalidSettingsAreRejected() {
        assertThatThrownBy(() -> SloEvaluator.builder().interval(Duration.ZERO).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("interval");
        assertThatThrownBy(() -> SloEvaluator.builder().executor(null)).hasMessageContaining("executor");
        assertThat(SloEvaluator.builder().build().interval()).isEqualTo(SloEvaluator.DEFAULT_INTERVAL);
    }

    @Test
    void eventsOfTheFiringAlertAreNamedAfterTheRule() {
        Slo slo = slo(ExhaustionAction.ALERT);
        slo.errorBudget().recordEvents(500, 500);
        try (SloEvaluator evaluator = SloEvaluator.builder().executor(scheduler).slo(slo).build().start()) {
            scheduler.advanceTo(clock.instant().plus(SloEvaluator.DEFAULT_INTERVAL));
            assertThat(evaluator.rounds()).isEqualTo(1);
        }
        assertThat(events).filteredOn(e -> e instanceof BurnRateAlertFired).singleElement()
                .satisfies(e -> assertThat(((BurnRateAlertFired) e).alert().name()).isEqualTo("fast_burn"));
    }
}
