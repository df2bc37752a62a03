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
    int next;

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

    int next() {
        return next++;
    }

    String task(int n) {
        return tasks[n & 1023];
    }

    String request(int n) {
        return requests[n & 4095];
    }
}
