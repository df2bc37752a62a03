package dev.agentsre.alert;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.event.AlertEvent;
import dev.agentsre.event.NotificationDelivered;
import dev.agentsre.event.NotificationDropped;
import dev.agentsre.event.NotificationFailed;
import dev.agentsre.event.ReceiverDisabled;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.LocalHttpReceiver;
import dev.agentsre.testing.LocalHttpReceiver.Response;
import dev.agentsre.testing.ManualScheduledExecutor;
import dev.agentsre.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delivery: retries, Retry-After, permanent failures, overflow, the notification log, never blocking the caller. */
class AlertDeliveryTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private final ManualClock clock = ManualClock.at(T0);
    private final ManualScheduledExecutor scheduler = new ManualScheduledExecutor(clock);
    private final SreEventBus bus = new SreEventBus();
    private final List<AlertEvent> events = new CopyOnWriteArrayList<>();
    private LocalHttpReceiver server;
    private AlertManager alerts;

    AlertDeliveryTest() {
        bus.subscribe(AlertEvent.class, events::add);
    }

    @AfterEach
    void stop() {
        if (alerts != null) {
            alerts.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private AlertManager manager(Receiver receiver, int capacity) {
        alerts = AlertManager.builder().route(Route.root(receiver.name()).groupBy("agent_id").groupWait(Duration.ZERO))
                .receiver(receiver).clock(clock).scheduler(scheduler).eventBus(bus).queueCapacity(capacity).jitter(() -> 0.5).build();
        return alerts;
    }

    private static Alert alert(String agent, Severity severity) {
        return Alert.builder("SloBurnRate").label("agent_id", agent).severity(severity).build();
    }

    private void now() {
        scheduler.advanceTo(clock.instant());
    }

    @Test
    void twoServiceUnavailableThenOkIsDeliveredOnceInThreeAttempts() {
        server = LocalHttpReceiver.answering(200, "").then(Response.of(503, "busy"), Response.of(503, "busy"));
        manager(Receiver.webhook("hook", Secret.url(server.url("/hook"))), 10);
        alerts.fire(alert("a", Severity.CRITICAL));
        now();
        assertThat(server.requests()).hasSize(1);
        // full jitter with random 0.5: 250 ms after attempt 1, 500 ms after attempt 2
        scheduler.advanceTo(clock.instant().plusMillis(249));
        assertThat(server.requests()).hasSize(1);
        scheduler.advanceTo(clock.instant().plusMillis(1));
        assertThat(server.requests()).hasSize(2);
        scheduler.advanceTo(clock.instant().plusMillis(500));
        assertThat(server.requests()).hasSize(3);
        scheduler.advanceTo(clock.instant().plus(Duration.ofMinutes(10)));

        assertThat(server.requests()).hasSize(3);
        assertThat(server.requests()).extracting(LocalHttpReceiver.Request::body).containsOnly(server.requests().get(0).body());
        AlertStatus.ReceiverStatus status = alerts.status().receiver("hook");
        assertThat(status.delivered()).isEqualTo(1);
        assertThat(status.retries()).isEqualTo(2);
        assertThat(status.failed()).isZero();
        assertThat(status.lastDelivery().delivered()).isTrue();
        assertThat(status.lastDelivery().attempts()).isEqualTo(3);
        assertThat(events).filteredOn(NotificationDelivered.class::isInstance).singleElement()
                .satisfies(e -> assertThat(((NotificationDelivered) e).attempts()).isEqualTo(3));
    }

    @Test
    void tooManyRequestsWithRetryAfterSevenSecondsIsRetriedNotBeforeSevenSecondsOnTheTestClock() {
        server = LocalHttpReceiver.answering(200, "").then(Response.of(429, "slow down").header("Retry-After", "7"));
        manager(Receiver.webhook("hook", Secret.url(server.url("/hook"))), 10);
        alerts.fire(alert("a", Severity.CRITICAL));
        now();
        assertThat(server.requests()).hasSize(1);
        scheduler.advanceTo(T0.plusMillis(6_999));
        assertThat(server.requests()).hasSize(1);
        scheduler.advanceTo(T0.plusSeconds(7));
        assertThat(server.requests()).hasSize(2);
        assertThat(alerts.status().receiver("hook").delivered()).isEqualTo(1);
    }

    @Test
    void retryAfterAsAnHttpDateIsHonouredAndCapped() {
        String in30s = DateTimeFormatter.RFC_1123_DATE_TIME.format(T0.plusSeconds(30).atOffset(ZoneOffset.UTC));
        assertThat(ReceiverChannel.retryAfter(in30s, T0)).isEqualTo(Duration.ofSeconds(30));
        assertThat(ReceiverChannel.retryAfter("120", T0)).isEqualTo(Duration.ofSeconds(120));
        assertThat(ReceiverChannel.retryAfter("soon", T0)).isNull();
        assertThat(ReceiverChannel.retryAfter(null, T0)).isNull();
        assertThat(RetryPolicy.defaults().delayAfter(1, Duration.ofHours(2), 0.5)).isEqualTo(Duration.ofMinutes(5));
        // full jitter: between 0 and min(cap, 500 ms x 2^(n-1))
        assertThat(RetryPolicy.defaults().delayAfter(1, null, 0.999)).isEqualTo(Duration.ofMillis(499));
        assertThat(RetryPolicy.defaults().delayAfter(4, null, 0.5)).isEqualTo(Duration.ofMillis(2_000));
        assertThat(RetryPolicy.defaults().delayAfter(20, null, 0.5)).isEqualTo(Duration.ofSeconds(30));
        assertThat(RetryPolicy.defaults().delayAfter(3, null, 0.0)).isEqualTo(Duration.ZERO);
    }

    @Test
    void badRequestIsNotRetriedAndCountsAsFailed() {
        server = LocalHttpReceiver.answering(400, "{\"status\":\"invalid event\"}");
        manager(Receiver.webhook("hook", Secret.url(server.url("/hook"))), 10);
        alerts.fire(alert("a", Severity.CRITICAL));
        now();
        scheduler.advanceTo(T0.plus(Duration.ofHours(1)));
        assertThat(server.requests()).hasSize(1);
        AlertStatus.ReceiverStatus status = alerts.status().receiver("hook");
        assertThat(status.failed()).isEqualTo(1);
        assertThat(status.delivered()).isZero();
        assertThat(status.lastDelivery().httpStatus()).isEqualTo(400);
        assertThat(events).filteredOn(NotificationFailed.class::isInstance).singleElement()
                .satisfies(e -> assertThat(((NotificationFailed) e).reason()).startsWith("HTTP 400"));
    }

    @Test
    void retriesStopAfterMaxAttempts() {
        server = LocalHttpReceiver.answering(500, "down");
        alerts = AlertManager.builder().route(Route.root("hook").groupWait(Duration.ZERO))
                .receiver(Receiver.webhook("hook", Secret.url(server.url("/hook")))).clock(clock).scheduler(scheduler).eventBus(bus)
                .retry(RetryPolicy.defaults().maxAttempts(3)).jitter(() -> 0.5).build();
        alerts.fire(alert("a", Severity.WARNING));
        now();
        scheduler.advanceTo(T0.plus(Duration.ofHours(1)));
        assertThat(server.requests()).hasSize(3);
        assertThat(alerts.status().receiver("hook").failed()).isEqualTo(1);
    }

    @Test
    void goneDisablesTheReceiver() {
        server = LocalHttpReceiver.answering(410, "gone");
        manager(Receiver.webhook("hook", Secret.url(server.url("/hook"))), 10);
        alerts.fire(alert("a", Severity.WARNING));
        now();
        alerts.fire(alert("b", Severity.WARNING));
        now();
        assertThat(server.requests()).hasSize(1);
        assertThat(alerts.status().receiver("hook").disabled()).isTrue();
        assertThat(events).filteredOn(ReceiverDisabled.class::isInstance).hasSize(1);
        assertThat(events).filteredOn(NotificationDropped.class::isInstance).hasSize(1);
    }

    @Test
    void theAgentsCallNeverWaitsOnDelivery() throws Exception {
        server = LocalHttpReceiver.answering(200, "").holdRequests();
        ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
        try {
            alerts = AlertManager.builder().route(Route.root("hook").groupBy("agent_id").groupWait(Duration.ZERO))
                    .receiver(Receiver.webhook("hook", Secret.url(server.url("/hook")))).clock(clock).scheduler(sender).build();
            alerts.fire(alert("a", Severity.CRITICAL));
            assertThat(server.awaitFirstRequest(10)).isTrue(); // the sender thread is now stuck inside the HTTP call
            for (int i = 0; i < 100; i++) {
                alerts.fire(alert("agent-" + i, Severity.CRITICAL)); // returns while the receiver hangs
                alerts.onEvent(new dev.agentsre.event.CostCharged(clock.instant(), "agent-" + i, "t", null, "gpt-4o",
                        java.math.BigDecimal.ONE));
            }
            assertThat(alerts.size()).isEqualTo(101);
            server.release();
        } finally {
            alerts.close();
            sender.shutdownNow();
            sender.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFullQueueDropsTheLowestSeverityFirstAndCountsIt() {
        server = LocalHttpReceiver.answering(503, "");
        alerts = AlertManager.builder().route(Route.root("hook").groupBy("agent_id").groupWait(Duration.ZERO))
                .receiver(Receiver.webhook("hook", Secret.url(server.url("/hook")))).clock(clock).scheduler(scheduler).eventBus(bus)
                .queueCapacity(3).jitter(() -> 0.5).retry(RetryPolicy.defaults().maxAttempts(100).maxElapsed("1h")).build();
        alerts.fire(alert("stuck", Severity.WARNING)); // in flight, retried forever
        now();
        alerts.fire(alert("info", Severity.INFO));
        alerts.fire(alert("warning", Severity.WARNING));
        now();
        assertThat(alerts.status().receiver("hook").queueDepth()).isEqualTo(3);
        alerts.fire(alert("critical", Severity.CRITICAL));
        now();
        assertThat(events).filteredOn(NotificationDropped.class::isInstance).singleElement()
                .satisfies(e -> assertThat(((NotificationDropped) e).severity()).isEqualTo(Severity.INFO));
        alerts.fire(alert("another-info", Severity.INFO)); // lower than everything queued: the newcomer goes
        now();
        assertThat(events).filteredOn(NotificationDropped.class::isInstance).hasSize(2)
                .last().satisfies(e -> assertThat(((NotificationDropped) e).groupKey()).contains("another-info"));
        AlertStatus.ReceiverStatus status = alerts.status().receiver("hook");
        assertThat(status.dropped()).isEqualTo(2);
        assertThat(status.queueDepth()).isEqualTo(3);
    }

    @Test
    void aRestartOverTheSameFileLogDoesNotPageAgainForWhatWasDelivered(@TempDir Path dir) {
        server = LocalHttpReceiver.answering(202, "");
        Path logFile = dir.resolve("notifications.jsonl");
        Receiver pager = Receiver.pagerDuty("pager", Secret.of("R0UT1NGKEY0000000000000000000000")).eventsUrl(server.uri().resolve("/v2/enqueue"));

        alerts = AlertManager.builder().route(Route.root("pager").groupBy("alertname")).receiver(pager).clock(clock).scheduler(scheduler)
                .notificationLog(NotificationLog.file(logFile)).build();
        alerts.fire(alert("a", Severity.CRITICAL));
        scheduler.advanceTo(T0.plusSeconds(30));
        assertThat(server.requests()).hasSize(1);
        alerts.close();
        assertThat(Files.exists(logFile)).isTrue();

        // "Restart": new objects over the same file; the SLO fires its alert again.
        ManualScheduledExecutor scheduler2 = new ManualScheduledExecutor(clock);
        clock.advance(Duration.ofMinutes(10));
        alerts = AlertManager.builder().route(Route.root("pager").groupBy("alertname")).receiver(pager).clock(clock).scheduler(scheduler2)
                .notificationLog(NotificationLog.file(logFile)).build();
        alerts.fire(alert("a", Severity.CRITICAL));
        scheduler2.advanceTo(clock.instant().plus(Duration.ofHours(1)));
        assertThat(server.requests()).hasSize(1); // no second page

        alerts.resolve(alert("a", Severity.CRITICAL));
        scheduler2.advanceTo(clock.instant().plus(Duration.ofMinutes(5)));
        assertThat(server.requests()).hasSize(2);
        assertThat(server.last().json().get("event_action").asText()).isEqualTo("resolve");
        assertThat(server.last().json().get("dedup_key").asText()).isEqualTo(server.requests().get(0).json().get("dedup_key").asText());
    }

    @Test
    void aDamagedLogLineIsSkipped(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("log.jsonl");
        NotificationLog log = NotificationLog.file(file);
        log.record(new NotificationLog.Entry("r", "g1", new long[] {1, 2}, new long[0], Severity.WARNING, T0));
        log.record(new NotificationLog.Entry("r", "g2", new long[] {3}, new long[] {4}, Severity.CRITICAL, T0));
        Files.writeString(file, Files.readString(file) + "{\"receiver\":\"r\",\"gro", java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
        NotificationLog reopened = NotificationLog.file(file);
        assertThat(reopened.size()).isEqualTo(2);
        assertThat(reopened.last("r", "g2").firing()).containsExactly(3);
        assertThat(reopened.last("r", "g2").resolved()).containsExactly(4);
        assertThat(reopened.last("r", "g1").severity()).isEqualTo(Severity.WARNING);
    }

    @Test
    void theInMemoryLogIsBounded() {
        NotificationLog log = new InMemoryNotificationLog(100, Duration.ofHours(1));
        for (int i = 0; i < 1_000; i++) {
            log.record(new NotificationLog.Entry("r", "g" + i, new long[] {i}, new long[0], Severity.INFO, T0.plusSeconds(i)));
        }
        assertThat(log.size()).isEqualTo(100);
        assertThat(log.last("r", "g999")).isNotNull();
        assertThat(log.last("r", "g0")).isNull();
    }

    @Test
    void aNotificationForAQueuedGroupReplacesItInPlace() {
        server = LocalHttpReceiver.answering(503, "");
        alerts = AlertManager.builder().route(Route.root("hook").groupBy("agent_id").groupWait(Duration.ZERO).groupInterval("1s"))
                .receiver(Receiver.webhook("hook", Secret.url(server.url("/hook")))).clock(clock).scheduler(scheduler).eventBus(bus)
                .jitter(() -> 0.5).retry(RetryPolicy.defaults().maxAttempts(1000).maxElapsed("1h")).build();
        alerts.fire(alert("stuck", Severity.WARNING));
        now();
        alerts.fire(alert("b", Severity.WARNING));
        now();
        alerts.fire(Alert.builder("Other").label("agent_id", "b").severity(Severity.WARNING).build());
        scheduler.advanceTo(clock.instant().plusSeconds(1));
        assertThat(alerts.status().receiver("hook").queueDepth()).isEqualTo(2); // stuck + one (replaced) notification of b
    }
}
