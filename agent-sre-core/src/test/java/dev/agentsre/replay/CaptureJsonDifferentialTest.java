package dev.agentsre.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.agentsre.internal.CanonicalJson;
import dev.agentsre.redact.Redactor;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 21: capture converts, redacts and fingerprints a value in one walk ({@link ValueJson},
 * {@link Fingerprint}). The walk must record exactly what the path it replaced recorded — Jackson's
 * tree of the value, redacted, and the SHA-256 of its canonical string — which this test keeps as the
 * oracle and compares over many random values: the trees, the bytes written to a trace file, the match
 * keys, and which values fail (recorded as their {@code toString()}).
 */
class CaptureJsonDifferentialTest {

    private static final List<Redactor> REDACTORS = List.of(Redactor.defaults(), Redactor.none(),
            Redactor.defaults().withKeyName("ssn").withoutEmailRedaction(),
            Redactor.defaults().withPattern("ORDER-[0-9]+", "ORDER-#").withKey("x-.*"));

    @Test
    void theOneWalkRecordsExactlyWhatJacksonsTreeRedactedAndTheCanonicalStringsHashRecordedForTenThousandRandomValues() {
        Random random = new Random(21);
        int compared = 0;
        int unserialisable = 0;
        for (int i = 0; i < 10_000; i++) {
            Object value = new Values(random).value(0);
            Redactor redactor = REDACTORS.get(i % REDACTORS.size());
            if (!assertSameAsTheOldPath(value, redactor, "value #" + i)) {
                unserialisable++;
            }
            compared++;
        }
        assertThat(compared).isEqualTo(10_000);
        assertThat(unserialisable).as("values that are recorded as their toString()").isBetween(100, 5_000);
    }

