package dev.agentsre.replay;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trace file format: JSON Lines, one event per line, in execution order.
 *
 * <pre>
 * {"type":"trace_start","schema":"agentsre.trace/v1","trace_id":"…","agent_id":"…","parent_trace_id":null,"start_time":"…"}
 * {"type":"span","step":1,"parent_step":0,"kind":"LLM","name":"gpt-4o","gen_ai.operation.name":"chat",
 *  "gen_ai.request.model":"gpt-4o","gen_ai.usage.input_tokens":812,"gen_ai.usage.output_tokens":96,
 *  "gen_ai.usage.cost":"0.00299","status":"OK","start_time":"…","end_time":"…","match_key":"…",
 *  "request":{…},"response":…,"response_type":"java.lang.String","attributes":{…}}
 * …
 * {"type":"trace_end","end_time":"…","steps":5}
 * </pre>
 *
 * Spans are appended as they finish, so a nested call's line comes before the line of the call that
 * encloses it; a reader orders them by step. Cost is a decimal string (exact); a reader ignores
 * unknown fields.
 *
 * <p><b>Damage.</b> Reading never gives up on a damaged file: every good line is loaded and every
 * bad one is reported in {@link Trace#problems()} — a line cut short (inside a multi-byte character
 * too), a line that is not valid UTF-8 or not JSON, a span missing a field, a missing step (a call
 * still in flight when the run was killed), a missing {@code trace_end} line. Strings of any length
 * are read back (Jackson's default 20M-character limit is lifted for traces).
 */
public final class TraceFormat {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE)
                    .maxDocumentLength(-1).build())
            .streamWriteConstraints(StreamWriteConstraints.builder().build())
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8) // an emoji is its 4 UTF-8 bytes, not two escapes
            .build()).build();

    private TraceFormat() {
    }

    /** The mapper trace files are written and read with. */
    static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Writes {@code trace} as JSON Lines, spans in step order. */
    public static void write(Trace trace, Writer out) {
        try {
            out.write(new String(startLine(trace.traceId(), trace.agentId(), trace.parentTraceId(), trace.startTime()),
                    StandardCharsets.UTF_8));
            for (Span span : trace.spans()) {
                out.write(new String(spanLine(span), StandardCharsets.UTF_8));
            }
            out.write(new String(endLine(trace.endTime(), trace.spans().size()), StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a trace from text; damage is reported in {@link Trace#problems()}, never thrown. */
    public static Trace read(Reader in) {
        Reading reading = new Reading(null);
        try (BufferedReader reader = new BufferedReader(in)) {
            String line;
            while ((line = reader.readLine()) != null) {
                String text = line;
                reading.line(() -> MAPPER.readTree(text), text.isBlank());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return reading.trace();
    }

    /**
     * Reads a trace from UTF-8 bytes, line by line: a line that is not valid UTF-8 is reported and
     * skipped, the others are read.
     */
    public static Trace read(InputStream in) {
        return read(in, null);
    }

    /** As {@link #read(InputStream)}; {@code fallbackTraceId} names the trace when its first line is lost. */
    static Trace read(InputStream in, String fallbackTraceId) {
        Reading reading = new Reading(fallbackTraceId);
        try {
            byte[] buffer = new byte[64 * 1024];
            ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
            int read;
            while ((read = in.read(buffer)) > 0) {
                int from = 0;
                for (int i = 0; i < read; i++) {
                    if (buffer[i] == '\n') {
                        line.write(buffer, from, i - from);
                        reading.bytes(line);
                        line.reset();
                        from = i + 1;
                    }
                }
                line.write(buffer, from, read - from);
            }
            if (line.size() > 0) {
                reading.bytes(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return reading.trace();
    }

    // ---- lines -------------------------------------------------------------------------------------

    static byte[] startLine(String traceId, String agentId, String parentTraceId, Instant start) {
        ObjectNode n = NODES.objectNode();
        n.put("type", "trace_start");
        n.put("schema", Trace.SCHEMA);
        n.put("trace_id", traceId);
        n.put("agent_id", agentId);
        n.put("parent_trace_id", parentTraceId);
        n.put("start_time", start.toString());
        return line(n);
    }

    static byte[] endLine(Instant end, int steps) {
        ObjectNode n = NODES.objectNode();
        n.put("type", "trace_end");
        n.put("end_time", end.toString());
        n.put("steps", steps);
        return line(n);
    }

    /**
     * A span's line, streamed field by field (no tree of the line is built). A request or response
     * that cannot be written (deeper than Jackson's nesting limit, say) is replaced by a note, so the
     * step is still recorded.
     */
    static byte[] spanLine(Span span) {
        try {
            return streamedSpanLine(span, span.request(), span.response());
        } catch (RuntimeException e) {
            JsonNode note = NODES.textNode("[not recorded: " + e.getClass().getSimpleName() + "]");
            return streamedSpanLine(span, note, note);
        }
    }

    /**
     * The line of a span with this request and response, written straight to the generator (the bytes
     * are those of the line built as a tree and written by the mapper, as it was once done; tested).
     */
    private static byte[] streamedSpanLine(Span span, JsonNode request, JsonNode response) {
        try {
            return streamSpanLine(span, request, response);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a trace line: " + e.getMessage(), e); // as line(JsonNode) reports it
        }
    }

    private static byte[] streamSpanLine(Span span, JsonNode request, JsonNode response) throws IOException {
        BufferRecycler recycler = MAPPER.getFactory()._getBufferRecycler(); // as ObjectMapper.writeValueAsBytes does
        try (ByteArrayBuilder out = new ByteArrayBuilder(recycler, 1024)) {
            try (JsonGenerator g = MAPPER.createGenerator(out)) {
                g.writeStartObject();
                g.writeStringField("type", "span");
                g.writeNumberField("step", span.step());
                g.writeNumberField("parent_step", span.parentStep());
                g.writeStringField("kind", span.kind().name());
                g.writeStringField("name", span.name());
                g.writeStringField("gen_ai.operation.name", span.kind().operation());
                switch (span.kind()) {
                    case LLM:
                        g.writeStringField("gen_ai.request.model", span.name());
                        g.writeNumberField("gen_ai.usage.input_tokens", span.inputTokens());
                        g.writeNumberField("gen_ai.usage.output_tokens", span.outputTokens());
                        break;
                    case TOOL:
                        g.writeStringField("gen_ai.tool.name", span.name());
                        break;
                    case DELEGATE:
                        g.writeStringField("gen_ai.agent.name", span.name());
                        break;
                    default:
                        break;
                }
                g.writeStringField("gen_ai.usage.cost", span.costUsd().toPlainString());
                g.writeStringField("status", span.status().name());
                if (span.errorType() != null) {
                    g.writeStringField("error.type", span.errorType());
                    g.writeStringField("error.message", span.errorMessage());
                }
                g.writeStringField("start_time", span.startTime().toString());
                g.writeStringField("end_time", span.endTime().toString());
                g.writeStringField("match_key", span.matchKey());
                g.writeFieldName("request");
                g.writeTree(request == null ? NODES.nullNode() : request);
                g.writeFieldName("response");
                g.writeTree(response == null ? NODES.nullNode() : response);
                g.writeStringField("response_type", span.responseType());
                g.writeObjectFieldStart("attributes");
                for (Map.Entry<String, String> attribute : span.attributes().entrySet()) {
                    g.writeStringField(attribute.getKey(), attribute.getValue());
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            out.write('\n');
            return out.getClearAndRelease();
        } finally {
            recycler.releaseToPool();
        }
    }

    private static byte[] line(JsonNode node) {
        try {
            byte[] json = MAPPER.writeValueAsBytes(node);
            byte[] line = new byte[json.length + 1];
            System.arraycopy(json, 0, line, 0, json.length);
            line[json.length] = '\n';
            return line;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a trace line: " + e.getOriginalMessage(), e);
        }
    }

    /** A span from its line; throws {@link IllegalArgumentException} naming the first missing or bad field. */
    static Span span(JsonNode n) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.path("attributes").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            attributes.put(e.getKey(), e.getValue().asText());
        }
        JsonNode step = n.get("step");
        if (step == null || !step.canConvertToInt() || step.asInt() < 1) {
            throw new IllegalArgumentException("span has no valid 'step' (got " + step + ")");
        }
        SpanKind kind = enumField(n, "kind", SpanKind.class, null);
        JsonNode name = n.get("name");
        if (name == null || !name.isTextual()) {
            throw new IllegalArgumentException("span has no valid 'name' (got " + name + ")");
        }
        return new Span(step.asInt(), n.path("parent_step").asInt(0), kind, name.asText(),
                n.has("request") ? n.get("request") : NODES.nullNode(), n.has("response") ? n.get("response") : NODES.nullNode(),
                n.hasNonNull("response_type") ? n.get("response_type").asText() : null, enumField(n, "status", SpanStatus.class, SpanStatus.OK),
                n.hasNonNull("error.type") ? n.get("error.type").asText() : null,
                n.hasNonNull("error.message") ? n.get("error.message").asText() : null,
                instant(n, "start_time"), instant(n, "end_time"), n.path("gen_ai.usage.input_tokens").asLong(0),
                n.path("gen_ai.usage.output_tokens").asLong(0), cost(n), n.path("match_key").asText(""), attributes);
    }

    private static <E extends Enum<E>> E enumField(JsonNode n, String field, Class<E> type, E fallback) {
        JsonNode value = n.get(field);
        if (value == null && fallback != null) {
            return fallback;
        }
        try {
            return Enum.valueOf(type, value == null ? "" : value.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("span has no valid '" + field + "' (got " + value + ")", e);
        }
    }

    private static Instant instant(JsonNode n, String field) {
        JsonNode value = n.get(field);
        try {
            return Instant.parse(value == null ? "" : value.asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("span has no valid '" + field + "' (got " + value + ")", e);
        }
    }

    private static BigDecimal cost(JsonNode n) {
        JsonNode value = n.get("gen_ai.usage.cost");
        try {
            return value == null ? BigDecimal.ZERO : new BigDecimal(value.asText());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("span has no valid 'gen_ai.usage.cost' (got " + value + ")", e);
        }
    }

    // ---- reading -----------------------------------------------------------------------------------

    /** A line's JSON, or a parse failure. */
    @FunctionalInterface
    private interface LineParser {
        JsonNode parse() throws IOException;
    }

    /** The state of one read: good lines are kept, bad ones become problems. */
    private static final class Reading {
        private final List<String> problems = new ArrayList<>();
        private final List<Span> spans = new ArrayList<>();
        private final String fallbackTraceId;
        private int number;
        private String traceId;
        private String agentId;
        private String parent;
        private Instant start;
        private Instant end;
        private int declaredSteps = -1;

        Reading(String fallbackTraceId) {
            this.fallbackTraceId = fallbackTraceId;
        }

        void bytes(ByteArrayOutputStream line) {
            byte[] bytes = line.toByteArray();
            boolean blank = true;
            for (byte b : bytes) {
                if (b != ' ' && b != '\t' && b != '\r') {
                    blank = false;
                    break;
                }
            }
            line(() -> MAPPER.readTree(bytes), blank);
        }

        void line(LineParser parser, boolean blank) {
            number++;
            if (blank) {
                return;
            }
            JsonNode node;
            try {
                node = parser.parse();
            } catch (IOException | RuntimeException e) {
                problems.add("line " + number + " is cut short, not valid UTF-8 or not JSON, and was ignored ("
                        + firstLine(e.getMessage()) + ")");
                return;
            }
            if (node == null || !node.isObject()) {
                problems.add("line " + number + " is not a JSON object and was ignored");
                return;
            }
            String type = node.path("type").asText();
            try {
                switch (type) {
                    case "trace_start" -> start(node);
                    case "span" -> spans.add(span(node));
                    case "trace_end" -> {
                        end = Instant.parse(node.path("end_time").asText());
                        declaredSteps = node.path("steps").asInt(-1);
                    }
                    default -> problems.add("line " + number + ": unknown event type '" + type + "' ignored");
                }
            } catch (IllegalArgumentException | DateTimeParseException e) {
                if (e instanceof UnsupportedSchemaException) {
                    throw e;
                }
                problems.add("line " + number + ": " + e.getMessage() + "; the line was ignored");
            }
        }

        private void start(JsonNode node) {
            String schema = node.path("schema").asText();
            if (!Trace.SCHEMA.equals(schema)) {
                throw new UnsupportedSchemaException("line " + number + ": schema " + schema + " is not " + Trace.SCHEMA);
            }
            JsonNode id = node.get("trace_id");
            if (id == null || !id.isTextual()) {
                throw new IllegalArgumentException("trace_start has no valid 'trace_id' (got " + id + ")");
            }
            Instant startTime = Instant.parse(node.path("start_time").asText());
            traceId = id.asText();
            agentId = node.path("agent_id").asText(null);
            parent = node.hasNonNull("parent_trace_id") ? node.get("parent_trace_id").asText() : null;
            start = startTime;
        }

        Trace trace() {
            spans.sort(Comparator.comparingInt(Span::step));
            List<Span> unique = new ArrayList<>(spans.size());
            for (Span span : spans) {
                if (!unique.isEmpty() && unique.get(unique.size() - 1).step() == span.step()) {
                    problems.add("step " + span.step() + " appears more than once; the first was kept");
                } else {
                    unique.add(span);
                }
            }
            int expected = 1;
            for (Span span : unique) {
                if (span.step() > expected) {
                    problems.add(span.step() - expected == 1 ? "step " + expected + " is missing"
                            : "steps " + expected + " to " + (span.step() - 1) + " are missing");
                }
                expected = span.step() + 1;
            }
            if (traceId == null || start == null) {
                if (fallbackTraceId == null && unique.isEmpty()) {
                    throw new IllegalArgumentException("not a trace: the trace_start line is missing and no step could be read");
                }
                problems.add(0, "the trace_start line is missing or damaged");
                traceId = traceId != null ? traceId : fallbackTraceId != null ? fallbackTraceId : "unknown";
                start = unique.isEmpty() ? Instant.EPOCH : unique.get(0).startTime();
            }
            boolean ended = end != null;
            if (!ended) {
                problems.add("the trace_end line is missing: the run did not finish writing; " + unique.size() + " whole steps were read");
                end = start;
                for (Span span : unique) {
                    end = span.endTime().isAfter(end) ? span.endTime() : end;
                }
            } else if (declaredSteps >= 0 && declaredSteps != unique.size()) {
                problems.add("the trace_end line counts " + declaredSteps + " steps, " + unique.size() + " were read");
            }
            return new Trace(traceId, agentId, parent, start, end, unique, ended && problems.isEmpty(), problems);
        }

        private static String firstLine(String message) {
            if (message == null) {
                return "no detail";
            }
            int newline = message.indexOf('\n');
            String first = newline < 0 ? message : message.substring(0, newline);
            return first.length() > 200 ? first.substring(0, 200) + "…" : first;
        }
    }

    /** A trace written in a schema this version cannot read: the one failure that stops a read. */
    private static final class UnsupportedSchemaException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UnsupportedSchemaException(String message) {
            super(message);
        }
    }
}
