package dev.agentsre.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.event.BudgetEvicted;
import dev.agentsre.event.BudgetPeriodRolledOver;
import dev.agentsre.event.BudgetStateChanged;
import dev.agentsre.event.CostEvent;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualClock;
import dev.agentsre.testing.Race;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

/** Hardening I: the cost guard at its boundaries. Each test is named after the defect it pins down. */
class CostGuardHardeningTest {

    private static final Instant BEFORE_MIDNIGHT = Instant.parse("2026-03-10T23:59:59Z");

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-10T09:00:00Z"));
    private final SreEventBus bus = new SreEventBus();
    private final List<CostEvent> events = Collections.synchronizedList(new ArrayList<>());

    CostGuardHardeningTest() {
        bus.subscribe(CostEvent.class, events::add);
    }

    private CostGuard.Builder guard() {
        return CostGuard.builder().clock(clock).eventBus(bus);
    }

    /** A clock each thread can hold at its own instant: a thread that read the time and was descheduled. */
    private static final class PerThreadClock extends Clock {
        final ThreadLocal<Long> millis = new ThreadLocal<>();
        volatile long shared;

        PerThreadClock(Instant start) {
            shared = start.toEpochMilli();
        }

        @Override
        public long millis() {
            Long own = millis.get();
            return own != null ? own : shared;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    // #8: a thread that read the clock just before midnight replaced the new period with a fresh old
    // one: $6.00 of spend vanished and wrong roll-over events were published.
    @Test
    void defect8_aLateThreadFromBeforeMidnightNeverReplacesTheNewDay() throws Exception {
        PerThreadClock times = new PerThreadClock(Instant.parse("2026-03-10T12:00:00Z"));
        CostGuard guard = CostGuard.builder().clock(times).eventBus(bus).build();
        guard.recordCost("a", "t0", 4.00); // day 1
        long lastMillisOfDay1 = Instant.parse("2026-03-10T23:59:59.999Z").toEpochMilli();
        times.shared = Instant.parse("2026-03-11T00:00:00.001Z").toEpochMilli();
        guard.recordCost("a", "t1", 6.00); // rolls over to day 2

        Thread late = new Thread(() -> {
            times.millis.set(lastMillisOfDay1); // read the clock before midnight, charges after the roll-over
            guard.recordCost("a", "t2", 1.00);
        });
        late.start();
        late.join();

        assertThat(guard.snapshot("a").spentUsd()).isEqualByComparingTo("7.00"); // day 2 kept its $6 (and took the late $1)
        assertThat(events).filteredOn(BudgetPeriodRolledOver.class::isInstance).singleElement() // the agent's day, once, forward
                .satisfies(e -> assertThat(((BudgetPeriodRolledOver) e).previousSpentUsd()).isEqualByComparingTo("4.00"));
    }

    @Test
    void defect8_rollOverIsMonotonicUnderEightThreadsStraddlingMidnight() throws Exception {
        for (int round = 0; round < 10; round++) {
            SreEventBus roundBus = new SreEventBus();
            List<BudgetPeriodRolledOver> rolled = Collections.synchronizedList(new ArrayList<>());
            roundBus.subscribe(BudgetPeriodRolledOver.class, rolled::add);
            PerThreadClock times = new PerThreadClock(Instant.parse("2026-03-10T23:59:59.990Z"));
            CostGuard guard = CostGuard.builder().clock(times).eventBus(roundBus).build();
            LongAdder charged = new LongAdder();
            Race.run(8, thread -> {
                for (int i = 0; i < 2_000; i++) {
                    // half the charges read a time before midnight, half after, interleaved
                    times.millis.set(Instant.parse("2026-03-10T23:59:59.990Z").toEpochMilli() + (i + thread) % 20);
                    guard.recordCost("a", "t" + thread, 0.001);
                    charged.add(1_000_000);
                }
            });
            List<BudgetPeriodRolledOver> agentRolls = rolled.stream().filter(e -> "a".equals(e.agentId())).toList();
            assertThat(agentRolls).as("round %d: exactly one roll-over, forward", round).hasSize(1);
            BigDecimal day1 = agentRolls.get(0).previousSpentUsd();
            BigDecimal day2 = guard.snapshot("a").spentUsd();
            assertThat(day1.add(day2)).isEqualByComparingTo(BigDecimal.valueOf(charged.sum(), 9)); // nothing vanished
        }
    }

    // #9: $10 reserved at 23:59:59 and $10 at 00:00:01 on a $10/day limit, and day 2 ended at $20.
    @Test
    void defect9_aReservationCommitsIntoTheDayItWasTakenIn() {
        clock.set(BEFORE_MIDNIGHT);
        CostGuard guard = guard().perAgentDailyLimit(10.00).killSwitchThreshold(1.0).build();
        CostReservation lateNight = guard.reserve("a", "t1", 10.00);
        clock.advance(Duration.ofSeconds(2)); // 00:00:01
        CostReservation morning = guard.reserve("a", "t2", 10.00);
        assertThat(lateNight.isGranted()).isTrue();
        assertThat(morning.isGranted()).isTrue();

        lateNight.commit(10.00); // after midnight: still day 1's money
        morning.commit(10.00);

        assertThat(guard.snapshot("a").spentUsd()).isEqualByComparingTo("10.00");
        assertThat(guard.checkTask("a", 0.01).allowed()).isFalse();
    }

    @Test
    void defect9_aMonthEndDoesNotMoveAReservationIntoTheNextMonth() {
        clock.set(Instant.parse("2026-03-31T23:59:59Z"));
        CostGuard guard = guard().orgMonthlyBudget(100.00).killSwitchThreshold(1.0).build();
        CostReservation march = guard.reserve("a", "t1", 60.00);
        clock.advance(Duration.ofSeconds(2));
        CostReservation april = guard.reserve("b", "t2", 100.00);
        march.commit(60.00);
        april.commit(100.00);
        assertThat(guard.organizationSnapshot().spentUsd()).isEqualByComparingTo("100.00");
        assertThat(guard.organizationSnapshot().periodStart()).isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
    }

    // #9: a clock stepping back 200 ms across midnight reset the budget ($36 charged against $10/day).
    @Test
    void defect9_aClockSteppingBackAcrossMidnightNeverReopensAPeriod() {
        clock.set(Instant.parse("2026-03-11T00:00:00.100Z"));
        CostGuard guard = guard().perAgentDailyLimit(10.00).killSwitchThreshold(1.0).build();
        guard.reserve("a", "first", 3.00).commit(3.00); // just after midnight: day 2
        BigDecimal charged = new BigDecimal("3.00");
        for (int step = 0; step < 12; step++) {
            clock.advanceMillis(step % 2 == 0 ? -200 : 200); // NTP stepping back and forth across midnight
            CostReservation r = guard.reserve("a", "t" + step, 3.00);
            if (r.isGranted()) {
                r.commit(3.00);
                charged = charged.add(new BigDecimal("3.00"));
            }
        }
        assertThat(charged).isEqualByComparingTo("9.00");
        assertThat(guard.snapshot("a").spentUsd()).isEqualByComparingTo("9.00");
        assertThat(events).filteredOn(BudgetPeriodRolledOver.class::isInstance).isEmpty();
    }

    // #9 under many threads: reservations taken before midnight commit after it while sixteen threads
    // reserve in the new day; day 2 holds exactly its own money.
    @Test
    void defect9_sixteenThreadsStraddlingMidnightChargeEachReservationToItsOwnDay() throws Exception {
        for (int round = 0; round < 10; round++) {
            clock.set(BEFORE_MIDNIGHT);
            CostGuard guard = guard().perAgentDailyLimit(10.00).killSwitchThreshold(1.0).build();
            List<CostReservation> lateNight = Collections.synchronizedList(new ArrayList<>());
            Race.run(8, thread -> lateNight.add(guard.reserve("a", "night-" + thread, 1.00)));
            assertThat(lateNight).allMatch(CostReservation::isGranted);
            clock.advance(Duration.ofSeconds(2)); // 00:00:01
            List<CostReservation> morning = Collections.synchronizedList(new ArrayList<>());
            Race.run(16, thread -> {
                if (thread < lateNight.size()) {
                    lateNight.get(thread).commit(1.00); // day 1's money, committed in day 2
                }
                CostReservation r = guard.reserve("a", "morning-" + thread, 1.00);
                if (r.isGranted()) {
                    morning.add(r);
                }
            });
            // Day 2's room is exactly its limit: none of day 1's commits took any of it.
            assertThat(morning).as("round %d", round).hasSize(10);
            morning.forEach(r -> r.commit(1.00));
            assertThat(guard.snapshot("a").spentUsd()).as("round %d", round).isEqualByComparingTo("10.00");
            assertThat(guard.snapshot("a").heldUsd()).isEqualByComparingTo("0");
        }
    }

    // #10: at the agent cap, agents whose period was not over were evicted with their state: a KILLED
    // agent came back ACTIVE with $0 spent after 200 new ids.
    @Test
    void defect10_aKilledAgentIsNeverEvictedAndANewAgentIsRefusedWhenOnlyPinnedOnesRemain() {
        CostGuard guard = guard().perAgentDailyLimit(10.00).killSwitchThreshold(0.9).maxAgents(5).build();
        guard.recordCost("rogue", "t", 9.50);
        assertThat(guard.state("rogue")).isEqualTo(BudgetState.KILLED);

        for (int i = 0; i < 200; i++) {
            guard.checkTask("new-" + i, 0.01); // new ids that spend nothing: they evict each other, never "rogue"
        }

        assertThat(guard.state("rogue")).isEqualTo(BudgetState.KILLED);
        assertThat(guard.snapshot("rogue").spentUsd()).isEqualByComparingTo("9.50");
        assertThat(guard.checkTask("rogue", 0.01).action()).isEqualTo(BudgetAction.KILL);
        assertThat(events).filteredOn(BudgetEvicted.class::isInstance).hasSizeGreaterThanOrEqualTo(195)
                .noneMatch(e -> "rogue".equals(e.agentId()));

        for (int i = 0; i < 4; i++) {
            guard.recordCost("spender-" + i, "t", 1.00); // spend under a limit today: pinned
        }
        CostDecision refused = guard.checkTask("one-too-many", 0.01);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.scope()).isEqualTo(BudgetScope.AGENT);
        assertThat(refused.reason()).contains("maxAgents").contains("5");
        assertThat(guard.reserve("one-too-many", "t", 0.01).isGranted()).isFalse();
        guard.recordCost("one-too-many", "t", 2.00); // a charge after the fact is never dropped
        assertThat(guard.organizationSnapshot().spentUsd()).isEqualByComparingTo("15.50");

        clock.advance(Duration.ofDays(1)); // the day is over: nothing is pinned any more
        assertThat(guard.checkTask("one-too-many", 0.01).allowed()).isTrue();
    }

