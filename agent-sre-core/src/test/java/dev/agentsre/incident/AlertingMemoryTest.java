package dev.agentsre.incident;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.alert.AlertManager;
import dev.agentsre.alert.Receiver;
import dev.agentsre.alert.Route;
import dev.agentsre.event.BurnRateAlertFired;
import dev.agentsre.event.BurnRateAlertResolved;
import dev.agentsre.event.CostCharged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.slo.AlertSeverity;
import dev.agentsre.slo.BurnRateAlert;
import dev.agentsre.testing.ManualScheduledExecutor;
import dev.agentsre.testing.ManualClock;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/**
 * The stated memory bounds of the alert manager and the incident manager, measured with JOL
 * ({@link GraphLayout#totalSize()}) after 1,000,000 signals from 10,000 sources — agents firing and
 * resolving burn-rate alerts round after round, with spend in between — excluding what they share
 * with the rest of the process (clock, bus, HTTP client, topology; the scheduler's pending timers are
 * counted). The caps are lowered (2,000 alerts; 200 open and 200 kept incidents) so that JOL's walk
 * stays quick; the stated bounds scale with them.
 */
class AlertingMemoryTest {

    private static final Instant T0 = Instant.parse("2026-11-25T00:00:00Z");
    private static final int SOURCES = 10_000;
    private static final int SIGNALS = 1_000_000;
    private static final int MAX_OPEN = 200;
    private static final int MAX_KEPT = 200;
    private static final int MAX_ALERTS = 2_000;

    @Test
    void aMillionSignalsFromTenThousandSourcesStayWithinTheStatedBounds() {
        ManualClock clock = ManualClock.at(T0);
        ManualScheduledExecutor scheduler = new ManualScheduledExecutor(clock);
        SreEventBus bus = new SreEventBus();
        HttpClient http = new NoHttpClient(); // a callback receiver sends nothing over HTTP; a real client's graph is the JVM's
        AtomicLong delivered = new AtomicLong();
        DependencyTopology topology = DependencyTopology.builder().clock(clock).build();
        for (int a = 0; a < SOURCES; a++) {
            topology.declare("agent-" + a, DependencyKind.MODEL, "model-" + (a % 100));
        }
        AlertManager alerts = AlertManager.builder().route(Route.root("cb").groupBy("agent_id"))
                .receiver(Receiver.callback("cb", n -> delivered.incrementAndGet())).clock(clock).scheduler(scheduler).httpClient(http)
                .eventBus(bus).maxAlerts(MAX_ALERTS).build();
        IncidentManager incidents = IncidentManager.builder().clock(clock).eventBus(bus).topology(topology).responseExecutor(Runnable::run)
                .maxOpenIncidents(MAX_OPEN).maxRetainedIncidents(MAX_KEPT).build();
        SreEventBus.Subscription[] subscriptions = {bus.subscribe(alerts), bus.subscribe(incidents)};
        BurnRateAlert rule = BurnRateAlert.multiWindow("fast_burn", 14.4, AlertSeverity.CRITICAL, Duration.ofHours(1), Duration.ofMinutes(5));
        BigDecimal cent = new BigDecimal("0.01");

        long alertPeak = 0;
        for (int i = 0; i < SIGNALS; i++) {
            int round = i / SOURCES;
            String agent = "agent-" + (i % SOURCES);
            if (round % 2 == 0) {
                bus.publish(new BurnRateAlertFired(clock.instant(), agent, agent + "-slo", rule, 20, 30));
            } else {
                bus.publish(new BurnRateAlertResolved(clock.instant(), agent, agent + "-slo", rule, 1, 1));
            }
            bus.publish(new CostCharged(clock.instant(), agent, "t" + i, null, "gpt-4o", cent));
            if (i % SOURCES == SOURCES - 1) {
                scheduler.advanceTo(clock.instant().plus(Duration.ofMinutes(7))); // flush groups, deliver, let windows pass
                if (round == 98) { // a firing round, flushed: the alert manager at its fullest
                    subscriptions[0].close(); // the bus refers to its listeners: unsubscribe to measure alone
                    subscriptions[1].close();
                    alertPeak = retained(alerts, http, bus, clock);
                    subscriptions[0] = bus.subscribe(alerts);
                    subscriptions[1] = bus.subscribe(incidents);
                }
            }
        }
        scheduler.advanceTo(clock.instant().plus(Duration.ofMinutes(10)));
        subscriptions[0].close();
        subscriptions[1].close();

        long alertBytes = retained(alerts, http, bus, clock);
        long alertBound = AlertManager.BYTES_PER_ALERT * MAX_ALERTS
                + AlertManager.BYTES_PER_QUEUED_NOTIFICATION * AlertManager.DEFAULT_QUEUE_CAPACITY
                + AlertManager.BYTES_PER_LOG_ENTRY * dev.agentsre.alert.NotificationLog.DEFAULT_MAX_ENTRIES;
        long incidentBytes = retained(incidents, topology, bus, clock);
        long incidentBound = IncidentManager.BYTES_PER_INCIDENT_BOUND * (MAX_OPEN + MAX_KEPT);
        System.out.printf("after %,d signals from %,d sources: alert manager %,d bytes at its peak, %,d at the end (bound %,d); "
                        + "incident manager %,d bytes for %,d incidents (bound %,d); %,d notifications delivered, %,d incidents not opened%n",
                SIGNALS, SOURCES, alertPeak, alertBytes, alertBound, incidentBytes, incidents.all().size(), incidentBound, delivered.get(),
                incidents.incidentsNotOpened());

        assertThat(alertPeak).isLessThan(alertBound).isGreaterThan(alertBytes);
        assertThat(alertBytes).isLessThan(alertBound);
        assertThat(incidentBytes).isLessThan(incidentBound);
        assertThat(incidents.all().size()).isLessThanOrEqualTo(MAX_OPEN + MAX_KEPT);
        assertThat(incidents.all()).allSatisfy(incident -> {
            assertThat(incident.timeline().size()).isLessThanOrEqualTo(IncidentManager.DEFAULT_MAX_TIMELINE + 1);
            assertThat(incident.signals().size()).isLessThanOrEqualTo(IncidentManager.DEFAULT_MAX_SIGNALS);
        });
        assertThat(incidents.incidentsNotOpened()).isPositive();
        assertThat(delivered.get()).isPositive();
        alerts.close();
        incidents.close();
    }

