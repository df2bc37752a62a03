package dev.agentsre.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.agentsre.internal.CanonicalJson;
import dev.agentsre.redact.Redactor;
import java.util.Arrays;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * A call's request or result as the redacted JSON tree a span holds, built in one walk over the value
 * that also feeds the request's {@link Fingerprint}: no Jackson round trip through a token buffer, no
 * second tree for redaction, no canonical string for the hash.
 *
 * <p><b>The same JSON as Jackson.</b> The result is exactly {@code redactor.redact(valueToTree(value))}
 * with the canonical mapper (map entries ordered by key), and the fingerprint exactly
 * {@code JsonDiff.fingerprint} of it. The walk handles what typical tool arguments and results are made
 * of: JDK maps with string keys, JDK collections, strings, booleans, {@code int}, {@code long} and
 * {@code double}. Any other value in the tree (a record, a POJO, a {@code BigDecimal}, a {@code JsonNode},
 * a map with other keys or its own ordering) is converted by Jackson, redacted and fingerprinted as a
 * subtree; a value nested deeper than {@value #MAX_DEPTH} levels (perhaps a cycle) is converted whole by
 * Jackson, so its limits and failures apply as before. A field whose name redaction changes makes the
 * fingerprint be taken from the finished tree (its sort order may have changed). Failures propagate:
 * the caller records the value as its type and {@code toString()}.
 */
final class ValueJson {

    /** Nesting walked here; deeper values are converted by Jackson whole. */
    static final int MAX_DEPTH = 64;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ValueJson() {
    }

    /** Too deep to walk here: the whole value goes through Jackson. */
    private static final class TooDeep extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooDeep() {
            super(null, null, false, false);
        }
    }

    /** The redacted tree of a value, as the general path ({@link #general}) builds it. */
    static JsonNode tree(Object value, Redactor redactor) {
        try {
            return node(value, 0, redactor, null);
        } catch (TooDeep deep) {
            return general(value, redactor);
        }
    }

    /** The redacted tree of a request and its match key. */
    static SpanRecorder.Json request(Object value, Redactor redactor) {
        Fingerprint f = Fingerprint.start();
        JsonNode node;
        try {
            node = node(value, 0, redactor, f);
        } catch (TooDeep deep) {
            f.abandon();
            node = general(value, redactor);
            return new SpanRecorder.Json(node, false, Fingerprint.of(node));
        } catch (RuntimeException | Error e) {
            f.abandon();
            throw e;
        }
        if (!f.valid) {
            f.abandon();
            return new SpanRecorder.Json(node, false, Fingerprint.of(node));
        }
        return new SpanRecorder.Json(node, false, f.finish());
    }

    /** Jackson's tree of the value, redacted: what every value became before this walk, and what it must equal. */
    static JsonNode general(Object value, Redactor redactor) {
        JsonNode tree = value instanceof JsonNode ? ((JsonNode) value).deepCopy() : CanonicalJson.toTree(value);
        return redactor.redact(tree);
    }

    /** The node of {@code value}, fed to {@code fingerprint} unless that is null. */
    private static JsonNode node(Object value, int depth, Redactor redactor, Fingerprint fingerprint) {
        JsonNode leaf = leaf(value, redactor);
        if (leaf != null) {
            if (fingerprint != null) {
                fingerprint.tree(leaf);
            }
            return leaf;
        }
        if (depth >= MAX_DEPTH) {
            throw new TooDeep();
        }
        if (value.getClass().getClassLoader() == null) { // a JDK class: no Jackson annotations, no custom serializer
            if (value instanceof Map<?, ?> map && !(map instanceof IdentityHashMap<?, ?>)
                    && !(map instanceof SortedMap<?, ?> sorted && sorted.comparator() != null)) {
                JsonNode object = object(map, depth, redactor, fingerprint);
                if (object != null) {
                    return object;
                }
            } else if (value instanceof Collection<?> collection) {
                return array(collection, depth, redactor, fingerprint);
            }
        }
        // Anything else as Jackson writes it: the same serializer as when it is nested in a map or list.
        JsonNode tree = depth == 0 ? general(value, redactor) : redactor.redact(CanonicalJson.toTree(value));
        if (fingerprint != null) {
            fingerprint.tree(tree);
        }
        return tree;
    }

    /** A scalar's node (redacted), or null when the value is not one handled here. */
    private static JsonNode leaf(Object value, Redactor redactor) {
        if (value == null) {
            return NullNode.instance;
        }
        if (value instanceof String text) {
            return TextNode.valueOf(redactor.redact(text));
        }
        if (value instanceof Boolean flag) {
            return BooleanNode.valueOf(flag);
        }
        if (value instanceof Integer number) {
            return IntNode.valueOf(number);
        }
        if (value instanceof Long number) {
            return LongNode.valueOf(number);
        }
        if (value instanceof Double number) {
            return DoubleNode.valueOf(number);
        }
        return null;
    }

    /** A map with string keys, entries in key order (Jackson's ORDER_MAP_ENTRIES_BY_KEYS); null when a key is not a string. */
    private static JsonNode object(Map<?, ?> map, int depth, Redactor redactor, Fingerprint fingerprint) {
        int size = map.size();
        String[] keys = new String[size];
        int n = 0;
        for (Object key : map.keySet()) {
            if (!(key instanceof String) || n == size) {
                return null; // other keys (or a map changing under us): Jackson's way
            }
            keys[n++] = (String) key;
        }
        if (n != size) {
            return null;
        }
        if (n > 1 && !(map instanceof SortedMap<?, ?>)) {
            Arrays.sort(keys);
        }
        ObjectNode object = new ObjectNode(NODES, new LinkedHashMap<>(capacity(n)));
        if (fingerprint != null) {
            fingerprint.beginObject();
        }
        for (int i = 0; i < n; i++) {
            String key = keys[i];
            Object value = map.get(key);
            String name = redactor.redactKey(key);
            if (name != key && fingerprint != null) {
                fingerprint.valid = false; // names may sort differently now: hash the finished tree
            }
            boolean counted = fingerprint != null && fingerprint.valid && !Fingerprint.isVolatile(name);
            boolean secret = redactor.isSecretKey(key);
            if (counted) {
                fingerprint.name(name);
            }
            // A field left out of the fingerprint, or under a secret key (decided once the value is built), is walked without it.
            JsonNode child = node(value, depth + 1, redactor, counted && !secret ? fingerprint : null);
            if (secret && holdsSecret(child)) {
                child = TextNode.valueOf(Redactor.REDACTED);
            }
            if (counted) {
                if (secret) {
                    fingerprint.tree(child);
                }
                fingerprint.endValue();
            }
            object.set(name, child);
        }
        if (fingerprint != null) {
            fingerprint.endObject();
        }
        return object;
    }

    private static JsonNode array(Collection<?> collection, int depth, Redactor redactor, Fingerprint fingerprint) {
        ArrayNode array = new ArrayNode(NODES, collection.size());
        if (fingerprint != null) {
            fingerprint.beginArray();
        }
        if (collection instanceof List<?> list && list instanceof java.util.RandomAccess) {
            for (int i = 0, n = list.size(); i < n; i++) {
                element(array, list.get(i), depth, redactor, fingerprint);
            }
        } else {
            for (Object element : collection) {
                element(array, element, depth, redactor, fingerprint);
            }
        }
        if (fingerprint != null) {
            fingerprint.endArray();
        }
        return array;
    }

    private static void element(ArrayNode array, Object value, int depth, Redactor redactor, Fingerprint fingerprint) {
        array.add(node(value, depth + 1, redactor, fingerprint));
        if (fingerprint != null) {
            fingerprint.endValue();
        }
    }

    /** As the redactor decides for a value under a secret key: not null, not a boolean, not an empty or already redacted string. */
    private static boolean holdsSecret(JsonNode value) {
        if (value.isNull() || value.isMissingNode() || value.isBoolean()) {
            return false;
        }
        return !value.isTextual() || !value.textValue().isEmpty() && !value.textValue().equals(Redactor.REDACTED);
    }

    /** The smallest initial capacity that holds {@code entries} without a resize. */
    private static int capacity(int entries) {
        return (entries * 4 + 2) / 3;
    }
}