    @Test
    void defect10_anAgentHoldingAReservationIsNeverEvicted() {
        CostGuard guard = guard().maxAgents(2).build();
        CostReservation open = guard.reserve("holder", "t", 5.00);
        for (int i = 0; i < 100; i++) {
            guard.recordCost("churn-" + i, "t", 0.01);
        }
        open.commit(4.00);
        assertThat(guard.snapshot("holder").spentUsd()).isEqualByComparingTo("4.00");
        assertThat(guard.snapshot("holder").heldUsd()).isEqualByComparingTo("0");
    }

    // #11: the tenants map was never evicted.
    @Test
    void defect11_tenantBudgetsAreBoundedAndAThrottledOrKilledTenantIsKept() {
        CostGuard guard = guard().tenantOf(agent -> "tenant-of-" + agent).perTenantMonthlyBudget(100.00).killSwitchThreshold(0.5)
                .maxTenants(50).maxAgents(50).build();
        guard.recordCost("big", "t", 60.00); // its tenant is killed
        for (int i = 0; i < 2_000; i++) {
            guard.checkTask("a-" + i, 0.01);
        }
        assertThat(guard.trackedTenants()).isLessThanOrEqualTo(50);
        assertThat(guard.tenantSnapshot("tenant-of-big").state()).isEqualTo(BudgetState.KILLED);
        assertThat(guard.checkTask("big", 0.01).action()).isEqualTo(BudgetAction.KILL);
    }

