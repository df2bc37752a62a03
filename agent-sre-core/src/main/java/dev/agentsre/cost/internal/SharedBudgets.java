package dev.agentsre.cost.internal;

import dev.agentsre.cost.BudgetScope;
import dev.agentsre.internal.Money;
import dev.agentsre.store.FailurePolicyBudgetStore;
import dev.agentsre.store.Flag;
import dev.agentsre.store.FlagKeys;
import dev.agentsre.store.FlagStore;
import dev.agentsre.store.ReserveResult;
import dev.agentsre.store.ScopeBalance;
import dev.agentsre.store.ScopeLimit;
import dev.agentsre.store.SettleResult;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cost guard's budgets in a shared {@link dev.agentsre.store.BudgetStore} (and its kill switches in a
 * {@link FlagStore}): the scope keys, the reservation and charge ids, and the bridge from what the
 * store reports back to the guard's own periods. Not API.
 *
 * <p><b>Keys.</b> {@code task:<agent>:<task>} (per-task limit, kept a day), {@code agent:<agent>:d:<day>},
 * {@code tenant:<tenant>:m:<month>}, {@code org:m:<month>}; days and months of the guard's zone,
 * taken from the period the guard charges (so a reservation's keys are those of the period it was
 * taken in). Ids are escaped ({@code %} and {@code :}) so that no two budgets share a key. Kill
 * switches are flags {@code kill:<scope key>}, lapsing with their period's key.
 */
public final class SharedBudgets {

    private static final Logger LOG = LoggerFactory.getLogger(SharedBudgets.class);
    private static final Duration TASK_RETENTION = Duration.ofDays(1);
    /** Prefix of the flags that mark a budget period revived. */
    static final String REVIVED = "revived:";

    private final FailurePolicyBudgetStore store;
    private final FlagStore flags;
    private final ZoneId zone;
    private final Duration lease;
    private final long perTaskLimitNanos;
    private final String instance = UUID.randomUUID().toString();
    private final AtomicLong chargeIds = new AtomicLong();

    /** Budgets in {@code store} (null: none), kills in {@code flags} (null: none). */
    public SharedBudgets(FailurePolicyBudgetStore store, FlagStore flags, ZoneId zone, Duration lease, long perTaskLimitNanos) {
        this.store = store;
        this.flags = flags;
        this.zone = zone;
        this.lease = lease;
        this.perTaskLimitNanos = perTaskLimitNanos;
    }

    /** Whether budgets are in a store. */
    public boolean hasStore() {
        return store != null;
    }

    /** Whether kill switches are shared. */
    public boolean hasFlags() {
        return flags != null;
    }

    /** The store id of this guard's local reservation {@code localId}: unique across JVMs and restarts. */
    public String reservationId(long localId) {
        return "r:" + instance + ":" + localId;
    }

    /**
     * The store id of a charge: the caller's charge id (escaped with the agent and task, so a retry in
     * any JVM is counted once), or a fresh one.
     */
    public String chargeId(String agentId, String taskId, String chargeId) {
        return chargeId == null ? "c:" + instance + ":" + chargeIds.incrementAndGet()
                : "c:" + escape(agentId) + ":" + escape(taskId) + ":" + escape(chargeId);
    }

    /** The store scopes of a task: the task (if the per-task limit is on), then {@code budgets} in their order. */
    public List<ScopeLimit> scopes(String agentId, String taskId, Budget[] budgets, Period[] periods) {
        List<ScopeLimit> scopes = new ArrayList<>(budgets.length + 1);
        if (perTaskLimitNanos != Budget.UNLIMITED) {
            // kept a day past the agent's day: long enough for the task's last commit
            scopes.add(new ScopeLimit("task:" + escape(agentId) + ":" + escape(taskId), perTaskLimitNanos,
                    Instant.ofEpochMilli(periods[0].endMillis).plus(TASK_RETENTION)));
        }
        for (int i = 0; i < budgets.length; i++) {
            scopes.add(scope(budgets[i], periods[i]));
        }
        return scopes;
    }

