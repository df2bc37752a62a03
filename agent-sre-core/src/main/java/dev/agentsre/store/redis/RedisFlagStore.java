package dev.agentsre.store.redis;

import dev.agentsre.internal.Check;
import dev.agentsre.store.Flag;
import dev.agentsre.store.FlagKeys;
import dev.agentsre.store.FlagListener;
import dev.agentsre.store.FlagStore;
import dev.agentsre.store.StoreUnavailableException;
import dev.agentsre.store.internal.FlagViews;
import dev.agentsre.store.internal.FlagWatchers;
import io.lettuce.core.RedisCommandExecutionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link FlagStore} of a {@link RedisStateStore}: every flag of the namespace lives in one
 * hash ({@code {ns}:flags}, field = flag key, value = {@code setAt|expiresAt|value}), with a
 * version counter ({@code {ns}:flags:v}) bumped by every change and a pub/sub channel
 * ({@code {ns}:flags:changed}) that announces it.
 *
 * <p><b>Reads</b> come from this JVM's copy of the hash (a map swapped as a whole: reads never
 * wait). The copy is refreshed on the store's thread every cache TTL when the version moved, and
 * at once when a change is announced; so a flag set anywhere is seen here within one cache TTL even
 * when announcements are lost or turned off.
 *
 * <p><b>Writes</b> apply to this JVM's copy at once and go to Redis in the caller's thread; a write
 * that cannot reach Redis is kept (latest per key) and retried before every refresh, and refreshes
 * lay pending writes over what Redis returns — so a quarantine or kill decided here stays enforced
 * here during an outage, and reaches the fleet when Redis returns. Flags already copied stay
 * applied while Redis is unreachable.
 *
 * <p><b>Memory:</b> the copy holds at most the store's {@code maxFlags} flags (enforced by the set
 * script), plus at most as many pending writes.
 */