    // #11: an organisation- or tenant-level throttle admitted 6 tasks per minute *per agent*.
    @Test
    void defect11_anOrganisationThrottleAdmitsItsRateInTotalNotPerAgent() {
        CostGuard guard = guard().orgMonthlyBudget(100.00).autoThrottle(true).throttleThreshold(0.5).throttledTasksPerMinute(6).build();
        guard.recordCost("spender", "t", 60.00);
        assertThat(guard.state("someone-else")).isEqualTo(BudgetState.THROTTLED);
        int admitted = 0;
        for (int second = 0; second < 600; second++) { // ten minutes, ten agents asking every second
            clock.advance(Duration.ofSeconds(1));
            for (int agent = 0; agent < 10; agent++) {
                if (guard.checkTask("agent-" + agent, 0.01).allowed()) {
                    admitted++;
                }
            }
        }
        assertThat(admitted).isEqualTo(60);
    }

    // #11 under many threads: ten agents asking at once every second share the organisation's throttled
    // rate, while eight threads bring new tenants against the tenant cap and one killed tenant stays.
    @Test
    void defect11_tenAgentsAtOnceShareTheOrganisationsRateAndTenantsStayBoundedUnderEightThreads() throws Exception {
        CostGuard guard = guard().orgMonthlyBudget(100.00).autoThrottle(true).throttleThreshold(0.5).throttledTasksPerMinute(6).build();
        guard.recordCost("spender", "t", 60.00);
        AtomicInteger admitted = new AtomicInteger();
        for (int second = 0; second < 120; second++) {
            clock.advance(Duration.ofSeconds(1));
            Race.run(10, agent -> {
                if (guard.checkTask("agent-" + agent, 0.01).allowed()) {
                    admitted.incrementAndGet();
                }
            });
        }
        assertThat(admitted).hasValue(12); // one every 10 s for two minutes, whoever asks

        CostGuard tenants = guard().tenantOf(agent -> "tenant-of-" + agent).perTenantMonthlyBudget(100.00).killSwitchThreshold(0.5)
                .maxTenants(50).maxAgents(50).build();
        tenants.recordCost("big", "t", 60.00);
        AtomicLong maxTracked = new AtomicLong();
        Race.run(8, thread -> {
            for (int i = 0; i < 1_000; i++) {
                tenants.checkTask("t" + thread + "-" + i, 0.01);
                maxTracked.accumulateAndGet(tenants.trackedTenants(), Math::max);
            }
        });
        assertThat(maxTracked.get()).isLessThanOrEqualTo(50);
        assertThat(tenants.tenantSnapshot("tenant-of-big").state()).isEqualTo(BudgetState.KILLED);
        assertThat(tenants.checkTask("big", 0.01).action()).isEqualTo(BudgetAction.KILL);
    }

