package dev.agentsre.breaker;

import dev.agentsre.event.BreakerAdded;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.internal.Check;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

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
 * <p><b>Bounded.</b> At most {@code maxBreakers} breakers (default {@value #DEFAULT_MAX_BREAKERS}).
 * When a new agent would exceed the cap, breakers not fetched for {@code idleTimeout} (default 1
 * hour) that are CLOSED are evicted first, then the least recently fetched CLOSED ones, and only if
 * every breaker is open the least recently fetched of all. {@link #evictIdle()} evicts idle closed
 * breakers on demand (from a scheduler, say). Memory: one breaker plus about 100 bytes per agent.
 *
 * <p>Thread-safe; {@link #get(String)} is a concurrent-map lookup plus one clock read.
 */
public final class CircuitBreakerRegistry {

    /** Default cap on breakers. */
    public static final int DEFAULT_MAX_BREAKERS = 10_000;
    /** Default time after which an unused closed breaker may be evicted. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);
    /** Name of the default configuration. */
    public static final String DEFAULT_CONFIG = "default";

    private final Map<String, CircuitBreakerConfig> configs;
    private final SreEventBus eventBus;
    private final Clock clock;
    private final int maxBreakers;
    private final long idleTimeoutMillis;
    private final ConcurrentHashMap<String, Entry> breakers = new ConcurrentHashMap<>();
    private final ReentrantLock evictionLock = new ReentrantLock();

    private CircuitBreakerRegistry(Builder b) {
        Check.notNull("defaultConfig", b.configs.get(DEFAULT_CONFIG));
        this.configs = Map.copyOf(b.configs);
        this.eventBus = b.eventBus == null ? new SreEventBus() : b.eventBus;
        this.clock = configs.get(DEFAULT_CONFIG).clock;
        this.maxBreakers = Check.positive("maxBreakers", b.maxBreakers);
        this.idleTimeoutMillis = Check.positive("idleTimeout", b.idleTimeout).toMillis();
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

    /** The breaker of {@code agentId}, created from the default configuration if new. */
    public CircuitBreaker get(String agentId) {
        return get(agentId, DEFAULT_CONFIG);
    }

    /**
     * The breaker of {@code agentId}, created from the named configuration if new (an existing
     * breaker keeps the configuration it was created with).
     *
     * @throws IllegalArgumentException if no configuration has that name
     */
    public CircuitBreaker get(String agentId, String configName) {
        Check.notBlank("agentId", agentId);
        long now = clock.millis();
        Entry entry = breakers.get(agentId);
        if (entry == null) {
            entry = create(agentId, configName, now);
        }
        entry.lastAccess.lazySet(now);
        return entry.breaker;
    }

    /** The breaker of {@code agentId} if it exists; does not create one. */
    public Optional<CircuitBreaker> find(String agentId) {
        Entry entry = breakers.get(agentId);
        return entry == null ? Optional.empty() : Optional.of(entry.breaker);
    }

    /** Agents whose circuit is OPEN or FORCED_OPEN, sorted by id. */
    public List<String> openCircuits() {
        return breakers.values().stream()
                .filter(e -> {
                    CircuitState s = e.breaker.state();
                    return s == CircuitState.OPEN || s == CircuitState.FORCED_OPEN;
                })
                .map(e -> e.breaker.agentId())
                .sorted()
                .collect(Collectors.toList());
    }

    /** Every breaker, in no particular order (a copy). */
    public Collection<CircuitBreaker> all() {
        return breakers.values().stream().map(e -> e.breaker).collect(Collectors.toList());
    }

    /** Resets every breaker to CLOSED. */
    public void resetAll() {
        breakers.values().forEach(e -> e.breaker.reset());
    }

    /** Removes the breaker of {@code agentId}; returns whether there was one. */
    public boolean remove(String agentId) {
        return breakers.remove(agentId) != null;
    }

    /** Number of breakers. */
    public int size() {
        return breakers.size();
    }

    /** The cap on breakers. */
    public int maxBreakers() {
        return maxBreakers;
    }

    /** The bus every breaker of this registry publishes on. */
    public SreEventBus eventBus() {
        return eventBus;
    }

    /** The clock of the default configuration. */
    public Clock clock() {
        return clock;
    }

    /** Evicts closed breakers not fetched for {@code idleTimeout}; returns how many. */
    public int evictIdle() {
        long cutoff = clock.millis() - idleTimeoutMillis;
        int evicted = 0;
        for (Map.Entry<String, Entry> e : breakers.entrySet()) {
            if (e.getValue().lastAccess.get() <= cutoff && isClosed(e.getValue()) && breakers.remove(e.getKey(), e.getValue())) {
                evicted++;
            }
        }
        return evicted;
    }

    private Entry create(String agentId, String configName, long now) {
        CircuitBreakerConfig config = configs.get(configName);
        if (config == null) {
            throw new IllegalArgumentException("configName must name a configuration of this registry "
                    + configs.keySet() + ", got '" + configName + "'");
        }
        boolean[] created = {false};
        Entry entry = breakers.computeIfAbsent(agentId, id -> {
            created[0] = true;
            return new Entry(CircuitBreaker.of(id, config, eventBus), now);
        });
        if (created[0]) {
            if (breakers.size() > maxBreakers) {
                evictOverflow(agentId);
            }
            eventBus.publish(new BreakerAdded(clock.instant(), agentId, configName));
        }
        return entry;
    }

    private void evictOverflow(String keep) {
        evictionLock.lock();
        try {
            if (breakers.size() <= maxBreakers) {
                return;
            }
            evictIdle();
            if (breakers.size() <= maxBreakers) {
                return;
            }
            List<Map.Entry<String, Entry>> candidates = new ArrayList<>(breakers.entrySet());
            candidates.removeIf(e -> e.getKey().equals(keep));
            // Closed ones first, each group least recently used first.
            candidates.sort(Comparator.comparing((Map.Entry<String, Entry> e) -> !isClosed(e.getValue()))
                    .thenComparingLong(e -> e.getValue().lastAccess.get()));
            for (Map.Entry<String, Entry> e : candidates) {
                if (breakers.size() <= maxBreakers) {
                    break;
                }
                breakers.remove(e.getKey(), e.getValue());
            }
        } finally {
            evictionLock.unlock();
        }
    }

    private static boolean isClosed(Entry entry) {
        CircuitState s = entry.breaker.state();
        return s == CircuitState.CLOSED || s == CircuitState.DISABLED;
    }

    private static final class Entry {
        final CircuitBreaker breaker;
        final AtomicLong lastAccess;

        Entry(CircuitBreaker breaker, long now) {
            this.breaker = breaker;
            this.lastAccess = new AtomicLong(now);
        }
    }

    /** Builder for {@link CircuitBreakerRegistry}. */
    public static final class Builder {
        private final Map<String, CircuitBreakerConfig> configs = new HashMap<>();
        private SreEventBus eventBus;
        private int maxBreakers = DEFAULT_MAX_BREAKERS;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;

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

        /** Time after which an unused closed breaker may be evicted (default 1 h). */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        /** Validates and builds. */
        public CircuitBreakerRegistry build() {
            return new CircuitBreakerRegistry(this);
        }
    }
}
