package dev.agentsre.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on 127.0.0.1 and an ephemeral port that records every request and answers
 * from a script of responses (then a default), for testing receivers against the JDK HTTP client.
 * Thread-safe; close it after the test.
 */
public final class LocalHttpReceiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One recorded request. */
    public record Request(String method, String path, String query, Map<String, String> headers, String body) {
        /** The body as JSON. */
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A header, case-insensitively. */
        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** A scripted response. */
    public record Response(int status, String body, Map<String, String> headers) {
        /** A response with a status and body. */
        public static Response of(int status, String body) {
            return new Response(status, body, Map.of());
        }

        /** This response with a header. */
        public Response header(String name, String value) {
            Map<String, String> h = new TreeMap<>(headers);
            h.put(name, value);
            return new Response(status, body, h);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();
    private final Deque<Response> script = new ArrayDeque<>();
    private Response fallback;
    private volatile CountDownLatch gate;
    private final CountDownLatch entered = new CountDownLatch(1);

    private LocalHttpReceiver(Response fallback) {
        this.fallback = fallback;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    /** A server answering every request with {@code status} and {@code body}. */
    public static LocalHttpReceiver answering(int status, String body) {
        return new LocalHttpReceiver(Response.of(status, body));
    }

    /** Answers the next requests with these responses, in order, before falling back to the default. */
    public synchronized LocalHttpReceiver then(Response... responses) {
        script.addAll(List.of(responses));
        return this;
    }

    /** Holds every request until {@link #release()} (to show that nobody waits on delivery). */
    public LocalHttpReceiver holdRequests() {
        gate = new CountDownLatch(1);
        return this;
    }

    /** Lets held requests through. */
    public void release() {
        CountDownLatch g = gate;
        if (g != null) {
            g.countDown();
        }
    }

    /** Waits (bounded) until a request has reached the handler. */
    public boolean awaitFirstRequest(long seconds) throws InterruptedException {
        return entered.await(seconds, TimeUnit.SECONDS);
    }

    /** The base URI, e.g. {@code http://127.0.0.1:41234}. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** {@link #uri()} plus a path. */
    public String url(String path) {
        return uri() + path;
    }

    /** Every request so far. */
    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The last request. */
    public synchronized Request last() {
        return requests.get(requests.size() - 1);
    }

    private void handle(HttpExchange exchange) throws IOException {
        entered.countDown();
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
        Response response;
        synchronized (this) {
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), exchange.getRequestURI().getRawQuery(),
                    headers, body));
            response = script.isEmpty() ? fallback : script.poll();
        }
        CountDownLatch g = gate;
        if (g != null) {
            try {
                g.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
        response.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