    // #11: snapshot(id) and state(id) created a ledger for an unknown id (how the exporter resurrected evicted agents).
    @Test
    void defect11_readsOfAnUnknownAgentCreateNothing() {
        CostGuard guard = guard().perAgentDailyLimit(10.00).maxAgents(1).build();
        guard.recordCost("only", "t", 1.00);
        BudgetSnapshot ghost = guard.snapshot("ghost");
        assertThat(ghost.spentUsd()).isEqualByComparingTo("0");
        assertThat(ghost.limitUsd()).isEqualByComparingTo("10.00");
        assertThat(guard.state("ghost")).isEqualTo(BudgetState.ACTIVE);
        guard.revive("ghost");
        assertThat(guard.agents()).containsExactly("only");
        assertThat(events).filteredOn(BudgetEvicted.class::isInstance).isEmpty();
    }

    // #11 and #12: the per-task limit ignored concurrent holds of the same task: 16 threads got
    // 16 x $1 on a $2 task; even sequentially three $2 reservations of one task were granted.
    @Test
    void defect12_thePerTaskLimitCountsTheTasksOwnHoldsSequentially() {
        CostGuard guard = guard().perTaskLimit(2.00).build();
        CostReservation first = guard.reserve("a", "t", 2.00);
        CostReservation second = guard.reserve("a", "t", 2.00);
        CostReservation third = guard.reserve("a", "t", 2.00);
        assertThat(first.isGranted()).isTrue();
        assertThat(second.isGranted()).isFalse();
        assertThat(second.decision().scope()).isEqualTo(BudgetScope.TASK);
        assertThat(third.isGranted()).isFalse();
        first.commit(1.50);
        assertThat(guard.reserve("a", "t", 0.50).isGranted()).isTrue();
        assertThat(guard.reserve("a", "t", 0.01).isGranted()).isFalse();
    }

    @Test
    void defect12_sixteenThreadsReservingForOneTaskGetExactlyTheLimit() throws Exception {
        for (int round = 0; round < 20; round++) {
            CostGuard guard = guard().perTaskLimit(2.00).build();
            AtomicInteger granted = new AtomicInteger();
            Race.run(16, thread -> {
                if (guard.reserve("a", "shared-task", 1.00).isGranted()) {
                    granted.incrementAndGet();
                }
            });
            assertThat(granted).as("round %d", round).hasValue(2);
        }
    }

