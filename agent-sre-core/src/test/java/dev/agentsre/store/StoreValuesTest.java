package dev.agentsre.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Period keys, scope limits, window snapshots and the in-memory flag and window stores. */
class StoreValuesTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void dayKeysFollowTheZonesMidnightIncludingDaylightSavingDays() {
        Instant beforeMidnight = ZonedDateTime.of(2026, 3, 28, 23, 59, 59, 999_000_000, BERLIN).toInstant();
        assertThat(BudgetPeriod.DAY.key("agent:a", beforeMidnight, BERLIN)).isEqualTo("agent:a:d:2026-03-28");
        assertThat(BudgetPeriod.DAY.key("agent:a", beforeMidnight.plusMillis(1), BERLIN)).isEqualTo("agent:a:d:2026-03-29");
        BudgetPeriod.Span springForward = BudgetPeriod.DAY.at(beforeMidnight.plusMillis(1), BERLIN);
        assertThat(Duration.between(springForward.start(), springForward.end())).isEqualTo(Duration.ofHours(23));
        // 23:30 UTC is already the next day in Berlin
        assertThat(BudgetPeriod.DAY.key("a", Instant.parse("2026-11-25T23:30:00Z"), BERLIN)).isEqualTo("a:d:2026-11-26");
    }

    @Test
    void monthKeysAndRetention() {
        Instant lastMoment = ZonedDateTime.of(2026, 11, 30, 23, 59, 59, 0, BERLIN).toInstant();
        ScopeLimit org = ScopeLimit.monthly("org", 5, lastMoment, BERLIN);
        assertThat(org.key()).isEqualTo("org:m:2026-11");
        assertThat(org.retainUntil()).isEqualTo(ZonedDateTime.of(2027, 2, 1, 0, 0, 0, 0, BERLIN).toInstant());
        assertThat(ScopeLimit.monthly("org", 5, lastMoment.plusSeconds(1), BERLIN).key()).isEqualTo("org:m:2026-12");
        assertThat(ScopeLimit.daily("a", 5, lastMoment, BERLIN).retainUntil())
                .isEqualTo(ZonedDateTime.of(2026, 12, 3, 0, 0, 0, 0, BERLIN).toInstant());
    }

    @Test
    void scopeLimitsRejectBadKeysAndLimits() {
        Instant now = Instant.EPOCH;
        assertThatThrownBy(() -> new ScopeLimit("", 1, now)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key");
        assertThatThrownBy(() -> new ScopeLimit("a\nb", 1, now)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control");
        assertThatThrownBy(() -> new ScopeLimit("a", -2, now)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limitNanos");
        assertThatThrownBy(() -> new ScopeLimit("a", 1, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retainUntil");
        assertThat(new ScopeLimit("a", ScopeLimit.UNLIMITED, now).limited()).isFalse();
    }

    @Test
    void windowSnapshotsAddBucketByBucketAndKeepOnlyTheRing() {
        WindowSnapshot a = WindowSnapshot.of(1000, 3, List.of(new WindowSnapshot.Bucket(10, 5, 1), new WindowSnapshot.Bucket(11, 2, 0)), 7, 1, 10_000);
        WindowSnapshot b = WindowSnapshot.of(1000, 3, List.of(new WindowSnapshot.Bucket(11, 1, 1), new WindowSnapshot.Bucket(13, 4, 0)), 5, 1, 9_000);
        WindowSnapshot sum = a.plus(b);
        assertThat(sum.buckets()).containsExactly(new WindowSnapshot.Bucket(11, 3, 1), new WindowSnapshot.Bucket(13, 4, 0));
        assertThat(sum.lifetimeTotal()).isEqualTo(12);
        assertThat(sum.lifetimeBad()).isEqualTo(2);
        assertThat(sum.firstEventMillis()).isEqualTo(9_000);
        assertThat(WindowSnapshot.empty(1000, 3).plus(a)).isEqualTo(a);
        assertThatThrownBy(() -> a.plus(WindowSnapshot.empty(2000, 3))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layouts");
    }

    @Test
    void windowSnapshotsRejectBadCounts() {
        assertThatThrownBy(() -> new WindowSnapshot.Bucket(1, 1, 2)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad");
        assertThatThrownBy(() -> WindowSnapshot.of(1000, 3, List.of(new WindowSnapshot.Bucket(1, 1, 0), new WindowSnapshot.Bucket(1, 1, 0)), 2, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("distinct");
        assertThatThrownBy(() -> WindowSnapshot.empty(0, 3)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bucketMillis");
        assertThatThrownBy(() -> WindowSnapshot.empty(1, WindowSnapshot.MAX_BUCKETS + 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("size");
    }

    @Test
    void inMemoryFlagsLapseAreWatchedAndCapped() throws Exception {
        ManualClock clock = ManualClock.at(Instant.parse("2026-11-25T10:00:00Z"));
        FlagStore flags = new dev.agentsre.store.internal.InMemoryFlagStore(clock, 2);
        List<String> seen = new ArrayList<>();
        AutoCloseable watch = flags.watch("quarantine:", (key, flag) -> seen.add(key + "=" + (flag == null ? "-" : flag.value())));
        flags.set("quarantine:a", "loop", Duration.ofMinutes(1));
        flags.set("kill:b", "cap", null);
        assertThat(flags.isSet("quarantine:a")).isTrue();
        assertThatThrownBy(() -> flags.set("kill:c", "", null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxFlags");

        clock.advance(Duration.ofMinutes(1));
        assertThat(flags.isSet("quarantine:a")).isFalse(); // a pure read: the lapse is told on the next write
        flags.set("kill:c", "", null);                      // room: the lapsed flag is dropped
        assertThat(flags.list("kill:")).extracting(Flag::key).containsExactly("kill:b", "kill:c");
        assertThat(flags.clear("kill:b")).isTrue();
        assertThat(flags.clear("kill:b")).isFalse();
        watch.close();
        flags.set("quarantine:z", "", null);
        assertThat(seen).containsExactly("quarantine:a=loop", "quarantine:a=-");
    }

    @Test
    void aThrowingFlagListenerDoesNotBreakTheWrite() {
        FlagStore flags = FlagStore.inMemory();
        flags.watch("", (key, flag) -> {
            throw new IllegalStateException("listener bug");
        });
        flags.set("kill:a", "", null);
        assertThat(flags.isSet("kill:a")).isTrue();
    }

    @Test
    void inMemoryWindowsAddDeltasAndResetOnANewLayout() {
        WindowStore windows = WindowStore.inMemory();
        WindowSnapshot a = WindowSnapshot.of(1000, 3, List.of(new WindowSnapshot.Bucket(10, 5, 1)), 5, 1, 10_000);
        assertThat(windows.add("w", a)).isEqualTo(a);
        assertThat(windows.add("w", a).buckets()).containsExactly(new WindowSnapshot.Bucket(10, 10, 2));
        WindowSnapshot other = WindowSnapshot.of(60_000, 3, List.of(new WindowSnapshot.Bucket(1, 1, 0)), 1, 0, 60_000);
        assertThat(windows.add("w", other)).isEqualTo(other);
        assertThat(windows.load("none")).isEmpty();
    }

    @Test
    void inMemoryWindowsAreCapped() {
        WindowStore windows = new dev.agentsre.store.internal.InMemoryWindowStore(2);
        WindowSnapshot w = WindowSnapshot.of(1000, 3, List.of(new WindowSnapshot.Bucket(1, 1, 0)), 1, 0, 1000);
        windows.add("a", w);
        windows.add("b", w);
        assertThatThrownBy(() -> windows.add("c", w)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxWindows");
        assertThat(windows.add("a", w).lifetimeTotal()).isEqualTo(2); // a known window still takes deltas
    }
}
