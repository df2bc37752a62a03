package dev.agentsre.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

    @Test
    void writesObjectKeysSortedAtEveryLevel() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("z", 1);
        inner.put("a", List.of(true, "x"));
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("b", inner);
        outer.put("a", null);

        assertThat(CanonicalJson.write(outer)).isEqualTo("{\"a\":null,\"b\":{\"a\":[true,\"x\"],\"z\":1}}");
    }

    @Test
    void stringsAreEscapedExactlyAsJacksonEscapesThem() {
        // stored traces are matched by hashes of this text, so it must not drift from what Jackson wrote before
        StringBuilder every = new StringBuilder();
        for (char c = 0; c < 0x250; c++) {
            every.append(c);
        }
        for (String text : List.of(every.toString(), "", "plain", "quote \" and \\ backslash", "emoji \uD83D\uDE80 and \u2028",
                "tab\tnew\nline\r\u0000\u001f\u007f")) {
            assertThat(CanonicalJson.appendString(text, new StringBuilder()).toString())
                    .isEqualTo(com.fasterxml.jackson.databind.node.TextNode.valueOf(text).toString());
        }
    }

    @Test
    void scalarsAreWrittenAsJacksonWritesThem() {
        com.fasterxml.jackson.databind.node.JsonNodeFactory f = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        for (com.fasterxml.jackson.databind.JsonNode node : List.of(f.numberNode(Integer.MIN_VALUE), f.numberNode(Long.MAX_VALUE),
                f.numberNode(0.1), f.numberNode(1e300), f.numberNode(new java.math.BigDecimal("12.3400")), f.booleanNode(true),
                f.nullNode(), f.textNode("x\u0001"))) {
            assertThat(CanonicalJson.write(node)).isEqualTo(node.toString());
        }
    }

    @Test
    void equalValuesHashEquallyWhateverTheirKeyOrder() {
        Map<String, Object> first = new LinkedHashMap<>();
        first.put("q", "refunds");
        first.put("limit", 5);
        Map<String, Object> second = new LinkedHashMap<>();
        second.put("limit", 5);
        second.put("q", "refunds");

        assertThat(CanonicalJson.hash64(first)).isEqualTo(CanonicalJson.hash64(second));
        assertThat(CanonicalJson.hash64("query")).isEqualTo(CanonicalJson.hash64(new StringBuilder("query")));
    }

    @Test
    void distinctValuesHashApart() {
        Set<Long> hashes = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            hashes.add(CanonicalJson.hash64("query " + i));
            hashes.add(CanonicalJson.hash64(Map.of("q", i)));
        }
        assertThat(hashes).hasSize(200_000);
        // a string and the JSON text of that string are different arguments
        assertThat(CanonicalJson.hash64("1")).isNotEqualTo(CanonicalJson.hash64(1));
    }
}