    // #13: no overflow checks: spent + held + estimate overflowed to negative ("fits") near $9.2 B.
    @Test
    void defect13_sumsNearTheTopOfTheRangeSaturateInsteadOfFitting() {
        CostGuard guard = guard().tenantOf(a -> "t").tenantMonthlyBudget("t", 1_000_000_000.00).killSwitchThreshold(1.0).build();
        for (int i = 0; i < 10; i++) {
            guard.recordCost("a", "t" + i, 999_999_999.99); // ~$10 B in total: past Long.MAX_VALUE nano-dollars
        }
        assertThat(guard.organizationSnapshot().spentUsd()).isPositive();
        assertThat(guard.checkTask("a", 1.00).allowed()).isFalse();
        assertThat(guard.reserve("a", "x", 1.00).isGranted()).isFalse();
        assertThatThrownBy(() -> guard.recordCost("a", "t", 1e10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("usd");
        assertThatThrownBy(() -> CostGuard.builder().orgMonthlyBudget(1e10)).hasMessageContaining("orgMonthlyBudget");
    }

    // #14: ids containing NUL collided in the idempotency key and a real charge was silently dropped.
    @Test
    void defect14_idsContainingNulNeverCollideInTheIdempotencyKey() {
        CostGuard guard = guard().build();
        guard.recordCost("a\u0000b", "c", "charge-1", 1.00, Map.of());
        guard.recordCost("a", "b\u0000c", "charge-1", 1.00, Map.of());
        guard.recordCost("a", "b\u0000c", "charge-1", 1.00, Map.of()); // a genuine retry: charged once
        assertThat(guard.organizationSnapshot().spentUsd()).isEqualByComparingTo("2.00");
    }

    // #15: the eviction sorted agents by a key that changed during the sort ("Comparison method
    // violates its general contract!" in the agent's call).
    @Test
    void defect15_newAgentsAtTheCapWhileOthersChargeNeverThrow() throws Exception {
        CostGuard guard = guard().maxAgents(100).build();
        LongAdder charged = new LongAdder();
        Race.run(8, thread -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int i = 0; i < 20_000; i++) {
                String agent = thread < 4 ? "hot-" + random.nextInt(50) : "new-" + thread + "-" + i;
                if (thread < 4) {
                    clock.advanceMillis(1); // the hot agents' last activity moves while the cap is being made room in
                }
                guard.recordCost(agent, "t", 0.001);
                charged.increment();
            }
        });
        assertThat(guard.agents().size()).isLessThanOrEqualTo(100);
        assertThat(guard.organizationSnapshot().spentUsd()).isEqualByComparingTo(BigDecimal.valueOf(charged.sum()).movePointLeft(3));
    }

    // #17: unbounded maps: 1M tenants retained 318 MiB.
    @Test
    void defect17_aHundredThousandAgentsAndTenantsRetainABoundedAmountOfMemory() {
        CostGuard guard = CostGuard.builder().clock(clock).tenantOf(agent -> "tenant-" + agent).perTenantMonthlyBudget(100.00)
                .maxAgents(1_000).maxTenants(1_000).maxTrackedTasks(1_000).build(); // its own bus: no test listener in the graph
        for (int i = 0; i < 10_000; i++) {
            guard.checkTask("agent-" + i, 0.01);
        }
        long atTenThousand = retainedSize(guard);
        for (int i = 10_000; i < 100_000; i++) {
            guard.checkTask("agent-" + i, 0.01);
        }
        long atHundredThousand = retainedSize(guard);
        System.out.printf("CostGuard at caps of 1,000 agents and tenants: %,d bytes after 10k ids, %,d after 100k%n", atTenThousand,
                atHundredThousand);
        assertThat(guard.trackedTenants()).isLessThanOrEqualTo(1_000);
        assertThat(guard.agents()).hasSizeLessThanOrEqualTo(1_000);
        assertThat(atHundredThousand).isLessThan(atTenThousand * 11 / 10); // flat once at the cap
        assertThat(atHundredThousand).isLessThan(4L * 1024 * 1024);       // about 2 KiB per agent with its tenant
    }

