package dev.agentsre.bench;

import dev.agentsre.delivery.AgentRollout;
import dev.agentsre.delivery.AgentVersion;
import dev.agentsre.delivery.RollbackTrigger;
import dev.agentsre.delivery.RolloutMetrics;
import dev.agentsre.delivery.RolloutStep;
import dev.agentsre.delivery.Variant;
import dev.agentsre.replay.AgentCalls;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Progressive delivery on the hot path. {@code route}: the routing decision alone for a 20-character
 * session id (target under 100 ns, 0 B/op). {@code bareCall}: the version's body called directly;
 * {@code canaryCall}: the same request through a rollout in a 10 % canary step with a burn-rate and a
 * sequential error-rate trigger (target: under 500 ns more than {@code bareCall}). System clock; the
 * step lasts a day, so the measured calls never change step.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public abstract class RolloutBenchmark {

    private final AgentVersion<String, String> v3 = (q, calls) -> q;
    private final AgentVersion<String, String> v4 = (q, calls) -> q;
    private AgentRollout<String, String> rollout;

    @Setup
    public void setUp() {
        rollout = AgentRollout.<String, String>builder("support-bot-v4").agent("support-bot").baseline("v3", v3).candidate("v4", v4)
                .steps(RolloutStep.canary(0.10).duration("1d"), RolloutStep.canary(1.0))
                .rollbackOn(RollbackTrigger.burnRateAbove(5.0), RollbackTrigger.sequentialRegression(RolloutMetrics.ERROR_RATE))
                .build();
        rollout.start();
    }

    @TearDown
    public void checkStillInTheCanary() {
        if (rollout.status().step() != 0 || rollout.calls(Variant.CANDIDATE) == 0) {
            throw new IllegalStateException("the benchmark left the canary step: " + rollout);
        }
        rollout.close();
    }

    /** Per-thread session ids and requests, built up front. */
    @State(Scope.Thread)
    public static class Sessions {
        final String[] ids = new String[4096];
        int next;

        @Setup
        public void setUp() {
            for (int i = 0; i < ids.length; i++) {
                ids[i] = String.format("session-%012d", i * 7919L);
            }
        }

        String next() {
            return ids[next++ & 4095];
        }
    }

    @Benchmark
    public Variant route(Sessions sessions) {
        return rollout.route(sessions.next());
    }

    @Benchmark
    public String bareCall(Sessions sessions) throws Exception {
        String session = sessions.next();
        return v3.run(session, AgentCalls.direct());
    }

    @Benchmark
    public String canaryCall(Sessions sessions) throws Exception {
        String session = sessions.next();
        return rollout.call(session, session);
    }

    /** One thread. */
    @Threads(1)
    public static class T1 extends RolloutBenchmark {
    }

    /** Two threads (the machine has two cores). */
    @Threads(2)
    public static class T2 extends RolloutBenchmark {
    }
}