    private ScopeLimit scope(Budget budget, Period period) {
        Instant start = Instant.ofEpochMilli(period.startMillis);
        long limit = budget.limited() ? budget.limitNanos : ScopeLimit.UNLIMITED;
        switch (budget.scope) {
            case AGENT:
                return ScopeLimit.daily("agent:" + escape(budget.owner), limit, start, zone);
            case TENANT:
                return ScopeLimit.monthly("tenant:" + escape(budget.owner), limit, start, zone);
            default:
                return ScopeLimit.monthly("org", limit, start, zone);
        }
    }

    /**
     * Reserves in the store. Returns null when granted (or admitted provisionally), else the refusal:
     * {@code [scope or null, reason]}.
     */
    public Object[] reserve(String id, List<ScopeLimit> scopes, long estimate, Budget[] budgets, Period[] periods) {
        ReserveResult result = store.reserve(id, scopes, estimate, lease);
        if (result.granted()) {
            observe(result.balances(), budgets, periods);
            return null;
        }
        if (result.status() == ReserveResult.Status.REFUSED && result.refusedScope() >= 0) {
            int offset = scopes.size() - budgets.length;
            int i = result.refusedScope();
            BudgetScope scope = i < offset ? BudgetScope.TASK : budgets[i - offset].scope;
            observe(result.balances(), budgets, periods);
            ScopeBalance b = result.balances().get(i);
            String what = i < offset ? "per-task limit" : budgets[i - offset].describe(periods[i - offset]);
            return new Object[] {scope, "estimate " + Money.format(estimate) + " does not fit the " + what + " across the fleet (spent "
                    + Money.format(b.spentNanos()) + ", held " + Money.format(b.heldNanos()) + " of " + Money.format(scopes.get(i).limitNanos())
                    + " in '" + scopes.get(i).key() + "')"};
        }
        return new Object[] {null, result.reason()};
    }

    /** Commits a reservation; its periods follow the fleet's spend the store reports. */
    public void commit(String id, long nanos, Budget[] budgets, Period[] periods) {
        observe(store.commit(id, nanos), budgets, periods);
    }

    /** Releases a reservation (idempotent; queued while the store is away). */
    public void release(String id) {
        store.release(id);
    }

    /** Charges after the fact, once per id; the periods follow the fleet's spend. */
    public void charge(String id, List<ScopeLimit> scopes, long nanos, Budget[] budgets, Period[] periods) {
        observe(store.charge(id, scopes, nanos), budgets, periods);
    }

    private void observe(SettleResult result, Budget[] budgets, Period[] periods) {
        observe(result.balances(), budgets, periods);
    }

    /** Raises each period's spend to the fleet's (balances in scope order, a task scope first if any). */
    private void observe(List<ScopeBalance> balances, Budget[] budgets, Period[] periods) {
        if (balances.isEmpty()) {
            return;
        }
        int offset = balances.size() - budgets.length;
        for (int i = 0; i < budgets.length && offset >= 0; i++) {
            periods[i].observeSpent(balances.get(offset + i).spentNanos());
        }
    }

    /** Whether another JVM (or this one) engaged the kill switch of {@code budget}'s {@code period}. */
    public boolean killedElsewhere(Budget budget, Period period) {
        return flags != null && flags.isSet(killKey(budget, period));
    }

    /** Shares a kill of {@code budget}'s {@code period} with the fleet (until the period's key lapses). */
    public void shareKill(Budget budget, Period period, String reason) {
        if (flags == null) {
            return;
        }
        ScopeLimit scope = scope(budget, period);
        try {
            flags.set(FlagKeys.KILL + scope.key(), reason, Duration.ofMillis(Math.max(1, scope.retainUntil().toEpochMilli() - period.startMillis)));
        } catch (RuntimeException e) {
            LOG.warn("Could not share the kill of {} with the fleet: {}", scope.key(), e.getMessage());
        }
    }

