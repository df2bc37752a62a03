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
