package dev.agentsre.chaos;

import dev.agentsre.breaker.RateLimitedException;
import dev.agentsre.internal.Check;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Applies an experiment's faults to real calls. Wrap the calls an agent makes — tools, model
 * calls, delegations — under a target name; while the experiment runs, matching faults are really
 * injected: the call waits, fails, is rate-limited, or its output is tampered with.
 *
 * <pre>{@code
 * String r = experiment.injector().wrap("search_tool", () -> search(q)).call();
 * String s = experiment.injector().wrap("search_tool", sessionId, () -> search(q)).call();   // blast radius per session
 * }</pre>
 *
 * <p><b>Which calls.</b> Each wrapped call gets the next call id (1, 2, ...). A call is in scope when
 * a stable hash of its session id (or, without one, its call id) and the experiment's seed falls
 * below the blast radius, so a whole session is in or out. For each matching fault an in-scope call
 * draws from a counter-based random generator keyed by (seed, call id, fault): the same seed gives
 * the same call ids the same faults, whatever the threads do. A fault in every-Nth mode hits exactly
 * every Nth matching call.
 *
 * <p><b>What happens</b>, in this order: latency waits (through the experiment's {@link Sleeper},
 * honouring interruption); a timeout waits, then throws {@link InjectedTimeoutException}; a rate
 * limit throws {@link RateLimitedException} with its retry-after; an error or a delegation reject
 * throws; otherwise the real call runs, and an adversarial fault then plants its payload in a
 * {@code String} result (other result types are passed through; use {@link #tamper} for them).
 * Cost spikes apply to amounts passed through {@link #injectCost}.
 *
 * <p><b>Cost.</b> With the experiment not running a wrapped call costs one volatile read. Every
 * injected fault publishes a {@link dev.agentsre.event.FaultInjected}. Thread-safe.
 */
public final class ChaosInjector {

    private final ChaosExperiment experiment;
    private final List<Fault> faults;
    private final long seed;
    private final double blastRadius;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong[] matches;
    // Which faults match a call target, computed once per target (glob matching is not free).
    private final java.util.concurrent.ConcurrentHashMap<String, boolean[]> matching = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_CACHED_TARGETS = 1_024;

    ChaosInjector(ChaosExperiment experiment, List<Fault> faults, long seed, double blastRadius) {
        this.experiment = experiment;
        this.faults = faults;
        this.seed = seed;
        this.blastRadius = blastRadius;
        this.matches = new AtomicLong[faults.size()];
        for (int i = 0; i < matches.length; i++) {
            matches[i] = new AtomicLong();
        }
    }

    /** {@code call} with this experiment's faults for {@code target}. */
    public <T> Callable<T> wrap(String target, Callable<T> call) {
        return wrap(target, null, call);
    }

    /** {@code call} with this experiment's faults for {@code target}, scoped by {@code sessionId}. */
    public <T> Callable<T> wrap(String target, String sessionId, Callable<T> call) {
        Check.notBlank("target", target);
        Check.notNull("call", call);
        return () -> invoke(target, sessionId, call);
    }

    /** {@code supplier} with this experiment's faults; an interrupted wait becomes a {@link CancellationException}. */
    public <T> Supplier<T> wrapSupplier(String target, Supplier<T> supplier) {
        Check.notNull("supplier", supplier);
        Callable<T> wrapped = wrap(target, null, supplier::get);
        return () -> unchecked(wrapped);
    }

    /** {@code function} with this experiment's faults. */
    public <A, R> Function<A, R> wrapFunction(String target, Function<A, R> function) {
        Check.notBlank("target", target);
        Check.notNull("function", function);
        return argument -> unchecked(() -> invoke(target, null, () -> function.apply(argument)));
    }

    /**
     * Applies a matching cost-spike fault to a call's cost: returns {@code usd} times the fault's
     * multiplier when one hits, else {@code usd}. Counts toward the {@value ChaosExperiment#COST_PER_CALL} metric.
     */
    public double injectCost(String target, double usd) {
        Check.notBlank("target", target);
        Check.nonNegative("usd", usd);
        if (!experiment.isRunning()) {
            return usd;
        }
        long callId = calls.incrementAndGet();
        double result = usd;
        if (inScope(null, callId)) {
            for (int i = 0; i < faults.size(); i++) {
                Fault fault = faults.get(i);
                if (fault.type() == FaultType.COST_SPIKE && fault.matches(target) && hits(fault, i, callId)) {
                    result = usd * fault.costMultiplier();
                    experiment.injected(target, fault, callId, String.format("cost x%.1f", fault.costMultiplier()));
                }
            }
        }
        experiment.metrics.recordCost(result);
        return result;
    }

    /**
     * Plants the payload of a matching adversarial fault through {@code tamper} (for result types
     * other than {@code String}); returns {@code value} unchanged when none hits.
     */
    public <T> T tamper(String target, T value, java.util.function.BiFunction<T, AttackCorpus.Attack, T> tamper) {
        Check.notNull("tamper", tamper);
        if (!experiment.isRunning()) {
            return value;
        }
        long callId = calls.incrementAndGet();
        AttackCorpus.Attack attack = attackFor(target, callId);
        return attack == null ? value : tamper.apply(value, attack);
    }

    /** Wrapped calls so far. */
    public long calls() {
        return calls.get();
    }

    /** Whether faults are being injected now. */
    public boolean isActive() {
        return experiment.isRunning();
    }

    private <T> T invoke(String target, String sessionId, Callable<T> call) throws Exception {
        if (!experiment.isRunning()) {
            return experiment.measureAfterEnd(call);
        }
        long callId = calls.incrementAndGet();
        long start = experiment.clock().millis();
        boolean inScope = inScope(sessionId, callId);
        AttackCorpus.Attack attack = null;
        try {
            boolean[] matchingFaults = inScope ? matchingFaults(target) : null;
            if (matchingFaults != null) {
                for (int i = 0; i < faults.size(); i++) {
                    Fault fault = faults.get(i);
                    if (!matchingFaults[i] || fault.type() == FaultType.COST_SPIKE || !hits(fault, i, callId)) {
                        continue;
                    }
                    if (fault.type().adversarial()) {
                        if (attack == null) {
                            attack = pickAttack(fault, callId);
                            experiment.injected(target, fault, callId, "planted " + attack.id());
                        }
                        continue;
                    }
                    apply(target, fault, callId);
                }
            }
            T result = call.call();
            if (attack != null && result instanceof String) {
                experiment.attackPlanted(callId, target, attack);
                @SuppressWarnings("unchecked")
                T tampered = (T) (result + "\n\n" + attack.text());
                result = tampered;
            }
            experiment.metrics.recordCall(true, experiment.clock().millis() - start);
            experiment.afterCall();
            return result;
        } catch (Exception | Error failure) {
            experiment.metrics.recordCall(false, experiment.clock().millis() - start);
            experiment.afterCall();
            throw failure;
        }
    }

    private void apply(String target, Fault fault, long callId) throws InterruptedException {
        switch (fault.type()) {
            case LATENCY: {
                Duration wait = fault.delay();
                if (!fault.jitter().isZero()) {
                    long jitter = fault.jitter().toMillis();
                    long offset = Math.round((uniform(seed ^ 0x5DEECE66DL, callId, 7) * 2 - 1) * jitter);
                    wait = wait.plusMillis(offset);
                }
                experiment.injected(target, fault, callId, "latency " + wait.toMillis() + "ms");
                experiment.sleeper().sleep(wait);
                return;
            }
            case TIMEOUT:
                experiment.injected(target, fault, callId, "timeout after " + fault.delay().toMillis() + "ms");
                experiment.sleeper().sleep(fault.delay());
                throw new InjectedTimeoutException("chaos experiment '" + experiment.name() + "' timed out " + target
                        + " after " + fault.delay().toMillis() + "ms");
            case RATE_LIMIT:
                experiment.injected(target, fault, callId, "429, retry after " + fault.delay().toSeconds() + "s");
                throw new RateLimitedException("chaos experiment '" + experiment.name() + "' rate-limited " + target, fault.delay());
            case ERROR:
            case DELEGATION_REJECT:
                experiment.injected(target, fault, callId, fault.error());
                throw fault.newException(experiment.name());
            default:
                throw new AssertionError(fault.type());
        }
    }

    /** The faults matching {@code target}, or null when none does. */
    private boolean[] matchingFaults(String target) {
        boolean[] cached = matching.get(target);
        if (cached != null) {
            return cached.length == 0 ? null : cached;
        }
        boolean[] mask = new boolean[faults.size()];
        boolean any = false;
        for (int i = 0; i < mask.length; i++) {
            mask[i] = faults.get(i).matches(target);
            any |= mask[i];
        }
        boolean[] result = any ? mask : new boolean[0];
        if (matching.size() < MAX_CACHED_TARGETS) {
            matching.putIfAbsent(target, result);
        }
        return any ? mask : null;
    }

    private AttackCorpus.Attack attackFor(String target, long callId) {
        if (!inScope(null, callId)) {
            return null;
        }
        for (int i = 0; i < faults.size(); i++) {
            Fault fault = faults.get(i);
            if (fault.type().adversarial() && fault.matches(target) && hits(fault, i, callId)) {
                AttackCorpus.Attack attack = pickAttack(fault, callId);
                experiment.injected(target, fault, callId, "planted " + attack.id());
                experiment.attackPlanted(callId, target, attack);
                return attack;
            }
        }
        return null;
    }

    private AttackCorpus.Attack pickAttack(Fault fault, long callId) {
        List<AttackCorpus.Attack> candidates = AttackCorpus.of(fault.technique());
        AttackCorpus.Attack attack = candidates.get((int) (uniform(seed, callId, 31) * candidates.size()));
        String text = attack.text();
        if (fault.detail() != null) {
            text = text.replace("{role}", fault.detail()).replace("{tool}", fault.detail());
        }
        return new AttackCorpus.Attack(attack.id(), attack.technique(), attack.owaspCategory(), text);
    }

    private boolean inScope(String sessionId, long callId) {
        if (blastRadius >= 1.0) {
            return true;
        }
        long key = sessionId == null ? callId : sessionId.hashCode() * 0x9E3779B97F4A7C15L;
        return uniform(seed, key, 1) < blastRadius;
    }

    private boolean hits(Fault fault, int index, long callId) {
        if (fault.everyNthCall() > 0) {
            return matches[index].incrementAndGet() % fault.everyNthCall() == 0;
        }
        return uniform(seed, callId, index + 100) < fault.rate();
    }

    /** A uniform double in [0, 1) from (seed, a, b): SplitMix64 finalisation, no shared state. */
    static double uniform(long seed, long a, long b) {
        long z = seed + a * 0x9E3779B97F4A7C15L + b * 0xC2B2AE3D27D4EB4FL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }

    private static <T> T unchecked(Callable<T> callable) {
        try {
            return callable.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            CancellationException cancelled = new CancellationException("interrupted while an injected fault was waiting");
            cancelled.initCause(e);
            throw cancelled;
        } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }
}
