package dev.agentsre.incident;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.event.BurnRateAlertFired;
import dev.agentsre.event.BurnRateAlertResolved;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.slo.AlertSeverity;
import dev.agentsre.slo.BurnRateAlert;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A burn-rate alert firing again while its condition is open takes the fast path (counted on the
 * incident without building a signal) and ends exactly where the full path ends.
 */
class RepeatedSignalTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final BurnRateAlert FAST = BurnRateAlert.multiWindow("fast_burn", 14.4, AlertSeverity.CRITICAL, Duration.ofHours(1),
            Duration.ofMinutes(5));
    private static final BurnRateAlert SLOW = BurnRateAlert.multiWindow("slow_burn", 6, AlertSeverity.WARNING, Duration.ofHours(6),
            Duration.ofMinutes(30));

    private final ManualClock clock = ManualClock.at(T0);

    private IncidentManager manager(SreEventBus bus) {
        IncidentManager incidents = IncidentManager.builder().clock(clock).eventBus(bus).responseExecutor(Runnable::run).build();
        bus.subscribe(incidents);
        return incidents;
    }

    @Test
    void repeatsAreCountedWithTheirNewestDetailAndTheIncidentEndsAsTheFullPathLeavesIt() {
        SreEventBus fastBus = new SreEventBus();
        IncidentManager fast = manager(fastBus);
        IncidentManager full = manager(new SreEventBus());
        // The same story twice: as events (repeats take the fast path) and as signals reported directly (always the full path).
        Object[][] story = {
            {FAST, 20.0, true}, {SLOW, 7.0, true}, {FAST, 25.0, true}, {FAST, 31.0, true}, {SLOW, 8.0, true},
            {FAST, 1.0, false},  // fast_burn resolves; slow_burn keeps the incident open
            {FAST, 18.0, true},  // and returns: the full path makes it active again
            {FAST, 19.5, true},
        };
        for (Object[] step : story) {
            clock.advance(Duration.ofMinutes(1));
            BurnRateAlert rule = (BurnRateAlert) step[0];
            double rate = (double) step[1];
            SignalType type = rule == FAST ? SignalType.SLO_BREACH : SignalType.SLO_BURN_TICKET;
            String subject = "a-slo/" + rule.name();
            if ((boolean) step[2]) {
                fastBus.publish(new BurnRateAlertFired(clock.instant(), "a", "a-slo", rule, rate, rate));
                full.signal(new Signal(type, DetectionPolicy.defaults().severityOf(type), "a", subject, "a-slo: " + rule.name()
                        + " burning at " + dev.agentsre.internal.Decimals.one(rate) + "x (threshold " + dev.agentsre.internal.Decimals.one(rule.rate())
                        + "x)", clock.instant(), "BurnRateAlertFired", List.of()));
            } else {
                fastBus.publish(new BurnRateAlertResolved(clock.instant(), "a", "a-slo", rule, rate, rate));
                full.recovered(type, "a", subject, clock.instant());
            }
        }
        Incident viaEvents = fast.open().get(0);
        Incident viaSignals = full.open().get(0);
        assertThat(viaEvents.signals()).usingRecursiveComparison().isEqualTo(viaSignals.signals());
        assertThat(viaEvents.timeline()).extracting(TimelineEntry::text).isEqualTo(viaSignals.timeline().stream().map(TimelineEntry::text).toList());
        assertThat(viaEvents.hints()).usingRecursiveComparison().isEqualTo(viaSignals.hints());

        IncidentSignal breach = viaEvents.signals().stream().filter(s -> s.type() == SignalType.SLO_BREACH).findFirst().orElseThrow();
        assertThat(breach.occurrences()).isEqualTo(5);
        assertThat(breach.active()).isTrue();
        assertThat(breach.detail()).isEqualTo("a-slo: fast_burn burning at 19.5x (threshold 14.4x)");
        assertThat(breach.firstDetail()).isEqualTo("a-slo: fast_burn burning at 20.0x (threshold 14.4x)");
        assertThat(breach.lastSeen()).isEqualTo(T0.plus(Duration.ofMinutes(8)));
        assertThat(fast.all()).hasSize(1);
    }
}
