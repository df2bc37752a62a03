package dev.agentsre.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A local server on 127.0.0.1 that answers {@code POST .../chat/completions} in OpenAI's format —
 * a text or tool-call completion with a {@code usage} block (cached prompt tokens included), or a
 * server-sent-event stream of one token per chunk ending with a usage chunk — as a script decides
 * per request. Records every request body.
 */
public final class OpenAiStub implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "openai-stub");
        t.setDaemon(true);
        return t;
    });
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger ids = new AtomicInteger();
    private volatile Function<JsonNode, Reply> script;

    private OpenAiStub(Function<JsonNode, Reply> script) throws IOException {
        this.script = script;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a stub answering every request as {@code script} says. */
    public static OpenAiStub start(Function<JsonNode, Reply> script) {
        try {
            return new OpenAiStub(script);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces the script. */
    public void script(Function<JsonNode, Reply> script) {
        this.script = script;
    }

    /** {@code http://127.0.0.1:port} — Spring AI's base URL (it appends {@code /v1/chat/completions}). */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:port/v1} — LangChain4j's base URL (it appends {@code /chat/completions}). */
    public String v1() {
        return baseUrl() + "/v1";
    }

    /** Every request body received, in order. */
    public List<JsonNode> requests() {
        return requests;
    }

    /** Lets streams held with {@link Reply#holdAfter} finish. */
    public void release() {
        release.countDown();
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            requests.add(body);
            if (!exchange.getRequestURI().getPath().endsWith("/chat/completions")) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            Reply reply = script.apply(body);
            if (reply.status != 200) {
                byte[] error = ("{\"error\":{\"message\":\"the stub failed this request\",\"type\":\"server_error\"}}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(reply.status, error.length);
                exchange.getResponseBody().write(error);
                return;
            }
            String model = body.path("model").asText("gpt-4o");
            String id = "chatcmpl-" + ids.incrementAndGet();
            if (body.path("stream").asBoolean(false)) {
                stream(exchange, reply, model, id, body.path("stream_options").path("include_usage").asBoolean(false));
            } else {
                byte[] bytes = JSON.writeValueAsBytes(completion(reply, model, id));
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
        }
    }

    private ObjectNode completion(Reply reply, String model, String id) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", id).put("object", "chat.completion").put("created", 1_760_000_000L).put("model", model);
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        if (reply.toolName != null) {
            message.putNull("content");
            ObjectNode call = message.putArray("tool_calls").addObject();
            call.put("id", "call_" + ids.incrementAndGet()).put("type", "function");
            call.putObject("function").put("name", reply.toolName).put("arguments", reply.toolArguments);
            choice.put("finish_reason", "tool_calls");
        } else {
            message.put("content", String.join("", reply.tokens));
            choice.put("finish_reason", "stop");
        }
        root.set("usage", usage(reply));
        return root;
    }

    private static ObjectNode usage(Reply reply) {
        ObjectNode usage = JSON.createObjectNode();
        usage.put("prompt_tokens", reply.promptTokens).put("completion_tokens", reply.completionTokens)
                .put("total_tokens", reply.promptTokens + reply.completionTokens);
        usage.putObject("prompt_tokens_details").put("cached_tokens", reply.cachedTokens);
        usage.putObject("completion_tokens_details").put("reasoning_tokens", 0);
        return usage;
    }

    private void stream(HttpExchange exchange, Reply reply, String model, String id, boolean includeUsage) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        try {
            for (int i = 0; i < reply.tokens.size(); i++) {
                if (i == reply.holdAfter) {
                    release.await(10, TimeUnit.SECONDS); // the client cancels while the stream is held
                }
                ObjectNode chunk = chunk(model, id);
                ObjectNode choice = (ObjectNode) chunk.get("choices").get(0);
                choice.putObject("delta").put("content", reply.tokens.get(i));
                choice.putNull("finish_reason");
                event(out, chunk.toString());
            }
            ObjectNode last = chunk(model, id);
            ObjectNode lastChoice = (ObjectNode) last.get("choices").get(0);
            lastChoice.putObject("delta");
            lastChoice.put("finish_reason", "stop");
            event(out, last.toString());
            if (includeUsage) {
                ObjectNode usageChunk = chunk(model, id);
                usageChunk.set("choices", JSON.createArrayNode());
                usageChunk.set("usage", usage(reply));
                event(out, usageChunk.toString());
            }
            event(out, "[DONE]");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException clientWentAway) {
            // a cancelled stream: the client closed the connection
        }
    }

    private static ObjectNode chunk(String model, String id) {
        ObjectNode chunk = JSON.createObjectNode();
        chunk.put("id", id).put("object", "chat.completion.chunk").put("created", 1_760_000_000L).put("model", model);
        ArrayNode choices = chunk.putArray("choices");
        choices.addObject().put("index", 0);
        return chunk;
    }

    private static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** What the stub answers to one request. */
    public static final class Reply {
        final List<String> tokens;
        final String toolName;
        final String toolArguments;
        final int promptTokens;
        final int completionTokens;
        final int cachedTokens;
        final int holdAfter;
        final int status;

        private Reply(List<String> tokens, String toolName, String toolArguments, int promptTokens, int completionTokens,
                      int cachedTokens, int holdAfter) {
            this(tokens, toolName, toolArguments, promptTokens, completionTokens, cachedTokens, holdAfter, 200);
        }

        private Reply(List<String> tokens, String toolName, String toolArguments, int promptTokens, int completionTokens,
                      int cachedTokens, int holdAfter, int status) {
            this.status = status;
            this.tokens = tokens;
            this.toolName = toolName;
            this.toolArguments = toolArguments;
            this.promptTokens = promptTokens;
            this.completionTokens = completionTokens;
            this.cachedTokens = cachedTokens;
            this.holdAfter = holdAfter;
        }

        /** A text answer (streamed one token per chunk when the request asks for a stream). */
        public static Reply text(String text, int promptTokens, int completionTokens, int cachedTokens) {
            return new Reply(List.of(text), null, null, promptTokens, completionTokens, cachedTokens, -1);
        }

        /** A streamed answer of these tokens, one per chunk. */
        public static Reply tokens(List<String> tokens, int promptTokens, int cachedTokens) {
            return new Reply(List.copyOf(tokens), null, null, promptTokens, tokens.size(), cachedTokens, -1);
        }

        /** A call of {@code tool} with these JSON arguments. */
        public static Reply toolCall(String tool, String arguments, int promptTokens, int completionTokens) {
            return new Reply(List.of(), tool, arguments, promptTokens, completionTokens, 0, -1);
        }

        /** An HTTP error with OpenAI's error body. */
        public static Reply error(int status) {
            return new Reply(List.of(), null, null, 0, 0, 0, -1, status);
        }

        /** The same reply, its stream held after {@code n} tokens until {@link OpenAiStub#release()}. */
        public Reply holdAfter(int n) {
            return new Reply(tokens, toolName, toolArguments, promptTokens, completionTokens, cachedTokens, n);
        }
    }
}
