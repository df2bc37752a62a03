package dev.agentsre.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.event.BudgetPeriodRolledOver;
import dev.agentsre.event.BudgetStateChanged;
import dev.agentsre.event.CostAlertRaised;
import dev.agentsre.event.CostEvent;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CostGuardTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-03-10T09:00:00Z"));
    private final SreEventBus bus = new SreEventBus();
    private final List<CostEvent> events = new ArrayList<>();

    CostGuardTest() {
        bus.subscribe(CostEvent.class, events::add);
    }

    private CostGuard.Builder guard() {
        return CostGuard.builder().clock(clock).eventBus(bus);
    }

    private static BigDecimal usd(String amount) {
        return new BigDecimal(amount);
    }

    @Test
    void checkTaskAllowsWithinBudgetsAndDeniesOverThePerTaskLimit() {
        CostGuard guard = guard().perTaskLimit(2.00).perAgentDailyLimit(50.00).build();
        CostDecision ok = guard.checkTask("research-agent", 1.50);
        assertThat(ok.allowed()).isTrue();
        assertThat(ok.action()).isEqualTo(BudgetAction.ALLOW);

        CostDecision tooBig = guard.checkTask("research-agent", 2.50);
        assertThat(tooBig.allowed()).isFalse();
        assertThat(tooBig.action()).isEqualTo(BudgetAction.DENY);
        assertThat(tooBig.scope()).isEqualTo(BudgetScope.TASK);
        assertThat(tooBig.reason()).isEqualTo("estimate $2.50 exceeds the per-task limit of $2.00");
    }

    @Test
    void anEstimateThatDoesNotFitTheDayIsDeniedNamingTheFigures() {
        CostGuard guard = guard().perAgentDailyLimit(10.00).killSwitchThreshold(1.0).build();
        guard.recordCost("a", "t1", 9.00);
        CostDecision d = guard.checkTask("a", 1.50);
        assertThat(d.allowed()).isFalse();
        assertThat(d.scope()).isEqualTo(BudgetScope.AGENT);
        assertThat(d.reason()).isEqualTo("estimate $1.50 does not fit the daily limit of agent 'a' (spent $9.00, held $0.00, limit $10.00)");
    }

    @Test
    void recordCostRaisesEachThresholdOncePerPeriodWithTheBreakdown() {
        CostGuard guard = guard().perAgentDailyLimit(100.00).killSwitchThreshold(1.0).build();
        List<CostAlert> first = guard.recordCost("a", "t1", 0.45, Map.of("input_tokens", 0.15, "output_tokens", 0.25, "tool_calls", 0.05));
        assertThat(first).isEmpty();

        List<CostAlert> alerts = guard.recordCost("a", "t2", 76.00);
        assertThat(alerts).extracting(CostAlert::threshold).containsExactly(0.50, 0.75);
        assertThat(alerts).allMatch(a -> a.action() == BudgetAction.ALERT && a.scope() == BudgetScope.AGENT);
        assertThat(alerts.get(1).message()).isEqualTo("75% of the daily limit of agent 'a' (spent $76.45, held $0.00, limit $100.00) used");
        assertThat(guard.recordCost("a", "t3", 1.00)).isEmpty(); // 77.45%: no new threshold
        assertThat(guard.recordCost("a", "t4", 13.00)).extracting(CostAlert::threshold).containsExactly(0.90);

        BudgetSnapshot snapshot = guard.snapshot("a");
        assertThat(snapshot.spentUsd()).isEqualByComparingTo("90.45");
        assertThat(snapshot.breakdown()).containsEntry("input_tokens", usd("0.15")).containsEntry("tool_calls", usd("0.05"));
        assertThat(events).filteredOn(e -> e instanceof CostAlertRaised).hasSize(3);
    }

    @Test
    void autoThrottleAdmitsAtTheReducedRateInsteadOfBlocking() {
        CostGuard guard = guard().perAgentDailyLimit(100.00).autoThrottle(true).throttledTasksPerMinute(6).build();
        List<CostAlert> alerts = guard.recordCost("a", "t1", 86.00);
        assertThat(alerts).extracting(CostAlert::action).contains(BudgetAction.THROTTLE);
        assertThat(guard.state("a")).isEqualTo(BudgetState.THROTTLED);

        CostDecision first = guard.checkTask("a", 0.10);
        assertThat(first.allowed()).isTrue();
        assertThat(first.action()).isEqualTo(BudgetAction.THROTTLE);
        CostDecision second = guard.checkTask("a", 0.10);
        assertThat(second.allowed()).isFalse();
        assertThat(second.action()).isEqualTo(BudgetAction.THROTTLE);
        assertThat(second.retryAfter()).isEqualTo(Duration.ofSeconds(10));

        clock.advance(Duration.ofSeconds(4));
        assertThat(guard.checkTask("a", 0.10).retryAfter()).isEqualTo(Duration.ofSeconds(6));
        // Over a simulated 10 minutes exactly 6 tasks a minute get through.
        int admitted = 0;
        for (int s = 0; s < 600; s++) {
            clock.advance(Duration.ofSeconds(1));
            if (guard.checkTask("a", 0.01).allowed()) {
                admitted++;
            }
        }
        assertThat(admitted).isEqualTo(60);
        assertThat(events).filteredOn(e -> e instanceof BudgetStateChanged s && s.to() == BudgetState.THROTTLED).hasSize(1);
    }

    @Test
    void theKillSwitchDeniesEveryTaskUntilRevived() {
        CostGuard guard = guard().perAgentDailyLimit(50.00).killSwitchThreshold(0.95).build();
        List<CostAlert> alerts = guard.recordCost("a", "t1", 48.00);
        assertThat(alerts).extracting(CostAlert::action).contains(BudgetAction.KILL);
        CostDecision d = guard.checkTask("a", 0.01);
        assertThat(d.allowed()).isFalse();
        assertThat(d.action()).isEqualTo(BudgetAction.KILL);
        assertThat(d.reason()).startsWith("kill switch engaged: the daily limit of agent 'a'");
        assertThat(guard.reserve("a", "t2", 0.01).isGranted()).isFalse();
        assertThat(guard.checkTask("b", 0.01).allowed()).isTrue(); // other agents unaffected

        guard.revive("a");
        assertThat(guard.state("a")).isEqualTo(BudgetState.ACTIVE);
        assertThat(guard.checkTask("a", 1.00).allowed()).isTrue();
        // Revived: no automatic re-kill today, but the hard limit still holds.
        guard.recordCost("a", "t3", 1.00);
        assertThat(guard.state("a")).isEqualTo(BudgetState.ACTIVE);
        assertThat(guard.checkTask("a", 2.00).allowed()).isFalse();
        assertThat(events).filteredOn(e -> e instanceof BudgetStateChanged).extracting(e -> ((BudgetStateChanged) e).to())
                .containsExactly(BudgetState.KILLED, BudgetState.ACTIVE);
    }

    @Test
    void aDailyKillEndsAtMidnightInTheConfiguredZone() {
        ZoneId tokyo = ZoneId.of("Asia/Tokyo");
        clock.set(Instant.parse("2026-03-10T14:30:00Z")); // 23:30 in Tokyo
        CostGuard guard = guard().zone(tokyo).perAgentDailyLimit(10.00).build();
        guard.recordCost("a", "t1", 9.60);
        assertThat(guard.state("a")).isEqualTo(BudgetState.KILLED);
        BudgetSnapshot today = guard.snapshot("a");
        assertThat(today.periodStart()).isEqualTo(Instant.parse("2026-03-09T15:00:00Z"));
        assertThat(today.periodEnd()).isEqualTo(Instant.parse("2026-03-10T15:00:00Z"));

        clock.set(Instant.parse("2026-03-10T14:59:59.999Z"));
        assertThat(guard.checkTask("a", 0.01).action()).isEqualTo(BudgetAction.KILL);
        clock.set(Instant.parse("2026-03-10T15:00:00Z")); // midnight in Tokyo, 15:00 UTC
        assertThat(guard.checkTask("a", 0.01).allowed()).isTrue();
        assertThat(guard.snapshot("a").spentUsd()).isEqualByComparingTo("0");
        BudgetPeriodRolledOver rolled = (BudgetPeriodRolledOver) events.stream().filter(e -> e instanceof BudgetPeriodRolledOver)
                .findFirst().orElseThrow();
        assertThat(rolled.previousSpentUsd()).isEqualByComparingTo("9.60");
        assertThat(rolled.periodStart()).isEqualTo(Instant.parse("2026-03-10T15:00:00Z"));
        assertThat(events).filteredOn(e -> e instanceof BudgetStateChanged s && s.reason().equals("new period")).hasSize(1);
    }

    @Test
    void anOrganisationKillDeniesEveryAgentIncludingNewOnesUntilTheMonthRollsOver() {
        clock.set(Instant.parse("2026-03-31T20:00:00Z"));
        CostGuard guard = guard().orgMonthlyBudget(100.00).build();
        guard.recordCost("a", "t1", 60.00);
        guard.recordCost("b", "t1", 36.00);
        CostDecision newcomer = guard.checkTask("never-seen-before", 0.01);
        assertThat(newcomer.action()).isEqualTo(BudgetAction.KILL);
        assertThat(newcomer.scope()).isEqualTo(BudgetScope.ORGANIZATION);
        assertThat(guard.organizationSnapshot().state()).isEqualTo(BudgetState.KILLED);

        clock.set(Instant.parse("2026-04-01T00:00:00Z"));
        assertThat(guard.checkTask("never-seen-before", 0.01).allowed()).isTrue();
        assertThat(guard.organizationSnapshot().spentUsd()).isEqualByComparingTo("0");
        assertThat(guard.organizationSnapshot().periodEnd()).isEqualTo(Instant.parse("2026-05-01T00:00:00Z"));
    }

    @Test
    void reviveOrganizationEndsAnOrganisationKill() {
        CostGuard guard = guard().orgMonthlyBudget(10.00).build();
        guard.recordCost("a", "t1", 9.90);
        assertThat(guard.checkTask("a", 0.01).action()).isEqualTo(BudgetAction.KILL);
        guard.reviveOrganization();
        assertThat(guard.checkTask("a", 0.05).allowed()).isTrue();
    }

    @Test
    void tenantsHaveTheirOwnMonthlyBudgets() {
        CostGuard guard = guard().tenantOf(agent -> agent.startsWith("acme-") ? "acme" : null)
                .tenantMonthlyBudget("acme", 20.00).build();
        guard.recordCost("acme-writer", "t1", 19.50);
        assertThat(guard.checkTask("acme-reader", 0.10).action()).isEqualTo(BudgetAction.KILL);
        assertThat(guard.checkTask("acme-reader", 0.10).scope()).isEqualTo(BudgetScope.TENANT);
        assertThat(guard.checkTask("globex-writer", 0.10).allowed()).isTrue();
        assertThat(guard.tenantSnapshot("acme").spentUsd()).isEqualByComparingTo("19.50");
        guard.reviveTenant("acme");
        assertThat(guard.checkTask("acme-reader", 0.10).allowed()).isTrue();
        assertThatThrownBy(() -> guard.tenantSnapshot("globex")).hasMessageContaining("globex");
    }

    @Test
    void reservationsHoldCommitAndRelease() {
        CostGuard guard = guard().perAgentDailyLimit(10.00).killSwitchThreshold(1.0).build();
        CostReservation r1 = guard.reserve("a", "t1", 6.00);
        assertThat(r1.isGranted()).isTrue();
        assertThat(guard.snapshot("a").heldUsd()).isEqualByComparingTo("6.00");
        CostReservation r2 = guard.reserve("a", "t2", 6.00);
        assertThat(r2.isGranted()).isFalse();
        assertThat(r2.decision().reason()).contains("held $6.00");
        assertThatThrownBy(r2::release).isInstanceOf(IllegalStateException.class).hasMessageContaining("denied");

        r1.commit(7.50); // more than the estimate: still charged
        assertThat(guard.snapshot("a").spentUsd()).isEqualByComparingTo("7.50");
        assertThat(guard.snapshot("a").heldUsd()).isEqualByComparingTo("0");
        assertThatThrownBy(() -> r1.commit(1.00)).isInstanceOf(IllegalStateException.class).hasMessageContaining("COMMITTED");

        try (CostReservation r3 = guard.reserve("a", "t3", 2.00)) {
            assertThat(r3.isGranted()).isTrue();
            assertThat(guard.openReservations()).isEqualTo(1);
        }
        assertThat(guard.snapshot("a").heldUsd()).isEqualByComparingTo("0");
        assertThat(guard.openReservations()).isZero();
    }

    @Test
    void anUnclosedReservationExpires() {
        CostGuard guard = guard().perAgentDailyLimit(10.00).reservationTimeout(Duration.ofMinutes(5)).build();
        CostReservation forgotten = guard.reserve("a", "t1", 8.00);
        assertThat(guard.reserve("a", "t2", 8.00).isGranted()).isFalse();
        clock.advance(Duration.ofMinutes(5));
        assertThat(guard.reserve("a", "t3", 8.00).isGranted()).isTrue();
        assertThat(forgotten.status()).isEqualTo(CostReservation.Status.EXPIRED);
        forgotten.commit(1.00); // the work happened after all: charged
        assertThat(guard.snapshot("a").spentUsd()).isEqualByComparingTo("1.00");
    }

    @Test
    void aTaskOverItsLimitIsReportedAndFurtherReservationsForItDenied() {
        CostGuard guard = guard().perTaskLimit(2.00).build();
        guard.recordCost("a", "t1", 1.50);
        List<CostAlert> alerts = guard.recordCost("a", "t1", 0.75);
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.scope()).isEqualTo(BudgetScope.TASK);
            assertThat(a.message()).isEqualTo("task 't1' of agent 'a' spent $2.25, over the per-task limit of $2.00");
        });
        assertThat(guard.reserve("a", "t1", 0.01).decision().scope()).isEqualTo(BudgetScope.TASK);
        assertThat(guard.reserve("a", "t2", 1.99).isGranted()).isTrue();
    }

    @Test
    void recordingTheSameChargeIdTwiceChargesOnce() {
        CostGuard guard = guard().perAgentDailyLimit(10.00).build();
        guard.recordCost("a", "t1", "charge-1", 1.25, Map.of());
        assertThat(guard.recordCost("a", "t1", "charge-1", 1.25, Map.of())).isEmpty();
        guard.recordCost("a", "t1", "charge-2", 1.25, Map.of());
        guard.recordCost("a", "t2", "charge-1", 1.25, Map.of()); // another task: another charge
        assertThat(guard.snapshot("a").spentUsd()).isEqualByComparingTo("3.75");
    }

    @Test
    void badAmountsAreRejectedAndNothingIsCharged() {
        CostGuard guard = guard().perAgentDailyLimit(10.00).build();
        assertThatThrownBy(() -> guard.recordCost("a", "t", Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("usd").hasMessageContaining("NaN");
        assertThatThrownBy(() -> guard.recordCost("a", "t", -0.01)).hasMessageContaining("usd").hasMessageContaining("-0.01");
        assertThatThrownBy(() -> guard.recordCost("a", "t", Double.POSITIVE_INFINITY)).hasMessageContaining("Infinity");
        assertThatThrownBy(() -> guard.recordCost("a", "t", 1.00, Map.of("tool_calls", -1.0)))
                .hasMessageContaining("breakdown[tool_calls]").hasMessageContaining("-1.0");
        assertThatThrownBy(() -> guard.checkTask("a", Double.NaN)).hasMessageContaining("estimateUsd");
        assertThatThrownBy(() -> guard.reserve("a", "t", -1)).hasMessageContaining("estimateUsd");
        assertThatThrownBy(() -> guard.checkTask(" ", 1)).hasMessageContaining("agentId");
        CostReservation r = guard.reserve("a", "t", 1.00);
        assertThatThrownBy(() -> r.commit(Double.NaN)).hasMessageContaining("actualUsd");
        assertThat(r.status()).isEqualTo(CostReservation.Status.OPEN);
        assertThat(guard.snapshot("a").spentUsd()).isEqualByComparingTo("0");
    }

    @Test
    void invalidConfigurationNamesTheSetting() {
        assertThatThrownBy(() -> CostGuard.builder().perTaskLimit(-1)).hasMessageContaining("perTaskLimit");
        assertThatThrownBy(() -> CostGuard.builder().killSwitchThreshold(1.5).build()).hasMessageContaining("killSwitchThreshold");
        assertThatThrownBy(() -> CostGuard.builder().autoThrottle(true).throttleThreshold(0.97).build())
                .hasMessageContaining("throttleThreshold");
        assertThatThrownBy(() -> CostGuard.builder().alertThresholds(0.9, 0.5)).hasMessageContaining("ascending");
        assertThatThrownBy(() -> CostGuard.builder().throttledTasksPerMinute(0).build()).hasMessageContaining("throttledTasksPerMinute");
        assertThatThrownBy(() -> CostGuard.builder().maxAgents(0).build()).hasMessageContaining("maxAgents");
    }

    @Test
    void chargesArePublishedOnlyToThoseWhoListen() {
        CostGuard guard = guard().tenantOf(a -> "acme").priceTable(PriceTable.defaults()).build();
        guard.recordCost("a", "t1", 0.25); // the CostEvent listener of this test hears it
        List<dev.agentsre.event.CostCharged> charges = events.stream().filter(e -> e instanceof dev.agentsre.event.CostCharged)
                .map(e -> (dev.agentsre.event.CostCharged) e).collect(Collectors.toList());
        assertThat(charges).singleElement().satisfies(c -> {
            assertThat(c.usd()).isEqualByComparingTo("0.25");
            assertThat(c.tenant()).isEqualTo("acme");
            assertThat(c.model()).isNull();
        });
        guard.recordUsage("a", "t2", "gpt-4o", TokenUsage.of(1_000_000, 0));
        assertThat(events).filteredOn(e -> e instanceof dev.agentsre.event.CostCharged c && "gpt-4o".equals(c.model())).hasSize(1);

        SreEventBus quiet = new SreEventBus();
        quiet.subscribe(BudgetStateChanged.class, e -> { });
        CostGuard unobserved = CostGuard.builder().clock(clock).eventBus(quiet).build();
        assertThat(quiet.hasListeners(dev.agentsre.event.CostCharged.class)).isFalse();
        assertThat(unobserved.recordCost("a", "t1", 0.25)).isEmpty();
    }

    @Test
    void recordUsagePricesTokensWithTheTable() {
        CostGuard guard = guard().priceTable(PriceTable.defaults()).build();
        guard.recordUsage("a", "t1", "gpt-4o-2024-08-06", TokenUsage.openAi(10_000, 1_000, 4_000, 0));
        // 6,000 uncached x $2.50/M + 4,000 cached x $1.25/M + 1,000 out x $10/M = 0.015 + 0.005 + 0.01
        BudgetSnapshot snapshot = guard.snapshot("a");
        assertThat(snapshot.spentUsd()).isEqualByComparingTo("0.03");
        assertThat(snapshot.breakdown()).containsEntry("cache_read_tokens", usd("0.005"));
    }

    @Test
    void pricesWithTheDefaultTableUnlessToldOtherwise() {
        CostGuard guard = guard().build();
        assertThat(guard.priceTable()).isSameAs(PriceTable.defaults());
        guard.recordUsage("a", "t1", "gpt-4o", TokenUsage.of(1_000_000, 0));
        assertThat(guard.snapshot("a").spentUsd()).isEqualByComparingTo("2.50");
    }

    @Test
    void agentsAreCappedAndIdleOnesEvictedFirst() {
        CostGuard guard = guard().maxAgents(10).perAgentDailyLimit(5.00).build();
        for (int i = 0; i < 10; i++) {
            guard.recordCost("old-" + i, "t", 1.00);
        }
        clock.advance(Duration.ofDays(1));
        guard.recordCost("old-9", "t", 1.00);        // active again today
        guard.recordCost("busy", "t", 4.00);         // the eleventh agent
        List<String> agents = guard.agents().stream().sorted().collect(Collectors.toList());
        assertThat(agents).hasSize(10).contains("busy", "old-9");
        assertThat(guard.snapshot("old-9").spentUsd()).isEqualByComparingTo("1.00"); // its day was kept
    }
}