    /** What the guard keeps per agent, tenant, task and reservation: its configuration, clock and bus are shared. */
    private long retainedSize(CostGuard guard) {
        GraphLayout graph = GraphLayout.parseInstance(guard.trackedState());
        GraphLayout shared = GraphLayout.parseInstance(guard.clock(), guard.eventBus());
        return graph.subtract(shared).totalSize();
    }

    // #19: events were published after the state change without ordering: listeners saw them out of order.
    @Test
    void defect19_eachBudgetsTransitionsReachListenersInOrderUnderEightThreads() throws Exception {
        for (int round = 0; round < 20; round++) {
            SreEventBus roundBus = new SreEventBus();
            List<BudgetStateChanged> changes = Collections.synchronizedList(new ArrayList<>());
            roundBus.subscribe(BudgetStateChanged.class, changes::add);
            CostGuard guard = CostGuard.builder().clock(clock).eventBus(roundBus).perAgentDailyLimit(1.00).autoThrottle(true)
                    .throttleThreshold(0.5).killSwitchThreshold(0.9).build();
            Race.run(8, thread -> {
                for (int i = 0; i < 3_000; i++) {
                    if (thread == 0 && i % 7 == 0) {
                        guard.revive("a");
                    } else if (thread == 1 && i % 25 == 0) {
                        clock.advance(Duration.ofDays(1)); // a new day: back to ACTIVE, and throttled and killed again
                    } else {
                        guard.recordCost("a", "t", 0.05);
                    }
                }
            });
            Map<String, BudgetState> last = new HashMap<>();
            for (BudgetStateChanged change : List.copyOf(changes)) {
                String budget = change.scope() + "/" + change.owner();
                assertThat(change.from()).as("round %d: %s", round, change).isEqualTo(last.getOrDefault(budget, BudgetState.ACTIVE));
                last.put(budget, change.to());
            }
            assertThat(last.getOrDefault("AGENT/a", BudgetState.ACTIVE)).isEqualTo(guard.snapshot("a").state());
        }
    }

    // #20: validation: a null breakdown value, a sub-millisecond timeout, bare NullPointerExceptions.
    @Test
    void defect20_badInputIsAClearErrorNamingTheParameterAndChargesNothing() {
        CostGuard guard = guard().build();
        Map<String, Double> withNull = new HashMap<>();
        withNull.put("input_tokens", null);
        assertThatThrownBy(() -> guard.recordCost("a", "t", 1.00, withNull)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("breakdown[input_tokens]");
        assertThatThrownBy(() -> guard.recordCost("a", "t", 1.00, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("breakdown");
        assertThatThrownBy(() -> CostGuard.builder().reservationTimeout(Duration.ofNanos(500_000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reservationTimeout");
        assertThatThrownBy(() -> CostGuard.builder().reservationTimeout(Duration.ofSeconds(Long.MAX_VALUE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reservationTimeout");
        assertThatThrownBy(() -> guard.execute("a", "t", 1.00, null, r -> 1.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("call");
        assertThatThrownBy(() -> guard.recordUsage("a", "t", "gpt-4o", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("usage");
        assertThat(guard.organizationSnapshot().spentUsd()).isEqualByComparingTo("0");
        assertThat(guard.openReservations()).isZero();
    }

    @Test
    void theConfigurationIsAValueSharedBetweenGuards() {
        CostGuardConfig config = CostGuardConfig.builder().perAgentDailyLimit(50.00).orgMonthlyBudget(5_000.00).autoThrottle(true)
                .clock(clock).build();
        CostGuard one = CostGuard.of(config, bus);
        CostGuard two = CostGuard.builder().config(config).perTaskLimit(2.00).build();
        assertThat(one.config()).isSameAs(config);
        assertThat(two.config().perAgentDailyLimit()).contains(new BigDecimal("50.00"));
        assertThat(two.config().perTaskLimit()).contains(new BigDecimal("2.00"));
        assertThat(config.perTaskLimit()).isEmpty();
        assertThat(config.toBuilder().maxAgents(7).build().maxAgents()).isEqualTo(7);
        assertThat(config.toString()).contains("agentDaily=$50.00");
        assertThatThrownBy(() -> CostGuardConfig.builder().autoThrottle(true).throttleThreshold(0.99).killSwitchThreshold(0.9).build())
                .hasMessageContaining("throttleThreshold");
    }
}
