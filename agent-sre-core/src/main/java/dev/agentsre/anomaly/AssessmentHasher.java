package dev.agentsre.anomaly;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The SHA-256 of an assessment's canonical JSON, written in one pass straight into a reused byte
 * buffer and digest: no map of the content, no JSON tree, no {@code String.format}, no new digest.
 *
 * <p>The bytes are exactly those the chain has always hashed (so chains written before still
 * verify): the keys sorted ({@code agentId, previousHash, quarantineRecommended, quarantined,
 * reasons, riskLevel, riskScore, signals, timestamp}), the signals keyed by name in name order,
 * every score as {@code String.format(Locale.ROOT, "%.9f", score)} would write it, the timestamp as
 * {@link Instant#toString()} would, strings escaped as the canonical JSON escapes them and encoded as
 * {@link String#getBytes} encodes UTF-8 (an unpaired surrogate becomes {@code ?}). Scores in [-1, 1]
 * and instants from 1970 to 9999 (every assessment's) are formatted here; anything else, and a
 * score within a hair of a rounding tie, is formatted by the JDK as before. Tests compare the bytes
 * with the former map-and-JSON code over many random assessments.
 *
 * <p>Hashers are pooled (four per core, each about 1.7 KiB and at most 64 KiB; one is made, used and dropped when
 * every pooled one is busy), so the hash allocates only its result string, on platform and virtual
 * threads alike. Each remembers the bytes of the last scores map it wrote (by identity: the maps
 * are immutable, and an agent whose scores did not change passes the same one again) and of the
 * last second, so an agent assessed again writes neither anew; a new map costs one copy of its
 * bytes.
 */
final class AssessmentHasher {

    private static final int POOL_SIZE = Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 4 - 1) << 1;
    private static final AtomicReferenceArray<AssessmentHasher> POOL = new AtomicReferenceArray<>(POOL_SIZE);

    /** The signals in the order of their names (the canonical key order). */
    private static final Signal[] SIGNALS_BY_NAME = sortedByName();
    private static final byte[][] SIGNAL_KEYS = new byte[SIGNALS_BY_NAME.length][];
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] JSON_HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OPEN_AGENT_ID = ascii("{\"agentId\":");
    private static final byte[] PREVIOUS_HASH = ascii(",\"previousHash\":");
    private static final byte[] RECOMMENDED = ascii(",\"quarantineRecommended\":");
    private static final byte[] QUARANTINED = ascii(",\"quarantined\":");
    private static final byte[] REASONS = ascii(",\"reasons\":[");
    private static final byte[] RISK_LEVEL = ascii("],\"riskLevel\":");
    private static final byte[] RISK_SCORE = ascii(",\"riskScore\":");
    private static final byte[] SIGNALS = ascii(",\"signals\":{");
    private static final byte[] TIMESTAMP = ascii("},\"timestamp\":");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    /** "00" to "ff": the two hex digits of every byte. */
    private static final byte[] HEX_PAIRS = new byte[512];
    /** "00" to "99": the digits of every pair. */
    private static final byte[] PAIRS = new byte[200];
    private static final int INITIAL_BUFFER = 1024;
    private static final int MAX_KEPT_BUFFER = 64 * 1024;
    /** The last second of 9999-12-31: up to it Instant.toString has four-digit years and no sign. */
    private static final long MAX_PLAIN_SECOND = 253_402_300_799L;
    /** The classes of Map.of and Map.copyOf maps: immutable, so one seen again by identity has the same content. */
    private static final Class<?> IMMUTABLE_MAP_1 = Map.of(Signal.LOOP, 0.0).getClass();
    private static final Class<?> IMMUTABLE_MAP_N = Map.of(Signal.LOOP, 0.0, Signal.ENTROPY, 0.0).getClass();
    /** "yyyy-MM-ddTHH:mm:ss". */
    private static final int DATE_TIME_LENGTH = 19;

    static {
        for (int i = 0; i < 256; i++) {
            HEX_PAIRS[2 * i] = HEX[i >> 4];
            HEX_PAIRS[2 * i + 1] = HEX[i & 0xF];
        }
        for (int i = 0; i < 100; i++) {
            PAIRS[2 * i] = (byte) ('0' + i / 10);
            PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
        for (int i = 0; i < SIGNALS_BY_NAME.length; i++) {
            SIGNAL_KEYS[i] = ascii("\"" + SIGNALS_BY_NAME[i].name() + "\":");
        }
    }

    private final MessageDigest digest;
    private final byte[] hash = new byte[32];
    private final byte[] hex = new byte[64];
    private byte[] buffer = new byte[INITIAL_BUFFER];
    private int length;
    // Memos of the last encoded signals and second: an agent assessed again has the same immutable
    // scores map while its scores do not change (AgentBehaviour reuses it) and often the same second.
    private Map<Signal, Double> memoScores;
    private byte[] memoSignals;
    private long memoSecond = -1;
    private final byte[] memoDateTime = new byte[DATE_TIME_LENGTH];

    private AssessmentHasher() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** The hex SHA-256 of the assessment's canonical JSON. */
    static String hash(String agentId, Instant at, RiskLevel level, double risk, Map<Signal, Double> scores, boolean recommended,
                       boolean quarantined, List<String> reasons, String previous) {
        int slot = (int) Thread.currentThread().getId() & (POOL_SIZE - 1);
        AssessmentHasher hasher = POOL.getAndSet(slot, null);
        if (hasher == null) {
            hasher = new AssessmentHasher(); // every pooled one busy (or the first use of this slot)
        }
        try {
            hasher.write(agentId, at, level, risk, scores, recommended, quarantined, reasons, previous);
            return hasher.sha256Hex();
        } finally {
            hasher.length = 0;
            if (hasher.buffer.length > MAX_KEPT_BUFFER) {
                hasher.buffer = new byte[INITIAL_BUFFER]; // a huge assessment once does not pin its buffer
            }
            POOL.set(slot, hasher);
        }
    }

    /** The canonical JSON bytes that are hashed (for tests). */
    static byte[] canonicalBytes(String agentId, Instant at, RiskLevel level, double risk, Map<Signal, Double> scores,
                                 boolean recommended, boolean quarantined, List<String> reasons, String previous) {
        AssessmentHasher hasher = new AssessmentHasher();
        hasher.write(agentId, at, level, risk, scores, recommended, quarantined, reasons, previous);
        return Arrays.copyOf(hasher.buffer, hasher.length);
    }

    private void write(String agentId, Instant at, RiskLevel level, double risk, Map<Signal, Double> scores, boolean recommended,
                       boolean quarantined, List<String> reasons, String previous) {
        raw(OPEN_AGENT_ID);
        string(agentId);
        raw(PREVIOUS_HASH);
        string(previous);
        raw(RECOMMENDED);
        raw(recommended ? TRUE : FALSE);
        raw(QUARANTINED);
        raw(quarantined ? TRUE : FALSE);
        raw(REASONS);
        for (int i = 0, n = reasons.size(); i < n; i++) {
            if (i > 0) {
                put((byte) ',');
            }
            string(reasons.get(i));
        }
        raw(RISK_LEVEL);
        string(level.name());
        raw(RISK_SCORE);
        decimal9(risk);
        raw(SIGNALS);
        if (scores == memoScores) { // the same immutable map as last time: the same bytes
            raw(memoSignals);
        } else if (scores.getClass() == IMMUTABLE_MAP_N || scores.getClass() == IMMUTABLE_MAP_1) {
            int start = length;
            signals(scores);
            memoSignals = Arrays.copyOfRange(buffer, start, length);
            memoScores = scores;
        } else {
            signals(scores); // a map that may change: never remembered
        }
        raw(TIMESTAMP);
        instant(at);
        put((byte) '}');
    }

    private void signals(Map<Signal, Double> scores) {
        boolean first = true;
        for (int i = 0; i < SIGNALS_BY_NAME.length; i++) {
            Double score = scores.get(SIGNALS_BY_NAME[i]);
            if (score == null) {
                continue;
            }
            if (!first) {
                put((byte) ',');
            }
            first = false;
            raw(SIGNAL_KEYS[i]);
            decimal9(score);
        }
    }

    private String sha256Hex() {
        digest.update(buffer, 0, length);
        try {
            digest.digest(hash, 0, hash.length);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException("a SHA-256 digest is 32 bytes", e);
        }
        for (int i = 0; i < hash.length; i++) {
            int b = 2 * (hash[i] & 0xFF);
            hex[2 * i] = HEX_PAIRS[b];
            hex[2 * i + 1] = HEX_PAIRS[b + 1];
        }
        return new String(hex, StandardCharsets.ISO_8859_1);
    }

    // ------------------------------------------------------------------ numbers

    /** {@code score} exactly as {@code String.format(Locale.ROOT, "%.9f", score)}, quoted. */
    private void decimal9(double value) {
        put((byte) '"');
        double magnitude = Math.abs(value);
        if (magnitude <= 1.0) {
            double scaled = magnitude * 1e9;
            long whole = (long) scaled;
            double fraction = scaled - whole;
            // The JDK rounds the shortest decimal half up; away from a tie that is the exact value rounded.
            // The scaled value is within 3e-7 of the decimal's, so beyond 1e-5 of a tie both round alike.
            if (Math.abs(fraction - 0.5) > 1e-5) {
                long rounded = fraction > 0.5 ? whole + 1 : whole;
                if (value < 0 || value == 0 && 1 / value < 0) {
                    put((byte) '-');
                }
                ensure(12);
                buffer[length++] = (byte) ('0' + rounded / 1_000_000_000L);
                buffer[length++] = '.';
                digits(rounded % 1_000_000_000L, 9);
                buffer[length++] = '"';
                return;
            }
        }
        raw(String.format(Locale.ROOT, "%.9f", value)); // rare: out of range, NaN, infinite, or a near tie
        put((byte) '"');
    }

    /** {@code at} exactly as {@link Instant#toString()}, quoted. */
    private void instant(Instant at) {
        long seconds = at.getEpochSecond();
        if (seconds < 0 || seconds > MAX_PLAIN_SECOND) {
            string(at.toString());
            return;
        }
        put((byte) '"');
        if (seconds == memoSecond) {
            raw(memoDateTime);
        } else {
            int start = length;
            dateTime(seconds);
            System.arraycopy(buffer, start, memoDateTime, 0, DATE_TIME_LENGTH);
            memoSecond = seconds;
        }
        int nanos = at.getNano();
        if (nanos > 0) { // as ISO_INSTANT: 3, 6 or 9 fraction digits, as few as the value needs
            put((byte) '.');
            if (nanos % 1_000_000 == 0) {
                digits(nanos / 1_000_000, 3);
            } else if (nanos % 1000 == 0) {
                digits(nanos / 1000, 6);
            } else {
                digits(nanos, 9);
            }
        }
        put((byte) 'Z');
        put((byte) '"');
    }

    /** A second from 1970 to 9999 as "yyyy-MM-ddTHH:mm:ss" (the first 19 characters of Instant.toString). */
    private void dateTime(long seconds) {
        long days = seconds / 86_400;
        int secondOfDay = (int) (seconds % 86_400);
        // civil from days (Howard Hinnant's algorithm), for days since 1970-01-01 >= 0
        long z = days + 719_468;
        long era = z / 146_097;
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
        digits(year, 4);
        put((byte) '-');
        digits(month, 2);
        put((byte) '-');
        digits(day, 2);
        put((byte) 'T');
        digits(secondOfDay / 3600, 2);
        put((byte) ':');
        digits(secondOfDay / 60 % 60, 2);
        put((byte) ':');
        digits(secondOfDay % 60, 2);
    }

    /** {@code value} (non-negative, below 10^width) as {@code width} digits, zero-padded; two digits per division. */
    private void digits(long value, int width) {
        ensure(width);
        byte[] b = buffer;
        int i = length + width - 2;
        for (; i >= length; i -= 2) {
            int pair = (int) (value % 100);
            value /= 100;
            b[i] = PAIRS[2 * pair];
            b[i + 1] = PAIRS[2 * pair + 1];
        }
        if (i == length - 1) { // an odd width: the leading digit
            b[length] = (byte) ('0' + value);
        }
        length += width;
    }

    // ------------------------------------------------------------------ strings and bytes

    /** A JSON string escaped as the canonical JSON escapes it, UTF-8 encoded as String.getBytes does; null as {@code null}. */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the bulk copy of an ASCII string
    private void string(String text) {
        if (text == null) {
            raw("null");
            return;
        }
        int n = text.length();
        if (plain(text, n)) { // ASCII needing no escape (ids, hashes, level names, most reasons): copied in bulk
            ensure(n + 2);
            buffer[length++] = '"';
            text.getBytes(0, n, buffer, length); // the low byte of each char: the char itself below 0x80
            length += n;
            buffer[length++] = '"';
            return;
        }
        put((byte) '"');
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                switch (c) {
                    case '"' -> raw("\\\"");
                    case '\\' -> raw("\\\\");
                    case '\b' -> raw("\\b");
                    case '\t' -> raw("\\t");
                    case '\n' -> raw("\\n");
                    case '\f' -> raw("\\f");
                    case '\r' -> raw("\\r");
                    default -> {
                        if (c < 0x20) {
                            raw("\\u00");
                            put(JSON_HEX[c >> 4]);
                            put(JSON_HEX[c & 0xF]);
                        } else {
                            put((byte) c);
                        }
                    }
                }
            } else if (c < 0x800) {
                put((byte) (0xC0 | c >> 6));
                put((byte) (0x80 | c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, text.charAt(++i));
                put((byte) (0xF0 | cp >> 18));
                put((byte) (0x80 | cp >> 12 & 0x3F));
                put((byte) (0x80 | cp >> 6 & 0x3F));
                put((byte) (0x80 | cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                put((byte) '?'); // unpaired: String.getBytes(UTF_8) writes the replacement '?'
            } else {
                put((byte) (0xE0 | c >> 12));
                put((byte) (0x80 | c >> 6 & 0x3F));
                put((byte) (0x80 | c & 0x3F));
            }
        }
        put((byte) '"');
    }

    /** Whether {@code text} is printable ASCII with no quote or backslash: its JSON string is itself, quoted. */
    private static boolean plain(String text, int n) {
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** ASCII text as is. */
    private void raw(String ascii) {
        int n = ascii.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buffer[length++] = (byte) ascii.charAt(i);
        }
    }

    private void raw(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }

    private void put(byte b) {
        if (length == buffer.length) {
            ensure(1);
        }
        buffer[length++] = b;
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static Signal[] sortedByName() {
        Signal[] signals = Signal.values();
        Arrays.sort(signals, (a, b) -> a.name().compareTo(b.name()));
        return signals;
    }
}
