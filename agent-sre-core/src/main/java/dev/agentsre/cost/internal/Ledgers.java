package dev.agentsre.cost.internal;

import dev.agentsre.cost.BudgetScope;
import dev.agentsre.event.BudgetEvicted;
import dev.agentsre.internal.BoundedRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A cost guard's per-agent ledgers and per-tenant budgets, each in a {@link BoundedRegistry}: at
 * most {@code maxAgents} agents and {@code maxTenants} tenants, the least recently used evicted first
 * — but never one whose eviction lifts enforcement (see {@link Ledger} and
 * {@link Budget#holdsEnforcement}). Every eviction publishes a {@link BudgetEvicted}. When only pinned
 * entries remain, {@link #agent} and {@link #tenant} return {@code null} and the guard refuses the new
 * one. Reads ({@link #peekAgent}, {@link #peekTenant}) never create an entry or keep one alive. Not API.
 */
public final class Ledgers {

    private final Clock clock;
    private final PeriodClock periods;
    private final long agentDailyLimitNanos;
    private final Map<String, Long> agentDailyLimits;
    private final Function<String, String> tenantOf;
    private final Map<String, Long> tenantLimits;
    private final long defaultTenantLimitNanos;
    private final SpendAnomalies.Settings anomalies;
    private final BoundedRegistry<String, Ledger> agents;
    private final BoundedRegistry<String, Budget> tenants;
    /** Stripes contended periods below its caps; {@code null} with a shared store (see {@link Budget}). */
    private final Enforcement striping;

    /**
     * Ledgers with these limits; evictions are published through {@code enforcement} (in order with its
     * events), and contended periods are striped unless {@code striped} is false (a shared store).
     */
    public Ledgers(Clock clock, PeriodClock periods, int maxAgents, int maxTenants, long agentDailyLimitNanos,
                   Map<String, Long> agentDailyLimits, Function<String, String> tenantOf, Map<String, Long> tenantLimits,
                   long defaultTenantLimitNanos, SpendAnomalies.Settings anomalies, Enforcement enforcement, boolean striped) {
        this.striping = striped ? enforcement : null;
        this.clock = clock;
        this.periods = periods;
        this.agentDailyLimitNanos = agentDailyLimitNanos;
        this.agentDailyLimits = agentDailyLimits;
        this.tenantOf = tenantOf;
        this.tenantLimits = tenantLimits;
        this.defaultTenantLimitNanos = defaultTenantLimitNanos;
        this.anomalies = anomalies;
        this.agents = new BoundedRegistry<>(maxAgents, ledger -> ledger.tryRetire(clock.millis()), (agentId, ledger) ->
                enforcement.publish(new BudgetEvicted(Instant.ofEpochMilli(clock.millis()), agentId, BudgetScope.AGENT, agentId)));
        this.tenants = new BoundedRegistry<>(maxTenants, budget -> budget.tryRetire(clock.millis()), (tenant, budget) ->
                enforcement.publish(new BudgetEvicted(Instant.ofEpochMilli(clock.millis()), null, BudgetScope.TENANT, tenant)));
    }

    /** The ledger of {@code agentId}, made if new; {@code null} when the cap is reached and every agent is pinned. */
    public Ledger agent(String agentId, long now) {
        Ledger ledger = agents.get(agentId);
        return ledger != null ? ledger : agents.getOrCreate(agentId, id -> newLedger(id, now));
    }

    /** The ledger of {@code agentId} if tracked; a pure read. */
    public Ledger peekAgent(String agentId) {
        return agents.peek(agentId);
    }

    /** A ledger that is not registered: what an unknown agent looks like to a read. */
    public Ledger unregistered(String agentId, long now) {
        return new Ledger(agentId, null, new Budget(BudgetScope.AGENT, agentId, agentId, dailyLimit(agentId), PeriodClock.Periodicity.DAY,
                periods, now), null, now);
    }

    private Ledger newLedger(String agentId, long now) {
        String tenant = tenantOf == null ? null : tenantOf.apply(agentId); // user code: runs outside any lock
        Budget daily = new Budget(BudgetScope.AGENT, agentId, agentId, dailyLimit(agentId), PeriodClock.Periodicity.DAY, periods, now,
                striping);
        return new Ledger(agentId, tenant == null || tenant.isBlank() ? null : tenant, daily,
                anomalies == null ? null : new SpendAnomalies(agentId, anomalies), now);
    }

    /** The daily limit of {@code agentId} in nano-dollars ({@link Budget#UNLIMITED} for none). */
    public long dailyLimit(String agentId) {
        Long own = agentDailyLimits.get(agentId);
        return own != null ? own : agentDailyLimitNanos;
    }

    /** Whether {@code tenant} has a budget (its own limit, or the default for every tenant). */
    public boolean hasTenantBudget(String tenant) {
        return tenantLimits.containsKey(tenant) || defaultTenantLimitNanos != Budget.UNLIMITED;
    }

    /**
     * The budget of {@code tenant}, made if new; {@code null} when it has none
     * ({@link #hasTenantBudget}) or the cap is reached and every tenant is pinned.
     */
    public Budget tenant(String tenant, long now) {
        Budget budget = tenants.get(tenant);
        if (budget != null || !hasTenantBudget(tenant)) {
            return budget;
        }
        return tenants.getOrCreate(tenant, t -> new Budget(BudgetScope.TENANT, t, null, tenantLimit(t), PeriodClock.Periodicity.MONTH,
                periods, now, striping));
    }

    private long tenantLimit(String tenant) {
        Long own = tenantLimits.get(tenant);
        return own != null ? own : defaultTenantLimitNanos;
    }

    /** The budget of {@code tenant} if tracked; a pure read. */
    public Budget peekTenant(String tenant) {
        return tenants.peek(tenant);
    }

    /** A tenant budget that is not registered: what an unknown tenant looks like to a read. */
    public Budget newTenant(String tenant, long now) {
        return new Budget(BudgetScope.TENANT, tenant, null, tenantLimit(tenant), PeriodClock.Periodicity.MONTH, periods, now);
    }

    /** The agents tracked. */
    public List<String> agentIds() {
        return agents.keys();
    }

    /** Number of agents tracked. */
    public int agentCount() {
        return agents.size();
    }

    /** The cap on agents. */
    public int maxAgents() {
        return agents.capacity();
    }

    /** Number of tenants tracked. */
    public int tenantCount() {
        return tenants.size();
    }

    /** The cap on tenants. */
    public int maxTenants() {
        return tenants.capacity();
    }

    /** The clock. */
    public Clock clock() {
        return clock;
    }
}
