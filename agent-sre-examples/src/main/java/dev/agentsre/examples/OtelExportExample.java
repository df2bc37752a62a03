package dev.agentsre.examples;

import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.otel.AgentSreTelemetry;
import dev.agentsre.otel.SreComponents;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.Slis;
import dev.agentsre.slo.Slo;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.stream.Collectors;

/**
 * OpenTelemetry export: bind the SLO, the breakers and the cost guard to an OTel SDK whose reader is
 * the Prometheus exporter, then scrape it the way Prometheus would. Returns the {@code agentsre_}
 * lines of the scrape.
 */
public final class OtelExportExample {

    private OtelExportExample() {
    }

    /** Runs the example on a free local port and returns the scraped {@code agentsre_} series. */
    public static String run() throws IOException, InterruptedException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        PrometheusHttpServer prometheus = PrometheusHttpServer.builder().setHost("127.0.0.1").setPort(port).build();
        try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(prometheus).build()).build()) {
            SreEventBus bus = new SreEventBus();
            Slo slo = Slo.builder("support-reliability").agentId("support-agent")
                    .indicator(Slis.taskSuccessRate().build())
                    .errorBudget(ErrorBudget.builder().target(0.99).build()).eventBus(bus).build();
            CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.ofDefaults(), bus);
            CostGuard guard = CostGuard.builder().perAgentDailyLimit(20).eventBus(bus).build();
            // one declaration wires everything: counters from the bus, gauges read from the components at collection
            AgentSreTelemetry.create(otel, SreComponents.builder().bus(bus).slo(slo).breakers(breakers).costGuard(guard).build());

            for (int i = 0; i < 200; i++) {
                boolean ok = i % 50 != 0;
                slo.recordEvent(ok);
                if (ok) {
                    breakers.get("support-agent").recordSuccess(Duration.ofMillis(800));
                } else {
                    breakers.get("support-agent").onError(Duration.ofMillis(800), new IllegalStateException("timeout"));
                }
                guard.recordCost("support-agent", "t-" + i, 0.004);
            }

            HttpResponse<String> scrape = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return scrape.body().lines().filter(line -> line.startsWith("agentsre_")).collect(Collectors.joining("\n"));
        } finally {
            prometheus.close();
        }
    }

    /** Prints the scrape. */
    public static void main(String[] args) throws Exception {
        System.out.println(run());
    }
}
