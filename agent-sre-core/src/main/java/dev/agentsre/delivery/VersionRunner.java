package dev.agentsre.delivery;

import dev.agentsre.AgentSre;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.internal.Money;
import dev.agentsre.replay.AgentCalls;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * Runs one version and measures the run: a plain version straight through, an agent's version as a
 * task of that agent through {@link AgentSre} (its guards, budgets, SLOs and breaker apply; its cost
 * is the task's reported cost). A shadow run is always plain: it is not a production task.
 */
final class VersionRunner<Req, Res> {

    final String version;
    final AgentVersion<Req, Res> body;
    final AgentSre sre;
    final String agentId;
    private final String taskPrefix;
    private final AtomicLong tasks = new AtomicLong();

    VersionRunner(String version, AgentVersion<Req, Res> body, AgentSre sre, String agentId, String rolloutName) {
        this.version = version;
        this.body = body;
        this.sre = sre;
        this.agentId = agentId;
        this.taskPrefix = rolloutName + ":" + version + ":";
    }

    /** One measured run. */
    static final class Observation {
        final Object value;
        final Throwable failure;
        final double latencyMs;
        final long costNanos;
        final long tokens;

        Observation(Object value, Throwable failure, double latencyMs, long costNanos, long tokens) {
            this.value = value;
            this.failure = failure;
            this.latencyMs = latencyMs;
            this.costNanos = costNanos;
            this.tokens = tokens;
        }

        boolean ok() {
            return failure == null;
        }

        double costUsd() {
            return Money.toDouble(costNanos);
        }
    }

    /**
     * Serves {@code request}: through the pipeline when the version is an agent's; {@code decorate}
     * (may be null) wraps the calls the version is given (the shadow recording).
     */
    Observation serve(Req request, UnaryOperator<AgentCalls> decorate, PriceTable prices, Clock clock) {
        long start = clock.millis();
        if (sre == null) {
            AgentCalls inner = AgentCalls.direct();
            MeteredCalls meter = new MeteredCalls(decorate == null ? inner : decorate.apply(inner), prices);
            try {
                Res value = body.run(request, meter);
                return new Observation(value, null, clock.millis() - start, meter.costNanos(), meter.tokens());
            } catch (Exception | Error failure) {
                return new Observation(null, failure, clock.millis() - start, meter.costNanos(), meter.tokens());
            }
        }
        long[] measured = new long[2]; // cost in nano-dollars, tokens: written by the task body, read after it
        try {
            Res value = sre.agent(agentId).task(taskPrefix + tasks.incrementAndGet()).call(ctx -> {
                MeteredCalls meter = new MeteredCalls(decorate == null ? ctx : decorate.apply(ctx), null);
                try {
                    return body.run(request, meter);
                } finally {
                    measured[0] = Money.toNanos("cost", ctx.costUsd());
                    measured[1] = meter.tokens();
                }
            });
            return new Observation(value, null, clock.millis() - start, measured[0], measured[1]);
        } catch (Exception | Error failure) {
            return new Observation(null, failure, clock.millis() - start, measured[0], measured[1]);
        }
    }

    /** A shadow run: plain, with the given shadow calls (tools from the recording, models live and metered). */
    Observation shadow(Req request, ShadowCalls calls, Clock clock) {
        long start = clock.millis();
        try {
            Res value = body.run(request, calls);
            return new Observation(value, null, clock.millis() - start, calls.costNanos(), calls.tokens());
        } catch (Exception | Error failure) {
            return new Observation(null, failure, clock.millis() - start, calls.costNanos(), calls.tokens());
        }
    }
}
