package dev.agentsre.store.redis;

import dev.agentsre.store.BudgetStore;
import dev.agentsre.store.ReserveResult;
import dev.agentsre.store.ScopeBalance;
import dev.agentsre.store.ScopeLimit;
import dev.agentsre.store.SettleResult;
import dev.agentsre.store.Settlement;
import dev.agentsre.store.internal.BudgetArgs;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link BudgetStore} of a {@link RedisStateStore}: every operation is one Lua script, so a
 * reservation over all its scopes is one atomic step on the server whatever the number of JVMs.
 *
 * <p><b>Keys</b> (all in the namespace's hash slot): {@code {ns}:b:<scope>} a hash of
 * {@code spent} and {@code held} (expiring at the scope's retain-until), {@code {ns}:r:<id>} a
 * reservation or settled id ({@code st}, {@code amt}, its scope keys; expiring after the
 * idempotency window once settled), {@code {ns}:leases} a sorted set of open reservations by lease
 * expiry. Leases expire on the server's clock unless the store was given a clock.
 */
final class RedisBudgetStore implements BudgetStore {

    private final RedisConnector redis;
    private final String prefix;
    private final String leasesKey;
    private final Clock clock;
    private final String settledTtlMillis;

    RedisBudgetStore(RedisConnector redis, String prefix, Clock clock, Duration idempotencyWindow) {
        this.redis = redis;
        this.prefix = prefix;
        this.leasesKey = prefix + "leases";
        this.clock = clock;
        this.settledTtlMillis = Long.toString(idempotencyWindow.toMillis());
    }

    private String now() {
        return clock == null ? "" : Long.toString(clock.millis());
    }

    private String reservationKey(String id) {
        return prefix + "r:" + id;
    }

    private String scopeKey(String key) {
        return prefix + "b:" + key;
    }

    @Override
    public ReserveResult reserve(String reservationId, List<ScopeLimit> scopes, long amountNanos, Duration lease) {
        List<ScopeLimit> list = BudgetArgs.reserve(reservationId, scopes, amountNanos, lease);
        int n = list.size();
        String[] keys = new String[2 + n];
        keys[0] = leasesKey;
        keys[1] = reservationKey(reservationId);
        String[] args = new String[7 + 2 * n];
        args[0] = reservationId;
        args[1] = Long.toString(amountNanos);
        args[2] = now();
        args[3] = Long.toString(lease.toMillis());
        args[4] = settledTtlMillis;
        args[5] = prefix + "r:";
        args[6] = Integer.toString(n);
        for (int i = 0; i < n; i++) {
            ScopeLimit scope = list.get(i);
            keys[2 + i] = scopeKey(scope.key());
            args[7 + i] = Long.toString(scope.limitNanos());
            args[7 + n + i] = Long.toString(scope.retainUntil().toEpochMilli());
        }
        List<Object> reply = redis.eval(RedisScript.RESERVE, keys, args);
        String status = (String) reply.get(0);
        switch (status) {
            case "GRANTED":
                return ReserveResult.granted(balances(reply));
            case "REFUSED":
                return ReserveResult.refused(Integer.parseInt((String) reply.get(1)) - 1, list, balances(reply), amountNanos);
            case "SETTLED":
                return ReserveResult.settled(reservationId);
            default:
                throw new IllegalStateException("unexpected reply of the reserve script: " + reply);
        }
    }

    @Override
    public SettleResult commit(String reservationId, long actualNanos) {
        BudgetArgs.commit(reservationId, actualNanos);
        return settle("commit", reservationId, List.of(), actualNanos);
    }

    @Override
    public SettleResult release(String reservationId) {
        BudgetArgs.id("reservationId", reservationId);
        return settle("release", reservationId, List.of(), 0);
    }

    @Override
    public SettleResult charge(String chargeId, List<ScopeLimit> scopes, long amountNanos) {
        List<ScopeLimit> list = BudgetArgs.charge(chargeId, scopes, amountNanos);
        return settle("charge", chargeId, list, amountNanos);
    }

    private SettleResult settle(String mode, String id, List<ScopeLimit> scopes, long amountNanos) {
        int n = scopes.size();
        String[] keys = new String[2 + n];
        keys[0] = leasesKey;
        keys[1] = reservationKey(id);
        String[] args = new String[6 + n];
        args[0] = mode;
        args[1] = Long.toString(amountNanos);
        args[2] = id;
        args[3] = settledTtlMillis;
        args[4] = now();
        args[5] = Integer.toString(n);
        for (int i = 0; i < n; i++) {
            keys[2 + i] = scopeKey(scopes.get(i).key());
            args[6 + i] = Long.toString(scopes.get(i).retainUntil().toEpochMilli());
        }
        List<Object> reply = redis.eval(RedisScript.SETTLE, keys, args);
        Settlement settlement = Settlement.valueOf((String) reply.get(0));
        return new SettleResult(settlement, balances(reply));
    }

    @Override
    public boolean renew(String reservationId, Duration lease) {
        BudgetArgs.renew(reservationId, lease);
        Long renewed = redis.evalLong(RedisScript.RENEW, new String[] {leasesKey, reservationKey(reservationId)},
                reservationId, now(), Long.toString(lease.toMillis()));
        return renewed != null && renewed == 1;
    }

    @Override
    public ScopeBalance balance(String key) {
        String redisKey = scopeKey(key);
        List<io.lettuce.core.KeyValue<String, String>> values = redis.call("HMGET", c -> c.hmget(redisKey, "spent", "held"));
        return new ScopeBalance(key, parse(values.get(0).getValueOrElse("0")), parse(values.get(1).getValueOrElse("0")));
    }

    /** The scope balances in a script reply: triples (Redis key, spent, held) after the status and index. */
    private List<ScopeBalance> balances(List<Object> reply) {
        List<ScopeBalance> result = new ArrayList<>((reply.size() - 2) / 3);
        for (int i = 2; i + 2 < reply.size(); i += 3) {
            String key = ((String) reply.get(i)).substring(prefix.length() + 2); // drop "{ns}:b:"
            result.add(new ScopeBalance(key, parse((String) reply.get(i + 1)), parse((String) reply.get(i + 2))));
        }
        return result;
    }

    private static long parse(String value) {
        return value == null || value.isEmpty() ? 0 : Long.parseLong(value);
    }

    @Override
    public void close() {
        // the connection belongs to the RedisStateStore
    }
}
