package dev.agentsre.breaker;

import dev.agentsre.event.BreakerAdded;
import dev.agentsre.event.BreakerRemoved;
import dev.agentsre.event.CircuitStateChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.internal.BoundedRegistry;
import dev.agentsre.internal.Check;
import dev.agentsre.store.Flag;
import dev.agentsre.store.FlagKeys;
import dev.agentsre.store.FlagStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link CircuitBreaker} per agent of a fleet, created on first use from a default or a named
 * configuration; every breaker publishes on the registry's {@link SreEventBus}.
 *
 * <pre>{@code
 * CircuitBreakerRegistry fleet = CircuitBreakerRegistry.of(config);
 * fleet.get("agent-a").execute(() -> agentA.run(task));
 * fleet.openCircuits();                    // ["agent-c", ...]
 * }</pre>
 *
 * <p><b>Bounded, and eviction never lifts enforcement.</b> At most {@code maxBreakers} breakers
 * (default {@value #DEFAULT_MAX_BREAKERS}). A new agent beyond the cap evicts a CLOSED breaker, least
 * recently fetched first (second chance, O(1) amortised); a breaker that is OPEN, HALF_OPEN,
 * FORCED_OPEN or DISABLED is never evicted. When every breaker is in such a state, {@link #get}
 * refuses the new agent with an {@link IllegalStateException} naming the cap (fail closed: an agent
 * without a breaker is never let through unguarded); raise {@code maxBreakers} if that happens
 * legitimately. {@link #evictIdle()} evicts CLOSED breakers not fetched for {@code idleTimeout}
 * (default 1 hour) on demand (from a scheduler, say). Each creation publishes a {@link BreakerAdded},
 * each removal a {@link BreakerRemoved} (so exporters can drop the agent's series). A CLOSED breaker
 * evicted while a call it admitted is still running keeps working for that call; its outcome no
 * longer counts anywhere, as for a call admitted under a state that has since changed.
 *
 * <p><b>Reads are pure:</b> {@link #find}, {@link #openCircuits()}, {@link #all()} and
 * {@link #size()} never create a breaker, keep one alive or transition one.
 *
 * <p><b>Memory:</b> one breaker (a few hundred bytes plus its sliding window) and about 100 bytes of
 * bookkeeping per agent, at most {@code maxBreakers} of them. Thread-safe; {@link #get(String)} is a
 * concurrent-map lookup plus one clock read; a new agent takes one short lock.
 */
public final class CircuitBreakerRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreakerRegistry.class);

    /** Default cap on breakers. */
    public static final int DEFAULT_MAX_BREAKERS = 10_000;
    /** Default time after which an unused closed breaker may be evicted. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);
    /** Name of the default configuration. */
    public static final String DEFAULT_CONFIG = "default";

    private final Map<String, CircuitBreakerConfig> configs;
    private final SreEventBus eventBus;
    private final Clock clock;
    private final long idleTimeoutMillis;
    private final BoundedRegistry<String, Entry> breakers;
    /** Where forced-open circuits are shared; null when they are not. */
    private final FlagStore flags;

    private CircuitBreakerRegistry(Builder b) {
        Check.notNull("defaultConfig", b.configs.get(DEFAULT_CONFIG));
        this.configs = Map.copyOf(b.configs);
        this.eventBus = b.eventBus == null ? new SreEventBus() : b.eventBus;
        this.clock = configs.get(DEFAULT_CONFIG).clock();
        this.idleTimeoutMillis = Check.millis("idleTimeout", b.idleTimeout).toMillis();
        this.breakers = new BoundedRegistry<>(Check.positive("maxBreakers", b.maxBreakers),
                entry -> isClosed(entry.breaker), (agentId, entry) -> removed(agentId, BreakerRemoved.Cause.EVICTED));
        this.flags = b.flags;
        if (flags != null) {
            // this registry's forced opens and resets go to the flags; the flags' changes come back as forced opens and resets
            eventBus.subscribe(CircuitStateChanged.class, this::shareForcedOpen);
            flags.watch(FlagKeys.BREAKER_OPEN, this::forcedOpenElsewhere);
        }
    }

    /** A breaker of this registry was forced open or reset from FORCED_OPEN: tells the other JVMs. */
    private void shareForcedOpen(CircuitStateChanged event) {
        Entry entry = breakers.peek(event.agentId());
        if (entry == null) {
            return; // another registry's breaker on the same bus
        }
        String key = FlagKeys.breakerOpen(event.agentId());
        try {
            if (event.to() == CircuitState.FORCED_OPEN && entry.breaker.state() == CircuitState.FORCED_OPEN && !flags.isSet(key)) {
                flags.set(key, event.reason() == null || event.reason().isBlank() ? "forced open" : event.reason(), null);
            } else if (event.from() == CircuitState.FORCED_OPEN && entry.breaker.state() != CircuitState.FORCED_OPEN && flags.isSet(key)) {
                flags.clear(key);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not share the forced-open state of '{}': {}", event.agentId(), e.getMessage());
        }
    }

    /** The shared flag of {@code key} changed: forces the breaker open, or resets a forced-open one. */
    private void forcedOpenElsewhere(String key, Flag flag) {
        String agentId = key.substring(FlagKeys.BREAKER_OPEN.length());
        if (agentId.isBlank()) {
            return;
        }
        try {
            if (flag != null) {
                CircuitBreaker breaker = get(agentId);
                if (breaker.state() != CircuitState.FORCED_OPEN) {
                    breaker.forceOpen();
                }
            } else {
                find(agentId).filter(b -> b.state() == CircuitState.FORCED_OPEN).ifPresent(CircuitBreaker::reset);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not apply the shared forced-open state of '{}': {}", agentId, e.getMessage());
        }
    }

    /** A registry whose breakers use {@code config}, publishing on a private bus. */
    public static CircuitBreakerRegistry of(CircuitBreakerConfig config) {
        return builder().defaultConfig(config).build();
    }

    /** A registry whose breakers use {@code config}, publishing on {@code eventBus}. */
    public static CircuitBreakerRegistry of(CircuitBreakerConfig config, SreEventBus eventBus) {
        return builder().defaultConfig(config).eventBus(eventBus).build();
    }

    /** Starts a builder (default config: {@link CircuitBreakerConfig#ofDefaults()}). */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The breaker of {@code agentId}, created from the default configuration if new.
     *
     * @throws IllegalStateException if it is new and the registry is full of breakers that may not be evicted
     */
    public CircuitBreaker get(String agentId) {
        return get(agentId, DEFAULT_CONFIG);
    }

    /**
     * The breaker of {@code agentId}, created from the named configuration if new (an existing
     * breaker keeps the configuration it was created with).
     *
     * @throws IllegalArgumentException if no configuration has that name
     * @throws IllegalStateException if it is new and the registry is full of breakers that may not be evicted
     */
    public CircuitBreaker get(String agentId, String configName) {
        Check.notBlank("agentId", agentId);
        long now = clock.millis();
        Entry entry = breakers.get(agentId);
        if (entry == null) {
            entry = create(agentId, configName, now);
        }
        entry.lastAccess = now;
        return entry.breaker;
    }

    /** The breaker of {@code agentId} if it exists; a pure read (does not create one or keep it alive). */
    public Optional<CircuitBreaker> find(String agentId) {
        Entry entry = breakers.peek(Check.notBlank("agentId", agentId));
        return entry == null ? Optional.empty() : Optional.of(entry.breaker);
    }

    /** Agents whose circuit is OPEN or FORCED_OPEN, sorted by id (an OPEN one whose open period is over included). */
    public List<String> openCircuits() {
        List<String> open = new ArrayList<>();
        breakers.forEach((agentId, entry) -> {
            CircuitState s = entry.breaker.state();
            if (s == CircuitState.OPEN || s == CircuitState.FORCED_OPEN) {
                open.add(agentId);
            }
        });
        open.sort(null); // agent ids never change: a stable sort key
        return open;
    }

    /** Every breaker, in no particular order (a copy). */
    public Collection<CircuitBreaker> all() {
        List<CircuitBreaker> all = new ArrayList<>(breakers.size());
        breakers.forEach((agentId, entry) -> all.add(entry.breaker));
        return all;
    }

    /** Resets every breaker to CLOSED. */
    public void resetAll() {
        breakers.forEach((agentId, entry) -> entry.breaker.reset());
    }

    /** Removes the breaker of {@code agentId} whatever its state; returns whether there was one. */
    public boolean remove(String agentId) {
        if (breakers.remove(Check.notBlank("agentId", agentId)) == null) {
            return false;
        }
        removed(agentId, BreakerRemoved.Cause.REMOVED);
        return true;
    }

    /** Number of breakers. */
    public int size() {
        return breakers.size();
    }

    /** The cap on breakers. */
    public int maxBreakers() {
        return breakers.capacity();
    }

    /** The bus every breaker of this registry publishes on. */
    public SreEventBus eventBus() {
        return eventBus;
    }

    /** The clock of the default configuration. */
    public Clock clock() {
        return clock;
    }

    /** Evicts CLOSED breakers not fetched for {@code idleTimeout}; returns how many. O(breakers). */
    public int evictIdle() {
        long cutoff = clock.millis() - idleTimeoutMillis;
        List<Entry> idle = breakers.evictIf(entry -> entry.lastAccess <= cutoff);
        idle.forEach(entry -> removed(entry.breaker.agentId(), BreakerRemoved.Cause.IDLE));
        return idle.size();
    }

    private Entry create(String agentId, String configName, long now) {
        CircuitBreakerConfig config = configs.get(configName);
        if (config == null) {
            throw new IllegalArgumentException("configName must name a configuration of this registry "
                    + configs.keySet() + ", got '" + configName + "'");
        }
        Entry[] made = new Entry[1];
        Entry entry = breakers.getOrCreate(agentId, id -> made[0] = new Entry(CircuitBreaker.of(id, config, eventBus), now));
        if (entry == null) {
            throw new IllegalStateException("circuit breaker registry is full: it holds its cap of " + breakers.capacity()
                    + " breakers and none may be evicted (each is open, half-open, forced open or disabled), so agent '" + agentId
                    + "' gets no breaker; raise maxBreakers");
        }
        if (entry == made[0]) {
            eventBus.publish(new BreakerAdded(clock.instant(), agentId, configName));
            if (flags != null && flags.isSet(FlagKeys.breakerOpen(agentId))) {
                entry.breaker.forceOpen(); // forced open in another JVM before this one first saw the agent
            }
        }
        return entry;
    }

    private void removed(String agentId, BreakerRemoved.Cause cause) {
        eventBus.publish(new BreakerRemoved(clock.instant(), agentId, cause));
    }

    private static boolean isClosed(CircuitBreaker breaker) {
        return breaker.state() == CircuitState.CLOSED;
    }

    private static final class Entry {
        final CircuitBreaker breaker;
        /** When the breaker was last fetched; written without ordering (an approximate idle clock is enough). */
        volatile long lastAccess;

        Entry(CircuitBreaker breaker, long now) {
            this.breaker = breaker;
            this.lastAccess = now;
        }
    }

    /** Builder for {@link CircuitBreakerRegistry}. */
    public static final class Builder {
        private final Map<String, CircuitBreakerConfig> configs = new HashMap<>();
        private SreEventBus eventBus;
        private int maxBreakers = DEFAULT_MAX_BREAKERS;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private FlagStore flags;

        private Builder() {
            configs.put(DEFAULT_CONFIG, CircuitBreakerConfig.ofDefaults());
        }

        /** The configuration of breakers fetched without a config name. */
        public Builder defaultConfig(CircuitBreakerConfig config) {
            configs.put(DEFAULT_CONFIG, Check.notNull("defaultConfig", config));
            return this;
        }

        /** A named configuration, e.g. {@code "llm"} for agents that call a model provider. */
        public Builder config(String name, CircuitBreakerConfig config) {
            configs.put(Check.notBlank("name", name), Check.notNull("config", config));
            return this;
        }

        /** The bus every breaker publishes on. */
        public Builder eventBus(SreEventBus eventBus) {
            this.eventBus = eventBus;
            return this;
        }

        /** Cap on breakers (default {@value CircuitBreakerRegistry#DEFAULT_MAX_BREAKERS}). */
        public Builder maxBreakers(int maxBreakers) {
            this.maxBreakers = maxBreakers;
            return this;
        }

        /** Time after which an unused closed breaker may be evicted (default 1 h; at least 1 ms). */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        /**
         * Shares forced-open circuits through {@code flags} ({@code breaker:<agent>}; with Redis, every
         * JVM of a fleet): {@link CircuitBreaker#forceOpen()} on a breaker of this registry opens the
         * agent's breaker in every registry over the same flags (within the store's propagation bound),
         * and a {@link CircuitBreaker#reset()} of it closes them all. While the store is unreachable
         * the flags last read stay applied.
         */
        public Builder flagStore(FlagStore flags) {
            this.flags = Check.notNull("flagStore", flags);
            return this;
        }

        /** Validates and builds. */
        public CircuitBreakerRegistry build() {
            return new CircuitBreakerRegistry(this);
        }
    }
}
