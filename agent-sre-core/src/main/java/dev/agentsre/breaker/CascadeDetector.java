package dev.agentsre.breaker;

import dev.agentsre.event.CascadeDetected;
import dev.agentsre.event.CircuitStateChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.internal.Check;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Notices failures spreading through a fleet: when at least {@code minAgents} agents — or
 * {@code minFraction} of the registry, whichever is larger — open their circuits within
 * {@code window}, it publishes a {@link CascadeDetected} naming the agents in the order they
 * opened (the first is the likely origin). Every further agent that opens during the same cascade
 * publishes an updated event; the cascade ends when fewer than the threshold opened within the
 * window.
 *
 * <pre>{@code
 * CascadeDetector detector = CascadeDetector.builder(fleet).minAgents(3).window(Duration.ofMinutes(5)).build();
 * fleet.eventBus().subscribe(CascadeDetected.class, e -> page("cascade from " + e.agentId()));
 * }</pre>
 *
 * <p>It listens to the registry's bus ({@link #close()} stops it). Memory: one entry per agent that
 * opened within the window, at most the registry's size. Thread-safe; the short critical section
 * runs no user code, and events are published outside it.
 */
public final class CascadeDetector implements AutoCloseable {

    /** Default number of agents that makes a cascade. */
    public static final int DEFAULT_MIN_AGENTS = 3;
    /** Default detection window. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);

    private final CircuitBreakerRegistry registry;
    private final SreEventBus eventBus;
    private final int minAgents;
    private final double minFraction;
    private final Duration window;
    private final SreEventBus.Subscription subscription;
    private final Map<String, Instant> openings = new LinkedHashMap<>();
    private boolean cascading;

    private CascadeDetector(Builder b) {
        this.registry = b.registry;
        this.eventBus = registry.eventBus();
        this.minAgents = Check.positive("minAgents", b.minAgents);
        this.minFraction = Check.closedRange("minFraction", b.minFraction, 0.0, 1.0);
        this.window = Check.positive("window", b.window);
        this.subscription = eventBus.subscribe(CircuitStateChanged.class, this::onStateChanged);
    }

    /** Starts a builder watching {@code registry}. */
    public static Builder builder(CircuitBreakerRegistry registry) {
        return new Builder(Check.notNull("registry", registry));
    }

    /** Whether a cascade is in progress now. */
    public synchronized boolean isCascading() {
        prune(registry.clock().instant());
        if (openings.size() < threshold()) {
            cascading = false;
        }
        return cascading;
    }

    /** Agents that opened within the window, oldest first. */
    public synchronized List<String> recentOpenings() {
        prune(registry.clock().instant());
        return List.copyOf(openings.keySet());
    }

    /** The number of agents that currently makes a cascade. */
    public int threshold() {
        return Math.max(minAgents, (int) Math.ceil(minFraction * registry.size()));
    }

    /** Stops listening. */
    @Override
    public void close() {
        subscription.close();
    }

    private void onStateChanged(CircuitStateChanged event) {
        if (event.to() != CircuitState.OPEN || event.from() == CircuitState.HALF_OPEN) {
            return; // only a fresh opening spreads a failure; a failed probe is the same agent again
        }
        CascadeDetected detected = null;
        synchronized (this) {
            prune(event.timestamp());
            boolean joined = openings.putIfAbsent(event.agentId(), event.timestamp()) == null;
            int threshold = threshold();
            if (openings.size() < threshold) {
                cascading = false;
            } else if (!cascading || joined) {
                cascading = true;
                List<String> agents = new ArrayList<>(openings.keySet());
                detected = new CascadeDetected(event.timestamp(), agents.get(0), agents, window, registry.size());
            }
        }
        if (detected != null) {
            eventBus.publish(detected);
        }
    }

    private void prune(Instant now) {
        Instant oldest = now.minus(window);
        Iterator<Instant> it = openings.values().iterator();
        while (it.hasNext()) {
            if (it.next().isBefore(oldest)) {
                it.remove();
            }
        }
    }

    /** Builder for {@link CascadeDetector}. */
    public static final class Builder {
        private final CircuitBreakerRegistry registry;
        private int minAgents = DEFAULT_MIN_AGENTS;
        private double minFraction;
        private Duration window = DEFAULT_WINDOW;

        private Builder(CircuitBreakerRegistry registry) {
            this.registry = registry;
        }

        /** Agents that must open within the window (default {@value CascadeDetector#DEFAULT_MIN_AGENTS}). */
        public Builder minAgents(int minAgents) {
            this.minAgents = minAgents;
            return this;
        }

        /** Share of the registry's agents that must open, in [0, 1] (default 0: off). */
        public Builder minFraction(double fraction) {
            this.minFraction = fraction;
            return this;
        }

        /** The detection window (default 5 min). */
        public Builder window(Duration window) {
            this.window = window;
            return this;
        }

        /** Validates, builds and starts listening. */
        public CascadeDetector build() {
            return new CascadeDetector(this);
        }
    }
}
