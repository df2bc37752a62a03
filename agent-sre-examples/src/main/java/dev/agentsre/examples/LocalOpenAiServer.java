package dev.agentsre.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A stand-in for OpenAI's chat-completions API on 127.0.0.1, so the framework examples run offline:
 * a {@link Turn} function decides each answer — a tool call or a text — from the request, and every
 * answer reports its usage ({@code prompt_tokens}, {@code completion_tokens}, cached prompt tokens).
 * Counts the requests it served.
 */
final class LocalOpenAiServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One answer: a tool to call with its JSON arguments, or a text; and the tokens it reports. */
    record Turn(String tool, String arguments, String text, int promptTokens, int completionTokens, int cachedTokens) {
        static Turn callTool(String tool, String arguments) {
            return new Turn(tool, arguments, null, 600, 25, 0);
        }

        static Turn say(String text) {
            return new Turn(null, null, text, 900, 60, 512);
        }

        /** The provider is down: HTTP 503. */
        static Turn outage() {
            return new Turn(null, null, null, 0, 0, 0);
        }
    }

    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile Function<JsonNode, Turn> answers;

    LocalOpenAiServer(Function<JsonNode, Turn> answers) {
        this.answers = answers;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::answer);
        server.start();
    }

    /** Changes how the "model" answers from now on. */
    void answers(Function<JsonNode, Turn> answers) {
        this.answers = answers;
    }

    /** The base URL with {@code /v1} (LangChain4j's convention). */
    String v1() {
        return root() + "/v1";
    }

    /** The base URL without {@code /v1} (Spring AI's convention). */
    String root() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            requests.incrementAndGet();
            Turn turn = answers.apply(request);
            if (turn.tool() == null && turn.text() == null) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            ObjectNode completion = JSON.createObjectNode().put("id", "chatcmpl-" + requests.get()).put("object", "chat.completion")
                    .put("created", 1_760_000_000L).put("model", request.path("model").asText());
            ObjectNode choice = completion.putArray("choices").addObject().put("index", 0);
            ObjectNode message = choice.putObject("message").put("role", "assistant");
            if (turn.tool() != null) {
                message.putArray("tool_calls").addObject().put("id", "call_" + requests.get()).put("type", "function")
                        .putObject("function").put("name", turn.tool()).put("arguments", turn.arguments());
                choice.put("finish_reason", "tool_calls");
            } else {
                message.put("content", turn.text());
                choice.put("finish_reason", "stop");
            }
            ObjectNode usage = completion.putObject("usage").put("prompt_tokens", turn.promptTokens())
                    .put("completion_tokens", turn.completionTokens()).put("total_tokens", turn.promptTokens() + turn.completionTokens());
            usage.putObject("prompt_tokens_details").put("cached_tokens", turn.cachedTokens());
            byte[] body = JSON.writeValueAsBytes(completion);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    /** Whether the conversation so far ends with a tool's result (the model has its answer). */
    static boolean toolAnswered(JsonNode request) {
        JsonNode messages = request.path("messages");
        return messages.size() > 0 && "tool".equals(messages.get(messages.size() - 1).path("role").asText());
    }
}
