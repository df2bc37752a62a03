package dev.agentsre;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.cost.BudgetState;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.event.BudgetPeriodRolledOver;
import dev.agentsre.event.BudgetStateChanged;
import dev.agentsre.event.CostCharged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.event.TaskRefused;
import dev.agentsre.internal.Money;
import dev.agentsre.testing.ManualClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/**
 * The soak: nearly two million tasks through the whole pipeline on four threads over 39 simulated
 * days that cross two month ends, with agents hitting their kill switch and failing tasks on the way.
 * Every hour of simulated time the threads meet at a barrier that moves the clock, so every task
 * belongs to one period and the threads then race each other into the new one. Money and event
 * totals must match to the nano-dollar; the retained heap must be flat.
 */
class PipelineSoakTest {

    private static final int THREADS = 4;
    private static final int HOURS = 39 * 24;
    private static final int TASKS_PER_THREAD_PER_HOUR = 500;
    private static final int AGENTS = 20;
    private static final int TENANTS = 3;

    @Test
    void millionsOfTasksOverDaysAndMonthEndsAddUpExactlyWithAFlatHeap() throws Exception {
        ManualClock clock = ManualClock.at(Instant.parse("2026-01-25T00:00:00Z"));
        SreEventBus bus = new SreEventBus();
        CostGuard guard = CostGuard.builder().clock(clock).eventBus(bus).perTaskLimit(1.00).perAgentDailyLimit(12.00)
                .tenantOf(agent -> "tenant-" + Integer.parseInt(agent.substring(6)) % TENANTS).perTenantMonthlyBudget(100_000.00)
                .orgMonthlyBudget(1_000_000.00).killSwitchThreshold(1.0).build();
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().failureThreshold(50).clock(clock).build(), bus);
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).costGuard(guard).breakers(breakers).build();

        // what the bodies charged, per agent and in total; what the events say
        LongAdder[] chargedByAgent = new LongAdder[AGENTS];
        for (int a = 0; a < AGENTS; a++) {
            chargedByAgent[a] = new LongAdder();
        }
        LongAdder chargedEvents = new LongAdder();
        LongAdder chargedEventNanos = new LongAdder();
        LongAdder charges = new LongAdder();
        LongAdder refusedEvents = new LongAdder();
        LongAdder refusals = new LongAdder();
        Map<String, LongAdder> rolledOverNanos = new ConcurrentHashMap<>();
        Map<String, LongAdder> rollOvers = new ConcurrentHashMap<>();
        Map<String, BudgetState> lastState = new ConcurrentHashMap<>();
        AtomicLong stateChainBreaks = new AtomicLong();
        bus.subscribe(CostCharged.class, e -> {
            chargedEvents.increment();
            chargedEventNanos.add(Money.toNanos("amount", e.usd()));
        });
        bus.subscribe(TaskRefused.class, e -> refusedEvents.increment());
        bus.subscribe(BudgetPeriodRolledOver.class, e -> {
            String budget = e.scope() + "/" + e.owner();
            rolledOverNanos.computeIfAbsent(budget, k -> new LongAdder()).add(Money.toNanos("spent", e.previousSpentUsd()));
            rollOvers.computeIfAbsent(budget, k -> new LongAdder()).increment();
        });
        bus.subscribe(BudgetStateChanged.class, e -> {
            BudgetState before = lastState.put(e.scope() + "/" + e.owner(), e.to());
            if ((before == null ? BudgetState.ACTIVE : before) != e.from()) {
                stateChainBreaks.incrementAndGet();
            }
        });

        List<Long> heap = new ArrayList<>();
        AtomicLong hoursDone = new AtomicLong();
        CyclicBarrier hour = new CyclicBarrier(THREADS, () -> {
            long done = hoursDone.incrementAndGet();
            if (done == 3 * 24 || done == HOURS) {
                heap.add(GraphLayout.parseInstance(sre).totalSize());
            }
            if (done < HOURS) {
                clock.advance(Duration.ofHours(1)); // the last day stays current: its spend is read from the guard
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            threads.add(pool.submit(() -> {
                long n = thread;
                for (int h = 0; h < HOURS; h++) {
                    for (int i = 0; i < TASKS_PER_THREAD_PER_HOUR; i++, n += THREADS) {
                        int agent = (int) (n % AGENTS);
                        long nanos = (n * 7_919 % 100) * 100_000L; // $0 to $0.0099, exact
                        boolean fails = n % 97 == 0;
                        // task ids of one length ("t-1000...."): the heap at day 3 and day 39 compares like with like
                        try {
                            sre.agent("agent-" + agent).task("t-" + (100_000_000L + n)).estimatedCost(0.01).call(ctx -> {
                                ctx.reportCost(Money.toDouble(nanos));
                                chargedByAgent[agent].add(nanos);
                                if (nanos > 0) {
                                    charges.increment();
                                }
                                if (fails) {
                                    throw new IllegalStateException("a failing task: charged, and counted by the breaker");
                                }
                                return "ok";
                            });
                        } catch (TaskRefusedException refused) {
                            refusals.increment(); // killed for the rest of the day: the body did not run
                        } catch (IllegalStateException expected) {
                            // the failing task
                        }
                    }
                    hour.await(60, TimeUnit.SECONDS);
                }
                return null;
            }));
        }
        for (Future<?> thread : threads) {
            thread.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();

        long tasks = (long) THREADS * HOURS * TASKS_PER_THREAD_PER_HOUR;
        long charged = 0;
        for (LongAdder a : chargedByAgent) {
            charged += a.sum();
        }
        System.out.printf("soak: %,d tasks over %d simulated days on %d threads, %,d refused, $%s charged; retained heap %s bytes%n",
                tasks, HOURS / 24, THREADS, refusals.sum(), Money.toUsd(charged), heap);

        // money: every nano-dollar the bodies charged is in the events and in the budgets' periods
        assertThat(chargedEvents.sum()).isEqualTo(charges.sum());
        assertThat(chargedEventNanos.sum()).isEqualTo(charged);
        assertThat(spentAcrossPeriods(rolledOverNanos, "ORGANIZATION/organization", guard.organizationSnapshot().spentUsd()))
                .isEqualTo(charged);
        for (int a = 0; a < AGENTS; a++) {
            String agent = "agent-" + a;
            assertThat(spentAcrossPeriods(rolledOverNanos, "AGENT/" + agent, guard.snapshot(agent).spentUsd()))
                    .as(agent).isEqualTo(chargedByAgent[a].sum());
        }
        long tenantTotal = 0;
        for (int t = 0; t < TENANTS; t++) {
            tenantTotal += spentAcrossPeriods(rolledOverNanos, "TENANT/tenant-" + t, guard.tenantSnapshot("tenant-" + t).spentUsd());
        }
        assertThat(tenantTotal).isEqualTo(charged);
        // events: one roll-over per budget per boundary crossed, however many threads raced into the new period
        assertThat(rollOvers.get("ORGANIZATION/organization").sum()).isEqualTo(2); // February 1st and March 1st
        for (int t = 0; t < TENANTS; t++) {
            assertThat(rollOvers.get("TENANT/tenant-" + t).sum()).isEqualTo(2);
        }
        for (int a = 0; a < AGENTS; a++) {
            assertThat(rollOvers.get("AGENT/agent-" + a).sum()).isEqualTo(38);
        }
        assertThat(refusedEvents.sum()).isEqualTo(refusals.sum());
        assertThat(refusals.sum()).isPositive(); // agents did hit their daily kill switch
        assertThat(stateChainBreaks).hasValue(0);
        assertThat(guard.openReservations()).isZero();
        assertThat(guard.organizationSnapshot().heldUsd()).isEqualByComparingTo("0");
        // heap: flat from day 3 to day 39
        assertThat(heap).hasSize(2);
        assertThat(heap.get(1)).isLessThanOrEqualTo(heap.get(0) + heap.get(0) / 100);
    }

    private static long spentAcrossPeriods(Map<String, LongAdder> rolledOver, String budget, BigDecimal current) {
        LongAdder previous = rolledOver.get(budget);
        return (previous == null ? 0 : previous.sum()) + Money.toNanos("spent", current);
    }
}
