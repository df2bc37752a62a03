package dev.agentsre.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
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
 * Step numbers are gap-free; cost is a decimal string (exact); a reader ignores unknown fields. A
 * file without its {@code trace_end} line, or whose last line is cut, loads as an incomplete trace
 * with every whole step and a note of what was lost.
 */
public final class TraceFormat {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TraceFormat() {
    }

    /** Writes {@code trace} as JSON Lines. */
    public static void write(Trace trace, Writer out) {
        try {
            ObjectNode start = NODES.objectNode();
            start.put("type", "trace_start");
            start.put("schema", Trace.SCHEMA);
            start.put("trace_id", trace.traceId());
            start.put("agent_id", trace.agentId());
            start.put("parent_trace_id", trace.parentTraceId());
            start.put("start_time", trace.startTime().toString());
            line(out, start);
            for (Span span : trace.spans()) {
                line(out, spanNode(span));
            }
            ObjectNode end = NODES.objectNode();
            end.put("type", "trace_end");
            end.put("end_time", trace.endTime().toString());
            end.put("steps", trace.spans().size());
            line(out, end);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a trace; damage is reported in {@link Trace#problems()}, never thrown for a cut file. */
    public static Trace read(Reader in) {
        List<String> problems = new ArrayList<>();
        List<Span> spans = new ArrayList<>();
        String traceId = null;
        String agentId = null;
        String parent = null;
        Instant start = null;
        Instant end = null;
        boolean ended = false;
        try (BufferedReader reader = new BufferedReader(in)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = MAPPER.readTree(line);
                } catch (JsonProcessingException e) {
                    problems.add("line " + number + " is incomplete or not JSON and was ignored (the trace was cut short)");
                    continue;
                }
                String type = node.path("type").asText();
                switch (type) {
                    case "trace_start":
                        String schema = node.path("schema").asText();
                        if (!Trace.SCHEMA.equals(schema)) {
                            throw new IllegalArgumentException("line " + number + ": schema " + schema + " is not " + Trace.SCHEMA);
                        }
                        traceId = node.path("trace_id").asText(null);
                        agentId = node.path("agent_id").asText(null);
                        parent = node.hasNonNull("parent_trace_id") ? node.get("parent_trace_id").asText() : null;
                        start = Instant.parse(node.path("start_time").asText());
                        break;
                    case "span":
                        Span span = span(node);
                        if (span.step() != spans.size() + 1) {
                            problems.add("line " + number + ": step " + span.step() + " where " + (spans.size() + 1) + " was expected");
                        }
                        spans.add(span);
                        break;
                    case "trace_end":
                        end = Instant.parse(node.path("end_time").asText());
                        ended = true;
                        break;
                    default:
                        problems.add("line " + number + ": unknown event type '" + type + "' ignored");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (traceId == null || start == null) {
            throw new IllegalArgumentException("not a trace: the trace_start line is missing");
        }
        if (!ended) {
            problems.add("the trace_end line is missing: the run did not finish writing; " + spans.size() + " whole steps were read");
            end = spans.isEmpty() ? start : spans.get(spans.size() - 1).endTime();
        }
        return new Trace(traceId, agentId, parent, start, end, spans, ended && problems.isEmpty(), problems);
    }

    static ObjectNode spanNode(Span span) {
        ObjectNode n = NODES.objectNode();
        n.put("type", "span");
        n.put("step", span.step());
        n.put("parent_step", span.parentStep());
        n.put("kind", span.kind().name());
        n.put("name", span.name());
        n.put("gen_ai.operation.name", span.kind().operation());
        switch (span.kind()) {
            case LLM:
                n.put("gen_ai.request.model", span.name());
                n.put("gen_ai.usage.input_tokens", span.inputTokens());
                n.put("gen_ai.usage.output_tokens", span.outputTokens());
                break;
            case TOOL:
                n.put("gen_ai.tool.name", span.name());
                break;
            case DELEGATE:
                n.put("gen_ai.agent.name", span.name());
                break;
            default:
                break;
        }
        n.put("gen_ai.usage.cost", span.costUsd().toPlainString());
        n.put("status", span.status().name());
        if (span.errorType() != null) {
            n.put("error.type", span.errorType());
            n.put("error.message", span.errorMessage());
        }
        n.put("start_time", span.startTime().toString());
        n.put("end_time", span.endTime().toString());
        n.put("match_key", span.matchKey());
        n.set("request", span.request());
        n.set("response", span.response());
        n.put("response_type", span.responseType());
        ObjectNode attributes = n.putObject("attributes");
        span.attributes().forEach(attributes::put);
        return n;
    }

    static Span span(JsonNode n) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.path("attributes").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            attributes.put(e.getKey(), e.getValue().asText());
        }
        return new Span(n.path("step").asInt(), n.path("parent_step").asInt(), SpanKind.valueOf(n.path("kind").asText()),
                n.path("name").asText(), n.has("request") ? n.get("request") : NODES.nullNode(),
                n.has("response") ? n.get("response") : NODES.nullNode(),
                n.hasNonNull("response_type") ? n.get("response_type").asText() : null,
                SpanStatus.valueOf(n.path("status").asText("OK")),
                n.hasNonNull("error.type") ? n.get("error.type").asText() : null,
                n.hasNonNull("error.message") ? n.get("error.message").asText() : null,
                Instant.parse(n.path("start_time").asText()), Instant.parse(n.path("end_time").asText()),
                n.path("gen_ai.usage.input_tokens").asLong(0), n.path("gen_ai.usage.output_tokens").asLong(0),
                new BigDecimal(n.path("gen_ai.usage.cost").asText("0")), n.path("match_key").asText(), attributes);
    }

    private static void line(Writer out, JsonNode node) throws IOException {
        out.write(MAPPER.writeValueAsString(node));
        out.write('\n');
    }
}