    @Test
    void edgeCasesRecordExactlyAsBefore() {
        Map<String, Object> cycle = new HashMap<>();
        cycle.put("self", cycle);
        Object deep = "bottom";
        for (int i = 0; i < 1_200; i++) {
            deep = i % 2 == 0 ? Map.of("d", deep) : List.of(deep);
        }
        Object sixtyFour = "x";
        for (int i = 0; i < ValueJson.MAX_DEPTH + 1; i++) {
            sixtyFour = Map.of("k" + i, sixtyFour);
        }
        Map<String, Object> nullValue = new HashMap<>();
        nullValue.put("a", null);
        Map<Object, Object> nullKey = new HashMap<>();
        nullKey.put(null, 1);
        nullKey.put("b", 2);
        TreeMap<String, Object> reversed = new TreeMap<>(Comparator.reverseOrder());
        reversed.putAll(Map.of("a", 1, "b", 2, "c", 3));
        List<Object> values = new ArrayList<>(List.of(cycle, deep, sixtyFour, nullValue, nullKey, reversed,
                Map.of("password", "", "token", "[REDACTED]", "api_key", true, "secret", Map.of("x", 1), "auth", List.of()),
                Map.of("user@example.com", "a", "contact: ops@example.com", "b", "sk-abcdefghijklmnopqrstuvwxyz012345", "c"),
                Map.of("a@example.com", 1, "b@example.com", 2),
                Map.of("Timestamp", "2026-01-01T00:00:00Z", "ID", UUID.randomUUID().toString(), "created_AT", 5),
                Map.of("args", "{\"api_key\":\"abc123def456\",\"q\":\"weather\"}", "n", 1),
                List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, 1e20, 1e-7, 0.1, 1e15, 123456789.0),
                List.of(new BigDecimal("1.500"), new BigDecimal("0E-10"), new BigDecimal("1E+3"), BigInteger.TEN.pow(30), 1.5f, (short) 7,
                        (byte) -1, Long.MIN_VALUE, Integer.MAX_VALUE),
                "\ud83d\ude00 \ud800 lone \udc00 \u0000\u001f\"\\/\b\f\n\r\t é ü ₂ 中",
                Instant.EPOCH, Map.of("at", Instant.EPOCH), Optional.of("x"), Optional.empty(), new int[] {1, 2}, new String[] {"a"},
                JsonNodeFactory.instance.objectNode().put("b", 1).put("a", "sk-abcdefghijklmnopqrstuvwxyz012345"),
                Map.of("node", JsonNodeFactory.instance.arrayNode().add(1.50).add("x")), 'c', Locale.ROOT, SpanKind.TOOL,
                Set.of(SpanKind.TOOL, SpanKind.LLM), new ArrayDeque<>(List.of(1, 2)), Collections.emptyMap(), List.of()));
        values.add(null);
        for (Redactor redactor : REDACTORS) {
            for (int i = 0; i < values.size(); i++) {
                assertSameAsTheOldPath(values.get(i), redactor, "edge case #" + i);
            }
        }
    }

    @Test
    void theFingerprintOfATreeIsTheSha256OfTheOldCanonicalString() {
        Random random = new Random(14);
        for (int i = 0; i < 2_000; i++) {
            Object value = new Values(random).value(0);
            JsonNode tree;
            try {
                tree = CanonicalJson.toTree(value);
            } catch (RuntimeException notJson) {
                continue;
            }
            assertThat(JsonDiff.fingerprint(tree)).as("value #%d", i).isEqualTo(oldFingerprint(tree));
        }
        // a buffer's worth of multi-byte characters, so characters straddle the digest buffer's flushes
        String long4 = "\ud83d\ude00".repeat(700) + "é".repeat(300) + "中".repeat(300);
        JsonNode big = JsonNodeFactory.instance.objectNode().put("t", long4).put(long4, long4);
        assertThat(JsonDiff.fingerprint(big)).isEqualTo(oldFingerprint(big));
    }

    /** A request whose conversion records a call of its own (a getter using the capture) while the thread's fingerprint is busy. */
    public static final class Reentrant {
        private final TraceCapture capture;

        Reentrant(TraceCapture capture) {
            this.capture = capture;
        }

        public String getInner() {
            return capture.tool("inner", Map.of("q", "nested \ud83d\ude00", "n", 2), () -> "inner-result");
        }

        public List<Object> getItems() {
            return List.of("a", 1.5, Map.of("password", "hunter2"));
        }
    }

    @Test
    void aRequestWhoseConversionRecordsACallOfItsOwnGetsBothMatchKeysRight() {
        TraceCapture capture = ReplayEngine.captureBuilder("a").start();
        capture.tool("outer", Map.of("order", new Reentrant(capture), "id", "12345"), () -> "outer-result");
        capture.close();
        Trace trace = capture.trace();
        assertThat(trace.spans()).extracting(Span::name).contains("outer", "inner");
        for (Span span : trace.spans()) {
            assertThat(span.matchKey()).as(span.name()).isEqualTo(oldFingerprint(span.request()));
        }
        assertThat(trace.spans().stream().filter(s -> s.name().equals("outer")).findFirst().orElseThrow().request().toString())
                .contains("\"password\":\"[REDACTED]\"").doesNotContain("hunter2");
    }

    /** Compares the new walk with the old path; returns false when both record the value as its toString(). */
    private static boolean assertSameAsTheOldPath(Object value, Redactor redactor, String what) {
        JsonNode expected;
        try {
            JsonNode tree = value instanceof JsonNode ? ((JsonNode) value).deepCopy() : CanonicalJson.toTree(value);
            expected = redactor.redact(tree);
        } catch (RuntimeException | StackOverflowError notJson) {
            expected = null;
        }
        SpanRecorder recorder = new SpanRecorder("t", "a", null, java.time.Clock.systemUTC(), redactor, null, 10,
                head -> new SpanSink.Memory(head, 1 << 20));
        SpanRecorder.Json request = recorder.request(value);
        SpanRecorder.Json result = recorder.json(value);
        if (expected == null) {
            assertThat(request.viaToString()).as(what + " is recorded as its toString()").isTrue();
            assertThat(result.viaToString()).as(what).isTrue();
            assertThat(request.matchKey()).as(what).isEqualTo(oldFingerprint(request.node()));
            return false;
        }
        assertThat(request.viaToString()).as(what).isFalse();
        assertThat(result.viaToString()).as(what).isFalse();
        assertThat(request.node()).as(what).isEqualTo(expected);
        assertThat(result.node()).as(what).isEqualTo(expected);
        assertThat(bytes(request.node())).as(what).isEqualTo(bytes(expected));
        assertThat(bytes(result.node())).as(what).isEqualTo(bytes(expected));
        assertThat(request.matchKey()).as(what).isEqualTo(oldFingerprint(expected));
        Span span = new Span(1, 0, SpanKind.TOOL, "t", request.node(), result.node(), "x", SpanStatus.OK, null, null, Instant.EPOCH,
                Instant.EPOCH, 0, 0, BigDecimal.ZERO, request.matchKey(), Map.of());
        Span old = new Span(1, 0, SpanKind.TOOL, "t", expected, expected, "x", SpanStatus.OK, null, null, Instant.EPOCH,
                Instant.EPOCH, 0, 0, BigDecimal.ZERO, oldFingerprint(expected), Map.of());
        assertThat(latin1(TraceFormat.spanLine(span))).as(what + ": the trace file line").isEqualTo(latin1(oldSpanLine(old)));
        return true;
    }

    @Test
    void theStreamedSpanLineHasExactlyTheBytesOfTheLineWrittenFromATree() {
        Random random = new Random(7);
        Redactor redactor = Redactor.defaults();
        String[] names = {"gpt-4o", "lookup_order", "agent-b", "d", "é \ud83d\ude00 \"q\"", "\ud800"};
        for (int i = 0; i < 3_000; i++) {
            Values values = new Values(random);
            SpanKind kind = SpanKind.values()[random.nextInt(SpanKind.values().length)];
            boolean failed = random.nextInt(4) == 0;
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("gen_ai.operation.name", kind.operation());
            if (random.nextBoolean()) {
                attributes.put(ResultTypes.REQUEST_ENCODING, ResultTypes.TO_STRING);
                attributes.put("x\u0001", "é");
            }
            JsonNode request = new SpanRecorder("t", "a", null, java.time.Clock.systemUTC(), redactor, null, 10,
                    head -> new SpanSink.Memory(head, 1 << 20)).json(values.value(0)).node();
            JsonNode response = failed ? JsonNodeFactory.instance.nullNode() : ValueJsonOrText.of(values.value(0), redactor);
            Span span = new Span(1 + random.nextInt(100_000), random.nextInt(3), kind, names[random.nextInt(names.length)], request,
                    response, random.nextBoolean() ? null : "java.util.Map", failed ? SpanStatus.ERROR : SpanStatus.OK,
                    failed ? "java.io.IOException" : null, failed && random.nextBoolean() ? "disk \"full\"\n" : null,
                    Instant.ofEpochSecond(random.nextInt(2_000_000_000), random.nextInt(1_000_000_000)), Instant.EPOCH.plusMillis(i),
                    random.nextInt(100_000), random.nextLong() & 0xFFFFFFFFL, new BigDecimal(random.nextInt(100_000)).movePointLeft(random.nextInt(9)),
                    Integer.toHexString(i), attributes);
            assertThat(latin1(TraceFormat.spanLine(span))).as("span #%d", i).isEqualTo(latin1(oldSpanLine(span)));
        }
        Object deep = "bottom";
        for (int i = 0; i < 1_200; i++) {
            deep = List.of(deep);
        }
        JsonNode tooDeep = CanonicalJson.toTree(deep);
        Span span = new Span(1, 0, SpanKind.TOOL, "t", tooDeep, tooDeep, null, SpanStatus.OK, null, null, Instant.EPOCH, Instant.EPOCH, 0, 0,
                BigDecimal.ZERO, "k", Map.of());
        assertThat(new String(TraceFormat.spanLine(span), StandardCharsets.UTF_8)).contains("[not recorded: ");
        assertThat(latin1(TraceFormat.spanLine(span))).isEqualTo(latin1(oldSpanLine(span)));
    }

    /** The trace file line as it was written before issue 21: a tree of the line, written by the mapper; a note for what cannot be written. */
    private static byte[] oldSpanLine(Span span) {
        try {
            return treeLine(oldSpanNode(span, span.request(), span.response()));
        } catch (RuntimeException e) {
            TextNode note = TextNode.valueOf("[not recorded: " + e.getClass().getSimpleName() + "]");
            return treeLine(oldSpanNode(span, note, note));
        }
    }

    private static byte[] treeLine(JsonNode node) {
        try {
            byte[] json = TraceFormat.mapper().writeValueAsBytes(node);
            byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
            line[json.length] = '\n';
            return line;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a trace line: " + e.getOriginalMessage(), e);
        }
    }

    private static ObjectNode oldSpanNode(Span span, JsonNode request, JsonNode response) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("type", "span");
        n.put("step", span.step());
        n.put("parent_step", span.parentStep());
        n.put("kind", span.kind().name());
        n.put("name", span.name());
        n.put("gen_ai.operation.name", span.kind().operation());
        switch (span.kind()) {
            case LLM -> {
                n.put("gen_ai.request.model", span.name());
                n.put("gen_ai.usage.input_tokens", span.inputTokens());
                n.put("gen_ai.usage.output_tokens", span.outputTokens());
            }
            case TOOL -> n.put("gen_ai.tool.name", span.name());
            case DELEGATE -> n.put("gen_ai.agent.name", span.name());
            default -> {
            }
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
        n.set("request", request);
        n.set("response", response);
        n.put("response_type", span.responseType());
        ObjectNode attributes = n.putObject("attributes");
        span.attributes().forEach(attributes::put);
        return n;
    }

    /** A result as capture records it: its JSON, or its toString() when Jackson cannot write it. */
    private static final class ValueJsonOrText {
        static JsonNode of(Object value, Redactor redactor) {
            try {
                return ValueJson.tree(value, redactor);
            } catch (RuntimeException e) {
                return TextNode.valueOf(redactor.redact(String.valueOf(value)));
            }
        }
    }

    /** Bytes as text, one character a byte: equal exactly when the bytes are. */
    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static String bytes(JsonNode node) {
        try {
            return CanonicalJson.mapper().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return "cannot write: " + e.getClass().getSimpleName();
        }
    }

    // ---- the oracle: the fingerprint as it was computed before issue 21 -----------------------------

    private static final Pattern UUID_SHAPE = Pattern.compile("(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?");
    private static final Set<String> VOLATILE_FIELDS = Set.of("timestamp", "time", "created", "created_at", "updated_at",
            "request_id", "trace_id", "span_id", "latency_ms", "duration_ms", "elapsed_ms");

    static String oldFingerprint(JsonNode node) {
        StringBuilder out = new StringBuilder(64);
        canonical(node, out);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(out.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void canonical(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>(node.size());
            node.fieldNames().forEachRemaining(name -> {
                if (!VOLATILE_FIELDS.contains(name.toLowerCase(Locale.ROOT))) {
                    names.add(name);
                }
            });
            Collections.sort(names);
            out.append('{');
            for (String name : names) {
                text(name, out).append(':');
                canonical(node.get(name), out);
                out.append(',');
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (JsonNode element : node) {
                canonical(element, out);
                out.append(',');
            }
            out.append(']');
        } else if (node.isTextual()) {
            String text = node.textValue();
            if (UUID_SHAPE.matcher(text).matches()) {
                out.append('u');
            } else if (TIMESTAMP.matcher(text).matches()) {
                out.append('t');
            } else {
                text(text, out.append('s'));
            }
        } else if (node.isNumber()) {
            boolean finite = !(node.isDouble() || node.isFloat()) || Double.isFinite(node.doubleValue());
            out.append('n').append(finite ? node.decimalValue().stripTrailingZeros().toPlainString() : node.asText());
        } else if (node.isBoolean()) {
            out.append(node.booleanValue() ? "b1" : "b0");
        } else if (node.isNull() || node.isMissingNode()) {
            out.append(node.isNull() ? 'z' : 'm');
        } else {
            text(node.toString(), out.append('o'));
        }
    }

    private static StringBuilder text(String text, StringBuilder out) {
        return out.append(text.length()).append('"').append(text);
    }

    // ---- random values ----------------------------------------------------------------------------

    /** A record (Jackson writes its components), and a POJO with a getter. */
    public record Order(String id, double total, List<String> items, Object meta) {
    }

    public static final class Customer {
        private final String email;

        Customer(String email) {
            this.email = email;
        }

        public String getEmail() {
            return email;
        }

        public String getPassword() {
            return "hunter2-" + email;
        }
    }

    /** Holds an Instant: Jackson cannot write it (core has no JSR-310 module). */
    public record Stamp(String id, Instant at) {
    }

    private static final String[] KEYS = {"order_id", "fields", "q", "password", "api_key", "token", "max_tokens", "Authorization",
            "timestamp", "Created_At", "request_id", "user@example.com", "note sk-proj-abcdefghijklmnopqrstuvwxyz", "x-custom", "ssn",
            "", "é", "\ud83d\ude00", "a\"b", "B", "a", "aa", "githubToken", "{\"k\":1}", "id"};
    private static final String[] STRINGS = {"", "12345", "status", "delivered", "[REDACTED]", "sk-abcdefghijklmnopqrstuvwxyz012345",
            "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "AKIAIOSFODNN7EXAMPLE", "Bearer abcdefghijkl12345", "mail ops@example.com now",
            "https://user:pa55word@host.example/x", "password=hunter2", "{\"token\":\"abc123def456ghi\",\"n\":1.50}", "[1, \"sk-abcdefghijklmnopqrstuvwxyz012345\"]",
            "550e8400-e29b-41d4-a716-446655440000", "2026-12-01T17:52:25Z", "2026-12-01 17:52", "2026-12-01", "ORDER-42",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", "é ü ₂ 中 \ud83d\ude00",
            "\ud800 lone", "tail \udbff", "\u0000\u0001\u001f", "quote \" backslash \\ slash /", "line\nbreak\ttab\r\f\b", "null", "true"};

    private static final class Values {
        private final Random random;

        Values(Random random) {
            this.random = random;
        }

        Object value(int depth) {
            int kind = random.nextInt(depth > 4 ? 12 : 20);
            return switch (kind) {
                case 0, 1, 2 -> STRINGS[random.nextInt(STRINGS.length)];
                case 3 -> randomString();
                case 4 -> random.nextInt(5) == 0 ? random.nextInt() : random.nextInt(200) - 100;
                case 5 -> random.nextBoolean() ? random.nextLong() : (long) random.nextInt(1000);
                case 6 -> aDouble();
                case 7 -> otherNumber();
                case 8 -> random.nextBoolean();
                case 9 -> null;
                case 10 -> random.nextInt(40) == 0 ? Instant.ofEpochSecond(random.nextInt()) : STRINGS[random.nextInt(STRINGS.length)];
                case 11 -> random.nextInt(10) == 0 ? SpanKind.values()[random.nextInt(SpanKind.values().length)] : 'z';
                case 12, 13, 14 -> map(depth);
                case 15, 16 -> list(depth);
                case 17 -> new Order(STRINGS[random.nextInt(STRINGS.length)], aDouble() instanceof Double d ? d : 1.0,
                        List.of("a", STRINGS[random.nextInt(STRINGS.length)]), map(depth + 1));
                case 18 -> random.nextInt(8) == 0 ? new Stamp("s", Instant.EPOCH) : new Customer("c@example.com");
                default -> random.nextBoolean() ? Optional.ofNullable(value(depth + 1)) : new Object[] {value(depth + 1), 1};
            };
        }

        private Object aDouble() {
            double[] specials = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, 42.5, 0.1, 1e15, 1e16, 1e20,
                    1e-7, 1e300, Double.MIN_VALUE, Double.MAX_VALUE, 100.0, -3.0, 123456789.125};
            return random.nextBoolean() ? specials[random.nextInt(specials.length)] : (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(30) - 10);
        }

        private Object otherNumber() {
            return switch (random.nextInt(6)) {
                case 0 -> new BigDecimal(random.nextInt(100_000)).movePointLeft(random.nextInt(8));
                case 1 -> new BigDecimal("1.500");
                case 2 -> BigInteger.valueOf(random.nextLong()).multiply(BigInteger.TEN.pow(random.nextInt(20)));
                case 3 -> random.nextFloat() * 100;
                case 4 -> (short) random.nextInt(1000);
                default -> (byte) random.nextInt(100);
            };
        }

        private String randomString() {
            StringBuilder s = new StringBuilder();
            int n = random.nextInt(random.nextInt(20) == 0 ? 700 : 12);
            for (int i = 0; i < n; i++) {
                int pick = random.nextInt(10);
                s.append(switch (pick) {
                    case 0 -> (char) random.nextInt(0x20);
                    case 1 -> (char) (0x80 + random.nextInt(0x780));
                    case 2 -> (char) (0x800 + random.nextInt(0xD000));
                    case 3 -> random.nextBoolean() ? "\ud83d\ude00" : String.valueOf((char) (0xD800 + random.nextInt(0x800)));
                    case 4 -> STRINGS[random.nextInt(STRINGS.length)];
                    default -> (char) (0x20 + random.nextInt(0x5F));
                });
            }
            return s.toString();
        }

        private Object map(int depth) {
            int n = random.nextInt(6);
            Map<Object, Object> map = switch (random.nextInt(6)) {
                case 0 -> new HashMap<>();
                case 1 -> new TreeMap<>();
                case 2 -> new ConcurrentHashMap<>();
                default -> new LinkedHashMap<>();
            };
            boolean otherKeys = random.nextInt(15) == 0;
            boolean nulls = false;
            for (int i = 0; i < n; i++) {
                Object key = otherKeys && i == 0 ? (Object) random.nextInt(100) : random.nextInt(3) == 0 ? randomString() : KEYS[random.nextInt(KEYS.length)];
                Object value = value(depth + 1);
                if (value == null && map instanceof ConcurrentHashMap) {
                    value = "n";
                }
                if (map instanceof TreeMap && !(key instanceof String)) {
                    key = String.valueOf(key);
                }
                map.put(key, value);
                nulls |= value == null;
            }
            return random.nextInt(5) == 0 && !nulls ? Map.copyOf(map) : map;
        }

        private Object list(int depth) {
            int n = random.nextInt(5);
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                list.add(value(depth + 1));
            }
            return switch (random.nextInt(4)) {
                case 0 -> new LinkedHashSet<>(list);
                case 1 -> Collections.unmodifiableList(list);
                case 2 -> new HashSet<>(list);
                default -> list;
            };
        }
    }
}
