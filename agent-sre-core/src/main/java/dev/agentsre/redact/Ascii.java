package dev.agentsre.redact;

/** ASCII character classes as 128-bit sets: one or two shifts and a mask per test, no allocation. */
final class Ascii {

    /** Letters and digits. */
    static final Ascii ALNUM = of("A-Z", "a-z", "0-9");
    /** Base64url, the body of most API tokens: letters, digits, {@code _} and {@code -}. */
    static final Ascii TOKEN = of("A-Z", "a-z", "0-9", "_-");
    /** {@link #TOKEN} and {@code .}: JWTs, SendGrid and Google OAuth tokens. */
    static final Ascii DOTTED = of("A-Z", "a-z", "0-9", "_-.");
    /** RFC 7235 token68 (credentials after an auth scheme). */
    static final Ascii TOKEN68 = of("A-Z", "a-z", "0-9", "-._~+/=");
    /** Standard base64 (an AWS secret access key). */
    static final Ascii BASE64 = of("A-Z", "a-z", "0-9", "+/");
    /** Upper-case letters and digits (an AWS access key id). */
    static final Ascii UPPER_DIGIT = of("A-Z", "0-9");
    /** Lower-case hexadecimal digits. */
    static final Ascii HEX = of("a-f", "0-9");
    /** Hexadecimal digits of either case. */
    static final Ascii ANY_HEX = of("a-f", "A-F", "0-9");
    /** Path characters of a webhook URL. */
    static final Ascii PATH = of("A-Z", "a-z", "0-9", "_-/");
    /** Identifier characters of a key in free text ({@code config.api_key}, {@code X-Api-Key}). */
    static final Ascii IDENTIFIER = of("A-Z", "a-z", "0-9", "_-.");
    /** Characters of an e-mail local part. */
    static final Ascii EMAIL_LOCAL = of("A-Z", "a-z", "0-9", "._%+-");
    /** Characters of a domain name. */
    static final Ascii DOMAIN = of("A-Z", "a-z", "0-9", ".-");

    private final long low;
    private final long high;

    private Ascii(long low, long high) {
        this.low = low;
        this.high = high;
    }

    /** A class from parts: {@code "a-z"} (letters or digits around a dash) is a range, anything else a list of characters. */
    private static Ascii of(String... parts) {
        long low = 0;
        long high = 0;
        for (String part : parts) {
            boolean range = part.length() == 3 && part.charAt(1) == '-' && Character.isLetterOrDigit(part.charAt(0))
                    && Character.isLetterOrDigit(part.charAt(2));
            char from = part.charAt(0);
            char to = range ? part.charAt(2) : 0;
            for (int i = 0; i < (range ? to - from + 1 : part.length()); i++) {
                char c = range ? (char) (from + i) : part.charAt(i);
                if (c < 64) {
                    low |= 1L << c;
                } else {
                    high |= 1L << (c - 64);
                }
            }
        }
        return new Ascii(low, high);
    }

    boolean contains(char c) {
        return c < 64 ? (low & (1L << c)) != 0 : c < 128 && (high & (1L << (c - 64))) != 0;
    }

    /** The end of the run of this class in {@code text} starting at {@code from}, at most {@code limit}. */
    int runEnd(String text, int from, int limit) {
        int i = from;
        while (i < limit && contains(text.charAt(i))) {
            i++;
        }
        return i;
    }

    static boolean isAlnum(char c) {
        return ALNUM.contains(c);
    }

    static boolean isLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
