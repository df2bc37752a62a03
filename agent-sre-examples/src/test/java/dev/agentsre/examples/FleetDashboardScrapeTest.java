package dev.agentsre.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated Grafana dashboard against what Prometheus really scrapes from the fleet drill run
 * with {@code --prometheus}: every panel's query names a metric the scrape returns (or a recording
 * rule the generated rules define), grouped by labels those series carry.
 */
class FleetDashboardScrapeTest {

    private static final Pattern METRIC = Pattern.compile("\\b(agentsre_[a-zA-Z0-9_]+)\\b");
    private static final Pattern RECORDED = Pattern.compile("agentsre:[a-z_]+:[a-z0-9_]+");
    private static final Pattern BY = Pattern.compile("by \\(([^)]*)\\) \\(\\s*(?:rate\\()?([a-zA-Z0-9_:]+)");

    @Test
    void everyPanelQueriesAMetricTheDrillsScrapeReturns(@TempDir Path out) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        PrometheusHttpServer server = PrometheusHttpServer.builder().setHost("127.0.0.1").setPort(port).build();
        String scrape;
        try (FleetDrill drill = new FleetDrill(new PrintStream(OutputStream.nullOutputStream()),
                FleetDrillOptions.parse("--out", out.toString(), "--prometheus", String.valueOf(port)), server, FleetDrill.Pacer.none())) {
            drill.run();
            scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } finally {
            server.close();
        }
        Map<String, Set<String>> labels = series(scrape);
        if (System.getProperty("dumpScrape") != null) {
            java.nio.file.Files.writeString(Path.of(System.getProperty("dumpScrape")), scrape);
        }

        // the dashboard and rules the drill writes beside its report for the SLOs it runs
        JsonNode dashboard = new ObjectMapper().readTree(out.resolve("agentsre-dashboard.json").toFile());
        assertThat(dashboard.get("templating").get("list").get(0).get("name").asText()).isEqualTo("datasource");
        dashboard.get("panels").forEach(p -> assertThat(p.get("datasource").get("uid").asText()).isEqualTo("${datasource}"));
        String rules = java.nio.file.Files.readString(out.resolve("agentsre-rules.yml"));
        List<String> exprs = new ArrayList<>();
        dashboard.get("panels").forEach(p -> exprs.add(p.get("targets").get(0).get("expr").asText()));
        assertThat(exprs).isNotEmpty();
        for (String expr : exprs) {
            Matcher metric = METRIC.matcher(expr);
            Matcher recorded = RECORDED.matcher(expr);
            boolean any = false;
            while (metric.find()) {
                any = true;
                assertThat(labels).as("metric of the panel query %s in the drill's scrape", expr).containsKey(metric.group(1));
            }
            while (recorded.find()) {
                any = true;
                assertThat(rules).as("recording rule of %s", expr).contains("record: " + recorded.group());
            }
            assertThat(any).as("a metric in %s", expr).isTrue();
            Matcher by = BY.matcher(expr);
            if (by.find() && labels.containsKey(by.group(2))) {
                for (String label : by.group(1).split(",\\s*")) {
                    assertThat(labels.get(by.group(2))).as("label %s of %s", label, by.group(2)).contains(label);
                }
            }
        }
    }

    /** Metric name (as queried: counters with {@code _total}) to the label names its series carry. */
    private static Map<String, Set<String>> series(String scrape) {
        Map<String, Set<String>> labels = new HashMap<>();
        Pattern line = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})? .*$");
        Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");
        for (String l : scrape.split("\n")) {
            Matcher m = line.matcher(l);
            if (l.startsWith("#") || !m.matches()) {
                continue;
            }
            Set<String> names = labels.computeIfAbsent(m.group(1), k -> new HashSet<>());
            if (m.group(3) != null) {
                Matcher lm = label.matcher(m.group(3));
                while (lm.find()) {
                    names.add(lm.group(1));
                }
            }
        }
        return labels;
    }
}
