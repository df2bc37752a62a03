package dev.agentsre.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * The fleet drill's alert receivers: one HTTP server on the loopback interface with a generic
 * webhook ({@code /alerts}, Alertmanager's v4 JSON) and a PagerDuty-compatible pager
 * ({@code /pager/v2/enqueue}, Events API v2). Every request it is sent becomes exactly one
 * {@link Received} and one printed line, so what the console shows is what was delivered.
 */
final class LocalAlertReceiver implements AutoCloseable {

    /**
     * A notification the server received.
     *
     * @param status FIRING or RESOLVED (webhook), TRIGGER or RESOLVE (pager)
     * @param alerts the alerts it carried (firing ones while the group fires)
     * @param summary what it says: the first alert's summary, or the incident paged
     */
    record Received(Instant at, String receiver, String status, String name, int alerts, String summary) {

        /** As the console prints it. */
        String line() {
            String what = receiver.equals("webhook") ? String.format(Locale.ROOT, "%-22s %s", name + " ×" + alerts, summary) : summary;
            return String.format(Locale.ROOT, "→ %-7s %-8s %s", receiver, status, what);
        }

        boolean resolved() {
            return status.equals("RESOLVED") || status.equals("RESOLVE");
        }
    }

    private final HttpServer server;
    private final Clock clock;
    private final BiConsumer<Instant, String> print;
    private final ObjectMapper json = new ObjectMapper();
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger requests = new AtomicInteger();
    private final Map<String, String> pages = new ConcurrentHashMap<>(); // PagerDuty dedup key -> what was paged

    /**
     * Starts the server on 127.0.0.1 and a free port.
     *
     * @param print prints one line per notification (its time and text)
     */
    LocalAlertReceiver(Clock clock, BiConsumer<Instant, String> print) throws IOException {
        this.clock = clock;
        this.print = print;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/alerts", exchange -> handle(exchange, 200, "", this::webhook));
        server.createContext("/pager/v2/enqueue", exchange -> handle(exchange, 202, "{\"status\":\"success\"}", this::page));
        server.start();
    }

    /** The address of {@code path} on this server. */
    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** HTTP requests received, whatever they carried. */
    int requests() {
        return requests.get();
    }

    /** The notifications received, in order. */
    List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    private Received webhook(Instant at, JsonNode body) {
        String status = body.path("status").asText().toUpperCase(Locale.ROOT);
        String name = body.path("groupLabels").path("alertname").asText("?");
        JsonNode alerts = body.path("alerts");
        int firing = 0;
        String text = "";
        for (JsonNode alert : alerts) {
            if (alert.path("status").asText().equals("firing")) {
                firing++;
                if (text.isEmpty()) {
                    text = alert.path("annotations").path("summary").asText();
                }
            }
        }
        if (text.isEmpty() && alerts.size() > 0) {
            text = alerts.get(0).path("annotations").path("summary").asText();
        }
        int count = status.equals("FIRING") ? firing : alerts.size();
        String more = count > 1 ? " (+" + (count - 1) + " more)" : "";
        return new Received(at, "webhook", status, name, count, shorten(text, 90) + more);
    }

    private Received page(Instant at, JsonNode body) {
        String action = body.path("event_action").asText();
        String key = body.path("dedup_key").asText();
        String what;
        if (action.equals("trigger")) {
            JsonNode alerts = body.path("payload").path("custom_details").path("alerts");
            String incident = alerts.size() == 0 ? "" : alerts.get(0).path("labels").path("incident_id").asText();
            String summary = alerts.size() == 0 ? body.path("payload").path("summary").asText()
                    : alerts.get(0).path("annotations").path("summary").asText();
            what = incident + " " + summary;
            pages.put(key, what);
        } else {
            what = pages.getOrDefault(key, key);
        }
        return new Received(at, "pager", action.toUpperCase(Locale.ROOT), "AgentSreIncident", 1, shorten(what, 110));
    }

    private void handle(HttpExchange exchange, int status, String reply, Parser parser) throws IOException {
        requests.incrementAndGet();
        try (InputStream in = exchange.getRequestBody()) {
            Instant at = clock.instant();
            Received r = parser.parse(at, json.readTree(in.readAllBytes()));
            received.add(r);
            print.accept(at, r.line());
        } catch (RuntimeException e) {
            print.accept(clock.instant(), "→ unreadable notification: " + e);
        }
        byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    @FunctionalInterface
    private interface Parser {
        Received parse(Instant at, JsonNode body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
