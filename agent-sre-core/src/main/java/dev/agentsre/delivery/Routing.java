package dev.agentsre.delivery;

/**
 * Sticky, monotone bucketing of routing keys. A key's bucket is a 63-bit hash of the UTF-8 bytes of
 * {@code salt + ":" + key} (FNV-1a 64, then the MurmurHash3 finaliser for an even spread of similar
 * keys); a key is in a share {@code w} of traffic when its bucket is below {@code w · 2^63}. So the
 * decision depends on nothing but the salt and the key (the same in every JVM and after a restart),
 * a key in at 5 % is in at 25 % (the threshold only grows), and the split has a resolution of 2^-63.
 * Allocation-free: the UTF-8 encoding is done on the fly.
 */
final class Routing {

    /** The threshold meaning "every bucket". */
    static final long ALL = Long.MAX_VALUE;
    /** The threshold meaning "no bucket". */
    static final long NONE = 0L;

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private Routing() {
    }

    /** The hash state after {@code salt + ":"}, computed once per rollout. */
    static long seed(String salt) {
        return mixByte(mixChars(FNV_OFFSET, salt), ':');
    }

    /** The bucket of {@code key}, in [0, 2^63). */
    static long bucket(long seed, String key) {
        long h = mixChars(seed, key);
        // MurmurHash3 fmix64: FNV's low and high bits alone follow similar keys too closely.
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h >>> 1;
    }

    /** The bucket threshold of a share of traffic: {@link #NONE} for 0, {@link #ALL} for 1. */
    static long threshold(double weight) {
        if (!(weight > 0)) {
            return NONE;
        }
        if (weight >= 1) {
            return ALL;
        }
        return (long) (weight * 0x1p63);
    }

    /** Whether a bucket is inside a threshold. */
    static boolean inside(long bucket, long threshold) {
        return threshold == ALL || bucket < threshold;
    }

    private static long mixChars(long h, String text) {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                h = mixByte(h, c);
            } else if (c < 0x800) {
                h = mixByte(mixByte(h, 0xc0 | (c >> 6)), 0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, text.charAt(++i));
                h = mixByte(h, 0xf0 | (cp >> 18));
                h = mixByte(h, 0x80 | ((cp >> 12) & 0x3f));
                h = mixByte(h, 0x80 | ((cp >> 6) & 0x3f));
                h = mixByte(h, 0x80 | (cp & 0x3f));
            } else if (Character.isSurrogate(c)) {
                h = mixByte(h, '?'); // a lone surrogate, as String.getBytes(UTF_8) encodes it
            } else {
                h = mixByte(h, 0xe0 | (c >> 12));
                h = mixByte(h, 0x80 | ((c >> 6) & 0x3f));
                h = mixByte(h, 0x80 | (c & 0x3f));
            }
        }
        return h;
    }

    private static long mixByte(long h, int b) {
        return (h ^ (b & 0xff)) * FNV_PRIME;
    }
}