final class RedisFlagStore implements FlagStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisFlagStore.class);

    private final RedisConnector redis;
    private final String hashKey;
    private final String versionKey;
    private final String channel;
    private final Clock clock;
    private final int maxFlags;
    private final Duration cacheTtl;
    private final ScheduledExecutorService scheduler;
    private final FlagWatchers watchers = new FlagWatchers();
    private final Object lock = new Object();
    /** The copy; replaced as a whole. */
    private volatile Map<String, Flag> mirror = Map.of();
    /** Writes that did not reach Redis yet: key to the flag, or to {@link #CLEARED}. */
    private final LinkedHashMap<String, Flag> pending = new LinkedHashMap<>();
    private String knownVersion;
    private boolean outage;
    private ScheduledFuture<?> nextRefresh;
    private volatile boolean closed;
    private final Object refreshLock = new Object();
    /** When lapses were last told to watchers; guarded by {@link #refreshLock}. */
    private Instant lastLapseCheck;

    private static final Flag CLEARED = new Flag("cleared", "", Instant.EPOCH, null);

    RedisFlagStore(RedisConnector redis, String prefix, Clock clock, int maxFlags, Duration cacheTtl, ScheduledExecutorService scheduler) {
        this.redis = redis;
        this.hashKey = prefix + "flags";
        this.versionKey = prefix + "flags:v";
        this.channel = prefix + "flags:changed";
        this.clock = clock;
        this.maxFlags = maxFlags;
        this.cacheTtl = cacheTtl;
        this.scheduler = scheduler;
    }

    /** The pub/sub channel that announces changes. */
    String channel() {
        return channel;
    }

    /** Loads the flags once (best effort) and starts the periodic refresh. */
    void start() {
        refresh(true);
        scheduleRefresh();
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
        try {
            write(key, flag);
            synchronized (lock) {
                pending.remove(key); // this write supersedes any older pending one
                apply(key, flag);
            }
        } catch (StoreUnavailableException e) {
            synchronized (lock) {
                if (!pending.containsKey(key) && pending.size() >= maxFlags) {
                    throw new IllegalArgumentException("Redis is unreachable and " + pending.size()
                            + " flag writes are already waiting (maxFlags): '" + key + "' was not set", e);
                }
                pending.put(key, flag);
                apply(key, flag);
            }
            LOG.warn("Flag '{}' applied in this JVM; Redis is unreachable ({}), the write is retried", key, e.getMessage());
        }
        watchers.fire(key, flag);
    }

    @Override
    public boolean clear(String key) {
        FlagKeys.checkKey(key);
        boolean wasSet = get(key).isPresent();
        try {
            write(key, null);
            synchronized (lock) {
                pending.remove(key);
                apply(key, null);
            }
        } catch (StoreUnavailableException e) {
            synchronized (lock) {
                pending.remove(key);
                pending.put(key, CLEARED);
                apply(key, null);
            }
            LOG.warn("Flag '{}' cleared in this JVM; Redis is unreachable ({}), the write is retried", key, e.getMessage());
        }
        if (wasSet) {
            watchers.fire(key, null);
        }
        return wasSet;
    }

    @Override
    public Optional<Flag> get(String key) {
        return FlagViews.get(mirror, key, clock.instant());
    }

    @Override
    public List<Flag> list(String prefix) {
        return FlagViews.list(mirror, prefix, clock.instant());
    }

    @Override
    public AutoCloseable watch(String prefix, FlagListener listener) {
        return watchers.add(prefix, listener);
    }

    /** Writes waiting for Redis. */
    int pendingWrites() {
        synchronized (lock) {
            return pending.size();
        }
    }

    /** A change was announced: refresh now, on the store's thread. */
    void announced() {
        if (!closed) {
            try {
                scheduler.execute(() -> refresh(true));
            } catch (RuntimeException e) {
                // the scheduler is shutting down: the store is closing
            }
        }
    }

    /**
     * Sends pending writes, then re-reads the hash if its version moved (or {@code force}), and
     * tells watchers what changed. Never throws: an outage keeps the copy as it is.
     */
    void refresh(boolean force) {
        synchronized (refreshLock) { // one refresh at a time: the store's thread, an announcement, refreshFlags()
            refreshLocked(force);
        }
    }

    private void refreshLocked(boolean force) {
        try {
            flushPending();
            String version = redis.call("GET", c -> c.get(versionKey));
            boolean unchanged;
            synchronized (lock) {
                unchanged = !force && !outage && Objects.equals(version, knownVersion);
            }
            if (unchanged) {
                fireLapsed();
                return;
            }
            Map<String, String> raw = redis.call("HGETALL", c -> c.hgetall(hashKey));
            Map<String, Flag> fresh = new HashMap<>();
            for (Map.Entry<String, String> e : raw.entrySet()) {
                Flag flag = decode(e.getKey(), e.getValue());
                if (flag != null) {
                    fresh.put(e.getKey(), flag);
                }
            }
            List<String> changed = new ArrayList<>();
            Map<String, Flag> before;
            synchronized (lock) {
                // writes made here and not yet in Redis win over what Redis returned
                pending.forEach((k, f) -> {
                    if (f == CLEARED) {
                        fresh.remove(k);
                    } else {
                        fresh.put(k, f);
                    }
                });
                before = mirror;
                mirror = Map.copyOf(fresh);
                knownVersion = version;
                if (outage) {
                    LOG.info("Redis reachable again: flags refreshed");
                }
                outage = false;
            }
            Instant now = clock.instant();
            lastLapseCheck = now;
            for (String key : union(before, fresh)) {
                Flag was = live(before.get(key), now);
                Flag is = live(fresh.get(key), now);
                if (!Objects.equals(was, is)) {
                    changed.add(key);
                }
            }
            for (String key : changed) {
                watchers.fire(key, live(fresh.get(key), now));
            }
        } catch (StoreUnavailableException e) {
            synchronized (lock) {
                if (!outage) {
                    LOG.warn("Redis unreachable ({}): the {} flags last read stay applied", e.getMessage(), mirror.size());
                }
                outage = true;
            }
        } catch (RuntimeException e) {
            LOG.warn("Flag refresh failed", e);
        }
    }

    /** Tells watchers of flags that lapsed by their TTL since the last check (nothing else changed). */
    private void fireLapsed() {
        Instant now = clock.instant();
        Instant since = lastLapseCheck;
        lastLapseCheck = now;
        if (since == null || watchers.isEmpty()) {
            return;
        }
        for (Flag flag : mirror.values()) {
            Instant expires = flag.expiresAt();
            if (expires != null && expires.isAfter(since) && !expires.isAfter(now)) {
                watchers.fire(flag.key(), null);
            }
        }
    }

    private static Flag live(Flag flag, Instant now) {
        return flag == null || flag.expiredAt(now) ? null : flag;
    }

    private static List<String> union(Map<String, Flag> a, Map<String, Flag> b) {
        List<String> keys = new ArrayList<>(a.keySet());
        for (String k : b.keySet()) {
            if (!a.containsKey(k)) {
                keys.add(k);
            }
        }
        return keys;
    }

    private void flushPending() {
        while (true) {
            Map.Entry<String, Flag> next;
            synchronized (lock) {
                if (pending.isEmpty()) {
                    return;
                }
                next = pending.entrySet().iterator().next();
            }
            Flag flag = next.getValue();
            try {
                write(next.getKey(), flag == CLEARED ? null : flag);
            } catch (RedisCommandExecutionException e) {
                LOG.error("Redis refused the pending write of flag '{}': {}", next.getKey(), e.getMessage());
            }
            synchronized (lock) {
                pending.remove(next.getKey(), flag); // unless a newer write replaced it meanwhile
            }
        }
    }

    private void write(String key, Flag flag) {
        if (flag == null) {
            redis.evalLong(RedisScript.FLAG_CLEAR, new String[] {hashKey, versionKey}, key, channel);
            return;
        }
        try {
            redis.evalLong(RedisScript.FLAG_SET, new String[] {hashKey, versionKey}, key, encode(flag),
                    Integer.toString(maxFlags), channel, Long.toString(clock.millis()));
        } catch (RedisCommandExecutionException e) {
            if (String.valueOf(e.getMessage()).contains("FULL")) {
                throw new IllegalArgumentException("the Redis flag store holds its maximum of " + maxFlags
                        + " flags (maxFlags): '" + key + "' was not set", e);
            }
            throw e;
        }
    }

    /** Lock held: puts or removes one key of the copy. */
    private void apply(String key, Flag flag) {
        Map<String, Flag> next = new HashMap<>(mirror);
        if (flag == null) {
            next.remove(key);
        } else {
            next.put(key, flag);
        }
        mirror = Map.copyOf(next);
    }

    static String encode(Flag flag) {
        return flag.setAt().toEpochMilli() + "|" + (flag.expiresAt() == null ? -1 : flag.expiresAt().toEpochMilli()) + "|" + flag.value();
    }

    static Flag decode(String key, String encoded) {
        try {
            int a = encoded.indexOf('|');
            int b = encoded.indexOf('|', a + 1);
            long setAt = Long.parseLong(encoded.substring(0, a));
            long expiresAt = Long.parseLong(encoded.substring(a + 1, b));
            return new Flag(key, encoded.substring(b + 1), Instant.ofEpochMilli(setAt), expiresAt < 0 ? null : Instant.ofEpochMilli(expiresAt));
        } catch (RuntimeException e) {
            LOG.warn("Ignoring damaged flag '{}' in Redis: {}", key, encoded);
            return null;
        }
    }

    private void scheduleRefresh() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            try {
                nextRefresh = scheduler.schedule(() -> {
                    refresh(false);
                    scheduleRefresh();
                }, cacheTtl.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                // the scheduler is shutting down
            }
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (nextRefresh != null) {
                nextRefresh.cancel(false);
            }
        }
        try {
            flushPending();
        } catch (StoreUnavailableException e) {
            LOG.error("Closing with {} flag writes Redis never received ({})", pendingWrites(), e.getMessage());
        }
    }
}
