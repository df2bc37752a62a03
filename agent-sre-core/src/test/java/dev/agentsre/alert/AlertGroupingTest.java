package dev.agentsre.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentsre.testing.LocalHttpReceiver;
import dev.agentsre.testing.ManualScheduledExecutor;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Alertmanager's group semantics, escalation, silences and inhibition, delivered over real HTTP on a test clock. */
class AlertGroupingTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private final ManualClock clock = ManualClock.at(T0);
    private final ManualScheduledExecutor scheduler = new ManualScheduledExecutor(clock);
    private final LocalHttpReceiver server = LocalHttpReceiver.answering(200, "");
    private AlertManager alerts;

    @AfterEach
    void stop() {
        if (alerts != null) {
            alerts.close();
        }
        server.close();
    }

    private AlertManager manager(Route route, InhibitRule... rules) {
        AlertManager.Builder b = AlertManager.builder().route(route).receiver(Receiver.webhook("hook", Secret.url(server.url("/hook"))))
                .clock(clock).scheduler(scheduler).jitter(() -> 0.5);
        for (InhibitRule rule : rules) {
            b.inhibit(rule);
        }
        alerts = b.build();
        return alerts;
    }

    private static Alert burn(String agent, Severity severity) {
        return Alert.builder("SloBurnRate").label("agent_id", agent).label("slo", agent + "-reliability").severity(severity)
                .annotation("summary", agent + " burns").build();
    }

    private void advance(Duration by) {
        scheduler.advanceTo(clock.instant().plus(by));
    }

    private static List<String> agentsIn(JsonNode payload) {
        List<String> agents = new ArrayList<>();
        payload.get("alerts").forEach(a -> agents.add(a.get("labels").get("agent_id").asText() + ":" + a.get("status").asText()));
        return agents;
    }

    @Test
    void aSecondAlertInTheSameGroupWithinGroupWaitIsSentInTheSameNotification() {
        manager(Route.root("hook").groupBy("alertname"));
        alerts.fire(burn("a", Severity.WARNING));
        advance(Duration.ofSeconds(10));
        alerts.fire(burn("b", Severity.WARNING));
        advance(Duration.ofSeconds(19));
        assertThat(server.requests()).isEmpty(); // group_wait (30 s) not over
        advance(Duration.ofSeconds(1));

        assertThat(server.requests()).hasSize(1);
        JsonNode payload = server.last().json();
        assertThat(agentsIn(payload)).containsExactlyInAnyOrder("a:firing", "b:firing");
        assertThat(payload.get("groupLabels")).hasToString("{\"alertname\":\"SloBurnRate\"}");
        assertThat(payload.get("commonLabels").get("severity").asText()).isEqualTo("warning");

        advance(Duration.ofHours(1)); // nothing changed: no notification until repeat_interval
        assertThat(server.requests()).hasSize(1);
        advance(Duration.ofHours(3));
        assertThat(server.requests()).hasSize(2); // repeat_interval 4 h
    }

    @Test
    void aCriticalArrivingAMinuteAfterAWarningInTheSameGroupIsNotifiedAtOnce() {
        manager(Route.root("hook").groupBy("alertname"));
        alerts.fire(burn("a", Severity.WARNING));
        advance(Duration.ofSeconds(30));
        assertThat(server.requests()).hasSize(1);

        advance(Duration.ofSeconds(30)); // one minute after the warning
        Instant criticalAt = clock.instant();
        alerts.fire(burn("b", Severity.CRITICAL));
        scheduler.advanceTo(criticalAt); // nothing but due tasks: no time passes

        assertThat(server.requests()).hasSize(2);
        assertThat(clock.instant()).isEqualTo(criticalAt);
        JsonNode payload = server.last().json();
        assertThat(agentsIn(payload)).containsExactlyInAnyOrder("a:firing", "b:firing");
    }

    @Test
    void theSameAlertRaisingItsSeverityIsAnEscalationNotifiedAtOnce() {
        manager(Route.root("hook").groupBy("alertname"));
        alerts.fire(burn("a", Severity.WARNING));
        advance(Duration.ofSeconds(30));
        advance(Duration.ofSeconds(60));
        alerts.fire(burn("a", Severity.CRITICAL));
        scheduler.advanceTo(clock.instant());
        assertThat(server.requests()).hasSize(2);
        assertThat(server.last().json().get("alerts").get(0).get("labels").get("severity").asText()).isEqualTo("critical");
        assertThat(alerts.size()).isEqualTo(1); // one alert, escalated
    }

    @Test
    void newAlertsOfTheSameSeverityWaitForGroupInterval() {
        manager(Route.root("hook").groupBy("alertname"));
        alerts.fire(burn("a", Severity.WARNING));
        advance(Duration.ofSeconds(30));
        advance(Duration.ofSeconds(30));
        alerts.fire(burn("b", Severity.WARNING));
        advance(Duration.ofMinutes(4));
        assertThat(server.requests()).hasSize(1);
        advance(Duration.ofMinutes(1)); // 30 s + 5 min
        assertThat(server.requests()).hasSize(2);
    }

    @Test
    void resolvedAlertsAreNotifiedOnceAtTheNextFlushAndTheGroupGoesAway() {
        manager(Route.root("hook").groupBy("alertname"));
        alerts.fire(burn("a", Severity.WARNING));
        alerts.fire(burn("b", Severity.WARNING));
        advance(Duration.ofSeconds(30));
        alerts.resolve(burn("a", Severity.WARNING));
        advance(Duration.ofMinutes(5));
        assertThat(server.requests()).hasSize(2);
        assertThat(agentsIn(server.last().json())).containsExactly("b:firing", "a:resolved");
        assertThat(server.last().json().get("status").asText()).isEqualTo("firing");

        alerts.resolve(burn("b", Severity.WARNING));
        advance(Duration.ofMinutes(5));
        assertThat(server.requests()).hasSize(3);
        assertThat(server.last().json().get("status").asText()).isEqualTo("resolved");
        assertThat(agentsIn(server.last().json())).containsExactly("b:resolved");
        assertThat(alerts.groupCount()).isZero();
        assertThat(alerts.size()).isZero();

        advance(Duration.ofHours(5));
        assertThat(server.requests()).hasSize(3); // never again
    }

    @Test
    void anAlertThatFiresAndResolvesBeforeTheFirstFlushIsNeverNotified() {
        manager(Route.root("hook").groupBy("alertname"));
        alerts.fire(burn("a", Severity.WARNING));
        advance(Duration.ofSeconds(5));
        alerts.resolve(burn("a", Severity.WARNING));
        advance(Duration.ofMinutes(10));
        assertThat(server.requests()).isEmpty();
        assertThat(alerts.groupCount()).isZero();
    }

    @Test
    void aSilencedAlertIsNotNotifiedAndShowsAsSilenced() {
        manager(Route.root("hook").groupBy("agent_id"));
        Silence silence = alerts.silence(Silence.matching("agent_id", "a").until(T0.plus(Duration.ofHours(1))).by("alice")
                .comment("maintenance"));
        alerts.fire(burn("a", Severity.CRITICAL));
        alerts.fire(burn("b", Severity.CRITICAL));
        advance(Duration.ofSeconds(30));

        assertThat(server.requests()).hasSize(1);
        assertThat(agentsIn(server.last().json())).containsExactly("b:firing");
        AlertStatus status = alerts.status();
        AlertStatus.AlertState a = status.alert(burn("a", Severity.CRITICAL).fingerprint());
        assertThat(a.state()).isEqualTo(AlertStatus.AlertState.State.SUPPRESSED);
        assertThat(a.silencedBy()).containsExactly(silence.id());
        assertThat(status.silenced()).isEqualTo(1);
        assertThat(status.firing()).isEqualTo(1);
        assertThat(status.silences()).singleElement().satisfies(s -> assertThat(s.state()).isEqualTo(Silence.State.ACTIVE));

        // When the silence ends, the alert is notified at its group's next flush.
        advance(Duration.ofHours(1));
        assertThat(server.requests()).hasSize(2);
        assertThat(agentsIn(server.last().json())).containsExactly("a:firing");
    }

    @Test
    void anExpiredSilenceNoLongerMutes() {
        manager(Route.root("hook").groupBy("agent_id").groupWait(Duration.ZERO));
        Silence silence = alerts.silence(Silence.matching("agent_id", "a").until(T0.plus(Duration.ofDays(1))).by("bob").comment("noisy"));
        assertThat(alerts.expireSilence(silence.id())).isTrue();
        assertThat(alerts.expireSilence(silence.id())).isFalse();
        alerts.fire(burn("a", Severity.WARNING));
        scheduler.advanceTo(clock.instant());
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void aCriticalInhibitsWarningsWithEqualLabels() {
        manager(Route.root("hook").groupBy("agent_id"),
                InhibitRule.source("severity", "critical").target("severity", "warning").equal("agent_id"));
        Alert critical = Alert.builder("SloBudgetExhausted").label("agent_id", "a").severity(Severity.CRITICAL).build();
        Alert warningSameAgent = Alert.builder("CircuitOpen").label("agent_id", "a").severity(Severity.WARNING).build();
        Alert warningOtherAgent = Alert.builder("CircuitOpen").label("agent_id", "b").severity(Severity.WARNING).build();
        alerts.fire(critical);
        alerts.fire(warningSameAgent);
        alerts.fire(warningOtherAgent);
        advance(Duration.ofSeconds(30));

        List<String> notified = new ArrayList<>();
        for (LocalHttpReceiver.Request r : server.requests()) {
            r.json().get("alerts").forEach(a -> notified.add(a.get("labels").get("alertname").asText() + "/"
                    + a.get("labels").get("agent_id").asText()));
        }
        assertThat(notified).containsExactlyInAnyOrder("SloBudgetExhausted/a", "CircuitOpen/b");
        AlertStatus.AlertState inhibited = alerts.status().alert(warningSameAgent.fingerprint());
        assertThat(inhibited.state()).isEqualTo(AlertStatus.AlertState.State.SUPPRESSED);
        assertThat(inhibited.inhibitedBy()).containsExactly(critical.fingerprintHex());
        assertThat(alerts.status().inhibited()).isEqualTo(1);

        // The source resolves: the warning is notified at the next flush.
        alerts.resolve(critical);
        advance(Duration.ofMinutes(5));
        assertThat(server.requests().stream().filter(r -> r.body().contains("\"CircuitOpen\"") && r.body().contains("\"agent_id\":\"a\"")))
                .hasSize(1);
    }

    @Test
    void twoWarningsMatchingBothSidesOfARuleDoNotMuteEachOther() {
        manager(Route.root("hook").groupBy("alertname"),
                InhibitRule.source("severity", "warning").target("severity", "warning").equal("alertname"));
        alerts.fire(burn("a", Severity.WARNING));
        alerts.fire(burn("b", Severity.WARNING));
        advance(Duration.ofSeconds(30));
        assertThat(agentsIn(server.last().json())).containsExactlyInAnyOrder("a:firing", "b:firing");
    }

    @Test
    void routesDescendDepthFirstStopAtTheFirstMatchAndContinueOnlyWhenAsked() {
        LocalHttpReceiver pager = LocalHttpReceiver.answering(202, "");
        try {
            alerts = AlertManager.builder()
                    .route(Route.root("hook").groupBy("alertname")
                            .child(Route.match("severity", "critical").receiver("pager").groupWait(Duration.ZERO).continueMatching(true))
                            .child(Route.match("alertname", "SloBurnRate").groupBy("agent_id")))
                    .receiver(Receiver.webhook("hook", Secret.url(server.url("/hook"))))
                    .receiver(Receiver.webhook("pager", Secret.url(pager.url("/pager"))))
                    .clock(clock).scheduler(scheduler).build();
            alerts.fire(burn("a", Severity.CRITICAL));   // pager (continue) and the SloBurnRate child
            alerts.fire(burn("b", Severity.WARNING));    // the SloBurnRate child only
            alerts.fire(Alert.builder("Other").severity(Severity.WARNING).build()); // root
            scheduler.advanceTo(clock.instant());
            assertThat(pager.requests()).hasSize(1);
            assertThat(agentsIn(pager.last().json())).containsExactly("a:firing");
            advance(Duration.ofSeconds(30));
            assertThat(server.requests()).hasSize(3); // groups agent_id=a, agent_id=b, and the root's alertname=Other
            assertThat(server.requests()).extracting(r -> r.json().get("groupKey").asText()).containsExactlyInAnyOrder(
                    "{}/{alertname=\"SloBurnRate\"}:{agent_id=\"a\"}", "{}/{alertname=\"SloBurnRate\"}:{agent_id=\"b\"}",
                    "{}:{alertname=\"Other\"}");
        } finally {
            pager.close();
        }
    }

    @Test
    void routesNamingAnUnknownReceiverAreRejectedAtBuild() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AlertManager.builder()
                        .route(Route.root("hook").child(Route.match("severity", "critical").receiver("pager")))
                        .receiver(Receiver.webhook("hook", Secret.url(server.url("/hook")))).clock(clock).scheduler(scheduler).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'pager'");
    }

    @Test
    void alertsBeyondMaxAlertsAreRejectedAndCounted() {
        alerts = AlertManager.builder().route(Route.root("hook")).receiver(Receiver.webhook("hook", Secret.url(server.url("/hook"))))
                .clock(clock).scheduler(scheduler).maxAlerts(2).build();
        assertThat(alerts.fireAlert(burn("a", Severity.WARNING))).isTrue();
        assertThat(alerts.fireAlert(burn("b", Severity.WARNING))).isTrue();
        assertThat(alerts.fireAlert(burn("c", Severity.WARNING))).isFalse();
        assertThat(alerts.fireAlert(burn("a", Severity.CRITICAL))).isTrue(); // an update is not a new alert
        assertThat(alerts.status().rejectedAlerts()).isEqualTo(1);
        assertThat(alerts.size()).isEqualTo(2);
    }

    @Test
    void withoutSendResolvedAReceiverHearsNothingOfResolutions() {
        alerts = AlertManager.builder().route(Route.root("hook").groupBy("alertname"))
                .receiver(Receiver.webhook("hook", Secret.url(server.url("/hook"))).sendResolved(false))
                .clock(clock).scheduler(scheduler).build();
        alerts.fire(burn("a", Severity.WARNING));
        alerts.fire(burn("b", Severity.WARNING));
        advance(Duration.ofSeconds(30));
        alerts.resolve(burn("a", Severity.WARNING));
        advance(Duration.ofMinutes(5));
        assertThat(server.requests()).hasSize(1); // a resolving alone is not news for this receiver
        alerts.resolve(burn("b", Severity.WARNING));
        advance(Duration.ofMinutes(5));
        assertThat(server.requests()).hasSize(1);
        assertThat(alerts.groupCount()).isZero();
    }

    @Test
    void alertsThatEndByThemselvesResolveAtTheirEndTime() {
        manager(Route.root("hook").groupBy("alertname"));
        alerts.fire(Alert.builder("BreakerCascade").severity(Severity.CRITICAL).endsAt(T0.plus(Duration.ofMinutes(15))).build());
        advance(Duration.ofSeconds(30));
        advance(Duration.ofMinutes(15));
        assertThat(server.requests()).hasSize(2);
        assertThat(server.last().json().get("status").asText()).isEqualTo("resolved");
    }

    @Test
    void statusListsGroupsAndTheirNextFlush() {
        manager(Route.root("hook").groupBy("agent_id"));
        alerts.fire(burn("a", Severity.WARNING));
        AlertStatus status = alerts.status();
        assertThat(status.groups()).singleElement().satisfies(g -> {
            assertThat(g.labels()).isEqualTo(Map.of("agent_id", "a"));
            assertThat(g.nextFlush()).isEqualTo(T0.plusSeconds(30));
            assertThat(g.lastNotified()).isNull();
        });
        assertThat(alerts.status()).isNotNull();
        assertThat(scheduler.pending()).isEqualTo(1); // reading status scheduled nothing
    }
}
