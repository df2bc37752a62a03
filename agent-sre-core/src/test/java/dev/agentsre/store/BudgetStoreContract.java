package dev.agentsre.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.testing.Race;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link BudgetStore} contract, run against every implementation: each subclass says how to
 * open a store over fresh state on a {@link ManualClock}.
 */
public abstract class BudgetStoreContract {

    protected static final long USD = 1_000_000_000L;
    protected static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    protected static final Duration LEASE = Duration.ofMinutes(1);

    protected ManualClock clock;
    protected BudgetStore store;
    private final AtomicInteger ids = new AtomicInteger();

    /** A store over fresh (empty) state whose leases follow {@code clock}. */
    protected abstract BudgetStore open(ManualClock clock);

    /** A second store over the same state (another connection, for shared stores); the same store otherwise. */
    protected BudgetStore openAnother(ManualClock clock) {
        return store;
    }

    @BeforeEach
    void openStore() {
        clock = ManualClock.at(Instant.parse("2026-11-25T10:00:00Z"));
        store = open(clock);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    protected String id() {
        return "r-" + ids.incrementAndGet();
    }

    protected List<ScopeLimit> agentDay(String agent, double limitUsd) {
        return List.of(ScopeLimit.daily("agent:" + agent, Math.round(limitUsd * USD), clock.instant(), BERLIN));
    }

    @Test
    void reserveHoldsAndCommitReplacesTheHoldByTheActualCost() {
        List<ScopeLimit> scopes = agentDay("a", 10);
        String key = scopes.get(0).key();
        ReserveResult r = store.reserve("t1", scopes, 3 * USD, LEASE);
        assertThat(r.status()).as(r.reason()).isEqualTo(ReserveResult.Status.GRANTED);
        assertThat(r.balances()).containsExactly(new ScopeBalance(key, 0, 3 * USD));
        assertThat(store.held(key)).isEqualTo(3 * USD);

        SettleResult c = store.commit("t1", 2_500_000_000L);
        assertThat(c.settlement()).isEqualTo(Settlement.APPLIED);
        assertThat(c.balances()).containsExactly(new ScopeBalance(key, 2_500_000_000L, 0));
        assertThat(store.balance(key)).isEqualTo(new ScopeBalance(key, 2_500_000_000L, 0));
    }

    @Test
    void refusalNamesTheFirstScopeWithoutRoomAndHoldsNothingAnywhere() {
        Instant now = clock.instant();
        ScopeLimit agentA = ScopeLimit.daily("agent:a", 10 * USD, now, BERLIN);
        ScopeLimit agentB = ScopeLimit.daily("agent:b", 10 * USD, now, BERLIN);
        ScopeLimit org = ScopeLimit.monthly("org", 12 * USD, now, BERLIN);
        assertThat(store.charge("c-b", List.of(agentB, org), 5 * USD).settlement()).isEqualTo(Settlement.APPLIED);

        ReserveResult r = store.reserve("t-a", List.of(agentA, org), 8 * USD, LEASE);

        assertThat(r.status()).isEqualTo(ReserveResult.Status.REFUSED);
        assertThat(r.granted()).isFalse();
        assertThat(r.refusedScope()).isEqualTo(1);
        assertThat(r.reason()).contains("org:m:2026-11").contains("$8.00").contains("$5.00").contains("$12.00");
        assertThat(store.balance(agentA.key())).isEqualTo(new ScopeBalance(agentA.key(), 0, 0));
        assertThat(store.balance(org.key())).isEqualTo(new ScopeBalance(org.key(), 5 * USD, 0));
        assertThat(store.commit("t-a", USD).settlement()).isEqualTo(Settlement.UNKNOWN);
    }

    @Test
    void aReservationFillsTheLimitExactly() {
        List<ScopeLimit> scopes = agentDay("a", 10);
        assertThat(store.reserve(id(), scopes, 10 * USD, LEASE).granted()).isTrue();
        assertThat(store.reserve(id(), scopes, 1, LEASE).status()).isEqualTo(ReserveResult.Status.REFUSED);
    }

    @Test
    void unlimitedScopesAreCountedButNeverRefuse() {
        ScopeLimit org = ScopeLimit.monthly("org", ScopeLimit.UNLIMITED, clock.instant(), BERLIN);
        assertThat(store.reserve("big", List.of(org), BudgetStore.MAX_AMOUNT_NANOS, LEASE).granted()).isTrue();
        assertThat(store.held(org.key())).isEqualTo(BudgetStore.MAX_AMOUNT_NANOS);
    }

    @Test
    void commitTwiceChargesOnce() {
        List<ScopeLimit> scopes = agentDay("a", 10);
        store.reserve("t1", scopes, 2 * USD, LEASE);
        assertThat(store.commit("t1", USD).settlement()).isEqualTo(Settlement.APPLIED);
        SettleResult again = store.commit("t1", USD);
        assertThat(again.settlement()).isEqualTo(Settlement.REPEATED);
        assertThat(store.balance(scopes.get(0).key())).isEqualTo(new ScopeBalance(scopes.get(0).key(), USD, 0));
        assertThat(store.release("t1").settlement()).isEqualTo(Settlement.REPEATED);
    }

    @Test
    void theSameChargeIdTwiceChargesOnce() {
        List<ScopeLimit> scopes = agentDay("a", 10);
        assertThat(store.charge("charge-1", scopes, USD).settlement()).isEqualTo(Settlement.APPLIED);
        assertThat(store.charge("charge-1", scopes, USD).settlement()).isEqualTo(Settlement.REPEATED);
        assertThat(store.spent(scopes.get(0).key())).isEqualTo(USD);
    }

    @Test
    void aChargeIsRecordedBeyondTheLimit() {
        List<ScopeLimit> scopes = agentDay("a", 1);
        assertThat(store.charge("c", scopes, 3 * USD).applied()).isTrue();
        assertThat(store.spent(scopes.get(0).key())).isEqualTo(3 * USD);
        assertThat(store.reserve(id(), scopes, 0, LEASE).status()).isEqualTo(ReserveResult.Status.REFUSED);
    }

    @Test
    void aChargeOfAnOpenReservationsIdCommitsIt() {
        List<ScopeLimit> scopes = agentDay("a", 10);
        store.reserve("landed", scopes, 4 * USD, LEASE);
        SettleResult r = store.charge("landed", scopes, 3 * USD);
        assertThat(r.settlement()).isEqualTo(Settlement.APPLIED);
        assertThat(store.balance(scopes.get(0).key())).isEqualTo(new ScopeBalance(scopes.get(0).key(), 3 * USD, 0));
        assertThat(store.commit("landed", 3 * USD).settlement()).isEqualTo(Settlement.REPEATED);
    }

    @Test
    void releaseDropsTheHoldOnce() {
        List<ScopeLimit> scopes = agentDay("a", 10);
        store.reserve("t1", scopes, 4 * USD, LEASE);
        assertThat(store.release("t1").settlement()).isEqualTo(Settlement.APPLIED);
        assertThat(store.release("t1").settlement()).isEqualTo(Settlement.REPEATED);
        assertThat(store.commit("t1", USD).settlement()).isEqualTo(Settlement.REPEATED);
        assertThat(store.balance(scopes.get(0).key())).isEqualTo(new ScopeBalance(scopes.get(0).key(), 0, 0));
        assertThat(store.release("never-reserved").settlement()).isEqualTo(Settlement.UNKNOWN);
    }

    @Test
    void aRetriedReserveOfAnOpenReservationHoldsOnce() {
        List<ScopeLimit> scopes = agentDay("a", 10);
        assertThat(store.reserve("t1", scopes, 4 * USD, LEASE).status()).isEqualTo(ReserveResult.Status.GRANTED);
        assertThat(store.reserve("t1", scopes, 4 * USD, LEASE).status()).isEqualTo(ReserveResult.Status.GRANTED);
        assertThat(store.held(scopes.get(0).key())).isEqualTo(4 * USD);
        store.commit("t1", USD);
        assertThat(store.reserve("t1", scopes, 4 * USD, LEASE).status()).isEqualTo(ReserveResult.Status.SETTLED);
        assertThat(store.held(scopes.get(0).key())).isZero();
    }

    @Test
    void anExpiredLeaseIsReclaimedAndALateCommitStillCharges() {
        List<ScopeLimit> scopes = agentDay("a", 10);
        String key = scopes.get(0).key();
        assertThat(store.reserve("dies", scopes, 5 * USD, LEASE).granted()).isTrue();
        assertThat(store.reserve(id(), scopes, 6 * USD, LEASE).granted()).isFalse();

        clock.advance(LEASE.plusMillis(1));
        assertThat(store.reserve("other", scopes, 6 * USD, LEASE).granted()).isTrue();
        assertThat(store.held(key)).isEqualTo(6 * USD);

        assertThat(store.commit("dies", 2 * USD).settlement()).isEqualTo(Settlement.APPLIED);
        assertThat(store.balance(key)).isEqualTo(new ScopeBalance(key, 2 * USD, 6 * USD));
        assertThat(store.commit("dies", 2 * USD).settlement()).isEqualTo(Settlement.REPEATED);
    }

    @Test
    void aReleaseAfterTheLeaseLapsedChangesNothing() {
        List<ScopeLimit> scopes = agentDay("a", 10);
        store.reserve("slow", scopes, 5 * USD, LEASE);
        clock.advance(LEASE.plusSeconds(1));
        store.reserve(id(), scopes, USD, LEASE); // reclaims
        assertThat(store.release("slow").settlement()).isEqualTo(Settlement.REPEATED);
        assertThat(store.balance(scopes.get(0).key()).heldNanos()).isEqualTo(USD);
    }

    @Test
    void renewKeepsALongTaskHeld() {
        List<ScopeLimit> scopes = agentDay("a", 10);
        store.reserve("long", scopes, 5 * USD, LEASE);
        clock.advance(Duration.ofSeconds(50));
        assertThat(store.renew("long", LEASE)).isTrue();
        clock.advance(Duration.ofSeconds(50));
        assertThat(store.reserve(id(), scopes, 6 * USD, LEASE).granted()).isFalse();
        assertThat(store.held(scopes.get(0).key())).isEqualTo(5 * USD);
        assertThat(store.renew("unknown", LEASE)).isFalse();
    }

    @Test
    void theDayRollsOverAtBerlinMidnight() {
        clock.set(ZonedDateTime.of(2026, 11, 25, 23, 59, 59, 0, BERLIN).toInstant());
        List<ScopeLimit> lastDay = agentDay("a", 10);
        assertThat(store.reserve(id(), lastDay, 10 * USD, LEASE).granted()).isTrue();
        assertThat(store.reserve(id(), agentDay("a", 10), USD, LEASE).granted()).isFalse();

        clock.set(ZonedDateTime.of(2026, 11, 26, 0, 0, 0, 0, BERLIN).toInstant());
        List<ScopeLimit> newDay = agentDay("a", 10);
        assertThat(newDay.get(0).key()).isEqualTo("agent:a:d:2026-11-26");
        assertThat(store.reserve(id(), newDay, 10 * USD, LEASE).granted()).isTrue();
        assertThat(store.reserve(id(), agentDay("a", 10), USD, LEASE).granted()).isFalse();
        assertThat(store.held(lastDay.get(0).key())).isEqualTo(10 * USD); // the old day keeps its own holds
    }

    @Test
    void manyThreadsGetExactlyTheLimitAndCommitItExactly() throws Exception {
        BudgetStore other = openAnother(clock);
        try {
            List<ScopeLimit> scopes = agentDay("hot", 10);
            AtomicInteger granted = new AtomicInteger();
            Race.run(8, thread -> {
                BudgetStore s = thread % 2 == 0 ? store : other;
                for (int i = 0; i < 20; i++) {
                    String id = "race-" + thread + "-" + i;
                    if (s.reserve(id, scopes, USD, LEASE).granted()) {
                        granted.incrementAndGet();
                        assertThat(s.commit(id, USD).settlement()).isEqualTo(Settlement.APPLIED);
                    }
                }
            });
            assertThat(granted.get()).isEqualTo(10);
            assertThat(store.balance(scopes.get(0).key())).isEqualTo(new ScopeBalance(scopes.get(0).key(), 10 * USD, 0));
        } finally {
            if (other != store) {
                other.close();
            }
        }
    }

    @Test
    void largeAmountsStayExact() {
        long limit = BudgetStore.MAX_AMOUNT_NANOS;
        List<ScopeLimit> scopes = List.of(ScopeLimit.monthly("org", limit, clock.instant(), BERLIN));
        long big = 150_000_123_456_789L; // $150,000.123456789: past 1e14, where Lua would print "1e+14"
        assertThat(store.reserve("big", scopes, big, LEASE).granted()).isTrue();
        store.commit("big", big + 1);
        assertThat(store.spent(scopes.get(0).key())).isEqualTo(big + 1);
        assertThat(store.reserve("rest", scopes, limit - big - 1, LEASE).granted()).isTrue();
        assertThat(store.reserve("one-more", scopes, 1, LEASE).granted()).isFalse();
    }

    @Test
    void badInputIsRejectedNamingTheParameterAndNothingIsHeld() {
        List<ScopeLimit> scopes = agentDay("a", 10);
        assertThatThrownBy(() -> store.reserve("", scopes, USD, LEASE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reservationId");
        assertThatThrownBy(() -> store.reserve("x\u0000y", scopes, USD, LEASE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reservationId");
        assertThatThrownBy(() -> store.reserve(id(), scopes, -1, LEASE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("amountNanos");
        assertThatThrownBy(() -> store.reserve(id(), scopes, BudgetStore.MAX_AMOUNT_NANOS + 1, LEASE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("amountNanos");
        assertThatThrownBy(() -> store.reserve(id(), List.of(), USD, LEASE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scopes");
        assertThatThrownBy(() -> store.reserve(id(), List.of(scopes.get(0), scopes.get(0)), USD, LEASE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("distinct");
        assertThatThrownBy(() -> store.reserve(id(), scopes, USD, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lease");
        assertThatThrownBy(() -> store.commit("t", -5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("actualNanos");
        assertThatThrownBy(() -> store.charge("c", scopes, -5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("amountNanos");
        List<ScopeLimit> tooMany = new ArrayList<>();
        for (int i = 0; i <= BudgetStore.MAX_SCOPES; i++) {
            tooMany.add(ScopeLimit.daily("s" + i, USD, clock.instant(), BERLIN));
        }
        assertThatThrownBy(() -> store.reserve(id(), tooMany, USD, LEASE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scopes");
        assertThat(store.balance(scopes.get(0).key())).isEqualTo(new ScopeBalance(scopes.get(0).key(), 0, 0));
    }

    @Test
    void zeroAmountsAreFine() {
        List<ScopeLimit> scopes = agentDay("a", 10);
        assertThat(store.reserve("z", scopes, 0, LEASE).granted()).isTrue();
        assertThat(store.commit("z", 0).settlement()).isEqualTo(Settlement.APPLIED);
        assertThat(store.charge("zc", scopes, 0).settlement()).isEqualTo(Settlement.APPLIED);
        store.reserve("z2", scopes, 0, LEASE);
        clock.advance(LEASE.plusSeconds(1));
        assertThat(store.reserve(id(), scopes, 10 * USD, LEASE).granted()).isTrue();
        assertThat(store.balance(scopes.get(0).key())).isEqualTo(new ScopeBalance(scopes.get(0).key(), 0, 10 * USD));
    }
}
