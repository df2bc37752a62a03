package dev.agentsre.incident;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.alert.Alert;
import dev.agentsre.alert.AlertManager;
import dev.agentsre.alert.AlertStatus;
import dev.agentsre.alert.Receiver;
import dev.agentsre.alert.Route;
import dev.agentsre.alert.Severity;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualScheduledExecutor;
import dev.agentsre.testing.Race;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Many threads firing, resolving and signalling at once: exact invariants afterwards. */
class AlertingConcurrencyTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    @Test
    void concurrentFiresAndResolvesLeaveConsistentState() throws Exception {
        ManualClock clock = ManualClock.at(T0);
        ManualScheduledExecutor scheduler = new ManualScheduledExecutor(clock);
        AtomicLong notified = new AtomicLong();
        AlertManager alerts = AlertManager.builder().route(Route.root("cb").groupBy("agent_id"))
                .receiver(Receiver.callback("cb", n -> notified.incrementAndGet())).clock(clock).scheduler(scheduler).build();
        int threads = 8;
        int agents = 50;
        Race.run(threads, t -> {
            for (int round = 0; round < 200; round++) {
                for (int a = 0; a < agents; a++) {
                    Alert alert = Alert.builder("X").label("agent_id", "agent-" + a).label("rule", "r" + (a % 3))
                            .severity(round % 2 == 0 ? Severity.WARNING : Severity.CRITICAL).build();
                    alerts.fire(alert);
                    if ((round + t) % 3 == 0) {
                        alerts.resolve(alert);
                    }
                }
            }
        });
        AlertStatus status = alerts.status();
        assertThat(status.alerts()).hasSize(agents); // one alert per label set, whatever the interleaving
        assertThat(status.groups()).hasSize(agents);
        assertThat(alerts.groupCount()).isEqualTo(agents);
        for (int a = 0; a < agents; a++) {
            alerts.fire(Alert.builder("X").label("agent_id", "agent-" + a).label("rule", "r" + (a % 3)).build());
        }
        scheduler.advanceTo(T0.plusSeconds(30));
        for (int a = 0; a < agents; a++) {
            alerts.resolve(Alert.builder("X").label("agent_id", "agent-" + a).label("rule", "r" + (a % 3)).build());
        }
        scheduler.advanceTo(T0.plus(Duration.ofMinutes(10)));
        assertThat(alerts.size()).isZero();
        assertThat(alerts.groupCount()).isZero();
        assertThat(notified.get()).isEqualTo(2L * agents); // one firing and one resolved notification per group
        alerts.close();
    }

    @Test
    void concurrentSignalsEachLandInExactlyOneIncident() throws Exception {
        ManualClock clock = ManualClock.at(T0);
        SreEventBus bus = new SreEventBus();
        IncidentManager incidents = IncidentManager.builder().clock(clock).eventBus(bus).responseExecutor(Runnable::run).build();
        int threads = 8;
        int perThread = 2_000;
        Race.run(threads, t -> {
            for (int i = 0; i < perThread; i++) {
                String agent = "agent-" + (i % 40);
                SignalType type = i % 2 == 0 ? SignalType.SLO_BREACH : SignalType.COST_ANOMALY;
                incidents.signal(new Signal(type, type.defaultSeverity(), agent, type == SignalType.SLO_BREACH ? agent + "-slo" : null, "x",
                        T0, "test", List.of()));
            }
        });
        List<Incident> all = incidents.all();
        assertThat(all).hasSize(40); // one per agent: every later signal of the agent joined it
        long occurrences = all.stream().flatMap(i -> i.signals().stream()).mapToLong(IncidentSignal::occurrences).sum();
        assertThat(occurrences).isEqualTo((long) threads * perThread);
        assertThat(all).allSatisfy(i -> assertThat(i.signals()).hasSize(1)); // even agents burn, odd ones overspend
        incidents.close();
    }
}