    /** An HTTP client that is never used (the receiver is a callback), so that JOL does not walk the JDK's. */
    private static final class NoHttpClient extends HttpClient {
        @Override
        public java.util.Optional<java.net.CookieHandler> cookieHandler() {
            return java.util.Optional.empty();
        }

        @Override
        public java.util.Optional<Duration> connectTimeout() {
            return java.util.Optional.empty();
        }

        @Override
        public Redirect followRedirects() {
            return Redirect.NEVER;
        }

        @Override
        public java.util.Optional<java.net.ProxySelector> proxy() {
            return java.util.Optional.empty();
        }

        @Override
        public javax.net.ssl.SSLContext sslContext() {
            throw new UnsupportedOperationException();
        }

        @Override
        public javax.net.ssl.SSLParameters sslParameters() {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.Optional<java.net.Authenticator> authenticator() {
            return java.util.Optional.empty();
        }

        @Override
        public Version version() {
            return Version.HTTP_1_1;
        }

        @Override
        public java.util.Optional<java.util.concurrent.Executor> executor() {
            return java.util.Optional.empty();
        }

        @Override
        public <T> java.net.http.HttpResponse<T> send(java.net.http.HttpRequest request,
                                                      java.net.http.HttpResponse.BodyHandler<T> handler) {
            throw new UnsupportedOperationException("no HTTP in this test");
        }

        @Override
        public <T> java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<T>> sendAsync(java.net.http.HttpRequest request,
                java.net.http.HttpResponse.BodyHandler<T> handler) {
            throw new UnsupportedOperationException("no HTTP in this test");
        }

        @Override
        public <T> java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<T>> sendAsync(java.net.http.HttpRequest request,
                java.net.http.HttpResponse.BodyHandler<T> handler, java.net.http.HttpResponse.PushPromiseHandler<T> push) {
            throw new UnsupportedOperationException("no HTTP in this test");
        }
    }

    private static long retained(Object root, Object... shared) {
        return GraphLayout.parseInstance(root).subtract(GraphLayout.parseInstance(shared)).totalSize();
    }
}
