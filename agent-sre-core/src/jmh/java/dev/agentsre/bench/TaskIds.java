package dev.agentsre.bench;

import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Per-thread agent id, task ids and request texts for the pipeline benchmarks, built up front. Task
 * ids are distinct per thread ({@code task-<thread>-<n>}): threads sharing one agent run concurrent
 * tasks of that agent, never the same task.
 */
@State(Scope.Thread)
public class TaskIds {

    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    final String[] tasks = new String[1024];
    final String[] requests = new String[4096];
    String agent;
    /**
     * The call counter, in the middle of an array of its own. As a field it sat at the front of this
     * state object (JMH pads its generated subclass, whose fields come after ours), and the object is
     * allocated right after the benchmark's shared state: each thread's write to its counter then
     * invalidated the line the other thread read the shared detector and timestamp from. That false
     * sharing, in the benchmark and not the library, halved 2-thread throughput.
     */
    private final int[] counter = new int[2 * COUNTER_SLOT];
    private static final int COUNTER_SLOT = 32; // 128 bytes from either end of the array

    @Setup
    public void setUp() {
        int thread = THREAD_IDS.getAndIncrement();
        agent = "agent-" + thread;
        for (int i = 0; i < tasks.length; i++) {
            tasks[i] = "task-" + thread + "-" + i;
        }
        for (int i = 0; i < requests.length; i++) {
            requests[i] = "query " + i;
        }
    }

    /** The next call number of this thread (see {@link #counter}: why it is not a field). */
    int next() {
        return counter[COUNTER_SLOT]++;
    }

    String task(int n) {
        return tasks[n & 1023];
    }

    String request(int n) {
        return requests[n & 4095];
    }
}
