package dev.agentsre.redact;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Decides whether a key name (a JSON field, a header, an environment variable, {@code api_key} in
 * {@code api_key=...}) names a secret. A key is split into lower-case words at non-alphanumerics and
 * camel-case humps ({@code githubToken}, {@code X-Api-Key}, {@code AWS_SECRET_ACCESS_KEY}). It names a
 * secret when
 * <ul>
 *   <li>any word is a strong secret word ({@code password}, {@code secret}, {@code credential}, ...), or</li>
 *   <li>its last word, or its last two words joined, is a secret noun ({@code token}, {@code auth},
 *       {@code authorization}, {@code cookie}, {@code signature}, {@code apikey}, {@code privatekey},
 *       {@code sessionid}, ...).</li>
 * </ul>
 * So {@code github_token}, {@code hf_token}, {@code accessToken} and {@code x-api-key} name secrets,
 * while {@code max_tokens}, {@code token_count} and {@code key} do not. Thread-safe; classifications
 * of keys up to {@value #MAX_CACHED_KEY} characters are cached (at most {@value #CACHE_SIZE} keys).
 */
final class KeyNames {

    static final int CACHE_SIZE = 4096;
    /** Keys longer than this are classified but not cached. */
    static final int MAX_CACHED_KEY = 48;
    /** Keys longer than this are classified by their first this-many characters. */
    static final int MAX_KEY_LENGTH = 256;

    private static final Set<String> STRONG = Set.of("password", "passwd", "passphrase", "passcode", "secret", "secrets",
            "credential", "credentials", "creds", "apikey", "privatekey", "secretkey");
    private static final Set<String> LAST = Set.of("token", "auth", "authorization", "cookie", "cookies", "bearer", "jwt",
            "signature", "sig", "pwd", "pin", "otp", "apikey", "privatekey", "secretkey", "accesskey", "accountkey",
            "sessionid", "sessionkey", "signingkey", "encryptionkey", "masterkey", "authkey", "licensekey", "subscriptionkey",
            "webhookurl", "connectionstring", "dsn", "xsrftoken", "csrftoken");

    private final Set<String> extraNames;
    private final List<Pattern> extraPatterns;
    private final ConcurrentHashMap<String, Boolean> cache = new ConcurrentHashMap<>();

    KeyNames(Set<String> extraNames, List<Pattern> extraPatterns) {
        this.extraNames = Set.copyOf(extraNames);
        this.extraPatterns = List.copyOf(extraPatterns);
    }

    /** Whether {@code key} names a secret. */
    boolean isSecret(String key) {
        Boolean known = cache.get(key);
        if (known != null) {
            return known;
        }
        String bounded = key.length() > MAX_KEY_LENGTH ? key.substring(0, MAX_KEY_LENGTH) : key;
        boolean secret = isSecret(words(bounded, new ArrayList<>())) || matchesExtraPattern(bounded);
        if (cache.size() < CACHE_SIZE && key.length() <= MAX_CACHED_KEY) { // long "keys" may be secrets themselves: not kept
            cache.put(key, secret);
        }
        return secret;
    }

    /** Whether a phrase of lower-case words (a key's words, perhaps with the word before it) names a secret. */
    boolean isSecret(List<String> words) {
        if (words.isEmpty()) {
            return false;
        }
        for (String word : words) {
            if (STRONG.contains(word)) {
                return true;
            }
        }
        String last = words.get(words.size() - 1);
        String lastTwo = words.size() > 1 ? words.get(words.size() - 2) + last : last;
        if (LAST.contains(last) || LAST.contains(lastTwo)) {
            return true;
        }
        if (!extraNames.isEmpty()) {
            StringBuilder joined = new StringBuilder();
            for (String word : words) {
                joined.append(word);
            }
            return extraNames.contains(joined.toString()) || extraNames.contains(last) || extraNames.contains(lastTwo);
        }
        return false;
    }

    /** Whether {@code word} is one that makes "word is value" a secret in free text ("my password is ..."). */
    static boolean isPasswordWord(String word) {
        return word.equals("password") || word.equals("passwd") || word.equals("passphrase") || word.equals("passcode")
                || word.equals("pwd") || word.equals("pin");
    }

    private boolean matchesExtraPattern(String key) {
        for (Pattern pattern : extraPatterns) {
            if (pattern.matcher(key).matches()) {
                return true;
            }
        }
        return false;
    }

    /** The normalised form of a user-given key name: its words joined, lower case. */
    static String normalise(String name) {
        StringBuilder joined = new StringBuilder();
        for (String word : words(name, new ArrayList<>())) {
            joined.append(word);
        }
        return joined.toString();
    }

    /**
     * Appends the lower-case words of {@code text[from, to)} to {@code out}: split at characters
     * that are not letters or digits, and at camel-case humps ({@code apiKey}, {@code APIKey}).
     */
    static List<String> words(CharSequence text, int from, int to, List<String> out) {
        int start = -1;
        for (int i = from; i <= to; i++) {
            char c = i < to ? text.charAt(i) : ' ';
            boolean alnum = c < 128 ? Ascii.isAlnum(c) : Character.isLetterOrDigit(c);
            if (!alnum) {
                if (start >= 0) {
                    out.add(text.subSequence(start, i).toString().toLowerCase(Locale.ROOT));
                    start = -1;
                }
                continue;
            }
            if (start < 0) {
                start = i;
            } else if (Character.isUpperCase(c)) {
                char prev = text.charAt(i - 1);
                boolean nextLower = i + 1 < to && Character.isLowerCase(text.charAt(i + 1));
                if (Character.isLowerCase(prev) || Character.isUpperCase(prev) && nextLower) {
                    out.add(text.subSequence(start, i).toString().toLowerCase(Locale.ROOT));
                    start = i;
                }
            }
        }
        return out;
    }

    static List<String> words(String text, List<String> out) {
        return words(text, 0, text.length(), out);
    }
}