    /**
     * Shares a revive of {@code budget}'s {@code period}: clears its kill and marks it revived, so that
     * every guard over the same flags revives it too (on its next admission) and none kills it again
     * this period.
     */
    public void shareRevive(Budget budget, Period period) {
        if (flags == null) {
            return;
        }
        ScopeLimit scope = scope(budget, period);
        try {
            flags.clear(FlagKeys.KILL + scope.key());
            flags.set(REVIVED + scope.key(), "revived", Duration.ofMillis(Math.max(1, scope.retainUntil().toEpochMilli() - period.startMillis)));
        } catch (RuntimeException e) {
            LOG.warn("Could not share the revive of {} with the fleet: {}", scope.key(), e.getMessage());
        }
    }

    /** Whether a guard revived {@code budget}'s {@code period} (its automatic enforcement is off for the period). */
    public boolean revivedElsewhere(Budget budget, Period period) {
        return flags != null && flags.isSet(REVIVED + scope(budget, period).key());
    }

    /** Longest a kill by hand "until revived" is kept in the flag store (a flag needs a TTL). */
    static final Duration KILL_BY_HAND_UNTIL_REVIVED = Duration.ofDays(3650);

    /**
     * Shares a kill by hand of an agent's {@code budget} with the fleet for {@code ttl} ({@code null}:
     * until revived), so every guard over the same flags refuses the agent too. Unlike a kill switch it
     * is not keyed by period: it lasts across roll-overs, as the kill by hand does here.
     */
    public void shareKillByHand(String agentId, String reason, Duration ttl) {
        if (flags == null) {
            return;
        }
        try {
            flags.set(killByHandKey(agentId), reason, ttl == null ? KILL_BY_HAND_UNTIL_REVIVED : ttl);
        } catch (RuntimeException e) {
            LOG.warn("Could not share the kill by hand of {} with the fleet: {}", agentId, e.getMessage());
        }
    }

    /** Ends a shared kill by hand of {@code agentId} (a revive); nothing when there is none. */
    public void clearKillByHand(String agentId) {
        if (flags == null) {
            return;
        }
        try {
            flags.clear(killByHandKey(agentId));
        } catch (RuntimeException e) {
            LOG.warn("Could not share the revive of {} with the fleet: {}", agentId, e.getMessage());
        }
    }

    /**
     * Puts the shared kill by hand of {@code agentId} back as it was ({@code before}, or none) after a
     * kill this guard shared could not be applied here.
     */
    public void restoreKillByHand(String agentId, Flag before, long nowMillis) {
        if (before == null) {
            clearKillByHand(agentId);
            return;
        }
        long left = before.expiresAt() == null ? KILL_BY_HAND_UNTIL_REVIVED.toMillis() : before.expiresAt().toEpochMilli() - nowMillis;
        if (left <= 0) {
            clearKillByHand(agentId);
        } else {
            shareKillByHand(agentId, before.value(), Duration.ofMillis(left));
        }
    }

    /** The kill by hand of {@code agentId} shared by any guard of the fleet (this one too), or {@code null}. */
    public Flag killedByHandElsewhere(String agentId) {
        if (flags == null) {
            return null;
        }
        return flags.get(killByHandKey(agentId)).orElse(null);
    }

    private static String killByHandKey(String agentId) {
        return FlagKeys.KILL + "hand:" + escape(agentId);
    }

    /** The flag key of {@code budget}'s kill in {@code period}. */
    public String killKey(Budget budget, Period period) {
        return FlagKeys.KILL + scope(budget, period).key();
    }

    /** {@code %}, {@code :} and control characters as {@code %XX}: ids can never collide or break a key. */
    static String escape(String id) {
        StringBuilder out = null;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c == '%' || c == ':' || Character.isISOControl(c)) {
                if (out == null) {
                    out = new StringBuilder(id.length() + 8).append(id, 0, i);
                }
                out.append('%').append(Character.forDigit(c >> 4 & 0xF, 16)).append(Character.forDigit(c & 0xF, 16)); // all below 0x100
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? id : out.toString();
    }

    static String unescape(String id) {
        if (id.indexOf('%') < 0) {
            return id;
        }
        StringBuilder out = new StringBuilder(id.length());
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c == '%' && i + 2 < id.length()) {
                out.append((char) Integer.parseInt(id.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
