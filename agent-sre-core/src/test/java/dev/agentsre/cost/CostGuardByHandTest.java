package dev.agentsre.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.AgentSre;
import dev.agentsre.BudgetExceededException;
import dev.agentsre.ThrottledException;
import dev.agentsre.event.BudgetEvicted;
import dev.agentsre.event.BudgetStateChanged;
import dev.agentsre.event.CostEvent;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualClock;
import dev.agentsre.testing.Race;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The operator's throttle and kill: {@code CostGuard.throttle}, {@code kill}, {@code revive}, {@code manualEnforcement}. */
class CostGuardByHandTest {

    private static final Instant T0 = Instant.parse("2026-03-10T09:00:00Z");

    private final ManualClock clock = ManualClock.at(T0);
    private final SreEventBus bus = new SreEventBus();
    private final List<CostEvent> events = Collections.synchronizedList(new ArrayList<>());

    CostGuardByHandTest() {
        bus.subscribe(CostEvent.class, events::add);
    }

    private CostGuard.Builder guard() {
        return CostGuard.builder().clock(clock).eventBus(bus);
    }

    private List<BudgetStateChanged> stateChanges() {
        List<BudgetStateChanged> changes = new ArrayList<>();
        for (CostEvent e : List.copyOf(events)) {
            if (e instanceof BudgetStateChanged s) {
                changes.add(s);
            }
        }
        return changes;
    }

    @Test
    void aKillByHandRefusesEveryAdmissionUntilRevivedAndLeavesAutomaticEnforcementOn() {
        CostGuard guard = guard().perAgentDailyLimit(10.00).killSwitchThreshold(0.95).build();
        guard.kill("a", "incident INC-7");

        CostDecision d = guard.checkTask("a", 0.01);
        assertThat(d.allowed()).isFalse();
        assertThat(d.action()).isEqualTo(BudgetAction.KILL);
        assertThat(d.reason()).isEqualTo("the daily limit of agent 'a' (spent $0.00, held $0.00, limit $10.00) is killed by hand "
                + "until revived: incident INC-7");
        CostReservation refused = guard.reserve("a", "t1", 0.01);
        assertThat(refused.isGranted()).isFalse();
        assertThatThrownBy(refused::orThrow).isInstanceOf(BudgetExceededException.class).hasMessageContaining("killed by hand");
        assertThat(guard.checkTask("b", 0.01).allowed()).isTrue(); // other agents unaffected
        assertThat(guard.state("a")).isEqualTo(BudgetState.KILLED);
        assertThat(guard.snapshot("a").state()).isEqualTo(BudgetState.KILLED);
        assertThat(guard.manualEnforcement("a")).hasValueSatisfying(m -> {
            assertThat(m.state()).isEqualTo(BudgetState.KILLED);
            assertThat(m.reason()).isEqualTo("incident INC-7");
            assertThat(m.since()).isEqualTo(T0);
            assertThat(m.until()).isNull();
        });

        clock.advance(Duration.ofDays(3)); // until revived: days roll over and it stays
        assertThat(guard.checkTask("a", 0.01).action()).isEqualTo(BudgetAction.KILL);
        guard.revive("a");
        assertThat(guard.state("a")).isEqualTo(BudgetState.ACTIVE);
        assertThat(guard.manualEnforcement("a")).isEmpty();
        assertThat(guard.checkTask("a", 0.01).allowed()).isTrue();
        // Reviving a kill by hand leaves the kill switch on: spend still sets it off.
        guard.recordCost("a", "t2", 9.60);
        assertThat(guard.state("a")).isEqualTo(BudgetState.KILLED);
        assertThat(stateChanges()).extracting(BudgetStateChanged::from, BudgetStateChanged::to).containsExactly(
                org.assertj.core.groups.Tuple.tuple(BudgetState.ACTIVE, BudgetState.KILLED),
                org.assertj.core.groups.Tuple.tuple(BudgetState.KILLED, BudgetState.ACTIVE),
                org.assertj.core.groups.Tuple.tuple(BudgetState.ACTIVE, BudgetState.KILLED));
        assertThat(stateChanges().get(0).reason()).isEqualTo("killed by hand until revived: incident INC-7");
        assertThat(stateChanges().get(1).reason()).isEqualTo("revived");
    }

