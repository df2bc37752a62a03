package dev.agentsre.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.agentsre.internal.Check;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Removes secrets from requests and responses before anything is hashed or written: values of keys
 * that name a secret ({@code api_key}, {@code authorization}, {@code password}, {@code token},
 * {@code secret}, {@code cookie}, {@code credential}...) become {@value #REDACTED}, and secrets found
 * inside any string (OpenAI/Anthropic-style keys, {@code Bearer} tokens, AWS access keys, JWTs,
 * e-mail addresses) are replaced in place. Add your own rules with {@link #withKey} and
 * {@link #withPattern}. Because replay redacts live requests the same way before matching, a
 * redacted trace still replays. Immutable and thread-safe.
 */
public final class Redactor {

    /** What a redacted value becomes. */
    public static final String REDACTED = "[REDACTED]";

    private static final Pattern SECRET_KEYS = Pattern.compile(
            "(?i).*(api[_-]?key|apikey|authorization|auth[_-]?token|access[_-]?token|refresh[_-]?token|password|passwd|secret|"
                    + "cookie|credential|private[_-]?key|x-api-key|session[_-]?id).*");
    private static final List<Rule> DEFAULT_VALUE_RULES = List.of(
            new Rule(Pattern.compile("\\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}"), REDACTED),
            new Rule(Pattern.compile("(?i)\\bBearer\\s+[A-Za-z0-9._~+/=-]{8,}"), "Bearer " + REDACTED),
            new Rule(Pattern.compile("\\bAKIA[0-9A-Z]{16}\\b"), REDACTED),
            new Rule(Pattern.compile("\\beyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}"), REDACTED),
            new Rule(Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}"), "[EMAIL]"));

    private final List<Pattern> keyRules;
    private final List<Rule> valueRules;
    private final Pattern anyValueRule; // one pass to skip the (usual) strings with nothing to redact

    private Redactor(List<Pattern> keyRules, List<Rule> valueRules) {
        this.keyRules = List.copyOf(keyRules);
        this.valueRules = List.copyOf(valueRules);
        this.anyValueRule = valueRules.isEmpty() ? null : Pattern.compile(valueRules.stream()
                .map(r -> "(?:" + r.pattern.pattern() + ")").collect(java.util.stream.Collectors.joining("|")));
    }

    /** The default rules. */
    public static Redactor defaults() {
        return new Redactor(List.of(SECRET_KEYS), DEFAULT_VALUE_RULES);
    }

    /** No redaction at all (for traces that never leave a developer's machine). */
    public static Redactor none() {
        return new Redactor(List.of(), List.of());
    }

    /** These rules plus: values of keys matching {@code keyRegex} (case-insensitive, whole key) are redacted. */
    public Redactor withKey(String keyRegex) {
        List<Pattern> keys = new ArrayList<>(keyRules);
        keys.add(Pattern.compile("(?i)" + Check.notBlank("keyRegex", keyRegex)));
        return new Redactor(keys, valueRules);
    }

    /** These rules plus: text matching {@code regex} inside any string is replaced by {@code replacement}. */
    public Redactor withPattern(String regex, String replacement) {
        List<Rule> values = new ArrayList<>(valueRules);
        values.add(new Rule(Pattern.compile(Check.notBlank("regex", regex)), Check.notNull("replacement", replacement)));
        return new Redactor(keyRules, values);
    }

    /** A redacted copy of {@code node}. */
    public JsonNode redact(JsonNode node) {
        if (node == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                copy.set(field.getKey(), secretKey(field.getKey()) && !field.getValue().isNull()
                        ? TextNode.valueOf(REDACTED) : redact(field.getValue()));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> copy.add(redact(element)));
            return copy;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(redact(node.asText()));
        }
        return node;
    }

    /** {@code text} with every secret-looking substring replaced. */
    public String redact(String text) {
        if (anyValueRule == null || !anyValueRule.matcher(text).find()) {
            return text;
        }
        String result = text;
        for (Rule rule : valueRules) {
            result = rule.pattern.matcher(result).replaceAll(java.util.regex.Matcher.quoteReplacement(rule.replacement));
        }
        return result;
    }

    private boolean secretKey(String key) {
        for (Pattern rule : keyRules) {
            if (rule.matcher(key).matches()) {
                return true;
            }
        }
        return false;
    }

    private record Rule(Pattern pattern, String replacement) {
    }
}
