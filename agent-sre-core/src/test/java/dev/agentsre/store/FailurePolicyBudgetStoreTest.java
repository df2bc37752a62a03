package dev.agentsre.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The failure policy over a store that can be switched off, without Redis. */
class FailurePolicyBudgetStoreTest {

    private static final long USD = 1_000_000_000L;
    private static final Duration LEASE = Duration.ofMinutes(1);

    ManualClock clock;
    BudgetStore backing;
    Flaky flaky;
    AtomicLong nanos = new AtomicLong();
    List<ScopeLimit> scopes;

    /** A store that throws StoreUnavailableException while down. */
    static final class Flaky extends ForwardingBudgetStore {
        volatile boolean down;
        /** The next reserve reaches the store but its reply is lost. */
        volatile boolean loseNextReply;

        Flaky(BudgetStore store) {
            super(store, () -> { });
        }

        @Override
        protected void beforeCall() {
            if (down) {
                throw new StoreUnavailableException("test outage", null);
            }
        }

        @Override
        public ReserveResult reserve(String id, List<ScopeLimit> scopes, long amount, Duration lease) {
            ReserveResult result = super.reserve(id, scopes, amount, lease);
            if (loseNextReply) {
                loseNextReply = false;
                throw new StoreUnavailableException("reply lost", null);
            }
            return result;
        }
    }

    @BeforeEach
    void setUp() {
        clock = ManualClock.at(Instant.parse("2026-11-25T10:00:00Z"));
        backing = BudgetStore.inMemory(clock);
        flaky = new Flaky(backing);
        scopes = List.of(ScopeLimit.of("agent:a", 10 * USD, clock.instant(), Duration.ofDays(1)));
    }

    private FailurePolicyBudgetStore wrap(BudgetFailurePolicy policy) {
        return new FailurePolicyBudgetStore(flaky, policy, nanos::get);
    }

    @Test
    void failClosedRefusesSayingTheStoreIsUnreachable() {
        FailurePolicyBudgetStore store = wrap(BudgetFailurePolicy.failClosed());
        flaky.down = true;
        ReserveResult r = store.reserve("t1", scopes, USD, LEASE);
        assertThat(r.status()).isEqualTo(ReserveResult.Status.UNAVAILABLE);
        assertThat(r.granted()).isFalse();
        assertThat(r.reason()).contains("unreachable").contains("test outage").contains("fail closed");
        flaky.down = false;
        store.replayQueued();
        assertThat(backing.balance("agent:a")).isEqualTo(new ScopeBalance("agent:a", 0, 0));
    }

    @Test
    void aRefusedReserveThatDidLandIsReleasedWhenTheStoreAnswersAgain() {
        FailurePolicyBudgetStore store = wrap(BudgetFailurePolicy.failClosed());
        flaky.loseNextReply = true;
        assertThat(store.reserve("t1", scopes, USD, LEASE).status()).isEqualTo(ReserveResult.Status.UNAVAILABLE);
        assertThat(backing.held("agent:a")).isEqualTo(USD); // it did land
        assertThat(store.replayQueued()).isEqualTo(1);
        assertThat(backing.balance("agent:a")).isEqualTo(new ScopeBalance("agent:a", 0, 0));
    }

    @Test
    void aProvisionalReservationWhoseReserveDidLandIsCommittedOnceByItsReplayedCharge() {
        FailurePolicyBudgetStore store = wrap(BudgetFailurePolicy.failOpen(5));
        flaky.loseNextReply = true;
        assertThat(store.reserve("t1", scopes, 2 * USD, LEASE).status()).isEqualTo(ReserveResult.Status.PROVISIONAL);
        assertThat(store.commit("t1", USD).settlement()).isEqualTo(Settlement.QUEUED);
        store.replayQueued();
        assertThat(backing.balance("agent:a")).isEqualTo(new ScopeBalance("agent:a", USD, 0));
    }

