package dev.agentsre.alert;

import dev.agentsre.event.SreEventBus;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Handing a notification to a receiver's queue (what a group flush does; never an HTTP call): a
 * group already queued is replaced in place, and a full queue (1,000) evicts its oldest
 * lowest-severity notification in O(1). The sender never runs here, so only the enqueue is timed.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class NotificationEnqueueBenchmark {

    private static final int GROUPS = 1_024;

    private ScheduledExecutorService scheduler;
    private ReceiverChannel coalescing;
    private ReceiverChannel full;
    private Notification[] notifications;
    private Notification[] fresh;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        scheduler = Executors.newSingleThreadScheduledExecutor();
        scheduler.schedule(() -> { }, 1, TimeUnit.DAYS);
        Instant now = Instant.now();
        notifications = new Notification[GROUPS];
        fresh = new Notification[GROUPS];
        Alert alert = Alert.builder("X").label("agent_id", "a").severity(Severity.WARNING).build().withStartsAt(now);
        for (int i = 0; i < GROUPS; i++) {
            Severity severity = Severity.values()[i % 3];
            notifications[i] = new Notification("n" + i, "r", "{}:{agent_id=\"" + i + "\"}", Map.of("agent_id", "" + i),
                    Notification.Status.FIRING, List.of(alert), Map.of(), Map.of(), severity, 1, 0, now);
            fresh[i] = new Notification("f" + i, "r", "{}:{fresh=\"" + i + "\"}", Map.of(), Notification.Status.FIRING, List.of(alert),
                    Map.of(), Map.of(), Severity.CRITICAL, 1, 0, now);
        }
        coalescing = channel(GROUPS * 2);
        full = channel(GROUPS);
        for (Notification n : notifications) {
            coalescing.enqueue(n);
            full.enqueue(n);
        }
    }

    private ReceiverChannel channel(int capacity) {
        // A scheduler that is never run: the sender does not drain during the measurement.
        ScheduledExecutorService idle = Executors.newSingleThreadScheduledExecutor();
        idle.shutdown();
        return new ReceiverChannel(Receiver.callback("r", n -> { }), capacity, RetryPolicy.defaults(), HttpClient.newHttpClient(), idle,
                Clock.systemUTC(), Duration.ofSeconds(10), () -> 0.5, NotificationLog.inMemory(), new SreEventBus());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        scheduler.shutdownNow();
    }

    /** The group has a notification waiting: the newer one takes its place. */
    @Benchmark
    public Object enqueueReplacingQueuedGroup() {
        return coalescing.enqueue(notifications[next++ & (GROUPS - 1)]);
    }

    /** A new group into a full queue: the oldest lowest-severity notification makes room. */
    @Benchmark
    public Object enqueueIntoFullQueue() {
        int i = next++ & (GROUPS - 1);
        ReceiverChannel.Dropped dropped = full.enqueue(fresh[i]);
        // put the evicted one back so the queue stays full of mixed severities
        return dropped == null ? null : full.enqueue(notifications[i]);
    }
}
