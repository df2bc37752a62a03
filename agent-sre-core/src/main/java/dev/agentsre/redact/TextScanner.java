package dev.agentsre.redact;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds secrets in free text in one left-to-right pass and replaces them. Every rule is a
 * hand-written matcher anchored at a cheap trigger (a token prefix at a word start, an auth scheme,
 * a key name followed by {@code :} or {@code =}, {@code ://}, {@code @}, {@code -----BEGIN}), and
 * each looks at a bounded stretch of text or jumps past what it consumed, so a string of n
 * characters costs O(n) whatever it contains: no backtracking regular expression runs here.
 *
 * <p>The rules (patterns learned from gitleaks' rule set, written anew):
 * <ul>
 *   <li>API tokens by prefix: OpenAI and Anthropic ({@code sk-…}), Stripe ({@code sk_live_},
 *       {@code rk_live_}, {@code whsec_}), AWS access key ids ({@code AKIA…}, {@code ASIA…}; with the
 *       secret access key that follows one in a credentials file), Google ({@code AIza…},
 *       {@code ya29.}, {@code GOCSPX-}), GitHub ({@code ghp_}, {@code gho_}, {@code ghu_},
 *       {@code ghs_}, {@code ghr_}, {@code github_pat_}), GitLab, Slack ({@code xox?-}, {@code xapp-}
 *       and webhook URLs), Discord webhooks, Hugging Face, npm, PyPI, SendGrid, Twilio, Databricks,
 *       DigitalOcean, Shopify, Linear, Postman, Groq, xAI, Replicate, Grafana, Sentry, Bedrock;</li>
 *   <li>JSON Web Tokens ({@code eyJ….eyJ….…});</li>
 *   <li>PEM private keys, {@code -----BEGIN … PRIVATE KEY-----} to the matching end line (to the end
 *       of the text when the end line is missing);</li>
 *   <li>credentials after {@code Bearer}, {@code Basic} and {@code Token} in free text;</li>
 *   <li>the password of a URL ({@code scheme://user:password@host});</li>
 *   <li>the value after a key that names a secret (see {@link KeyNames}): {@code password=…},
 *       {@code "api_key": "…"}, {@code token: …}, {@code --password …}, {@code ?sig=…&},
 *       {@code my password is …};</li>
 *   <li>e-mail addresses (personal data rather than a secret; can be switched off).</li>
 * </ul>
 * Not thread-safe: one scan at a time per instance. {@link #scan(String, int, KeyNames, boolean)}
 * reuses one instance per thread (held by a static {@link ThreadLocal}; under 1 KB, larger replacement
 * arrays are dropped after use and nothing of a scanned text is kept).
 */
final class TextScanner {

    /** Longest key name looked at in free text. */
    static final int MAX_IDENTIFIER = 64;
    /** Longest URL authority looked at for a password. */
    static final int MAX_AUTHORITY = 2048;

    private record PrefixRule(String prefix, Ascii body, int min, boolean exact, boolean keepPrefix, boolean awsKeyId) {
    }

    private static final PrefixRule[][] BY_FIRST_CHAR = index(List.of(
            // OpenAI (sk-, sk-proj-, sk-svcacct-, sk-admin-) and Anthropic (sk-ant-api03-, sk-ant-admin01-)
            token("sk-", Ascii.TOKEN, 20),
            // Stripe secret, restricted and webhook-signing keys
            token("sk_live_", Ascii.ALNUM, 10), token("sk_test_", Ascii.ALNUM, 10), token("sk_prod_", Ascii.ALNUM, 10),
            token("rk_live_", Ascii.ALNUM, 10), token("rk_test_", Ascii.ALNUM, 10), token("rk_prod_", Ascii.ALNUM, 10),
            token("whsec_", Ascii.ALNUM, 20),
            // AWS access key ids (the secret access key after one is taken too)
            awsKeyId("AKIA"), awsKeyId("ASIA"), awsKeyId("ABIA"), awsKeyId("ACCA"), awsKeyId("AGPA"), awsKeyId("AIDA"),
            awsKeyId("AROA"), awsKeyId("AIPA"), awsKeyId("ANPA"), awsKeyId("ANVA"), awsKeyId("APKA"),
            token("ABSK", Ascii.TOKEN68, 100),
            // Google: API key, OAuth access token, OAuth client secret
            exact("AIza", Ascii.TOKEN, 35), token("ya29.", Ascii.TOKEN, 20), token("GOCSPX-", Ascii.TOKEN, 20),
            // GitHub, GitLab
            token("ghp_", Ascii.ALNUM, 30), token("gho_", Ascii.ALNUM, 30), token("ghu_", Ascii.ALNUM, 30),
            token("ghs_", Ascii.ALNUM, 30), token("ghr_", Ascii.ALNUM, 30), token("github_pat_", Ascii.TOKEN, 30),
            token("glpat-", Ascii.TOKEN, 20), token("gldt-", Ascii.TOKEN, 20), token("glrt-", Ascii.TOKEN, 20),
            // Slack tokens and webhooks; Discord webhooks
            token("xoxb-", Ascii.TOKEN, 10), token("xoxp-", Ascii.TOKEN, 10), token("xoxa-", Ascii.TOKEN, 10),
            token("xoxr-", Ascii.TOKEN, 10), token("xoxs-", Ascii.TOKEN, 10), token("xoxo-", Ascii.TOKEN, 10),
            token("xoxe-", Ascii.TOKEN, 10), token("xoxe.xox", Ascii.TOKEN, 10), token("xapp-", Ascii.TOKEN, 10),
            path("hooks.slack.com/services/"), path("hooks.slack.com/workflows/"), path("hooks.slack.com/triggers/"),
            path("discord.com/api/webhooks/"), path("discordapp.com/api/webhooks/"),
            // Hugging Face, npm, PyPI, SendGrid, Twilio, Databricks, DigitalOcean, Shopify, Linear, Postman
            token("hf_", Ascii.ALNUM, 30), token("api_org_", Ascii.ALNUM, 30), token("npm_", Ascii.ALNUM, 30),
            token("pypi-AgEIcHlwaS5vcmc", Ascii.TOKEN, 30), token("SG.", Ascii.DOTTED, 40), exact("SK", Ascii.ANY_HEX, 32),
            exact("dapi", Ascii.HEX, 32), exact("dop_v1_", Ascii.HEX, 64), exact("doo_v1_", Ascii.HEX, 64),
            exact("dor_v1_", Ascii.HEX, 64), exact("shpat_", Ascii.ANY_HEX, 32), exact("shpca_", Ascii.ANY_HEX, 32),
            exact("shppa_", Ascii.ANY_HEX, 32), exact("shpss_", Ascii.ANY_HEX, 32), token("lin_api_", Ascii.ALNUM, 30),
            token("PMAK-", Ascii.TOKEN, 30),
            // Groq, xAI, Replicate, Grafana, Sentry
            token("gsk_", Ascii.ALNUM, 30), token("xai-", Ascii.ALNUM, 30), token("r8_", Ascii.ALNUM, 30),
            token("glsa_", Ascii.TOKEN, 30), token("glc_", Ascii.TOKEN68, 30), token("sntrys_", Ascii.TOKEN68, 30),
            exact("sntryu_", Ascii.HEX, 64)));

    private static final String[] SCHEMES = {"bearer", "basic", "token"};
    private static final String PEM_BEGIN = "-----BEGIN ";
    private static final String PEM_END = "-----END";
    private static final String DASHES = "-----";

    /** One scanner per thread, reused: a string scanned costs no allocation unless it holds a secret. */
    private static final ThreadLocal<TextScanner> PER_THREAD = ThreadLocal.withInitial(TextScanner::new);

    private String text;
    private int limit;
    private KeyNames keys;
    private boolean emails;
    // Allocated at the first replacement: most strings have none.
    private int[] starts;
    private int[] ends;
    private String[] replacements;
    private int count;
    private int authorityStart = -1;
    private int authorityEnd = -1;
    private boolean busy;
    /** Characters examined, for the linear-time test. */
    long work;

    TextScanner(String text, int maxScanChars, KeyNames keys, boolean emails) {
        reset(text, maxScanChars, keys, emails);
    }

    private TextScanner() {
    }

    /** {@code text} with its secrets replaced (see {@link #scan()}), scanned by this thread's reused scanner. */
    static String scan(String text, int maxScanChars, KeyNames keys, boolean emails) {
        TextScanner scanner = PER_THREAD.get();
        if (scanner.busy) {
            scanner = new TextScanner(); // never happens today (a scan calls nothing that scans), but stay correct if it does
        }
        scanner.busy = true;
        try {
            return scanner.reset(text, maxScanChars, keys, emails).scan();
        } finally {
            scanner.release();
        }
    }

    private TextScanner reset(String text, int maxScanChars, KeyNames keys, boolean emails) {
        this.text = text;
        this.limit = Math.min(text.length(), maxScanChars);
        this.keys = keys;
        this.emails = emails;
        this.count = 0;
        this.authorityStart = -1;
        this.authorityEnd = -1;
        this.work = 0;
        return this;
    }

    /** Forgets the text and its replacements, so a reused scanner holds nothing of what it scanned. */
    private void release() {
        if (replacements != null && replacements.length > 64) {
            starts = null; // a text with many secrets: its arrays are not kept
            ends = null;
            replacements = null;
        } else if (replacements != null) {
            Arrays.fill(replacements, 0, count, null);
        }
        text = null;
        keys = null;
        count = 0;
        busy = false;
    }

    /** {@code text} with its secrets replaced, or {@code text} itself when there was nothing to replace. */
    String scan() {
        for (int i = 0; i < limit; ) {
            work++;
            char c = text.charAt(i);
            if (c >= 128) {
                i++;
                continue;
            }
            char prev = i == 0 ? ' ' : text.charAt(i - 1);
            if (!Ascii.TOKEN.contains(prev)) {
                PrefixRule[] rules = BY_FIRST_CHAR[c];
                if (rules != null) {
                    int end = prefixToken(i, rules);
                    if (end > i) {
                        i = end;
                        continue;
                    }
                }
            }
            if (Ascii.isLetter(c)) {
                if (!Ascii.isAlnum(prev) && prev != '_') {
                    int end = scheme(i);
                    if (end < 0) {
                        end = keyValue(i);
                    }
                    if (end > i) {
                        i = end;
                        continue;
                    }
                }
            } else if (c == '-') {
                if (text.startsWith(PEM_BEGIN, i)) {
                    int end = privateKey(i);
                    if (end > i) {
                        i = end;
                        continue;
                    }
                }
            } else if (c == ':') {
                if (i + 2 < limit && text.charAt(i + 1) == '/' && text.charAt(i + 2) == '/') {
                    urlPassword(i + 3);
                }
            } else if (c == '@' && emails && (i < authorityStart || i >= authorityEnd)) {
                email(i);
            }
            i++;
        }
        if (limit < text.length()) {
            add(limit, text.length(), "[REDACTED: " + (text.length() - limit) + " more characters not scanned]");
        }
        return count == 0 ? text : apply();
    }

    // ---- API tokens by prefix -------------------------------------------------------------------

    private int prefixToken(int i, PrefixRule[] rules) {
        for (PrefixRule rule : rules) {
            String prefix = rule.prefix;
            if (i + prefix.length() > limit || !text.startsWith(prefix, i)) {
                continue;
            }
            int bodyStart = i + prefix.length();
            if (prefix.equals("eyJ")) {
                return jwt(i);
            }
            int bound = rule.exact ? Math.min(limit, bodyStart + rule.min + 1) : limit;
            int end = rule.body.runEnd(text, bodyStart, bound);
            work += end - bodyStart;
            int length = end - bodyStart;
            if (rule.exact ? length != rule.min || end < limit && Ascii.TOKEN.contains(text.charAt(end)) : length < rule.min) {
                continue;
            }
            add(rule.keepPrefix ? bodyStart : i, end, Redactor.REDACTED);
            return rule.awsKeyId ? awsSecretAfterKeyId(end) : end;
        }
        return -1;
    }

    /** A 40-character secret access key right after an access key id ("AKIA…,wJalr…" in a credentials file). */
    private int awsSecretAfterKeyId(int from) {
        int p = from;
        while (p < limit && p - from < 6 && " \t,;:=|\"'".indexOf(text.charAt(p)) >= 0) {
            p++;
        }
        if (p == from) {
            return from;
        }
        int end = Ascii.BASE64.runEnd(text, p, Math.min(limit, p + 41));
        work += end - p;
        if (end - p == 40 && (end == limit || !Ascii.BASE64.contains(text.charAt(end)) && text.charAt(end) != '=')) {
            add(p, end, Redactor.REDACTED);
            return end;
        }
        return from;
    }

    /** A JSON Web Token: base64url header starting {@code eyJ}, a dot, a payload, and optional further parts. */
    private int jwt(int i) {
        int header = Ascii.TOKEN.runEnd(text, i, limit);
        work += header - i;
        if (header - i < 10 || header >= limit || text.charAt(header) != '.') {
            return -1;
        }
        int payload = Ascii.TOKEN.runEnd(text, header + 1, limit);
        work += payload - header;
        if (payload - header - 1 < 10) {
            return -1;
        }
        int end = payload;
        while (end + 1 < limit && text.charAt(end) == '.' && Ascii.TOKEN.contains(text.charAt(end + 1))) {
            int part = Ascii.TOKEN.runEnd(text, end + 1, limit);
            work += part - end;
            end = part;
        }
        add(i, end, Redactor.REDACTED);
        return end;
    }

    // ---- Authorization schemes in free text ------------------------------------------------------

    private int scheme(int i) {
        for (String scheme : SCHEMES) {
            int afterWord = i + scheme.length();
            if (afterWord >= limit || !text.regionMatches(true, i, scheme, 0, scheme.length())) {
                continue;
            }
            int p = afterWord;
            while (p < limit && p - afterWord < 8 && (text.charAt(p) == ' ' || text.charAt(p) == '\t')) {
                p++;
            }
            if (p == afterWord) {
                return -1;
            }
            int end = Ascii.TOKEN68.runEnd(text, p, limit);
            work += end - i;
            int min = scheme.equals("token") ? 16 : 8;
            if (end - p >= min && looksLikeCredential(p, end)) {
                add(p, end, Redactor.REDACTED);
                return end;
            }
            return -1;
        }
        return -1;
    }

    /** Whether a run looks like a credential rather than a word: a digit, a symbol, or a capital after the first character. */
    private boolean looksLikeCredential(int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (!Ascii.isLetter(c) || i > from && Character.isUpperCase(c)) {
                return true;
            }
        }
        return false;
    }

    // ---- key = value in free text ----------------------------------------------------------------

    private int keyValue(int i) {
        int identifierEnd = Ascii.IDENTIFIER.runEnd(text, i, Math.min(limit, i + MAX_IDENTIFIER + 1));
        work += identifierEnd - i;
        if (identifierEnd - i > MAX_IDENTIFIER || identifierEnd >= limit) {
            return -1;
        }
        // What follows the key: closing quotes, spaces, then ':' / '=' / ':=' / '=>' or "is"; or "--key value".
        int p = identifierEnd;
        for (int quotes = 0; p < limit && quotes < 3 && isQuoteOrBackslash(text.charAt(p)); quotes++) {
            p++;
        }
        p = skipBlanks(p);
        boolean passwordPhrase = false;
        boolean urlParameter = false;
        boolean formEncoded = false;
        char c = p < limit ? text.charAt(p) : 0;
        if (c == ':' || c == '=') {
            if (c == ':' && p + 1 < limit && (text.charAt(p + 1) == ':' || text.charAt(p + 1) == '/')) {
                return -1; // "std::", "https://"
            }
            p++;
            if (p < limit && (text.charAt(p) == '=' || text.charAt(p) == '>')) {
                p++;
            }
            formEncoded = c == '=';
            urlParameter = formEncoded && i > 0 && (text.charAt(i - 1) == '?' || text.charAt(i - 1) == '&');
        } else if (c == 'i' && p + 2 < limit && text.charAt(p + 1) == 's' && text.charAt(p + 2) == ' ') {
            passwordPhrase = true;
            p += 3;
            if (p < limit && text.charAt(p) == ':') {
                p++;
            }
        } else if (p == identifierEnd + 1 && text.charAt(identifierEnd) == ' ' && i >= 2 && text.charAt(i - 1) == '-'
                && text.charAt(i - 2) == '-') {
            // "--password value": the flag form
        } else {
            return -1;
        }
        List<String> words = KeyNames.words(text, i, identifierEnd, new ArrayList<>(4));
        addWordBefore(i, words);
        if (words.isEmpty() || !keys.isSecret(words)
                || passwordPhrase && !KeyNames.isPasswordWord(words.get(words.size() - 1))) {
            return -1;
        }
        boolean toEndOfLine = words.get(words.size() - 1).startsWith("cookie");
        return value(skipBlanks(p), urlParameter, formEncoded, toEndOfLine);
    }

    /** Adds the word before a key ("api key", "secret key", "access token") when one space separates them. */
    private void addWordBefore(int i, List<String> words) {
        if (i < 2 || text.charAt(i - 1) != ' ') {
            return;
        }
        int end = i - 1;
        int start = end;
        while (start > 0 && end - start < 20 && Ascii.isLetter(text.charAt(start - 1))) {
            start--;
        }
        work += end - start;
        if (start < end && (start == 0 || !Ascii.isAlnum(text.charAt(start - 1)))) {
            KeyNames.words(text, start, end, words.subList(0, 0));
        }
    }

    /** Redacts the value starting at {@code p}; returns where scanning goes on, or -1 when there is none. */
    private int value(int p, boolean urlParameter, boolean formEncoded, boolean toEndOfLine) {
        if (p >= limit) {
            return -1;
        }
        char quote = 0;
        boolean escapedQuote = false;
        char c = text.charAt(p);
        if (c == '"' || c == '\'') {
            quote = c;
            p++;
        } else if (c == '\\' && p + 1 < limit && text.charAt(p + 1) == '"') {
            quote = '"';
            escapedQuote = true;
            p += 2;
        }
        if (p >= limit || isSchemeAhead(p) || text.charAt(p) == '{' || text.charAt(p) == '[') {
            return -1; // "Authorization: Bearer …" is the scheme rule's; a nested object is redacted field by field
        }
        int end = p;
        if (quote != 0) {
            while (end < limit) {
                char v = text.charAt(end);
                if (v == quote || v == '\n' || v == '\\' && (escapedQuote || end + 1 >= limit)) {
                    break;
                }
                end += v == '\\' ? 2 : 1;
            }
            end = Math.min(end, limit);
        } else {
            while (end < limit && !endsValue(text.charAt(end), urlParameter, toEndOfLine)
                    && !(formEncoded && text.charAt(end) == '&' && nextParameterAt(end + 1))) {
                end++;
            }
        }
        work += end - p;
        if (end == p) {
            return -1;
        }
        if (!text.startsWith(Redactor.REDACTED, p) || end - p != Redactor.REDACTED.length()) {
            add(p, end, Redactor.REDACTED);
        }
        return end;
    }

    /** Whether {@code name=} follows at {@code p} (a form-encoded body: "password=x&user=jane"). */
    private boolean nextParameterAt(int p) {
        int end = Ascii.IDENTIFIER.runEnd(text, p, Math.min(limit, p + 33));
        work += end - p;
        return end > p && end < limit && end - p <= 32 && text.charAt(end) == '=';
    }

    private static boolean endsValue(char c, boolean urlParameter, boolean toEndOfLine) {
        if (toEndOfLine) {
            return c == '\n' || c == '\r' || c == '"' || c == '\\';
        }
        switch (c) {
            case ' ', '\t', '\n', '\r', '"', '\'', '\\', ',', ';', ')', ']', '}', '<', '>':
                return true;
            case '&', '#':
                return urlParameter;
            default:
                return false;
        }
    }

    private boolean isSchemeAhead(int p) {
        for (String scheme : SCHEMES) {
            int after = p + scheme.length();
            if (after < limit && text.regionMatches(true, p, scheme, 0, scheme.length()) && text.charAt(after) == ' ') {
                return true;
            }
        }
        return false;
    }

    private int skipBlanks(int p) {
        int start = p;
        while (p < limit && p - start < 4 && (text.charAt(p) == ' ' || text.charAt(p) == '\t')) {
            p++;
        }
        return p;
    }

    private static boolean isQuoteOrBackslash(char c) {
        return c == '"' || c == '\'' || c == '\\';
    }

    // ---- URLs, PEM blocks, e-mail addresses ------------------------------------------------------

    /** {@code scheme://user:password@host}: the password, whatever it is. */
    private void urlPassword(int authority) {
        int end = authority;
        int at = -1;
        int colon = -1;
        int bound = Math.min(limit, authority + MAX_AUTHORITY);
        while (end < bound) {
            char c = text.charAt(end);
            if (c == '/' || c == '?' || c == '#' || c == '"' || c == '\'' || c == '\\' || c == '<' || c == '>'
                    || Character.isWhitespace(c)) {
                break;
            }
            if (c == '@') {
                at = end;
            } else if (c == ':' && colon < 0) {
                colon = end;
            }
            end++;
        }
        work += end - authority;
        authorityStart = authority;
        authorityEnd = end;
        if (at >= 0 && colon >= 0 && colon + 1 < at) {
            add(colon + 1, at, Redactor.REDACTED);
        }
    }

    /** From {@code -----BEGIN … PRIVATE KEY-----} through its end line (or to the end of the text). */
    private int privateKey(int i) {
        int labelStart = i + PEM_BEGIN.length();
        int labelEnd = find(DASHES, labelStart, labelStart + 100);
        if (labelEnd < 0) {
            return -1;
        }
        work += labelEnd - labelStart;
        if (!text.startsWith("PRIVATE KEY", labelEnd - "PRIVATE KEY".length())
                && !text.startsWith("PRIVATE KEY BLOCK", labelEnd - "PRIVATE KEY BLOCK".length())) {
            return -1;
        }
        int end = text.indexOf(PEM_END, labelEnd + DASHES.length());
        if (end < 0 || end >= limit) {
            end = limit; // no end line: everything after the begin line may be key material
        } else {
            int close = find(DASHES, end + PEM_END.length(), end + PEM_END.length() + 100);
            end = close < 0 ? end + PEM_END.length() : close + DASHES.length();
        }
        work += end - labelEnd;
        add(i, end, Redactor.REDACTED);
        return end;
    }

    /** {@code local@domain.tld}, the local part at most 64 characters back. */
    private void email(int at) {
        int start = at;
        while (start > 0 && at - start < 64 && Ascii.EMAIL_LOCAL.contains(text.charAt(start - 1))) {
            start--;
        }
        if (start == at) {
            return;
        }
        int end = Ascii.DOMAIN.runEnd(text, at + 1, Math.min(limit, at + 256));
        work += end - start;
        while (end > at + 1 && (text.charAt(end - 1) == '.' || text.charAt(end - 1) == '-')) {
            end--;
        }
        int dot = end - 1;
        while (dot > at && text.charAt(dot) != '.') {
            dot--;
        }
        if (dot <= at + 1 || end - dot - 1 < 2) {
            return;
        }
        for (int k = dot + 1; k < end; k++) {
            if (!Ascii.isLetter(text.charAt(k))) {
                return;
            }
        }
        add(start, end, Redactor.EMAIL);
    }

    /** The first {@code needle} starting in [from, bound], within the scanned text; -1 when none. */
    private int find(String needle, int from, int bound) {
        int last = Math.min(bound, limit - needle.length());
        for (int k = from; k <= last; k++) {
            if (text.startsWith(needle, k)) {
                work += k - from;
                return k;
            }
        }
        return -1;
    }

    // ---- the replacements -------------------------------------------------------------------------

    private void add(int start, int end, String replacement) {
        if (starts == null) {
            starts = new int[4];
            ends = new int[4];
            replacements = new String[4];
        } else if (count == starts.length) {
            starts = Arrays.copyOf(starts, count * 2);
            ends = Arrays.copyOf(ends, count * 2);
            replacements = Arrays.copyOf(replacements, count * 2);
        }
        starts[count] = start;
        ends[count] = end;
        replacements[count] = replacement;
        count++;
    }

    /** Applies the replacements; overlapping ones are merged and take the first one's replacement. */
    private String apply() {
        long[] order = new long[count];
        for (int k = 0; k < count; k++) {
            order[k] = (long) starts[k] << 32 | k;
        }
        Arrays.sort(order);
        StringBuilder out = new StringBuilder(text.length());
        int position = 0;
        for (long entry : order) {
            int k = (int) entry;
            if (ends[k] <= position) {
                continue;
            }
            if (starts[k] < position) {
                position = ends[k]; // overlaps the previous replacement: extend it
                continue;
            }
            out.append(text, position, starts[k]).append(replacements[k]);
            position = ends[k];
        }
        return out.append(text, Math.min(position, text.length()), text.length()).toString();
    }

    // ---- the rule table ---------------------------------------------------------------------------

    private static PrefixRule token(String prefix, Ascii body, int min) {
        return new PrefixRule(prefix, body, min, false, false, false);
    }

    private static PrefixRule exact(String prefix, Ascii body, int length) {
        return new PrefixRule(prefix, body, length, true, false, false);
    }

    private static PrefixRule path(String prefix) {
        return new PrefixRule(prefix, Ascii.PATH, 20, false, true, false);
    }

    private static PrefixRule awsKeyId(String prefix) {
        return new PrefixRule(prefix, Ascii.UPPER_DIGIT, 16, true, false, true);
    }

    private static PrefixRule[][] index(List<PrefixRule> rules) {
        List<PrefixRule> all = new ArrayList<>(rules);
        all.add(new PrefixRule("eyJ", Ascii.TOKEN, 0, false, false, false)); // JWTs have their own matcher
        PrefixRule[][] table = new PrefixRule[128][];
        for (PrefixRule rule : all) {
            char first = rule.prefix.charAt(0);
            PrefixRule[] existing = table[first];
            PrefixRule[] grown = existing == null ? new PrefixRule[1] : Arrays.copyOf(existing, existing.length + 1);
            grown[grown.length - 1] = rule;
            table[first] = grown;
        }
        return table;
    }
}