    @Test
    void aKillByHandStopsARunningTaskAtItsNextCallInThePipeline() throws Exception {
        CostGuard guard = guard().build();
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).costGuard(guard).build();
        List<String> ran = new ArrayList<>();
        assertThatThrownBy(() -> sre.agent("a").task("t1").call(ctx -> {
            ctx.tool("search", "q", () -> ran.add("search"));
            guard.kill("a", "runaway");
            return ctx.tool("write", "q", () -> ran.add("write"));
        })).isInstanceOf(BudgetExceededException.class).hasMessageContaining("killed by hand until revived: runaway");
        assertThat(ran).containsExactly("search");
        assertThatThrownBy(() -> sre.agent("a").task("t2").call(ctx -> "never")).isInstanceOf(BudgetExceededException.class);
        guard.revive("a");
        String result = sre.agent("a").task("t3").call(ctx -> "runs");
        assertThat(result).isEqualTo("runs");
    }

    @Test
    void aThrottleByHandAdmitsAtTheThrottledRateForItsDurationAndItsEndIsPublishedByTheNextAdmissionNotByAReadOrAfterIt() {
        CostGuard guard = guard().throttledTasksPerMinute(6).build();
        guard.throttle("a", Duration.ofMinutes(30), "incident INC-8");
        assertThat(guard.manualEnforcement("a")).hasValueSatisfying(m -> assertThat(m.until()).isEqualTo(T0.plus(Duration.ofMinutes(30))));

        CostDecision first = guard.checkTask("a", 0.01);
        assertThat(first.allowed()).isTrue();
        assertThat(first.action()).isEqualTo(BudgetAction.THROTTLE);
        CostDecision second = guard.checkTask("a", 0.01);
        assertThat(second.allowed()).isFalse();
        assertThat(second.retryAfter()).isEqualTo(Duration.ofSeconds(10));
        assertThat(second.reason()).isEqualTo("throttled: the daily limit of agent 'a' (spent $0.00, held $0.00) is throttled by hand for "
                + "30m (until 2026-03-10T09:30:00Z): incident INC-8; tasks are admitted every 10 s");
        assertThatThrownBy(() -> guard.reserve("a", "t", 0.01).orThrow()).isInstanceOf(ThrottledException.class);

        int admitted = 0;
        for (int s = 0; s < 29 * 60; s++) { // 29 more minutes: 6 a minute
            clock.advance(Duration.ofSeconds(1));
            if (guard.checkTask("a", 0.01).allowed()) {
                admitted++;
            }
        }
        assertThat(admitted).isEqualTo(29 * 6);

        clock.advance(Duration.ofMinutes(2)); // the 30 minutes are over
        int before = events.size();
        assertThat(guard.state("a")).isEqualTo(BudgetState.ACTIVE);          // reads see it over ...
        assertThat(guard.manualEnforcement("a")).isEmpty();
        assertThat(guard.snapshot("a").state()).isEqualTo(BudgetState.ACTIVE);
        assertThat(events).hasSize(before);                                   // ... and publish nothing
        for (int i = 0; i < 5; i++) {
            assertThat(guard.checkTask("a", 0.01).allowed()).isTrue();        // the first admission publishes the end
        }
        assertThat(stateChanges()).extracting(BudgetStateChanged::to).containsExactly(BudgetState.THROTTLED, BudgetState.ACTIVE);
        BudgetStateChanged end = stateChanges().get(1);
        assertThat(end.reason()).isEqualTo("the throttle by hand ended after 30m: incident INC-8");
        assertThat(end.timestamp()).isEqualTo(T0.plus(Duration.ofMinutes(30)));
    }

    @Test
    void aThrottleByHandOutlivesTheDaysRollOverAndTheStricterStateApplies() {
        clock.set(Instant.parse("2026-03-10T23:50:00Z"));
        CostGuard guard = guard().perAgentDailyLimit(10.00).autoThrottle(true).throttleThreshold(0.5).killSwitchThreshold(0.9).build();
        guard.throttle("a", Duration.ofHours(1), "slow down");
        guard.recordCost("a", "t1", 9.50);                       // spend kills it: KILLED is stricter
        assertThat(guard.state("a")).isEqualTo(BudgetState.KILLED);
        clock.advance(Duration.ofMinutes(20));                  // a new day: the kill by spend ends, the throttle by hand stays
        assertThat(guard.state("a")).isEqualTo(BudgetState.THROTTLED);
        assertThat(guard.checkTask("a", 0.01).action()).isEqualTo(BudgetAction.THROTTLE);
        clock.advance(Duration.ofMinutes(45));
        assertThat(guard.checkTask("a", 0.01).action()).isEqualTo(BudgetAction.ALLOW);
        assertThat(stateChanges()).extracting(BudgetStateChanged::from, BudgetStateChanged::to, BudgetStateChanged::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple(BudgetState.ACTIVE, BudgetState.THROTTLED,
                        "throttled by hand for 1h (until 2026-03-11T00:50:00Z): slow down"),
                org.assertj.core.groups.Tuple.tuple(BudgetState.THROTTLED, BudgetState.KILLED,
                        "kill switch at 90% of the daily limit of agent 'a' (spent $9.50, held $0.00, limit $10.00)"),
                org.assertj.core.groups.Tuple.tuple(BudgetState.KILLED, BudgetState.THROTTLED, "new period"),
                org.assertj.core.groups.Tuple.tuple(BudgetState.THROTTLED, BudgetState.ACTIVE, "the throttle by hand ended after 1h: slow down"));
    }

    @Test
    void aNewThrottleOrKillByHandReplacesTheLastAndAnEqualStatePublishesNothing() {
        CostGuard guard = guard().build();
        guard.throttle("a", "first");
        guard.throttle("a", Duration.ofMinutes(5), "second");        // still THROTTLED: no event, the new end applies
        guard.kill("a", Duration.ofMinutes(10), "worse");
        guard.throttle("a", "softer");                                // the last decision wins
        assertThat(guard.manualEnforcement("a")).hasValueSatisfying(m -> assertThat(m.reason()).isEqualTo("softer"));
        assertThat(stateChanges()).extracting(BudgetStateChanged::from, BudgetStateChanged::to).containsExactly(
                org.assertj.core.groups.Tuple.tuple(BudgetState.ACTIVE, BudgetState.THROTTLED),
                org.assertj.core.groups.Tuple.tuple(BudgetState.THROTTLED, BudgetState.KILLED),
                org.assertj.core.groups.Tuple.tuple(BudgetState.KILLED, BudgetState.THROTTLED));
    }

    @Test
    void readsArePureTheyNeitherTrackAnUnknownAgentNorPublish() {
        CostGuard guard = guard().build();
        assertThat(guard.manualEnforcement("ghost")).isEmpty();
        assertThat(guard.state("ghost")).isEqualTo(BudgetState.ACTIVE);
        guard.revive("ghost");
        assertThat(guard.agents()).isEmpty();
        assertThat(events).isEmpty();
    }

    @Test
    void badInputIsAClearErrorNamingTheParameterAndChangesNothing() {
        CostGuard guard = guard().build();
        assertThatThrownBy(() -> guard.kill(" ", "r")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("agentId");
        assertThatThrownBy(() -> guard.kill("a", null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason");
        assertThatThrownBy(() -> guard.throttle("a", "")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason");
        assertThatThrownBy(() -> guard.throttle("a", null, "r")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duration");
        assertThatThrownBy(() -> guard.throttle("a", Duration.ZERO, "r")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duration").hasMessageContaining("PT0S");
        assertThatThrownBy(() -> guard.kill("a", Duration.ofMinutes(-5), "r")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duration");
        assertThatThrownBy(() -> guard.kill("a", Duration.ofDays(40_000), "r")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duration");
        assertThatThrownBy(() -> guard.manualEnforcement(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("agentId");
        assertThat(guard.agents()).isEmpty();
        assertThat(events).isEmpty();
        assertThat(guard.state("a")).isEqualTo(BudgetState.ACTIVE);
    }

    @Test
    void anAgentThrottledOrKilledByHandIsNeverEvictedAndAFullCapRefusesTheKillOfANewOne() {
        CostGuard guard = guard().maxAgents(3).build(); // unlimited budgets: only a throttle or kill pins an agent
        List<BudgetEvicted> evicted = new ArrayList<>();
        bus.subscribe(BudgetEvicted.class, evicted::add);
        guard.kill("killed", "incident");
        guard.throttle("throttled", Duration.ofMinutes(10), "incident");
        for (int i = 0; i < 500; i++) {
            assertThat(guard.checkTask("churn-" + i, 0.01).allowed()).isTrue();
        }
        assertThat(evicted).extracting(BudgetEvicted::owner).doesNotContain("killed", "throttled").hasSize(499);
        assertThat(guard.state("killed")).isEqualTo(BudgetState.KILLED);
        assertThat(guard.state("throttled")).isEqualTo(BudgetState.THROTTLED);

        guard.kill("churn-499", "third");                           // now every agent is pinned
        int before = events.size();
        assertThatThrownBy(() -> guard.kill("newcomer", "r")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("maxAgents").hasMessageContaining("3").hasMessageContaining("'newcomer'");
        assertThat(events).hasSize(before);
        assertThat(guard.checkTask("newcomer", 0.01).allowed()).isFalse();

        clock.advance(Duration.ofMinutes(11)); // the throttle is over: its agent may go
        assertThat(guard.checkTask("newcomer", 0.01).allowed()).isTrue();
        assertThat(guard.agents()).contains("killed", "churn-499", "newcomer").doesNotContain("throttled");
    }

    @Test
    void underEightThreadsTheKilledAgentSurvivesChurnAndEveryStateChangeFollowsTheLastInOrder() throws Exception {
        for (int round = 0; round < 10; round++) {
            SreEventBus roundBus = new SreEventBus();
            List<BudgetStateChanged> changes = Collections.synchronizedList(new ArrayList<>());
            roundBus.subscribe(BudgetStateChanged.class, changes::add);
            CostGuard guard = CostGuard.builder().clock(clock).eventBus(roundBus).maxAgents(16).build();
            AtomicInteger refusedWhileKilled = new AtomicInteger();
            guard.kill("victim", "incident");
            Race.run(8, thread -> {
                for (int i = 0; i < 2_000; i++) {
                    switch (thread) {
                        case 0 -> { // an operator changing their mind
                            if (i % 3 == 0) {
                                guard.throttle("flapping", "r" + i);
                            } else if (i % 3 == 1) {
                                guard.kill("flapping", Duration.ofMinutes(1), "r" + i);
                            } else {
                                guard.revive("flapping");
                            }
                        }
                        case 1 -> guard.checkTask("flapping", 0.01);
                        default -> { // new agents evicting old ones
                            guard.checkTask("churn-" + thread + "-" + i, 0.01);
                            if (!guard.checkTask("victim", 0.01).allowed()) {
                                refusedWhileKilled.incrementAndGet();
                            }
                        }
                    }
                }
            });
            assertThat(refusedWhileKilled.get()).isEqualTo(6 * 2_000);
            assertThat(guard.state("victim")).isEqualTo(BudgetState.KILLED);
            BudgetState last = BudgetState.ACTIVE;
            for (BudgetStateChanged change : List.copyOf(changes)) {
                if (change.owner().equals("flapping")) {
                    assertThat(change.from()).as("round %d: %s", round, change).isEqualTo(last);
                    last = change.to();
                }
            }
            assertThat(last).isEqualTo(guard.state("flapping"));
            assertThat(guard.agents()).hasSizeLessThanOrEqualTo(16).contains("victim", "flapping");
        }
    }

    @Test
    void aKillByHandIsSharedWithEveryGuardOverTheSameFlagsUntilItsTimeIsUpOrAnyOfThemRevives() {
        dev.agentsre.store.FlagStore flags = dev.agentsre.store.FlagStore.inMemory(clock);
        CostGuard here = guard().perAgentDailyLimit(10.00).flagStore(flags).build();
        CostGuard there = guard().perAgentDailyLimit(10.00).flagStore(flags).build();

        here.kill("a", "incident INC-9");
        CostDecision refused = there.checkTask("a", 0.01); // "there" has never seen agent a
        assertThat(refused.action()).isEqualTo(BudgetAction.KILL);
        assertThat(refused.reason()).contains("killed by hand across the fleet: incident INC-9");
        assertThat(there.state("a")).isEqualTo(BudgetState.KILLED);
        assertThat(there.snapshot("a").state()).isEqualTo(BudgetState.KILLED);
        assertThat(there.manualEnforcement("a")).hasValueSatisfying(m -> {
            assertThat(m.state()).isEqualTo(BudgetState.KILLED);
            assertThat(m.reason()).isEqualTo("incident INC-9");
        });
        assertThat(there.checkTask("b", 0.01).allowed()).isTrue();

        there.revive("a"); // a revive anywhere ends it everywhere
        assertThat(here.checkTask("a", 0.01).allowed()).isTrue();
        assertThat(there.checkTask("a", 0.01).allowed()).isTrue();

        here.kill("a", Duration.ofMinutes(10), "cool down");
        assertThat(there.checkTask("a", 0.01).action()).isEqualTo(BudgetAction.KILL);
        here.throttle("a", "slow down instead"); // a throttle by hand replaces the kill, and stays here
        assertThat(there.checkTask("a", 0.01).allowed()).isTrue();
        here.kill("a", Duration.ofMinutes(10), "cool down again");
        clock.advance(Duration.ofMinutes(10));
        assertThat(there.checkTask("a", 0.01).allowed()).isTrue(); // its time is up everywhere
        assertThat(here.checkTask("a", 0.01).allowed()).isTrue();
    }

    @Test
    void aKillByHandThatAFullCapRefusesLeavesTheFleetsKillOfThatAgentAsItWas() {
        dev.agentsre.store.FlagStore flags = dev.agentsre.store.FlagStore.inMemory(clock);
        CostGuard full = guard().maxAgents(1).flagStore(flags).build();
        CostGuard other = guard().flagStore(flags).build();
        full.kill("pinned", "fills the cap");
        other.kill("a", Duration.ofMinutes(30), "incident INC-3");
        clock.advance(Duration.ofMinutes(10));

        assertThatThrownBy(() -> full.kill("a", "again")).isInstanceOf(IllegalStateException.class).hasMessageContaining("maxAgents");

        assertThat(other.manualEnforcement("a")).hasValueSatisfying(m -> assertThat(m.reason()).isEqualTo("incident INC-3"));
        assertThat(flags.get("kill:hand:a")).hasValueSatisfying(f -> {
            assertThat(f.value()).isEqualTo("incident INC-3");
            assertThat(f.expiresAt()).isEqualTo(T0.plus(Duration.ofMinutes(30)));
        });
        assertThatThrownBy(() -> full.kill("b", "never shared")).isInstanceOf(IllegalStateException.class);
        assertThat(flags.get("kill:hand:b")).isEmpty();
    }
}
