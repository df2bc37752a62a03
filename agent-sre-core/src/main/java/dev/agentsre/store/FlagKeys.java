package dev.agentsre.store;

/**
 * The keys the components use in a {@link FlagStore}, so that every JVM of a fleet names a flag
 * the same way: {@code quarantine:<agent>}, {@code kill:<agent>}, {@code breaker:<name>}.
 */
public final class FlagKeys {

    /** Prefix of quarantine flags (the rogue-agent detector). */
    public static final String QUARANTINE = "quarantine:";
    /** Prefix of kill-switch flags (the cost guard). */
    public static final String KILL = "kill:";
    /** Prefix of forced-open breaker flags (the breaker registry). */
    public static final String BREAKER_OPEN = "breaker:";
    /** Longest key. */
    public static final int MAX_KEY_LENGTH = 512;
    /** Longest value. */
    public static final int MAX_VALUE_LENGTH = 4096;

    private FlagKeys() {
    }

    /** {@code quarantine:<agentId>}. */
    public static String quarantine(String agentId) {
        return QUARANTINE + agentId;
    }

    /** {@code kill:<owner>}. */
    public static String kill(String owner) {
        return KILL + owner;
    }

    /** {@code breaker:<name>}. */
    public static String breakerOpen(String name) {
        return BREAKER_OPEN + name;
    }

    /**
     * Checks a flag key: 1 to {@value #MAX_KEY_LENGTH} characters, no control characters.
     *
     * @throws IllegalArgumentException naming the key if it is invalid
     */
    public static String checkKey(String key) {
        return ScopeLimit.checkKey("key", key);
    }

    /**
     * Checks a flag value: not null, at most {@value #MAX_VALUE_LENGTH} characters.
     *
     * @throws IllegalArgumentException if it is invalid
     */
    public static String checkValue(String value) {
        if (value == null || value.length() > MAX_VALUE_LENGTH) {
            throw new IllegalArgumentException("value must be at most " + MAX_VALUE_LENGTH + " characters, got "
                    + (value == null ? "null" : value.length() + " characters"));
        }
        return value;
    }
}
