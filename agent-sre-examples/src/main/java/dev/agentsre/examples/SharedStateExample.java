package dev.agentsre.examples;

import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueDetectorConfig;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.CostReservation;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.store.BudgetPeriod;
import dev.agentsre.store.redis.RedisStateStore;
import io.lettuce.core.RedisClient;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Two replicas of an agent service sharing one Redis. Each replica has its own connection, cost
 * guard, rogue-agent detector and SLO — as two JVMs would — and through the {@link RedisStateStore}:
 * <ol>
 *   <li>the research agent's $10 day (Europe/Berlin) is one budget: 2 × 8 tasks of $1 get exactly 10
 *       grants between them, $10.00 committed;</li>
 *   <li>a quarantine decided by replica A refuses the agent in replica B;</li>
 *   <li>the checkout SLO counts both replicas' tasks;</li>
 *   <li>replica A restarts and finds the day's spend and the SLO's window as they were.</li>
 * </ol>
 * Run it against a local Redis: {@code mvn -pl agent-sre-examples exec:java
 * -Ddemo.main=dev.agentsre.examples.SharedStateExample -Ddemo.args=redis://127.0.0.1:6379}.
 */
public final class SharedStateExample {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    private SharedStateExample() {
    }

    /** What happened, for the test. */
    public record Outcome(List<String> log, int granted, boolean quarantineSeenByB, long sloEvents, double spentAfterRestart) {
    }

    /** One replica: what an agent service JVM would build. */
    private record Replica(RedisClient client, RedisStateStore store, CostGuard guard, RogueAgentDetector detector, ErrorBudget slo)
            implements AutoCloseable {

        static Replica start(String uri, String namespace, Clock clock) {
            RedisClient client = RedisClient.create(uri);
            RedisStateStore store = RedisStateStore.builder(client).namespace(namespace).build();
            CostGuard guard = CostGuard.builder().perAgentDailyLimit(10.00).orgMonthlyBudget(1_000.00).zone(BERLIN).clock(clock)
                    .budgetStore(store.budgets()).flagStore(store.flags()).build();
            RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().clock(clock).build(), new SreEventBus(),
                    store.flags());
            ErrorBudget slo = ErrorBudget.builder().target(0.99).window(Duration.ofDays(30)).clock(clock)
                    .windowStore(store.windows(), "slo:checkout").build();
            return new Replica(client, store, guard, detector, slo);
        }

        @Override
        public void close() {
            slo.close();      // sends its last events
            store.close();
            client.shutdown();
        }
    }

    /** Runs the scenario against the Redis at {@code uri}, in its own {@code namespace}. */
    public static Outcome run(String uri, String namespace, Clock clock) {
        List<String> log = new ArrayList<>();
        int granted = 0;
        boolean seen;
        long events;
        double spent;
        try (Replica a = Replica.start(uri, namespace, clock); Replica b = Replica.start(uri, namespace, clock)) {
            // 1. one budget for the fleet
            for (int i = 0; i < 8; i++) {
                for (Replica r : List.of(a, b)) {
                    CostReservation reservation = r.guard().reserve("research", (r == a ? "a-" : "b-") + i, 1.00);
                    if (reservation.isGranted()) {
                        reservation.commit(1.00);
                        granted++;
                        r.slo().recordEvent(true);
                    } else {
                        r.slo().recordEvent(false);
                    }
                }
            }
            log.add("granted " + granted + " of 16 $1 tasks; replica B sees $" + b.guard().snapshot("research").spentUsd() + " spent");

            // 2. a quarantine in A, enforced in B
            a.detector().quarantine("scraper", "tool loop: search_kb 400 times");
            b.store().refreshFlags(); // what B's own thread does within a second (at once with pub/sub)
            seen = !b.detector().admit("scraper");
            log.add("replica B admits scraper: " + !seen);

            // 3. one SLO for the fleet
            a.slo().sync();
            b.slo().sync();
            a.slo().sync();
            events = a.slo().totalEvents();
            log.add("checkout SLO: " + events + " events from both replicas, " + a.slo().badEvents() + " bad");
        }
        // 4. replica A restarts
        try (Replica a = Replica.start(uri, namespace, clock)) {
            CostReservation more = a.guard().reserve("research", "after-restart", 1.00);
            log.add("after restart: another $1 task " + (more.isGranted() ? "granted" : "refused (" + more.decision().scope() + ")")
                    + "; SLO window holds " + a.slo().totalEvents() + " events");
            String day = BudgetPeriod.DAY.key("agent:research", clock.instant(), BERLIN);
            spent = a.store().budgets().balance(day).spentNanos() / 1e9;
            log.add("after restart: research is " + a.guard().state("research") + " (the kill at 95% was shared), $"
                    + String.format(Locale.ROOT, "%.2f", spent) + " spent today in Redis");
        }
        return new Outcome(log, granted, seen, events, spent);
    }

    /** Runs against {@code args[0]} (default {@code redis://127.0.0.1:6379}) and prints what happened. */
    public static void main(String[] args) {
        String uri = args.length > 0 ? args[0] : "redis://127.0.0.1:6379";
        Outcome outcome = run(uri, "example-" + System.currentTimeMillis(), Clock.systemUTC());
        outcome.log().forEach(System.out::println);
    }
}
