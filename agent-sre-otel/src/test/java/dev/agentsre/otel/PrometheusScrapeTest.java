package dev.agentsre.otel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.Slo;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** End to end: the OTel SDK's Prometheus exporter serves what a real scrape reads, on loopback. */
class PrometheusScrapeTest {

    /** The Prometheus names the generated rules and dashboard rely on. */
    static final String SLO_EVENTS = "agentsre_slo_events_total";

    @Test
    void aScrapeReadsTheExportedSignals() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        PrometheusHttpServer server = PrometheusHttpServer.builder().setHost("127.0.0.1").setPort(port).build();
        try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(server).build()).build()) {
            SreEventBus bus = new SreEventBus();
            Slo slo = Slo.builder("reliability").agentId("researcher")
                    .errorBudget(ErrorBudget.builder().target(0.99).projectAllowance(false).build()).eventBus(bus).build();
            slo.errorBudget().recordEvents(95, 5);
            CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.ofDefaults(), bus);
            breakers.get("writer").forceOpen();
            AgentSreTelemetry.create(sdk, SreComponents.builder().bus(bus).slo(slo).breakers(breakers).build());
            dev.agentsre.cost.CostGuard guard = dev.agentsre.cost.CostGuard.builder().eventBus(bus).build();
            guard.recordCost("researcher", "t1", 1.25);

            HttpResponse<String> scrape = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.ofString());

            assertThat(scrape.statusCode()).isEqualTo(200);
            String body = scrape.body();
            if (System.getProperty("dumpScrape") != null) {
                java.nio.file.Files.writeString(java.nio.file.Path.of(System.getProperty("dumpScrape")), body);
            }
            assertThat(body).containsPattern(SLO_EVENTS + "\\{[^}]*agent_id=\"researcher\"[^}]*outcome=\"bad\"[^}]*slo_name=\"reliability\"[^}]*} 5(\\.0)?\\b");
            assertThat(body).containsPattern(SLO_EVENTS + "\\{[^}]*outcome=\"good\"[^}]*} 95(\\.0)?\\b");
            assertThat(body).containsPattern("agentsre_slo_error_budget_remaining_percent\\{[^}]*slo_name=\"reliability\"[^}]*} 0(\\.0)?\\b");
            assertThat(body).containsPattern("agentsre_breaker_state(_ratio)?\\{[^}]*agent_id=\"writer\"[^}]*state=\"forced_open\"[^}]*} 1(\\.0)?\\b");
            assertThat(body).contains("otel_scope_name=\"dev.agentsre\"");
        } finally {
            server.close();
        }
    }
}
