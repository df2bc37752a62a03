package dev.agentsre.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.event.BurnRateAlertFired;
import dev.agentsre.event.BurnRateAlertResolved;
import dev.agentsre.event.SloEvent;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Hysteresis, pending and keep-firing times, the four tiers and one open alert per SLO. */
class AlertHygieneTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-01T00:00:00Z"));
    private final SreEventBus bus = new SreEventBus();
    private final List<SloEvent> events = new ArrayList<>();

    AlertHygieneTest() {
        bus.subscribe(SloEvent.class, events::add);
    }

    /** A 99% budget with one single-window rule at 10x over 1h and nothing else. */
    private Slo sloWith(BurnRateAlert rule) {
        return Slo.builder("s").agentId("a")
                .errorBudget(ErrorBudget.builder().target(0.99).multiWindowAlerts(false).burnRateAlert(0).burnRateCritical(0)
                        .alert(rule).minimumEvents(1).clock(clock).build())
                .eventBus(bus).evaluationInterval(Duration.ofDays(1)).build();
    }

    private static BurnRateAlert tenX() {
        return BurnRateAlert.singleWindow("ten_x", 10, AlertSeverity.CRITICAL, Duration.ofHours(1));
    }

    /** Drives the 1-hour error ratio to {@code errorPercent} (per mille resolution) and evaluates. */
    private void burnAt(Slo slo, int errorPerMille) {
        clock.advance(Duration.ofHours(2)); // the previous step has left the window
        slo.errorBudget().recordEvents(1_000 - errorPerMille, errorPerMille);
        slo.evaluate();
    }

    private List<String> alertEvents() {
        return events.stream().filter(e -> e instanceof BurnRateAlertFired || e instanceof BurnRateAlertResolved)
                .map(e -> e instanceof BurnRateAlertFired f ? "fired " + f.alert().name() : "resolved " + ((BurnRateAlertResolved) e).alert().name())
                .collect(Collectors.toList());
    }

    @Test
    void aBurnHoveringAroundTheThresholdDoesNotFlap() {
        Slo slo = sloWith(tenX()); // default hysteresis: holds while the burn stays >= 9x
        for (int per : new int[] {105, 96, 102, 93, 101, 95}) { // 10.5x, 9.6x, 10.2x, 9.3x...
            burnAt(slo, per);
        }
        assertThat(alertEvents()).containsExactly("fired ten_x");
        burnAt(slo, 80); // 8x: below the resolve rate
        assertThat(alertEvents()).containsExactly("fired ten_x", "resolved ten_x");
    }

    @Test
    void withoutHysteresisTheSameBurnFlaps() {
        Slo slo = sloWith(tenX().withResolveRate(10));
        for (int per : new int[] {105, 96, 102, 93}) {
            burnAt(slo, per);
        }
        assertThat(alertEvents()).containsExactly("fired ten_x", "resolved ten_x", "fired ten_x", "resolved ten_x");
    }

    @Test
    void pendingForDelaysFiringAndABreakRestartsIt() {
        Slo slo = sloWith(tenX().withPendingFor(Duration.ofMinutes(10)));
        slo.errorBudget().recordEvents(80, 20);
        slo.evaluate();
        clock.advance(Duration.ofMinutes(9));
        slo.evaluate();
        assertThat(slo.firingAlerts()).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        slo.evaluate();
        assertThat(slo.firingAlerts()).extracting(BurnRateAlert::name).containsExactly("ten_x");
        assertThat(alertEvents()).containsExactly("fired ten_x");
    }

    @Test
    void keepFiringForHoldsAResolvedRuleForItsDuration() {
        Slo slo = sloWith(tenX().withKeepFiringFor(Duration.ofMinutes(15)));
        slo.errorBudget().recordEvents(80, 20);
        slo.evaluate();
        clock.advance(Duration.ofHours(1)); // the window is empty now: stops holding
        slo.evaluate();
        assertThat(slo.firingAlerts()).hasSize(1);
        clock.advance(Duration.ofMinutes(14));
        slo.evaluate();
        assertThat(slo.firingAlerts()).hasSize(1);
        clock.advance(Duration.ofMinutes(1));
        slo.evaluate();
        assertThat(slo.firingAlerts()).isEmpty();
        assertThat(alertEvents()).containsExactly("fired ten_x", "resolved ten_x");
    }

    @Test
    void anOutageThatFiresEveryTierReportsOneAlertPerChangeOfSeverity() {
        Slo slo = Slo.builder("reliability").agentId("a")
                .errorBudget(ErrorBudget.builder().target(0.995).clock(clock).build())
                .eventBus(bus).evaluationInterval(Duration.ZERO).build();
        // 40 minutes of a steady 4x leak (2% errors at one task a second): a ticket.
        run(slo, 40 * 60, 50);
        assertThat(slo.openAlert()).map(BurnRateAlert::severity).hasValue(AlertSeverity.WARNING);
        // Ten minutes of total outage: a page; then an hour of health.
        run(slo, 10 * 60, 1);
        assertThat(slo.openAlert()).map(BurnRateAlert::severity).hasValue(AlertSeverity.CRITICAL);
        assertThat(slo.firingAlerts()).extracting(BurnRateAlert::name)
                .containsExactly("fast_burn", "slow_burn", "steady_burn", "budget_drain");
        run(slo, 60 * 60, 0);

        List<SloEvent> alerts = events.stream().filter(e -> !(e instanceof dev.agentsre.event.SloStatusChanged)).collect(Collectors.toList());
        // Four rules fired, one alert was open at a time: ticket, escalated to a page, back to a ticket.
        assertThat(alerts).extracting(e -> e.getClass().getSimpleName() + " " + severity(e)).containsExactly(
                "BurnRateAlertFired WARNING",
                "BurnRateAlertResolved WARNING", "BurnRateAlertFired CRITICAL",
                "BurnRateAlertResolved CRITICAL", "BurnRateAlertFired WARNING");
        assertThat(slo.openAlert()).map(BurnRateAlert::severity).hasValue(AlertSeverity.WARNING);
    }

    /** One task a second for {@code seconds}; every {@code badEvery}-th fails (1: all, 0: none). */
    private void run(Slo slo, int seconds, int badEvery) {
        for (int s = 0; s < seconds; s++) {
            slo.recordEvent(badEvery == 0 || s % badEvery != badEvery - 1);
            clock.advance(Duration.ofSeconds(1));
        }
    }

    private static AlertSeverity severity(SloEvent e) {
        return e instanceof BurnRateAlertFired f ? f.alert().severity() : ((BurnRateAlertResolved) e).alert().severity();
    }

    @Test
    void hysteresisSettingsAreValidated() {
        assertThatThrownBy(() -> tenX().withResolveRate(11)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resolveRate").hasMessageContaining("11");
        assertThatThrownBy(() -> tenX().withResolveRate(0)).hasMessageContaining("resolveRate");
        assertThatThrownBy(() -> tenX().withPendingFor(Duration.ofSeconds(-1))).hasMessageContaining("pendingFor");
        assertThatThrownBy(() -> tenX().withKeepFiringFor(null)).hasMessageContaining("keepFiringFor");
        assertThat(tenX().resolveRate()).isEqualTo(9.0);
        assertThat(tenX().pendingFor()).isZero();
    }
}
