package dev.agentsre.redact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.agentsre.internal.Check;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one redactor of Agent SRE: what replay writes to trace files, what telemetry puts on spans and
 * what the library logs passes through it, so a secret never reaches any of them.
 *
 * <p><b>By key name.</b> The value of a JSON field whose name names a secret becomes
 * {@value #REDACTED}, whatever it is: {@code password}, {@code token}, {@code github_token},
 * {@code hf_token}, {@code api_key}, {@code x-api-key}, {@code Authorization}, {@code Cookie},
 * {@code client_secret}, {@code AWS_SECRET_ACCESS_KEY}, {@code private_key}, {@code session_id},
 * {@code signature}… A key is split into words ({@code githubToken} → github, token); it names a
 * secret when any word is {@code password}, {@code secret}, {@code credential} (and a few more), or
 * when its last word or last two words are {@code token}, {@code auth}, {@code authorization},
 * {@code cookie}, {@code apikey}, {@code privatekey}, {@code accesskey}, {@code sessionid},
 * {@code signature}… So {@code max_tokens} and {@code token_count} stay as they are.
 *
 * <p><b>By value.</b> Inside every string (and every key): API keys and tokens recognised by their
 * shape (OpenAI and Anthropic {@code sk-…}, AWS {@code AKIA…} with the secret key that follows it,
 * GitHub {@code ghp_…} and {@code github_pat_…}, GitLab, Slack tokens and webhook URLs, Stripe,
 * Google {@code AIza…}, Hugging Face, npm, SendGrid, Twilio and more), JSON Web Tokens, PEM private
 * keys, credentials after {@code Bearer}/{@code Basic}/{@code Token}, the password in
 * {@code scheme://user:password@host}, the value after a secret key name in free text
 * ({@code password=…}, {@code "token": "…"}, {@code --api-key …}, {@code ?sig=…}, "my password is …"),
 * and e-mail addresses (as {@value #EMAIL}). A string that holds JSON (a tool's arguments as a JSON
 * string) is parsed and redacted field by field. Add rules with {@link #withKey}, {@link #withKeyName}
 * and {@link #withPattern}.
 *
 * <p><b>Cost.</b> Linear in the text: the built-in rules are hand-written matchers that look at each
 * character a bounded number of times (no backtracking regular expression), about a few nanoseconds
 * per character. At most {@link #maxScanChars()} characters of one string are scanned (default
 * {@value #DEFAULT_MAX_SCAN_CHARS}); what lies beyond is replaced by a note saying how much was cut,
 * never passed on unscanned. A pattern added with {@link #withPattern} runs with a step budget linear
 * in the text; a text on which it exceeds the budget is replaced whole by {@value #REDACTED}.
 *
 * <p>Immutable and thread-safe. A redacted text redacts to itself.
 */
public final class Redactor {

    /** What a redacted value becomes. */
    public static final String REDACTED = "[REDACTED]";
    /** What an e-mail address becomes. */
    public static final String EMAIL = "[EMAIL]";
    /** The default bound on the characters of one string that are scanned. */
    public static final int DEFAULT_MAX_SCAN_CHARS = 1 << 20;

    /** How deep JSON held in strings (in strings…) is parsed and redacted field by field. */
    static final int MAX_JSON_IN_STRING_DEPTH = 3;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
    private static final Redactor NONE = new Redactor(false, Set.of(), List.of(), List.of(), true, DEFAULT_MAX_SCAN_CHARS);
    private static final Redactor DEFAULTS = new Redactor(true, Set.of(), List.of(), List.of(), true, DEFAULT_MAX_SCAN_CHARS);

    private final boolean enabled;
    private final Set<String> keyNames;
    private final List<Pattern> keyPatterns;
    private final List<PatternRule> patterns;
    private final boolean emails;
    private final int maxScanChars;
    private final KeyNames keys;

    private Redactor(boolean enabled, Set<String> keyNames, List<Pattern> keyPatterns, List<PatternRule> patterns, boolean emails,
                     int maxScanChars) {
        this.enabled = enabled;
        this.keyNames = Set.copyOf(keyNames);
        this.keyPatterns = List.copyOf(keyPatterns);
        this.patterns = List.copyOf(patterns);
        this.emails = emails;
        this.maxScanChars = maxScanChars;
        this.keys = new KeyNames(this.keyNames, this.keyPatterns);
    }

    /** The default rules. */
    public static Redactor defaults() {
        return DEFAULTS;
    }

    /** No redaction at all (for traces that never leave a developer's machine). */
    public static Redactor none() {
        return NONE;
    }

    /**
     * These rules plus: the value of a key matching {@code keyRegex} (case-insensitive, the whole key)
     * is redacted.
     *
     * @throws IllegalArgumentException when {@code keyRegex} is blank or not a regular expression
     */
    public Redactor withKey(String keyRegex) {
        List<Pattern> more = new ArrayList<>(keyPatterns);
        more.add(compile("keyRegex", "(?i)" + Check.notBlank("keyRegex", keyRegex)));
        return new Redactor(true, keyNames, more, patterns, emails, maxScanChars);
    }

    /**
     * These rules plus: a key whose words, or last word, or last two words, spell {@code name} names
     * a secret ({@code withKeyName("ssn")} covers {@code ssn}, {@code customer_ssn} and {@code customerSsn}).
     *
     * @throws IllegalArgumentException when {@code name} has no letter or digit
     */
    public Redactor withKeyName(String name) {
        String normalised = KeyNames.normalise(Check.notBlank("name", name));
        if (normalised.isEmpty()) {
            throw new IllegalArgumentException("name must contain a letter or digit, got '" + name + "'");
        }
        Set<String> more = new HashSet<>(keyNames);
        more.add(normalised);
        return new Redactor(true, more, keyPatterns, patterns, emails, maxScanChars);
    }

    /**
     * These rules plus: text matching {@code regex} inside any string is replaced by
     * {@code replacement} (taken literally). The pattern runs after the built-in rules, with a step
     * budget linear in the text; prefer patterns anchored on a literal prefix.
     *
     * @throws IllegalArgumentException when {@code regex} is blank or not a regular expression
     */
    public Redactor withPattern(String regex, String replacement) {
        List<PatternRule> more = new ArrayList<>(patterns);
        more.add(new PatternRule(compile("regex", Check.notBlank("regex", regex)), Check.notNull("replacement", replacement)));
        return new Redactor(true, keyNames, keyPatterns, more, emails, maxScanChars);
    }

    /** These rules with e-mail addresses left as they are (they are personal data, not secrets). */
    public Redactor withoutEmailRedaction() {
        return new Redactor(enabled, keyNames, keyPatterns, patterns, false, maxScanChars);
    }

    /**
     * These rules scanning at most {@code maxScanChars} characters of a string; beyond them a string
     * is cut and ends with a note of how much was cut.
     *
     * @throws IllegalArgumentException when {@code maxScanChars} is not positive
     */
    public Redactor withMaxScanChars(int maxScanChars) {
        return new Redactor(enabled, keyNames, keyPatterns, patterns, emails, Check.positive("maxScanChars", maxScanChars));
    }

    /** The bound on the characters of one string that are scanned. */
    public int maxScanChars() {
        return maxScanChars;
    }

    /** Whether the value of a field named {@code key} is redacted whole. */
    public boolean isSecretKey(String key) {
        return enabled && key != null && keys.isSecret(key);
    }

    /**
     * A JSON field name as {@link #redact(JsonNode)} writes it: secrets in the name replaced (a name
     * is scanned as text, never parsed as JSON); the same instance when there was nothing to replace.
     * For writers that redact a value while converting it, field by field, with the same result.
     */
    public String redactKey(String key) {
        if (key == null || !enabled) {
            return key;
        }
        return redactText(key, MAX_JSON_IN_STRING_DEPTH);
    }

    /**
     * {@code node} with its secrets redacted: a new tree where something was redacted, {@code node}
     * itself when nothing was (it is never modified); JSON null for null.
     */
    public JsonNode redact(JsonNode node) {
        if (node == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        return enabled ? redactNode(node, 0) : node;
    }

    /** {@code text} with every secret replaced; the same instance when there was nothing to replace; null for null. */
    public String redact(String text) {
        if (text == null || !enabled) {
            return text;
        }
        return redactText(text, 0);
    }

    /**
     * A stand-in for {@code failure} to log: it prints as the original (class name, message, stack
     * trace, causes and suppressed failures) with every message redacted. Null for null.
     */
    public Throwable redact(Throwable failure) {
        if (failure == null || !enabled) {
            return failure;
        }
        return RedactedFailure.of(failure, this, 0);
    }

    private JsonNode redactNode(JsonNode node, int depth) {
        if (node.isObject()) {
            return redactObject(node, depth);
        }
        if (node.isArray()) {
            ArrayNode copy = null;
            for (int i = 0; i < node.size(); i++) {
                JsonNode element = node.get(i);
                JsonNode redacted = redactNode(element, depth);
                if (copy == null && redacted != element) {
                    copy = JsonNodeFactory.instance.arrayNode(node.size());
                    for (int k = 0; k < i; k++) {
                        copy.add(node.get(k));
                    }
                }
                if (copy != null) {
                    copy.add(redacted);
                }
            }
            return copy == null ? node : copy;
        }
        if (node.isTextual()) {
            String text = node.textValue();
            String redacted = redactText(text, depth);
            return redacted == text ? node : TextNode.valueOf(redacted);
        }
        return node;
    }

    private JsonNode redactObject(JsonNode node, int depth) {
        ObjectNode copy = null;
        int index = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); index++) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            String redactedKey = redactText(key, MAX_JSON_IN_STRING_DEPTH);
            JsonNode redactedValue = keys.isSecret(key) && holdsSecret(value) ? TextNode.valueOf(REDACTED) : redactNode(value, depth);
            if (copy == null && (redactedKey != key || redactedValue != value)) {
                copy = JsonNodeFactory.instance.objectNode();
                Iterator<Map.Entry<String, JsonNode>> before = node.fields();
                for (int k = 0; k < index; k++) {
                    Map.Entry<String, JsonNode> e = before.next();
                    copy.set(e.getKey(), e.getValue());
                }
            }
            if (copy != null) {
                copy.set(redactedKey, redactedValue);
            }
        }
        return copy == null ? node : copy;
    }

    /** Whether a value under a secret key is redacted: not null, not a boolean, not an empty or already redacted string. */
    private static boolean holdsSecret(JsonNode value) {
        if (value.isNull() || value.isMissingNode() || value.isBoolean()) {
            return false;
        }
        return !value.isTextual() || !value.textValue().isEmpty() && !value.textValue().equals(REDACTED);
    }

    private String redactText(String text, int depth) {
        if (text.isEmpty()) {
            return text;
        }
        if (depth < MAX_JSON_IN_STRING_DEPTH && text.length() <= maxScanChars && looksLikeJson(text)) {
            try {
                JsonNode parsed = JSON.readTree(text);
                if (parsed != null && parsed.isContainerNode()) {
                    JsonNode redacted = redactNode(parsed, depth + 1);
                    return redacted == parsed ? text : JSON.writeValueAsString(redacted);
                }
            } catch (JsonProcessingException | RuntimeException notJson) {
                // not JSON after all: scanned as text below
            }
        }
        String redacted = TextScanner.scan(text, maxScanChars, keys, emails);
        for (PatternRule rule : patterns) {
            redacted = rule.apply(redacted);
        }
        return redacted;
    }

    private static boolean looksLikeJson(String text) {
        int first = 0;
        while (first < text.length() && Character.isWhitespace(text.charAt(first))) {
            first++;
        }
        int last = text.length() - 1;
        while (last > first && Character.isWhitespace(text.charAt(last))) {
            last--;
        }
        if (first >= last) {
            return false;
        }
        char open = text.charAt(first);
        char close = text.charAt(last);
        return open == '{' && close == '}' || open == '[' && close == ']';
    }

    private static Pattern compile(String name, String regex) {
        try {
            return Pattern.compile(regex);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new IllegalArgumentException(name + " is not a regular expression: " + e.getDescription() + ", got '" + regex + "'", e);
        }
    }

    @Override
    public String toString() {
        if (!enabled) {
            return "Redactor[none]";
        }
        return String.format(Locale.ROOT, "Redactor[defaults + %d key names, %d key patterns, %d patterns, emails %s, maxScanChars %d]",
                keyNames.size(), keyPatterns.size(), patterns.size(), emails ? "redacted" : "kept", maxScanChars);
    }
}