    @Test
    void failOpenAdmitsUpToTheCapAndReplaysEachCommitAsAChargeOnce() {
        FailurePolicyBudgetStore store = wrap(BudgetFailurePolicy.failOpen(2.50));
        flaky.down = true;
        assertThat(store.reserve("a", scopes, USD, LEASE).status()).isEqualTo(ReserveResult.Status.PROVISIONAL);
        assertThat(store.reserve("b", scopes, USD, LEASE).status()).isEqualTo(ReserveResult.Status.PROVISIONAL);
        assertThat(store.reserve("a", scopes, USD, LEASE).status()).isEqualTo(ReserveResult.Status.PROVISIONAL); // a retry, no second hold
        ReserveResult c = store.reserve("c", scopes, USD, LEASE);
        assertThat(c.status()).isEqualTo(ReserveResult.Status.UNAVAILABLE);
        assertThat(c.reason()).contains("$2.50").contains("$2.00 outstanding");

        assertThat(store.commit("a", 1_500_000_000L).settlement()).isEqualTo(Settlement.QUEUED);
        assertThat(store.outstandingNanos()).isEqualTo(2_500_000_000L);
        assertThat(store.reserve("d", scopes, 1, LEASE).granted()).isFalse(); // the commit cost more than its estimate
        assertThat(store.release("b").settlement()).isEqualTo(Settlement.QUEUED);
        assertThat(store.outstandingNanos()).isEqualTo(1_500_000_000L);

        flaky.down = false;
        store.replayQueued();
        assertThat(store.queued()).isZero();
        assertThat(store.outstandingNanos()).isZero();
        assertThat(backing.balance("agent:a")).isEqualTo(new ScopeBalance("agent:a", 1_500_000_000L, 0));
        assertThat(store.charge("a", scopes, 1_500_000_000L).settlement()).isEqualTo(Settlement.REPEATED);
    }

    @Test
    void aFailedCommitIsQueuedAndReplayedBeforeTheNextOperationAfterTheRetryInterval() {
        FailurePolicyBudgetStore store = wrap(BudgetFailurePolicy.failClosed().withRetryInterval(Duration.ofSeconds(1)));
        assertThat(store.reserve("t1", scopes, 2 * USD, LEASE).granted()).isTrue();
        flaky.down = true;
        assertThat(store.commit("t1", USD).settlement()).isEqualTo(Settlement.QUEUED);
        flaky.down = false;

        store.balance("agent:a"); // balance reads do not replay
        store.reserve("t2", scopes, USD, LEASE); // within the retry interval: no replay yet
        assertThat(store.queued()).isEqualTo(1);
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        store.reserve("t3", scopes, USD, LEASE);
        assertThat(store.queued()).isZero();
        assertThat(backing.balance("agent:a")).isEqualTo(new ScopeBalance("agent:a", USD, 2 * USD));
    }

    @Test
    void theQueueIsBoundedAndDropsAreCounted() {
        FailurePolicyBudgetStore store = wrap(BudgetFailurePolicy.failClosed().withMaxQueued(2));
        flaky.down = true;
        assertThat(store.charge("c1", scopes, USD).settlement()).isEqualTo(Settlement.QUEUED);
        assertThat(store.charge("c2", scopes, USD).settlement()).isEqualTo(Settlement.QUEUED);
        assertThat(store.charge("c3", scopes, USD).settlement()).isEqualTo(Settlement.UNKNOWN);
        assertThat(store.droppedEntries()).isEqualTo(1);
        assertThat(store.queued()).isEqualTo(2);
    }

    @Test
    void replaysKeepTheirOrderAndStopAtTheFirstFailure() {
        FailurePolicyBudgetStore store = wrap(BudgetFailurePolicy.failClosed());
        store.reserve("t1", scopes, 5 * USD, LEASE);
        flaky.down = true;
        store.commit("t1", USD);
        store.charge("c1", scopes, USD);
        assertThat(store.replayQueued()).isZero();
        assertThat(store.queued()).isEqualTo(2);
        flaky.down = false;
        assertThat(store.replayQueued()).isEqualTo(2);
        assertThat(backing.balance("agent:a")).isEqualTo(new ScopeBalance("agent:a", 2 * USD, 0));
    }

    @Test
    void aStoreThatAnswersIsUsedDirectly() {
        FailurePolicyBudgetStore store = wrap(BudgetFailurePolicy.failOpen(1));
        ReserveResult r = store.reserve("t1", scopes, 10 * USD, LEASE);
        assertThat(r.status()).isEqualTo(ReserveResult.Status.GRANTED);
        assertThat(store.reserve("t2", scopes, USD, LEASE).status()).isEqualTo(ReserveResult.Status.REFUSED);
        assertThat(store.commit("t1", USD).settlement()).isEqualTo(Settlement.APPLIED);
        assertThat(store.renew("t1", LEASE)).isFalse();
        assertThat(store.outstandingNanos()).isZero();
    }
}
