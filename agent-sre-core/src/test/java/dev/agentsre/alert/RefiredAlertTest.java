package dev.agentsre.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.event.BurnRateAlertFired;
import dev.agentsre.event.BurnRateAlertResolved;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.slo.AlertSeverity;
import dev.agentsre.slo.BurnRateAlert;
import dev.agentsre.testing.ManualClock;
import dev.agentsre.testing.ManualScheduledExecutor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A burn-rate alert that fires again while firing takes the fast path (recognised by its fingerprint,
 * nothing built) and loses nothing: notifications and status carry its newest numbers, and an
 * escalation or a return after a resolve still goes the full way.
 */
class RefiredAlertTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final BurnRateAlert PAGE = BurnRateAlert.multiWindow("fast_burn", 14.4, AlertSeverity.CRITICAL, Duration.ofHours(1),
            Duration.ofMinutes(5));

    private final ManualClock clock = ManualClock.at(T0);
    private final ManualScheduledExecutor scheduler = new ManualScheduledExecutor(clock);
    private final SreEventBus bus = new SreEventBus();
    private final List<Notification> sent = new CopyOnWriteArrayList<>();
    private final AlertManager alerts = AlertManager.builder().route(Route.root("cb").groupBy("alertname"))
            .receiver(Receiver.callback("cb", sent::add)).clock(clock).scheduler(scheduler).eventBus(bus).build();

    RefiredAlertTest() {
        bus.subscribe(alerts);
    }

    @AfterEach
    void close() {
        alerts.close();
    }

    private void advance(Duration by) {
        scheduler.advanceTo(clock.instant().plus(by));
    }

    private void burn(BurnRateAlert rule, double longRate) {
        bus.publish(new BurnRateAlertFired(clock.instant(), "a", "a-slo", rule, longRate, longRate + 1));
    }

    @Test
    void aRefiredAlertKeepsItsStartAndItsNotificationsAndStatusCarryItsNewestNumbers() {
        burn(PAGE, 20);
        advance(Duration.ofSeconds(30));
        assertThat(sent).singleElement().satisfies(n -> assertThat(n.alerts().get(0).annotation("burn_rate_long")).isEqualTo("20.00"));

        advance(Duration.ofMinutes(1));
        burn(PAGE, 35);                                            // fires again, burning harder: no new notification is due
        Alert shown = alerts.status().alerts().get(0).alert();
        assertThat(shown.annotation("burn_rate_long")).isEqualTo("35.00");
        assertThat(shown.annotation(Alert.SUMMARY)).contains("at 35.0x");
        assertThat(shown.startsAt()).isEqualTo(T0);
        assertThat(alerts.size()).isEqualTo(1);
        advance(Duration.ofMinutes(10));
        assertThat(sent).hasSize(1);                              // the same alert: deduplicated

        burn(PAGE, 40);
        bus.publish(new BurnRateAlertResolved(clock.instant(), "a", "a-slo", PAGE, 1.0, 1.0));
        advance(Duration.ofMinutes(5));
        assertThat(sent).hasSize(2);
        Notification resolved = sent.get(1);
        assertThat(resolved.status()).isEqualTo(Notification.Status.RESOLVED);
        assertThat(resolved.alerts().get(0).annotation("burn_rate_long")).isEqualTo("40.00"); // the newest numbers, not the first
        assertThat(resolved.alerts().get(0).startsAt()).isEqualTo(T0);
    }

    @Test
    void aRiseInSeverityOfTheSameAlertIsAnEscalationNotifiedAtOnce() {
        BurnRateAlert ticket = BurnRateAlert.multiWindow("fast_burn", 14.4, AlertSeverity.WARNING, Duration.ofHours(1), Duration.ofMinutes(5));
        burn(ticket, 20);
        advance(Duration.ofSeconds(30));
        assertThat(sent).hasSize(1);
        advance(Duration.ofMinutes(1));
        burn(ticket, 22);                                           // the fast path: same severity
        burn(PAGE, 30);                                             // same labels, critical now: the full path
        advance(Duration.ZERO);
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).alerts().get(0).severity()).isEqualTo(Severity.CRITICAL);
        assertThat(sent.get(1).alerts().get(0).annotation("burn_rate_long")).isEqualTo("30.00");
    }

    @Test
    void anAlertThatReturnsAfterItsResolveIsNotifiedAgain() {
        burn(PAGE, 20);
        advance(Duration.ofSeconds(30));
        bus.publish(new BurnRateAlertResolved(clock.instant(), "a", "a-slo", PAGE, 1.0, 1.0));
        advance(Duration.ofMinutes(5));
        assertThat(sent).extracting(Notification::status).containsExactly(Notification.Status.FIRING, Notification.Status.RESOLVED);
        burn(PAGE, 25);
        advance(Duration.ofSeconds(30));
        assertThat(sent).hasSize(3);
        assertThat(sent.get(2).status()).isEqualTo(Notification.Status.FIRING);
        assertThat(sent.get(2).alerts().get(0).annotation("burn_rate_long")).isEqualTo("25.00");
    }

    @Test
    void theFingerprintOfSortedPairsEqualsTheMapsWhateverTheCharacters() {
        String[] samples = {"", "a", "research-agent", "é", "日本語", "emoji 😀 here", "\ud800 unpaired high", "low \udc00 alone",
                "end high \ud83d", "mixed ä😀\udc01x", "garland, briggs"};
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 2_000; i++) {
            String agent = random.nextInt(8) == 0 ? null : samples[random.nextInt(samples.length)];
            String rule = samples[random.nextInt(samples.length)] + i;
            String slo = samples[random.nextInt(samples.length)];
            Map<String, String> labels = new HashMap<>();
            if (agent != null) {
                labels.put("agent_id", agent);
            }
            labels.put("alertname", "SloBurnRate");
            labels.put("rule", rule);
            labels.put("slo", slo);
            assertThat(Alert.fingerprintOfSorted("agent_id", agent, "alertname", "SloBurnRate", "rule", rule, "slo", slo))
                    .as("%s", labels).isEqualTo(Alert.fingerprintOf(labels)).isEqualTo(byteFingerprint(labels));
        }
    }

    /** The definition: FNV-1a 64 over the UTF-8 bytes the JDK encodes, sorted by name, {@code name 0xFF value 0xFF}. */
    private static long byteFingerprint(Map<String, String> labels) {
        long hash = 0xcbf29ce484222325L;
        for (Map.Entry<String, String> label : new java.util.TreeMap<>(labels).entrySet()) {
            for (String part : new String[] {label.getKey(), label.getValue()}) {
                for (byte b : part.getBytes(StandardCharsets.UTF_8)) {
                    hash = (hash ^ (b & 0xFF)) * 0x100000001b3L;
                }
                hash = (hash ^ 0xFF) * 0x100000001b3L;
            }
        }
        return hash;
    }
}
