package dev.agentsre.store.internal;

import dev.agentsre.internal.Check;
import dev.agentsre.store.Flag;
import dev.agentsre.store.FlagKeys;
import dev.agentsre.store.FlagListener;
import dev.agentsre.store.FlagStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link FlagStore} in this JVM's memory, and the state under the file and JDBC stores. Not API;
 * obtain one from {@link FlagStore#inMemory()}.
 *
 * <p><b>Memory.</b> At most {@code maxFlags} flags (default {@value #DEFAULT_MAX_FLAGS}): lapsed
 * flags are dropped first, and a set of a new key beyond the cap is refused (nothing is evicted:
 * eviction would lift enforcement). Reads are pure; lapsed flags are dropped, and their watchers
 * told, by the next write.
 */
public final class InMemoryFlagStore implements FlagStore {

    /** Default cap on flags. */
    public static final int DEFAULT_MAX_FLAGS = 10_000;

    private final Clock clock;
    private final int maxFlags;
    private final ConcurrentHashMap<String, Flag> flags = new ConcurrentHashMap<>();
    private final FlagWatchers watchers = new FlagWatchers();
    private final AtomicLong version = new AtomicLong();

    /** A store on {@code clock} holding at most {@code maxFlags} flags. */
    public InMemoryFlagStore(Clock clock, int maxFlags) {
        this.clock = Check.notNull("clock", clock);
        this.maxFlags = Check.positive("maxFlags", maxFlags);
    }

    @Override
    public void set(String key, String value, Duration ttl) {
        FlagKeys.checkKey(key);
        FlagKeys.checkValue(value);
        if (ttl != null) {
            Check.positive("ttl", ttl);
        }
        Instant now = clock.instant();
        Flag flag = new Flag(key, value, now, ttl == null ? null : now.plus(ttl));
        List<String> lapsed;
        synchronized (this) {
            lapsed = purge(now);
            if (!flags.containsKey(key) && flags.size() >= maxFlags) {
                throw new IllegalArgumentException("the flag store holds " + flags.size() + " flags, its cap (maxFlags): '" + key + "' was not set");
            }
            flags.put(key, flag);
            version.incrementAndGet();
        }
        fireLapsed(lapsed);
        watchers.fire(key, flag);
    }

    @Override
    public boolean clear(String key) {
        FlagKeys.checkKey(key);
        Flag removed;
        List<String> lapsed;
        synchronized (this) {
            lapsed = purge(clock.instant());
            removed = flags.remove(key);
            if (removed != null) {
                version.incrementAndGet();
            }
        }
        fireLapsed(lapsed);
        if (removed != null) {
            watchers.fire(key, null);
        }
        return removed != null;
    }

    @Override
    public Optional<Flag> get(String key) {
        return FlagViews.get(flags, key, clock.instant());
    }

    @Override
    public List<Flag> list(String prefix) {
        return FlagViews.list(flags, prefix, clock.instant());
    }

    @Override
    public AutoCloseable watch(String prefix, FlagListener listener) {
        return watchers.add(prefix, listener);
    }

    /** A counter that changes whenever the flags do. */
    public long version() {
        return version.get();
    }

    /** Every flag, lapsed ones included (for snapshots). */
    public List<Flag> exportState() {
        return List.copyOf(flags.values());
    }

    /** Replaces every flag by {@code state} (at start-up); lapsed flags are skipped. */
    public synchronized void importState(List<Flag> state) {
        flags.clear();
        Instant now = clock.instant();
        for (Flag flag : state) {
            if (!flag.expiredAt(now) && flags.size() < maxFlags) {
                flags.put(flag.key(), flag);
            }
        }
        version.incrementAndGet();
    }

    @Override
    public void close() {
        // nothing to release
    }

    /** Drops lapsed flags (lock held); returns their keys, for the watchers to be told outside the lock. */
    private List<String> purge(Instant now) {
        List<String> lapsed = List.of();
        for (Map.Entry<String, Flag> e : flags.entrySet()) {
            if (e.getValue().expiredAt(now) && flags.remove(e.getKey(), e.getValue())) {
                version.incrementAndGet();
                if (lapsed.isEmpty()) {
                    lapsed = new ArrayList<>();
                }
                lapsed.add(e.getKey());
            }
        }
        return lapsed;
    }

    private void fireLapsed(List<String> lapsed) {
        for (String key : lapsed) {
            watchers.fire(key, null);
        }
    }
}
