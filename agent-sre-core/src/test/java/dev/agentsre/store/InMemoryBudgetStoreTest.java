package dev.agentsre.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.store.internal.InMemoryBudgetStore;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryBudgetStoreTest extends BudgetStoreContract {

    @Override
    protected BudgetStore open(ManualClock clock) {
        return BudgetStore.inMemory(clock);
    }

    @Test
    void openReservationsAreCappedAndNothingIsEvicted() {
        InMemoryBudgetStore small = InMemoryBudgetStore.builder().clock(clock).maxOpenReservations(3).build();
        List<ScopeLimit> scopes = agentDay("a", 100);
        for (int i = 0; i < 3; i++) {
            assertThat(small.reserve("r" + i, scopes, USD, LEASE).granted()).isTrue();
        }
        ReserveResult refused = small.reserve("r3", scopes, USD, LEASE);
        assertThat(refused.status()).isEqualTo(ReserveResult.Status.REFUSED);
        assertThat(refused.reason()).contains("maxOpenReservations");
        assertThat(small.held(scopes.get(0).key())).isEqualTo(3 * USD);
        small.commit("r0", USD);
        assertThat(small.reserve("r3", scopes, USD, LEASE).granted()).isTrue();
    }

    @Test
    void settledIdsAreForgottenAfterTheWindowOrOldestFirstAtTheCap() {
        InMemoryBudgetStore small = InMemoryBudgetStore.builder().clock(clock).maxSettledIds(2)
                .idempotencyWindow(Duration.ofHours(1)).build();
        List<ScopeLimit> scopes = agentDay("a", 100);
        small.charge("c1", scopes, USD);
        small.charge("c2", scopes, USD);
        small.charge("c3", scopes, USD);
        assertThat(small.settledIds()).isEqualTo(2);
        assertThat(small.charge("c1", scopes, USD).settlement()).isEqualTo(Settlement.APPLIED); // forgotten: the cap
        assertThat(small.charge("c3", scopes, USD).settlement()).isEqualTo(Settlement.REPEATED);
        clock.advance(Duration.ofHours(1));
        assertThat(small.charge("c3", scopes, USD).settlement()).isEqualTo(Settlement.APPLIED); // forgotten: the window
    }

    @Test
    void scopesAreDroppedAfterTheirRetentionUnlessTheyHoldMoney() {
        InMemoryBudgetStore s = InMemoryBudgetStore.builder().clock(clock).build();
        List<ScopeLimit> day = agentDay("a", 100);
        s.charge("c", day, USD);
        s.reserve("open", day, USD, Duration.ofDays(30));
        clock.set(day.get(0).retainUntil());
        s.charge("other", agentDay("b", 100), USD); // any operation purges
        assertThat(s.scopeCount()).isEqualTo(2);   // "a" still holds money
        s.release("open");
        clock.advance(Duration.ofMinutes(2));
        s.charge("other2", agentDay("b", 100), USD);
        assertThat(s.scopeCount()).isEqualTo(1);
    }

    @Test
    void scopesAreCapped() {
        InMemoryBudgetStore s = InMemoryBudgetStore.builder().clock(clock).maxScopes(2).build();
        assertThat(s.reserve("a", agentDay("a", 10), USD, LEASE).granted()).isTrue();
        assertThat(s.reserve("b", agentDay("b", 10), USD, LEASE).granted()).isTrue();
        ReserveResult refused = s.reserve("c", agentDay("c", 10), USD, LEASE);
        assertThat(refused.granted()).isFalse();
        assertThat(refused.reason()).contains("maxScopes");
    }
}
