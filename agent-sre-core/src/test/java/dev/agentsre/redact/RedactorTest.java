package dev.agentsre.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentsre.testing.SecretCorpus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class RedactorTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Redactor redactor = Redactor.defaults();

    @Test
    void keyNamesLikeTokenGithubTokenAndHfTokenNameSecretsButMaxTokensDoesNot() {
        for (String key : List.of("password", "passwd", "db_password", "passwordConfirm", "token", "github_token", "GITHUB_TOKEN",
                "hf_token", "accessToken", "refresh_token", "id_token", "api_key", "apiKey", "APIKey", "x-api-key", "X-Api-Key",
                "X-Goog-Api-Key", "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "client_secret",
                "AWS_SECRET_ACCESS_KEY", "aws_session_token", "private_key", "privateKey", "session_id", "signature", "X-Amz-Signature",
                "sig", "credentials", "AccountKey", "connection_string", "webhook_url", "auth", "basic_auth", "pin", "otp")) {
            assertThat(redactor.isSecretKey(key)).as(key).isTrue();
        }
        for (String key : List.of("max_tokens", "input_tokens", "tokens", "token_count", "token_type", "key", "id", "model", "prompt",
                "session", "cache_key", "keyboard", "author", "authority", "tokenizer", "monkey", "secretary", "api_key_id", "url",
                "query")) {
            assertThat(redactor.isSecretKey(key)).as(key).isFalse();
        }
    }

    @Test
    void valuesUnderSecretKeysAreRedactedWholeAndOtherValuesAreScanned() {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("model", "gpt-4o");
        request.put("max_tokens", 100);
        request.put("token", "abc123");
        request.put("headers", Map.of("Authorization", "Bearer abc.def.ghi123", "Accept", "application/json"));
        request.put("auth", Map.of("user", "jane", "password", "hunter2"));
        request.put("password_required", true);
        request.put("note", "use sk-ant-api03-" + "x".repeat(40) + " today");
        JsonNode redacted = redactor.redact(MAPPER.valueToTree(request));
        assertThat(redacted.get("model").asText()).isEqualTo("gpt-4o");
        assertThat(redacted.get("max_tokens").asInt()).isEqualTo(100);
        assertThat(redacted.get("token").asText()).isEqualTo(Redactor.REDACTED);
        assertThat(redacted.get("headers").get("Authorization").asText()).isEqualTo(Redactor.REDACTED);
        assertThat(redacted.get("headers").get("Accept").asText()).isEqualTo("application/json");
        assertThat(redacted.get("auth").asText()).isEqualTo(Redactor.REDACTED);
        assertThat(redacted.get("password_required").asBoolean()).isTrue();
        assertThat(redacted.get("note").asText()).isEqualTo("use [REDACTED] today");
    }

    @Test
    void freeTextRulesRedactTheSecretAndLeaveTheProse() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("my password is hunter2, thanks", "my password is [REDACTED], thanks");
        cases.put("the token is expired", "the token is expired");
        cases.put("max_tokens=100 and tokens: 5", "max_tokens=100 and tokens: 5");
        cases.put("Authorization: Bearer abc.def.ghi123", "Authorization: Bearer [REDACTED]");
        cases.put("Basic auth is required", "Basic auth is required");
        cases.put("GET https://jane:pa55w0rd@api.example.com/x", "GET https://jane:[REDACTED]@api.example.com/x");
        cases.put("mail jane.doe@example.com today", "mail [EMAIL] today");
        cases.put("password=hunter2&user=jane", "password=[REDACTED]&user=jane");
        cases.put("https://x.example.com/?token=abc123&page=2", "https://x.example.com/?token=[REDACTED]&page=2");
        cases.put("{\"api_key\": \"abc 123\"} was sent", "{\"api_key\": \"[REDACTED]\"} was sent");
        cases.put("psql --password s3cret --host db", "psql --password [REDACTED] --host db");
        cases.put("my API key: abc123def", "my API key: [REDACTED]");
        cases.put("Cookie: session=abc; theme=dark\nnext", "Cookie: [REDACTED]\nnext");
        cases.put("the key: value", "the key: value");
        cases.put("see https://example.com/docs?page=2", "see https://example.com/docs?page=2");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            assertThat(redactor.redact(c.getKey())).as(c.getKey()).isEqualTo(c.getValue());
        }
        assertThat(redactor.withoutEmailRedaction().redact("mail jane.doe@example.com")).isEqualTo("mail jane.doe@example.com");
    }

    @Test
    void everyShapeOfTheCorpusIsRedactedInEveryTextualContextAndRedactionIsIdempotent() {
        for (SecretCorpus.Shape shape : SecretCorpus.shapes()) {
            List<String> contexts = shape.recognisable()
                    ? List.of(shape.sentence(), shape.url(), shape.secret(), "x " + shape.secret() + " y", "\"" + shape.secret() + "\"")
                    : List.of(shape.sentence(), shape.url());
            for (String context : contexts) {
                String redacted = redactor.redact(context);
                for (String fragment : shape.fragments()) {
                    assertThat(redacted).as(shape.name() + " in: " + context).doesNotContain(fragment);
                }
                assertThat(redactor.redact(redacted)).as("idempotent: " + shape.name()).isEqualTo(redacted);
            }
            JsonNode keyed = redactor.redact(MAPPER.valueToTree(Map.of(shape.key(), shape.keyed())));
            assertThat(keyed.toString()).as(shape.name() + " under " + shape.key()).doesNotContain(shape.secret());
        }
    }

    @Test
    void aStringHoldingJsonIsRedactedFieldByFieldAndKeepsItsOtherContent() throws Exception {
        String arguments = "{\"url\":\"https://api.example.com\",\"headers\":{\"Authorization\":\"Bearer 9f8e7d6c5b4a39281706f5e4\"},"
                + "\"retries\":3,\"price\":1.50}";
        String redacted = redactor.redact(arguments);
        JsonNode tree = MAPPER.readTree(redacted);
        assertThat(tree.get("headers").get("Authorization").asText()).isEqualTo(Redactor.REDACTED);
        assertThat(tree.get("url").asText()).isEqualTo("https://api.example.com");
        assertThat(tree.get("retries").asInt()).isEqualTo(3);
        assertThat(redacted).contains("1.50");
        String doubleEncoded = MAPPER.writeValueAsString(Map.of("payload", arguments));
        assertThat(redactor.redact(doubleEncoded)).doesNotContain("9f8e7d6c5b4a39281706f5e4");
        String clean = "{\"q\":\"refund policy\"}";
        assertThat(redactor.redact(clean)).isSameAs(clean);
    }

    @Test
    void nothingToRedactReturnsTheSameInstance() {
        String text = "Refund of $42.50 approved for order 12345.";
        assertThat(redactor.redact(text)).isSameAs(text);
        JsonNode tree = MAPPER.valueToTree(Map.of("q", "refund", "items", List.of(1, 2, Map.of("max_tokens", 5))));
        assertThat(redactor.redact(tree)).isSameAs(tree);
        assertThat(Redactor.none().redact("password=hunter2")).isEqualTo("password=hunter2");
        assertThat(redactor.redact((String) null)).isNull();
        assertThat(redactor.redact((JsonNode) null).isNull()).isTrue();
    }

    @Test
    void keysThemselvesAreScannedAndCustomKeyNamesAndPatternsApply() {
        String token = "ghp_" + "a1B2c3D4e5".repeat(4);
        JsonNode redacted = redactor.redact(MAPPER.valueToTree(Map.of(token, 1)));
        assertThat(redacted.toString()).doesNotContain(token);

        Redactor custom = Redactor.defaults().withKeyName("ssn").withKey("internal_.*").withPattern("ACME-\\d{6}", "[ACCOUNT]");
        JsonNode tree = custom.redact(MAPPER.valueToTree(Map.of("customer_ssn", "123-45-6789", "customerSsn", "987-65-4321",
                "internal_ref", "x", "note", "account ACME-123456 closed")));
        assertThat(tree.get("customer_ssn").asText()).isEqualTo(Redactor.REDACTED);
        assertThat(tree.get("customerSsn").asText()).isEqualTo(Redactor.REDACTED);
        assertThat(tree.get("internal_ref").asText()).isEqualTo(Redactor.REDACTED);
        assertThat(tree.get("note").asText()).isEqualTo("account [ACCOUNT] closed");
        assertThatThrownBy(() -> Redactor.defaults().withPattern("(", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("regex");
        assertThatThrownBy(() -> Redactor.defaults().withKeyName("--")).hasMessageContaining("name");
        assertThatThrownBy(() -> Redactor.defaults().withMaxScanChars(0)).hasMessageContaining("maxScanChars");
    }

    @Test
    void aCustomPatternThatBacktracksExponentiallyFailsClosedWithinItsBudget() {
        // Java's matcher still backtracks exponentially on this one (a back-reference defeats its memoisation).
        Redactor custom = Redactor.defaults().withPattern("((a+)+)+(b)\\2", "[X]");
        String evil = "a".repeat(40) + "!";
        String result = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> custom.redact(evil));
        assertThat(result).isEqualTo(Redactor.REDACTED);
        assertThat(custom.redact("xx aaaba yy")).isEqualTo("xx [X] yy");
    }

    @Test
    void whatLiesBeyondTheScanBoundIsCutAndSaysSo() {
        Redactor bounded = Redactor.defaults().withMaxScanChars(100);
        String secret = "sk-" + "Q".repeat(40);
        String text = "x".repeat(120) + secret;
        String redacted = bounded.redact(text);
        assertThat(redacted).doesNotContain(secret).startsWith("x".repeat(100)).endsWith("[REDACTED: 63 more characters not scanned]");
        assertThat(bounded.maxScanChars()).isEqualTo(100);
    }

    /** Issue 14, defect 9: a 20,000-character base64url string took ~6.9 s (40,000: ~25 s) — quadratic in the e-mail rule. */
    @Test
    void aFortyThousandCharacterBase64UrlImageIsRedactedInLinearTime() {
        Random random = new Random(9);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        StringBuilder image = new StringBuilder();
        for (int i = 0; i < 40_000; i++) {
            image.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        String task = "{\"image\":\"data:image/png;base64," + image + "\",\"prompt\":\"describe it\"}";
        // Generous bound (the fix takes well under a millisecond; the quadratic rule took ~25 s): a guard, not a measurement.
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (int i = 0; i < 10; i++) {
                redactor.redact(task);
                redactor.redact(image.toString());
            }
        });
    }

    @Test
    void theScannerLooksAtEachCharacterABoundedNumberOfTimesOnAdversarialText() {
        List<IntFunction<String>> adversaries = List.of(
                n -> base64url(n),
                n -> "a@".repeat(n / 2),
                n -> ("a".repeat(60) + "@").repeat(n / 61),
                n -> "eyJ.".repeat(n / 4),
                n -> ("eyJ" + "a".repeat(10) + ".").repeat(n / 14),
                n -> "sk-".repeat(n / 3),
                n -> "://".repeat(n / 3),
                n -> "://a:b".repeat(n / 6),
                n -> "-----BEGIN ".repeat(n / 11),
                n -> "-----BEGIN RSA PRIVATE KEY----- ".repeat(n / 32),
                n -> "password= ".repeat(n / 10),
                n -> "a.".repeat(n / 2),
                n -> "Bearer ".repeat(n / 7),
                n -> "x-api-key".repeat(n / 9),
                n -> "AKIA".repeat(n / 4),
                n -> " is ".repeat(n / 4));
        KeyNames keys = new KeyNames(java.util.Set.of(), List.of());
        for (IntFunction<String> adversary : adversaries) {
            for (int n : new int[] {10_000, 40_000}) {
                String text = adversary.apply(n);
                TextScanner scanner = new TextScanner(text, Integer.MAX_VALUE, keys, true);
                scanner.scan();
                assertThat(scanner.work).as(text.substring(0, 20) + "… of " + text.length()).isLessThanOrEqualTo(80L * text.length() + 100);
            }
        }
    }

    private static String base64url(int n) {
        Random random = new Random(n);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        StringBuilder out = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }
}
