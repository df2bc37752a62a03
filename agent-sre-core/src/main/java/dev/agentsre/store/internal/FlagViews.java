package dev.agentsre.store.internal;

import dev.agentsre.store.Flag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The reads every flag store makes of its map of flags: lapsed flags are absent. Not API. */
public final class FlagViews {

    private FlagViews() {
    }

    /** Flag {@code key} of {@code flags} unless absent or lapsed at {@code now}. */
    public static Optional<Flag> get(Map<String, Flag> flags, String key, Instant now) {
        Flag flag = flags.get(key);
        return flag == null || flag.expiredAt(now) ? Optional.empty() : Optional.of(flag);
    }

    /** The flags of {@code flags} whose key starts with {@code prefix} and that have not lapsed at {@code now}, sorted by key. */
    public static List<Flag> list(Map<String, Flag> flags, String prefix, Instant now) {
        List<Flag> result = new ArrayList<>();
        for (Flag flag : flags.values()) {
            if (flag.key().startsWith(prefix) && !flag.expiredAt(now)) {
                result.add(flag);
            }
        }
        result.sort(Comparator.comparing(Flag::key));
        return result;
    }
}
