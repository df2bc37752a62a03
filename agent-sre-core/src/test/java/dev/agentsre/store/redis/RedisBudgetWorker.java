package dev.agentsre.store.redis;

import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.CostReservation;
import dev.agentsre.store.BudgetStore;
import dev.agentsre.store.ScopeLimit;
import io.lettuce.core.RedisClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * A separate JVM for the multi-process tests (started with the test classpath):
 * <ul>
 *   <li>{@code race <uri> <ns> <unused> <limitNanos> <count>}: a cost guard over the store with that daily
 *       limit for agent {@code racer}; waits for "go" on stdin, reserves $1 {@code count} times,
 *       commits each grant at $1, prints {@code granted N};</li>
 *   <li>{@code die <uri> <ns> <scopeKey> <limitNanos> <amountNanos> <leaseMillis>}: reserves, prints
 *       {@code reserved}, and halts without releasing (a JVM that crashed mid-task).</li>
 * </ul>
 */
public final class RedisBudgetWorker {

    private RedisBudgetWorker() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        RedisClient client = RedisClient.create(args[1]);
        RedisStateStore store = RedisStateStore.builder(client).namespace(args[2]).commandTimeout(Duration.ofSeconds(5)).build();
        BudgetStore budgets = store.budgets();
        List<ScopeLimit> scopes = List.of(new ScopeLimit(args[3], Long.parseLong(args[4]), Instant.now().plus(Duration.ofDays(1))));
        String pid = Long.toString(ProcessHandle.current().pid());
        if (mode.equals("die")) {
            boolean granted = budgets.reserve("dying-" + pid, scopes, Long.parseLong(args[5]), Duration.ofMillis(Long.parseLong(args[6]))).granted();
            System.out.println(granted ? "reserved" : "refused");
            System.out.flush();
            Runtime.getRuntime().halt(0); // no close, no release: the hold stays until its lease ends
        }
        int count = Integer.parseInt(args[5]);
        // a cost guard per process, as in a service: $1 tasks against the agent's daily limit
        CostGuard guard = CostGuard.builder().perAgentDailyLimit(Long.parseLong(args[4]) / 1e9).zone(ZoneOffset.UTC)
                .budgetStore(budgets).build();
        System.out.println("ready");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (!"go".equals(in.readLine())) {
            throw new IllegalStateException("expected go");
        }
        int granted = 0;
        for (int i = 0; i < count; i++) {
            CostReservation r = guard.reserve("racer", "p" + pid + "-" + i, 1.00);
            if (r.isGranted()) {
                r.commit(1.00);
                granted++;
            }
        }
        System.out.println("granted " + granted);
        System.out.flush();
        store.close();
        client.shutdown();
    }
}
