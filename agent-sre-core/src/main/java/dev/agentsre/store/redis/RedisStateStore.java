package dev.agentsre.store.redis;

import dev.agentsre.internal.Check;
import dev.agentsre.store.BudgetFailurePolicy;
import dev.agentsre.store.BudgetStore;
import dev.agentsre.store.FailurePolicyBudgetStore;
import dev.agentsre.store.FlagStore;
import dev.agentsre.store.StateStore;
import dev.agentsre.store.WindowStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Budgets, flags and SLO windows shared by every JVM connected to one Redis (Lettuce, an optional
 * dependency: add {@code io.lettuce:lettuce-core} to use this package).
 *
 * <pre>{@code
 * RedisClient client = RedisClient.create("redis://127.0.0.1:6379");
 * try (RedisStateStore store = RedisStateStore.builder(client)
 *         .namespace("acme")                          // every key is {acme}:…, one cluster slot
 *         .commandTimeout(Duration.ofMillis(200))
 *         .budgetFailurePolicy(BudgetFailurePolicy.failClosed())
 *         .build()) {
 *     CostGuard guard = CostGuard.builder().perAgentDailyLimit(50).budgetStore(store.budgets()).build();
 * }
 * client.shutdown();                                  // the client is the caller's
 * }</pre>
 *
 * <p><b>Budgets</b>: each operation is one Lua script (see {@link BudgetStore} for the guarantees):
 * a reservation checks and holds every scope atomically, leases reclaim the holds of a JVM that
 * died, commits and charges are idempotent by id, money is integer nano-dollars. {@link #budgets()}
 * applies the {@link Builder#budgetFailurePolicy budget failure policy} (fail closed by default) and
 * replays queued entries on the store's thread every retry interval.
 *
 * <p><b>Flags</b>: one hash per namespace, a version counter and a pub/sub channel; each JVM reads
 * a local copy refreshed within {@link Builder#flagCacheTtl flagCacheTtl} (default 1 s) even when
 * announcements are lost or {@link Builder#pubSub(boolean) turned off}; set flags stay applied
 * while Redis is unreachable.
 *
 * <p><b>Windows</b>: per-bucket counters every JVM increments, so an SLO over this store counts the
 * whole fleet's events.
 *
 * <p><b>Cluster.</b> Every key is hash-tagged with the namespace ({@code {acme}:…}), so all keys of a
 * namespace live in one slot and the scripts (which also touch the keys of reservations whose leases
 * they reclaim) run on one node. Build with a {@link RedisClusterClient} for Redis Cluster.
 *
 * <p><b>Time.</b> Leases expire on Redis's clock ({@code TIME}) unless a {@link Builder#clock clock}
 * is set (tests, simulations); flags use the builder's clock (default UTC system clock).
 *
 * <p><b>Connections and threads.</b> One command connection (opened lazily, reconnected by Lettuce)
 * and one pub/sub connection; one daemon thread of the store's own unless a scheduler is given. The
 * {@link RedisClient} is the caller's: close the store first, then shut the client down. For a quick
 * return after Redis restarts, give the client a short reconnect delay
 * ({@code ClientResources.builder().reconnectDelay(Delay.constant(...))}).
 */
public final class RedisStateStore implements StateStore {

    /** Default namespace. */
    public static final String DEFAULT_NAMESPACE = "agent-sre";
    /** Default command timeout: 200 ms. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(200);
    /** Default wait for the first connection when building: 2 s. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** Default flag cache TTL: 1 s (the propagation bound without pub/sub). */
    public static final Duration DEFAULT_FLAG_CACHE_TTL = Duration.ofSeconds(1);
    /** Default cap on flags per namespace. */
    public static final int DEFAULT_MAX_FLAGS = 10_000;
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final Logger LOG = LoggerFactory.getLogger(RedisStateStore.class);

    private final String namespace;
    private final RedisConnector redis;
    private final FailurePolicyBudgetStore budgets;
    private final RedisFlagStore flags;
    private final RedisWindowStore windows;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final Supplier<StatefulRedisPubSubConnection<String, String>> connectPubSub;
    private final boolean wantPubSub;
    private volatile StatefulRedisPubSubConnection<String, String> pubSub;
    private final ScheduledFuture<?> replayTask;
    private volatile boolean closed;

    private RedisStateStore(Builder b) {
        this.namespace = Check.notNull("namespace", b.namespace);
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException("namespace must be 1 to 64 letters, digits or _ . : - (no braces), got '" + namespace + "'");
        }
        Duration timeout = Check.positive("commandTimeout", b.commandTimeout);
        Duration cacheTtl = Check.positive("flagCacheTtl", b.flagCacheTtl);
        Duration idempotency = Check.positive("idempotencyWindow", b.idempotencyWindow);
        Check.positive("maxFlags", b.maxFlags);
        Check.notNull("budgetFailurePolicy", b.failurePolicy);
        Clock flagClock = b.clock == null ? Clock.systemUTC() : b.clock;
        this.ownsScheduler = b.scheduler == null;
        this.scheduler = b.scheduler != null ? b.scheduler : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "agent-sre-redis-" + namespace);
            t.setDaemon(true);
            return t;
        });
        String prefix = "{" + namespace + "}:";
        this.redis = new RedisConnector(b.connect, b.commandsOf, timeout, "agent-sre-redis-connect-" + namespace);
        redis.connect(Check.positive("connectTimeout", b.connectTimeout));
        this.budgets = new RedisBudgetStore(redis, prefix, b.clock, idempotency).withFailurePolicy(b.failurePolicy);
        this.windows = new RedisWindowStore(redis, prefix);
        this.flags = new RedisFlagStore(redis, prefix, flagClock, b.maxFlags, cacheTtl, scheduler);
        this.connectPubSub = b.connectPubSub;
        this.wantPubSub = b.pubSub;
        if (wantPubSub) {
            scheduler.execute(this::subscribeIfNeeded); // on the store's thread: building never waits for a connection
        }
        flags.start();
        long retry = b.failurePolicy.retryInterval().toMillis();
        this.replayTask = schedulePeriodic(() -> {
            if (budgets.queued() > 0) {
                budgets.replayQueued();
            }
            subscribeIfNeeded();
        }, retry);
    }

    /** Subscribes to flag announcements unless subscribed (or off); retried every retry interval until it works. */
    private void subscribeIfNeeded() {
        if (!wantPubSub || pubSub != null || closed) {
            return;
        }
        try {
            StatefulRedisPubSubConnection<String, String> connection = connectPubSub.get();
            connection.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    flags.announced(); // runs on Lettuce's event loop: hand over, never block it
                }
            });
            connection.sync().subscribe(flags.channel());
            synchronized (this) {
                if (closed) {
                    connection.close();
                    return;
                }
                pubSub = connection;
            }
            flags.announced(); // changes made before the subscription: read them now
        } catch (RuntimeException e) {
            // flags still propagate within the cache TTL by polling; the subscription is retried
            LOG.debug("Could not subscribe to flag changes ({}); retrying", e.getMessage());
        }
    }

    private ScheduledFuture<?> schedulePeriodic(Runnable task, long periodMillis) {
        // one-shot tasks that reschedule themselves: works with any ScheduledExecutorService
        Runnable[] self = new Runnable[1];
        ScheduledFuture<?>[] holder = new ScheduledFuture<?>[1];
        self[0] = () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("Periodic store task failed", e);
            }
            if (!scheduler.isShutdown() && !closed) {
                try {
                    holder[0] = scheduler.schedule(self[0], periodMillis, TimeUnit.MILLISECONDS);
                } catch (RuntimeException e) {
                    // shutting down
                }
            }
        };
        holder[0] = scheduler.schedule(self[0], periodMillis, TimeUnit.MILLISECONDS);
        return holder[0];
    }

    /** A builder over a standalone (or Sentinel-fronted) Redis; the client stays the caller's. */
    public static Builder builder(RedisClient client) {
        Check.notNull("client", client);
        return new Builder(
                () -> client.connect(StringCodec.UTF8),
                c -> ((StatefulRedisConnection<String, String>) c).sync(),
                () -> client.connectPubSub(StringCodec.UTF8));
    }

    /** A builder over Redis Cluster; the client stays the caller's. */
    public static Builder builder(RedisClusterClient client) {
        Check.notNull("client", client);
        return new Builder(
                () -> client.connect(StringCodec.UTF8),
                c -> ((StatefulRedisClusterConnection<String, String>) c).sync(),
                () -> client.connectPubSub(StringCodec.UTF8));
    }

    /** The namespace of every key. */
    public String namespace() {
        return namespace;
    }

    /** The budget store, behind the configured failure policy. */
    @Override
    public FailurePolicyBudgetStore budgets() {
        return budgets;
    }

    @Override
    public FlagStore flags() {
        return flags;
    }

    @Override
    public WindowStore windows() {
        return windows;
    }

    /** Re-reads the flags now (what the store's thread does every cache TTL). */
    public void refreshFlags() {
        flags.refresh(true);
    }

    /** Flag writes that did not reach Redis yet. */
    public int pendingFlagWrites() {
        return flags.pendingWrites();
    }

    /** Replays queued budget entries, flushes pending flag writes, and closes the connections. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        replayTask.cancel(false);
        try {
            budgets.close();
            flags.close();
            windows.close();
        } finally {
            StatefulRedisPubSubConnection<String, String> subscribed;
            synchronized (this) {
                subscribed = pubSub;
                pubSub = null;
            }
            if (subscribed != null) {
                subscribed.close();
            }
            redis.close();
            if (ownsScheduler) {
                scheduler.shutdownNow();
            }
        }
    }

    /**
     * Builder. Defaults: namespace {@value RedisStateStore#DEFAULT_NAMESPACE}, command timeout 200 ms,
     * connect timeout 2 s,
     * budgets fail closed, flag cache TTL 1 s, pub/sub on, at most
     * {@value RedisStateStore#DEFAULT_MAX_FLAGS} flags, idempotency window
     * {@value BudgetStore#DEFAULT_IDEMPOTENCY_HOURS} hour, leases on Redis's clock, a daemon thread
     * of the store's own.
     */
    public static final class Builder {
        private final Supplier<StatefulConnection<String, String>> connect;
        private final Function<StatefulConnection<String, String>, RedisClusterCommands<String, String>> commandsOf;
        private final Supplier<StatefulRedisPubSubConnection<String, String>> connectPubSub;
        private String namespace = DEFAULT_NAMESPACE;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private BudgetFailurePolicy failurePolicy = BudgetFailurePolicy.failClosed();
        private Duration flagCacheTtl = DEFAULT_FLAG_CACHE_TTL;
        private boolean pubSub = true;
        private int maxFlags = DEFAULT_MAX_FLAGS;
        private Duration idempotencyWindow = Duration.ofHours(BudgetStore.DEFAULT_IDEMPOTENCY_HOURS);
        private Clock clock;
        private ScheduledExecutorService scheduler;

        @SuppressWarnings("unchecked")
        private <C extends StatefulConnection<String, String>> Builder(Supplier<C> connect,
                Function<StatefulConnection<String, String>, RedisClusterCommands<String, String>> commandsOf,
                Supplier<? extends StatefulRedisPubSubConnection<String, String>> connectPubSub) {
            this.connect = (Supplier<StatefulConnection<String, String>>) connect;
            this.commandsOf = commandsOf;
            this.connectPubSub = (Supplier<StatefulRedisPubSubConnection<String, String>>) connectPubSub;
        }

        /** The namespace: every key is {@code {namespace}:…} (1 to 64 of {@code A-Z a-z 0-9 _ . : -}). */
        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        /**
         * How long {@link #build()} waits for the first connection (default 2 s); if Redis is not
         * reachable by then, the store starts unconnected (budgets fail as their policy says) and
         * connects as soon as it can.
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /** How long a command may take before Redis counts as unreachable. */
        public Builder commandTimeout(Duration timeout) {
            this.commandTimeout = timeout;
            return this;
        }

        /** What budgets do while Redis is unreachable (default fail closed). */
        public Builder budgetFailurePolicy(BudgetFailurePolicy policy) {
            this.failurePolicy = policy;
            return this;
        }

        /** How often each JVM re-reads the flags: the propagation bound when announcements are lost. */
        public Builder flagCacheTtl(Duration ttl) {
            this.flagCacheTtl = ttl;
            return this;
        }

        /** Whether flag changes are announced by pub/sub (default true); off, they propagate by polling only. */
        public Builder pubSub(boolean enabled) {
            this.pubSub = enabled;
            return this;
        }

        /** Cap on flags in the namespace. */
        public Builder maxFlags(int maxFlags) {
            this.maxFlags = maxFlags;
            return this;
        }

        /** How long settled reservation and charge ids are remembered. */
        public Builder idempotencyWindow(Duration window) {
            this.idempotencyWindow = window;
            return this;
        }

        /** The clock of leases and flags (default: Redis's clock for leases, the UTC system clock for flags). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Where refreshes, replays and connection attempts run (not shut down by the store). */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        /**
         * Builds the store: subscribes to flag changes, reads the flags once and starts the periodic
         * work. Redis need not be reachable: the store connects when it can.
         *
         * @throws IllegalArgumentException if a setting is invalid
         */
        public RedisStateStore build() {
            return new RedisStateStore(this);
        }
    }
}
