package dev.agentsre.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class CachedMillisClockTest {

    @Test
    void readsTheSystemClockWithinAFewMilliseconds() {
        CachedMillisClock clock = new CachedMillisClock(1_000_000L, 1_000);
        for (int i = 0; i < 100_000; i++) {
            long before = System.currentTimeMillis();
            long read = clock.millis();
            long after = System.currentTimeMillis();
            // The cache lags by at most a tick plus the ticker's scheduling delay; it never runs ahead.
            assertThat(read).isBetween(before - 250, after);
        }
        assertThat(clock.isTicking()).isTrue();
    }

    @Test
    void theFirstReadStartsOneTickerThread() {
        CachedMillisClock clock = new CachedMillisClock(1_000_000L, 1_000);
        assertThat(clock.isTicking()).isFalse();
        clock.millis();
        Thread ticker = clock.ticker();
        assertThat(ticker).isNotNull();
        assertThat(ticker.isDaemon()).isTrue();
        assertThat(ticker.getName()).isEqualTo("agent-sre-clock");
        clock.millis();
        assertThat(clock.ticker()).as("no second thread").isSameAs(ticker);
    }

    @Test
    void anIdleClockStopsItsThreadAndTheNextReadRestartsIt() throws InterruptedException {
        List<Thread> started = new CopyOnWriteArrayList<>();
        CachedMillisClock clock = new CachedMillisClock(100_000L, 5, tick -> { // idle after 5 ticks of 0.1 ms
            Thread thread = new Thread(tick, "agent-sre-clock");
            thread.setDaemon(true);
            started.add(thread);
            return thread;
        });
        clock.millis();
        assertThat(started).hasSize(1);
        Thread first = started.get(0);
        first.join(10_000); // ends on its own once nobody reads
        assertThat(first.isAlive()).isFalse();
        assertThat(clock.isTicking()).isFalse();
        long before = System.currentTimeMillis();
        assertThat(clock.millis()).as("read directly while restarting").isGreaterThanOrEqualTo(before);
        assertThat(started).as("a new ticker (which may already have stopped again)").hasSize(2);
        assertThat(started.get(1)).isNotSameAs(first);
    }

    @Test
    void whereNoThreadCanBeStartedEveryReadIsASystemCall() {
        CachedMillisClock clock = new CachedMillisClock(1_000_000L, 1_000, tick -> {
            throw new SecurityException("no threads here");
        });
        for (int i = 0; i < 3; i++) {
            long before = System.currentTimeMillis();
            assertThat(clock.millis()).isBetween(before, System.currentTimeMillis());
        }
        assertThat(clock.isDirect()).isTrue();
        assertThat(clock.isTicking()).isFalse();
        assertThat(clock.ticker()).isNull();
    }

    @Test
    void isAUtcClock() {
        CachedMillisClock clock = CachedMillisClock.UTC;
        assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
        assertThat(clock.withZone(ZoneOffset.UTC)).isSameAs(clock);
        Clock paris = clock.withZone(ZoneId.of("Europe/Paris"));
        assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
        long before = System.currentTimeMillis();
        assertThat(clock.instant().toEpochMilli()).isBetween(before - 250, System.currentTimeMillis());
    }
}
