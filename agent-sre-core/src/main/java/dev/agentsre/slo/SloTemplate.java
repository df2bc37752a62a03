package dev.agentsre.slo;

import dev.agentsre.event.SreEventBus;
import dev.agentsre.internal.BoundedRegistry;
import dev.agentsre.internal.Check;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One SLO definition applied to every agent of a fleet: the SLO of an agent is created the first
 * time it is asked for ({@link #forAgent(String)}), so agents that come and go each get "99.5%
 * over 30 days" without a line of code per agent.
 *
 * <pre>{@code
 * SloTemplate reliability = SloTemplate.builder("reliability")
 *         .indicator(() -> Slis.taskSuccessRate().build())
 *         .errorBudget(() -> ErrorBudget.builder().target(0.995).window("30d")
 *                 .exhaustionAction(ExhaustionAction.THROTTLE).build())
 *         .options(slo -> slo.description("every agent: 99.5% over 30 days"))
 *         .eventBus(bus)
 *         .build();
 * reliability.forAgent("research-agent").recordServed(true);
 * evaluator.add(reliability);                    // an SloEvaluator evaluates every agent's SLO
 * }</pre>
 *
 * Indicators and budgets hold state, so the template takes suppliers and calls them once per
 * agent: each agent's budget and indicators are its own. Every agent's SLO has the template's name
 * and the agent's id ({@link Slo#agentId()}); metrics and rules tell them apart by {@code agent_id}.
 * A fleet-wide objective — every agent's events in one budget — is a plain {@link Slo} without an
 * agent id.
 *
 * <p><b>Bounded.</b> At most {@code maxAgents} SLOs (default {@value #DEFAULT_MAX_AGENTS}), kept in
 * the library's one bounded registry ({@code dev.agentsre.internal.BoundedRegistry}). An agent's SLO
 * not asked for during {@code idleExpiry} (default 24 hours) is removed by {@link #evictIdle()} (an
 * {@link SloEvaluator} calls it every round); when a new agent would exceed the cap, the least
 * recently used SLO (second chance: an SLO asked for since the last sweep gets another round) is
 * evicted to make room, in O(1) amortised. <b>Eviction never lifts enforcement</b>: an SLO that is
 * {@link SloStatus#EXHAUSTED} (its exhaustion action is in force, {@link Slo#actionInForce()}) or has
 * an open alert is pinned — never evicted, idle or not; when only such SLOs remain at the cap,
 * {@link #forAgent(String)} refuses the new agent with an {@link IllegalStateException} naming the
 * cap. Memory: {@code maxAgents} × the memory of one SLO (about 30 KiB for a 30-day budget with the
 * default alerts and one built-in indicator, so about 40 MiB at the default cap) plus about 150 bytes
 * per agent.
 *
 * <p>Thread-safe. {@link #forAgent(String)} on an existing agent is a concurrent-map lookup and one
 * clock read; creating an agent's SLO takes a lock (never held while user code runs other than the
 * suppliers). {@link #find(String)}, {@link #instances()} and {@link #size()} are pure reads (they
 * never count as a use).
 */
public final class SloTemplate {

    /** Default cap on agents. */
    public static final int DEFAULT_MAX_AGENTS = 1_000;
    /** Default time after which an agent's SLO that nobody asked for may be removed. */
    public static final Duration DEFAULT_IDLE_EXPIRY = Duration.ofHours(24);

    private final String name;
    private final List<Supplier<? extends Sli>> indicators;
    private final Function<String, ErrorBudget> errorBudget;
    private final Consumer<Slo.Builder> options;
    private final SreEventBus eventBus;
    private final Clock clock;
    private final int maxAgents;
    private final long idleExpiryMillis;
    private final Slo definition;
    private final BoundedRegistry<String, Entry> agents;
    /** Serialises creation, so a supplier's budget is never made for an agent and then dropped. */
    private final ReentrantLock creationLock = new ReentrantLock();

    private SloTemplate(Builder b) {
        this.name = Check.notBlank("name", b.name);
        this.indicators = List.copyOf(b.indicators);
        this.errorBudget = Check.notNull("errorBudget", b.errorBudget);
        this.options = b.options;
        this.eventBus = b.eventBus == null ? new SreEventBus() : b.eventBus;
        this.clock = b.clock;
        this.maxAgents = Check.positive("maxAgents", b.maxAgents);
        this.idleExpiryMillis = Check.positive("idleExpiry", b.idleExpiry).toMillis();
        // Built once now: validates the definition at build time, and describes it to rule generators.
        this.definition = newSlo(null);
        this.agents = new BoundedRegistry<>(maxAgents, entry -> evictable(entry.slo), (agent, entry) -> retired(entry));
    }

    /** Starts a builder of a template whose SLOs are called {@code sloName}. */
    public static Builder builder(String sloName) {
        return new Builder(sloName);
    }

    /**
     * The SLO of {@code agentId}, created from the template the first time.
     *
     * @throws IllegalArgumentException if {@code agentId} is blank
     * @throws IllegalStateException if the template holds {@code maxAgents} agents and none of them
     *     may be evicted (every one exhausted or alerting)
     */
    public Slo forAgent(String agentId) {
        Entry entry = agentId == null ? null : agents.get(agentId);
        if (entry == null) {
            entry = create(Check.notBlank("agentId", agentId));
        }
        entry.lastAccess.lazySet(clock().millis());
        return entry.slo;
    }

    /** The SLO of {@code agentId} if it exists; never creates one, never counts as a use. */
    public Optional<Slo> find(String agentId) {
        Entry entry = agentId == null ? null : agents.peek(agentId);
        return entry == null ? Optional.empty() : Optional.of(entry.slo);
    }

    /** Every agent's SLO, in no particular order (a copy). */
    public List<Slo> instances() {
        List<Slo> result = new ArrayList<>(agents.size());
        agents.forEach((agent, entry) -> result.add(entry.slo));
        return result;
    }

    /** Number of agents with an SLO. */
    public int size() {
        return agents.size();
    }

    /**
     * Removes the SLOs of agents not asked for during {@code idleExpiry} that may be evicted (not
     * exhausted, no open alert); returns how many.
     */
    public int evictIdle() {
        long cutoff = clock().millis() - idleExpiryMillis;
        List<Entry> evicted = agents.evictIf(entry -> entry.lastAccess.get() <= cutoff);
        evicted.forEach(SloTemplate::retired);
        return evicted.size();
    }

    /**
     * The template's SLO without an agent, built once when the template was: its name, budget
     * settings, alert rules and indicators describe every agent's SLO (for generating alerting
     * rules or dashboards). Never recorded into.
     */
    public Slo definition() {
        return definition;
    }

    /** The name of every agent's SLO. */
    public String name() {
        return name;
    }

    /** The cap on agents. */
    public int maxAgents() {
        return maxAgents;
    }

    /** How long an agent's SLO may go unused before it may be removed. */
    public Duration idleExpiry() {
        return Duration.ofMillis(idleExpiryMillis);
    }

    /** The bus every agent's SLO publishes on. */
    public SreEventBus eventBus() {
        return eventBus;
    }

    @Override
    public String toString() {
        return "SloTemplate{" + name + ", agents=" + agents.size() + "/" + maxAgents + '}';
    }

    private Clock clock() {
        return definition.clock();
    }

    private Entry create(String agentId) {
        creationLock.lock();
        try {
            Entry entry = agents.get(agentId);
            if (entry != null) {
                return entry;
            }
            // Made before the registry's lock (it runs the suppliers) but under the creation lock, so
            // the registry never drops it for one another thread made first.
            Entry created = new Entry(newSlo(agentId), clock().millis());
            entry = agents.getOrCreate(agentId, id -> created);
            if (entry == null) {
                throw new IllegalStateException("SLO template '" + name + "' holds maxAgents=" + maxAgents
                        + " agents and none may be evicted (each is exhausted or has an open alert); raise maxAgents");
            }
            return entry;
        } finally {
            creationLock.unlock();
        }
    }

    /** A budget in a window store sends its last events and stops syncing once its agent's SLO is gone. */
    private static void retired(Entry entry) {
        entry.slo.errorBudget().close();
    }

    /** Pinned while its exhaustion action is in force (status EXHAUSTED) or an alert is open. */
    private static boolean evictable(Slo slo) {
        return slo.status() != SloStatus.EXHAUSTED && slo.openAlert().isEmpty();
    }

    private Slo newSlo(String agentId) {
        Slo.Builder builder = Slo.builder(name);
        options.accept(builder);
        // What makes the SLO this agent's and this template's is set last, over anything the options set.
        builder.errorBudget(Check.notNull("errorBudget supplier result", errorBudget.apply(agentId))).eventBus(eventBus);
        if (agentId != null) {
            builder.agentId(agentId);
        }
        if (clock != null) {
            builder.clock(clock);
        }
        for (Supplier<? extends Sli> indicator : indicators) {
            builder.indicator(Check.notNull("indicator supplier result", indicator.get()));
        }
        Slo slo = builder.build();
        if (definition != null && (slo.errorBudget() == definition.errorBudget() || sharesIndicator(slo, definition))) {
            throw new IllegalStateException("SLO template '" + name + "': a supplier returned an instance it returned before; "
                    + "each agent needs its own budget and indicators (build a new one in the supplier)");
        }
        return slo;
    }

    private static boolean sharesIndicator(Slo a, Slo b) {
        Set<Sli> seen = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        seen.addAll(b.indicators());
        for (Sli sli : a.indicators()) {
            if (seen.contains(sli)) {
                return true;
            }
        }
        return false;
    }

    private static final class Entry {
        final Slo slo;
        final AtomicLong lastAccess;

        Entry(Slo slo, long now) {
            this.slo = slo;
            this.lastAccess = new AtomicLong(now);
        }
    }

    /** Builder for {@link SloTemplate}. Required: an error budget supplier. */
    public static final class Builder {
        private final String name;
        private final List<Supplier<? extends Sli>> indicators = new ArrayList<>();
        private Function<String, ErrorBudget> errorBudget;
        private Consumer<Slo.Builder> options = slo -> { };
        private SreEventBus eventBus;
        private Clock clock;
        private int maxAgents = DEFAULT_MAX_AGENTS;
        private Duration idleExpiry = DEFAULT_IDLE_EXPIRY;

        private Builder(String name) {
            this.name = name;
        }

        /** Adds an indicator: {@code supplier} is called once per agent and must return a new instance each time. */
        public Builder indicator(Supplier<? extends Sli> supplier) {
            this.indicators.add(Check.notNull("indicator", supplier));
            return this;
        }

        /** The error budget (required): {@code supplier} is called once per agent and must return a new budget each time. */
        public Builder errorBudget(Supplier<ErrorBudget> supplier) {
            Check.notNull("errorBudget", supplier);
            this.errorBudget = agentId -> supplier.get();
            return this;
        }

        /**
         * The error budget (required), built for each agent from its id (null for the fleet-wide
         * SLO): for budgets kept in a {@linkplain ErrorBudget.Builder#windowStore window store},
         * whose key must be the agent's own.
         *
         * <pre>{@code
         * .errorBudgetPerAgent(agent -> ErrorBudget.builder().target(0.995).windowStore(store, "slo:reliability:" + agent).build())
         * }</pre>
         */
        public Builder errorBudgetPerAgent(Function<String, ErrorBudget> perAgent) {
            this.errorBudget = Check.notNull("errorBudget", perAgent);
            return this;
        }

        /**
         * The other settings of every agent's SLO, applied to its {@link Slo.Builder}: description,
         * {@link Slo.Builder#budgetEvents budgetEvents}, {@link Slo.Builder#unavailability
         * unavailability}, {@link Slo.Builder#evaluationInterval evaluationInterval}. Agent id, budget,
         * indicators, bus and clock are the template's and set after {@code options}.
         */
        public Builder options(Consumer<Slo.Builder> options) {
            this.options = Check.notNull("options", options);
            return this;
        }

        /** Where every agent's SLO publishes (default: a private bus of the template). */
        public Builder eventBus(SreEventBus eventBus) {
            this.eventBus = eventBus;
            return this;
        }

        /** The clock of every agent's SLO and of idle expiry (default: the error budget's). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** Cap on agents (default {@value SloTemplate#DEFAULT_MAX_AGENTS}). */
        public Builder maxAgents(int maxAgents) {
            this.maxAgents = maxAgents;
            return this;
        }

        /** Time after which an agent's unused SLO may be removed (default 24 h). */
        public Builder idleExpiry(Duration idleExpiry) {
            this.idleExpiry = idleExpiry;
            return this;
        }

        /** Validates (building the definition once) and builds. */
        public SloTemplate build() {
            return new SloTemplate(this);
        }
    }
}
