package dev.agentsre.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.event.BlueGreenStateChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualScheduledExecutor;
import dev.agentsre.testing.RecordingSleeper;
import dev.agentsre.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class BlueGreenTest {

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-11-02T08:00:00Z"));
    private final ManualScheduledExecutor scheduler = new ManualScheduledExecutor(clock);
    private final SreEventBus bus = new SreEventBus();
    private final List<BlueGreenStateChanged> events = new CopyOnWriteArrayList<>();
    private final AtomicBoolean greenHealthy = new AtomicBoolean(true);

    private BlueGreen<String, String> deployment() {
        bus.subscribe(BlueGreenStateChanged.class, events::add);
        return BlueGreen.<String, String>builder("support-bot").blue("v3", AgentVersion.of(q -> "v3"))
                .healthCheck(version -> !"v4".equals(version.run("ping", null)) || greenHealthy.get())
                .healthCheckInterval(Duration.ofSeconds(5)).validationTimeout(Duration.ofSeconds(60)).drainTimeout(Duration.ofSeconds(30))
                .scheduler(scheduler).clock(clock).eventBus(bus).build();
    }

    private void advance(Duration d) {
        scheduler.advanceTo(clock.instant().plus(d));
    }

    @Test
    void aFullCycleDeployValidateSwitchDrainAndRollbackWithoutOneWait() throws Exception {
        BlueGreen<String, String> bg = deployment();
        assertThat(bg.states()).containsEntry("blue", BlueGreenState.ACTIVE).containsEntry("green", BlueGreenState.EMPTY);
        assertThat(bg.call("q")).isEqualTo("v3");

        bg.deploy("v4", AgentVersion.of(q -> "v4"));
        CompletableFuture<Boolean> validated = bg.validate();
        assertThat(bg.state("green")).isEqualTo(BlueGreenState.VALIDATING);
        assertThat(validated).isNotDone();
        advance(Duration.ZERO); // the first probe runs at once on the scheduler
        assertThat(validated).isCompletedWithValue(true);
        assertThat(bg.state("green")).isEqualTo(BlueGreenState.READY);

        bg.switchTraffic();
        assertThat(bg.activeEnvironment()).isEqualTo("green");
        assertThat(bg.call("q")).isEqualTo("v4");
        assertThat(bg.state("blue")).as("nothing in flight: inactive at once").isEqualTo(BlueGreenState.INACTIVE);

        CompletableFuture<Boolean> back = bg.rollback();
        assertThat(bg.state("blue")).isEqualTo(BlueGreenState.VALIDATING);
        advance(Duration.ZERO);
        assertThat(back).isCompletedWithValue(true);
        assertThat(bg.activeVersion()).isEqualTo("v3");
        assertThat(bg.call("q")).isEqualTo("v3");
        assertThat(events).extracting(e -> e.environment() + ":" + e.to()).containsExactly(
                "green:DEPLOYED", "green:VALIDATING", "green:READY", "green:ACTIVE", "blue:INACTIVE",
                "blue:VALIDATING", "blue:READY", "blue:ACTIVE", "green:INACTIVE");
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void switchingToAnUnvalidatedOrUnhealthyEnvironmentRaises() {
        BlueGreen<String, String> bg = deployment();
        assertThatThrownBy(bg::switchTraffic).isInstanceOf(IllegalStateException.class).hasMessageContaining("EMPTY, not READY");
        bg.deploy("v4", AgentVersion.of(q -> "v4"));
        assertThatThrownBy(bg::switchTraffic).hasMessageContaining("DEPLOYED, not READY");
        greenHealthy.set(false);
        CompletableFuture<Boolean> validated = bg.validate();
        advance(Duration.ofSeconds(59));
        assertThat(validated).isNotDone();
        assertThat(bg.state("green")).isEqualTo(BlueGreenState.VALIDATING);
        advance(Duration.ofSeconds(1));
        assertThat(validated).isCompletedWithValue(false);
        assertThat(bg.state("green")).isEqualTo(BlueGreenState.FAILED);
        assertThat(events.get(events.size() - 1).reason()).contains("not healthy within 1m (13 probes)");
        assertThatThrownBy(bg::switchTraffic).hasMessageContaining("FAILED, not READY");
        assertThat(bg.activeVersion()).isEqualTo("v3");
    }

    @Test
    void healthyThresholdNeedsConsecutiveHealthyProbes() {
        bus.subscribe(BlueGreenStateChanged.class, events::add);
        int[] probes = {0};
        BlueGreen<String, String> bg = BlueGreen.<String, String>builder("bot").blue("v3", AgentVersion.of(q -> "v3"))
                .healthyThreshold(3).scheduler(scheduler).clock(clock).build();
        bg.deploy("v4", AgentVersion.of(q -> "v4"));
        CompletableFuture<Boolean> ok = bg.validate(v -> ++probes[0] != 2); // the second probe fails
        advance(Duration.ofSeconds(10));
        assertThat(ok).isNotDone();
        advance(Duration.ofSeconds(10));
        assertThat(ok).isCompletedWithValue(true);
        assertThat(probes[0]).isEqualTo(5);
    }

    /**
     * Issue 17: switchTraffic() returns immediately while a blue call is still running; that call
     * finishes on blue; blue drains when it ends. No thread sleeps: the only waits recorded are the
     * blue version's own (simulated) model latency.
     */
    @Test
    void switchTrafficReturnsAtOnceWhileBlueCallsFinishOnBlue() throws Exception {
        RecordingSleeper sleeper = new RecordingSleeper(clock);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        bus.subscribe(BlueGreenStateChanged.class, events::add);
        BlueGreen<String, String> bg = BlueGreen.<String, String>builder("bot")
                .blue("v3", (q, calls) -> {
                    inside.countDown();
                    finish.await();
                    sleeper.sleep(Duration.ofMillis(800)); // the model's latency, simulated
                    return "v3";
                })
                .healthCheck(v -> true).scheduler(scheduler).clock(clock).eventBus(bus).build();
        bg.deploy("v4", AgentVersion.of(q -> "v4"));
        bg.validate();
        advance(Duration.ZERO);

        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<String> slow = caller.submit(() -> bg.call("q"));
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            bg.switchTraffic(); // returns although a blue call is in flight
            assertThat(bg.state("blue")).isEqualTo(BlueGreenState.DRAINING);
            assertThat(bg.inFlight("blue")).isEqualTo(1);
            assertThat(bg.call("q2")).isEqualTo("v4");
            finish.countDown();
            assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo("v3");
        } finally {
            caller.shutdownNow();
        }
        assertThat(bg.state("blue")).isEqualTo(BlueGreenState.INACTIVE);
        assertThat(events.get(events.size() - 1).reason()).isEqualTo("its last call finished");
        assertThat(sleeper.sleeps()).containsExactly(Duration.ofMillis(800));
    }

    @Test
    void theDrainTimeoutEndsDrainingWhenACallNeverFinishes() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        bus.subscribe(BlueGreenStateChanged.class, events::add);
        BlueGreen<String, String> bg = BlueGreen.<String, String>builder("bot")
                .blue("v3", (q, calls) -> {
                    inside.countDown();
                    never.await();
                    return "v3";
                })
                .healthCheck(v -> true).drainTimeout(Duration.ofSeconds(30)).scheduler(scheduler).clock(clock).eventBus(bus).build();
        bg.deploy("v4", AgentVersion.of(q -> "v4"));
        bg.validate();
        advance(Duration.ZERO);
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            caller.submit(() -> bg.call("q"));
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            bg.switchTraffic();
            advance(Duration.ofSeconds(29));
            assertThat(bg.state("blue")).isEqualTo(BlueGreenState.DRAINING);
            advance(Duration.ofSeconds(1));
            assertThat(bg.state("blue")).isEqualTo(BlueGreenState.INACTIVE);
            assertThat(events.get(events.size() - 1).reason()).isEqualTo("drain timeout of 30s; 1 calls still in flight finish on it");
            bg.deploy("v5", AgentVersion.of(q -> "v5")); // blue is idle again
            assertThat(bg.state("blue")).isEqualTo(BlueGreenState.DEPLOYED);
        } finally {
            never.countDown();
            caller.shutdownNow();
        }
    }

    @Test
    void rollbackRevalidatesAndDoesNotSwitchToAnUnhealthyOldVersion() {
        AtomicBoolean blueHealthy = new AtomicBoolean(true);
        bus.subscribe(BlueGreenStateChanged.class, events::add);
        BlueGreen<String, String> bg = BlueGreen.<String, String>builder("bot").blue("v3", AgentVersion.of(q -> "v3"))
                .healthCheck(v -> "v4".equals(v.run("ping", null)) || blueHealthy.get())
                .scheduler(scheduler).clock(clock).validationTimeout(Duration.ofSeconds(20)).build();
        bg.deploy("v4", AgentVersion.of(q -> "v4"));
        bg.validate();
        advance(Duration.ZERO);
        bg.switchTraffic();
        blueHealthy.set(false);
        CompletableFuture<Boolean> back = bg.rollback();
        advance(Duration.ofSeconds(20));
        assertThat(back).isCompletedWithValue(false);
        assertThat(bg.activeVersion()).isEqualTo("v4");
        bg.rollbackWithoutValidation();
        assertThat(bg.activeVersion()).as("forced").isEqualTo("v3");
    }

    @Test
    void badInputIsRefusedByName() {
        assertThatThrownBy(() -> BlueGreen.<String, String>builder("bot").build()).hasMessageContaining("blue is required");
        assertThatThrownBy(() -> BlueGreen.<String, String>builder("bot").drainTimeout(Duration.ZERO)).hasMessageContaining("drainTimeout");
        BlueGreen<String, String> bg = BlueGreen.<String, String>builder("bot").blue("v3", AgentVersion.of(q -> "v3")).scheduler(scheduler)
                .clock(clock).build();
        assertThatThrownBy(bg::validate).hasMessageContaining("no health check");
        assertThatThrownBy(() -> bg.validate(v -> true)).hasMessageContaining("holds no version");
        assertThatThrownBy(() -> bg.state("purple")).hasMessageContaining("blue or green");
    }
}
