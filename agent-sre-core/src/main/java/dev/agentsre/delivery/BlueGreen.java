package dev.agentsre.delivery;

import dev.agentsre.event.BlueGreenStateChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.internal.Check;
import dev.agentsre.internal.OrderedEvents;
import dev.agentsre.replay.AgentCalls;
import dev.agentsre.time.Durations;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A blue-green deployment of one agent inside the process, without a single blocking wait: deploy a
 * version to the idle environment → validate it (its health check polled by the scheduler) → switch
 * traffic (new calls go to it at once; calls already running on the old one finish there) → the old
 * one drains (inactive when its last call ends, or at the drain timeout) → and, if needed, roll back,
 * which validates the old environment again before switching to it.
 *
 * <pre>{@code
 * BlueGreen<Question, Answer> bg = BlueGreen.<Question, Answer>builder("support-bot")
 *         .blue("v3", v3).healthCheck(v -> v.run(probe, AgentCalls.direct()).ok())
 *         .scheduler(scheduler).clock(clock).eventBus(bus).build();
 * bg.deploy("v4", v4);
 * bg.validate().thenAccept(ok -> { if (ok) bg.switchTraffic(); });
 * Answer a = bg.call(question);
 * }</pre>
 *
 * <p>Every environment change publishes a {@link BlueGreenStateChanged}, in order. Nothing here ever
 * sleeps: probes, retries and the drain timeout are one-shot tasks on the scheduler
 * ({@link #switchTraffic()} returns at once). Probes of one validation run one at a time; a probe that
 * throws counts as unhealthy. Thread-safe; {@link #call} reads one volatile field and counts the call
 * in flight. Memory: two environments.
 *
 * @param <Req> the request
 * @param <Res> the answer
 */
public final class BlueGreen<Req, Res> implements AutoCloseable {

    /** Default time between health probes. */
    public static final Duration DEFAULT_HEALTH_CHECK_INTERVAL = Duration.ofSeconds(5);
    /** Default time a validation may take before it fails. */
    public static final Duration DEFAULT_VALIDATION_TIMEOUT = Duration.ofSeconds(60);
    /** Default time the old environment is given to finish its calls after a switch. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    /** Default consecutive healthy probes a validation needs. */
    public static final int DEFAULT_HEALTHY_THRESHOLD = 1;

    private static final Logger LOG = LoggerFactory.getLogger(BlueGreen.class);

    /**
     * Whether an environment's version is healthy. Throwing counts as unhealthy.
     *
     * @param <Req> the request
     * @param <Res> the answer
     */
    @FunctionalInterface
    public interface HealthCheck<Req, Res> {
        /** Probes {@code version}. */
        boolean healthy(AgentVersion<Req, Res> version) throws Exception;
    }

    private final String name;
    private final String agentId;
    private final Clock clock;
    private final SreEventBus eventBus;
    private final OrderedEvents events;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final long intervalMillis;
    private final long validationTimeoutMillis;
    private final long drainTimeoutMillis;
    private final int healthyThreshold;
    private final HealthCheck<Req, Res> defaultCheck;
    private final Environment blue;
    private final Environment green;
    private volatile Environment active;

    private BlueGreen(Builder<Req, Res> b) {
        this.name = b.name;
        this.agentId = b.agentId == null ? b.name : b.agentId;
        this.clock = b.clock;
        this.eventBus = b.eventBus == null ? new SreEventBus() : b.eventBus;
        this.events = new OrderedEvents(eventBus);
        this.ownsScheduler = b.scheduler == null;
        this.scheduler = ownsScheduler ? Executors.newSingleThreadScheduledExecutor(AgentRollout.daemonThreads("agentsre-bluegreen-" + b.name))
                : b.scheduler;
        this.intervalMillis = b.interval.toMillis();
        this.validationTimeoutMillis = b.validationTimeout.toMillis();
        this.drainTimeoutMillis = b.drainTimeout.toMillis();
        this.healthyThreshold = b.healthyThreshold;
        this.defaultCheck = b.healthCheck;
        if (b.blueBody == null) {
            throw new IllegalArgumentException("blue is required: the version serving now");
        }
        this.blue = new Environment("blue");
        this.green = new Environment("green");
        blue.version = b.blueVersion;
        blue.body = b.blueBody;
        blue.state = BlueGreenState.ACTIVE;
        this.active = blue;
    }

    /** Starts a builder for the deployment {@code name}. */
    public static <Req, Res> Builder<Req, Res> builder(String name) {
        return new Builder<>(Check.notBlank("name", name));
    }

    // ------------------------------------------------------------------ serving

    /**
     * Serves {@code request} on the active environment; a call that started there finishes there,
     * whatever switches meanwhile.
     *
     * @throws Exception what the version threw, unchanged
     */
    public Res call(Req request) throws Exception {
        Environment env = active;
        AgentVersion<Req, Res> body = env.body;
        env.inFlight.incrementAndGet();
        try {
            return body.run(request, AgentCalls.direct());
        } finally {
            if (env.inFlight.decrementAndGet() == 0 && env.state == BlueGreenState.DRAINING) {
                drained(env, "its last call finished");
            }
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Puts {@code version} into the idle environment (DEPLOYED), replacing what it held.
     *
     * @throws IllegalStateException while the idle environment is validating or still draining calls
     */
    public void deploy(String version, AgentVersion<Req, Res> body) {
        Check.notBlank("version", version);
        Check.notNull("body", body);
        synchronized (this) {
            Environment idle = idle();
            if (idle.validation != null || idle.state == BlueGreenState.DRAINING) {
                throw new IllegalStateException("environment " + idle.name + " is " + idle.state + "; deploy when it is done");
            }
            idle.version = version;
            idle.body = body;
            idle.check = null;
            move(idle, BlueGreenState.DEPLOYED, "deployed " + version);
        }
        events.drain();
    }

    /** {@link #validate(HealthCheck)} with the builder's health check. */
    public CompletableFuture<Boolean> validate() {
        if (defaultCheck == null) {
            throw new IllegalStateException("no health check: give one to validate(check) or to the builder");
        }
        return validate(defaultCheck);
    }

    /**
     * Validates the idle environment: polls {@code check} on the scheduler every health-check interval
     * until it passes {@code healthyThreshold} times in a row (READY, the future completes true) or the
     * validation timeout passes (FAILED, false). Returns at once.
     *
     * @throws IllegalStateException when the idle environment holds no version or is already validating
     */
    public CompletableFuture<Boolean> validate(HealthCheck<Req, Res> check) {
        Check.notNull("check", check);
        CompletableFuture<Boolean> result;
        synchronized (this) {
            result = startValidation(idle(), check, "validating " + idle().version);
        }
        events.drain();
        return result;
    }

    /**
     * Sends every new call to the idle environment, which must be READY, and returns at once; the old
     * environment drains: INACTIVE when its last call ends, or at the drain timeout.
     *
     * @throws IllegalStateException when the idle environment is not READY
     */
    public void switchTraffic() {
        synchronized (this) {
            Environment next = idle();
            if (next.state != BlueGreenState.READY) {
                throw new IllegalStateException("cannot switch to " + next.name + ": it is " + next.state + ", not READY; validate() it first");
            }
            switchTo(next, "switched traffic to " + next.version);
        }
        events.drain();
    }

    /**
     * Goes back to the other environment's version: validates it again (its last health check, or the
     * builder's) — while it drains, its calls go on — and switches when it passes. Returns at once; the
     * future says whether it switched.
     *
     * @throws IllegalStateException when the other environment holds no version or no health check is known
     */
    public CompletableFuture<Boolean> rollback() {
        CompletableFuture<Boolean> validated;
        Environment target;
        synchronized (this) {
            target = idle();
            HealthCheck<Req, Res> check = target.check != null ? target.check : defaultCheck;
            if (check == null) {
                throw new IllegalStateException("no health check to validate " + target.name + " with; use rollbackWithoutValidation()");
            }
            validated = startValidation(target, check, "re-validating " + target.version + " for a rollback");
        }
        events.drain();
        return validated.thenApply(ok -> {
            if (ok) {
                synchronized (this) {
                    if (idle() != target) {
                        return false; // switched meanwhile
                    }
                    switchTo(target, "rolled back to " + target.version);
                }
                events.drain();
            }
            return ok;
        });
    }

    /**
     * Switches back to the other environment at once, without validating it (an emergency).
     *
     * @throws IllegalStateException when it holds no version
     */
    public void rollbackWithoutValidation() {
        synchronized (this) {
            Environment target = idle();
            if (target.body == null) {
                throw new IllegalStateException("environment " + target.name + " holds no version to roll back to");
            }
            Validation abandoned = target.validation;
            target.validation = null;
            if (abandoned != null) {
                abandoned.result.complete(false);
            }
            switchTo(target, "rolled back to " + target.version + " without validation");
        }
        events.drain();
    }

    private CompletableFuture<Boolean> startValidation(Environment env, HealthCheck<Req, Res> check, String why) {
        if (env.body == null) {
            throw new IllegalStateException("environment " + env.name + " holds no version; deploy() one first");
        }
        if (env.validation != null) {
            throw new IllegalStateException("environment " + env.name + " is already validating");
        }
        Validation validation = new Validation(check, clock.millis());
        env.check = check;
        env.validation = validation;
        if (env.state != BlueGreenState.DRAINING) {
            move(env, BlueGreenState.VALIDATING, why);
        }
        schedule(() -> probe(env, validation), 0);
        return validation.result;
    }

    private void switchTo(Environment next, String why) {
        Environment previous = active;
        active = next;
        move(next, BlueGreenState.ACTIVE, why);
        if (previous.inFlight.get() == 0) {
            move(previous, BlueGreenState.INACTIVE, "no calls in flight");
        } else {
            move(previous, BlueGreenState.DRAINING, previous.inFlight.get() + " calls in flight finish on it");
            long generation = ++previous.drains;
            schedule(() -> drainTimedOut(previous, generation), drainTimeoutMillis);
        }
    }

    /** One health probe, on the scheduler. */
    private void probe(Environment env, Validation validation) {
        if (env.validation != validation) {
            return; // superseded
        }
        boolean healthy;
        try {
            healthy = validation.check.healthy(env.body);
        } catch (Exception e) {
            healthy = false;
            LOG.debug("blue-green '{}': health probe of {} threw", name, env.name, e);
        }
        Boolean outcome = null;
        synchronized (this) {
            if (env.validation != validation) {
                return;
            }
            validation.probes++;
            validation.consecutive = healthy ? validation.consecutive + 1 : 0;
            long elapsed = clock.millis() - validation.startedMillis;
            if (validation.consecutive >= healthyThreshold) {
                env.validation = null;
                if (env.state == BlueGreenState.VALIDATING) {
                    move(env, BlueGreenState.READY, "healthy after " + validation.probes + " probe" + (validation.probes == 1 ? "" : "s"));
                }
                outcome = true;
            } else if (elapsed >= validationTimeoutMillis) {
                env.validation = null;
                if (env.state == BlueGreenState.VALIDATING) {
                    move(env, BlueGreenState.FAILED, "not healthy within " + Durations.format(Duration.ofMillis(validationTimeoutMillis))
                            + " (" + validation.probes + " probes)");
                }
                outcome = false;
            } else {
                schedule(() -> probe(env, validation), Math.min(intervalMillis, Math.max(1, validationTimeoutMillis - elapsed)));
            }
        }
        events.drain();
        if (outcome != null) {
            validation.result.complete(outcome);
        }
    }

    private void drainTimedOut(Environment env, long generation) {
        synchronized (this) {
            if (env.state != BlueGreenState.DRAINING || env.drains != generation) {
                return;
            }
            move(env, BlueGreenState.INACTIVE, "drain timeout of " + Durations.format(Duration.ofMillis(drainTimeoutMillis)) + "; "
                    + env.inFlight.get() + " calls still in flight finish on it");
        }
        events.drain();
    }

    private void drained(Environment env, String why) {
        synchronized (this) {
            if (env.state != BlueGreenState.DRAINING || env.inFlight.get() != 0) {
                return;
            }
            move(env, BlueGreenState.INACTIVE, why);
        }
        events.drain();
    }

    /** Changes an environment's state and queues its event; the caller holds the lock. */
    private void move(Environment env, BlueGreenState to, String why) {
        BlueGreenState from = env.state;
        env.state = to;
        events.enqueue(new BlueGreenStateChanged(clock.instant(), agentId, name, env.name, env.version, from, to, why));
    }

    private void schedule(Runnable task, long delayMillis) {
        try {
            scheduler.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("blue-green '{}': a scheduled step failed", name, e);
                }
            }, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.warn("blue-green '{}': the scheduler refused a task (closed?)", name, e);
        }
    }

    private Environment idle() {
        return active == blue ? green : blue;
    }

    /** Shuts down the scheduler the deployment made for itself (not one you gave it). */
    @Override
    public void close() {
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ reads

    /** The environment serving new calls: {@code blue} or {@code green}. */
    public String activeEnvironment() {
        return active.name;
    }

    /** The version serving new calls. */
    public String activeVersion() {
        return active.version;
    }

    /** The state of {@code environment} ({@code blue} or {@code green}). */
    public BlueGreenState state(String environment) {
        return env(environment).state;
    }

    /** The version {@code environment} holds, or null. */
    public String version(String environment) {
        return env(environment).version;
    }

    /** Calls running on {@code environment} now. */
    public int inFlight(String environment) {
        return env(environment).inFlight.get();
    }

    /** Both environments' states, blue first. */
    public Map<String, BlueGreenState> states() {
        Map<String, BlueGreenState> states = new LinkedHashMap<>();
        states.put(blue.name, blue.state);
        states.put(green.name, green.state);
        return states;
    }

    /** The bus environment changes are published on. */
    public SreEventBus eventBus() {
        return eventBus;
    }

    private Environment env(String environment) {
        if ("blue".equals(environment)) {
            return blue;
        }
        if ("green".equals(environment)) {
            return green;
        }
        throw new IllegalArgumentException("environment must be blue or green, got " + environment);
    }

    /** One environment. */
    private final class Environment {
        final String name;
        final AtomicInteger inFlight = new AtomicInteger();
        volatile String version;
        volatile AgentVersion<Req, Res> body;
        volatile BlueGreenState state = BlueGreenState.EMPTY;
        HealthCheck<Req, Res> check;
        volatile Validation validation;
        long drains;

        Environment(String name) {
            this.name = name;
        }
    }

    /** One validation run. */
    private final class Validation {
        final HealthCheck<Req, Res> check;
        final long startedMillis;
        final CompletableFuture<Boolean> result = new CompletableFuture<>();
        int consecutive;
        int probes;

        Validation(HealthCheck<Req, Res> check, long startedMillis) {
            this.check = check;
            this.startedMillis = startedMillis;
        }
    }

    /**
     * Builds a {@link BlueGreen}. Required: {@link #blue}. Defaults: health-check interval 5 s,
     * validation timeout 60 s, drain timeout 30 s, one healthy probe, a daemon scheduler of its own,
     * the system clock.
     *
     * @param <Req> the request
     * @param <Res> the answer
     */
    public static final class Builder<Req, Res> {
        private final String name;
        private String agentId;
        private String blueVersion;
        private AgentVersion<Req, Res> blueBody;
        private HealthCheck<Req, Res> healthCheck;
        private Duration interval = DEFAULT_HEALTH_CHECK_INTERVAL;
        private Duration validationTimeout = DEFAULT_VALIDATION_TIMEOUT;
        private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        private int healthyThreshold = DEFAULT_HEALTHY_THRESHOLD;
        private ScheduledExecutorService scheduler;
        private Clock clock = Clock.systemUTC();
        private SreEventBus eventBus;

        private Builder(String name) {
            this.name = name;
        }

        /** The agent deployed (default: the deployment's name). */
        public Builder<Req, Res> agent(String agentId) {
            this.agentId = Check.notBlank("agentId", agentId);
            return this;
        }

        /** The version serving now, in the blue environment. */
        public Builder<Req, Res> blue(String version, AgentVersion<Req, Res> body) {
            this.blueVersion = Check.notBlank("version", version);
            this.blueBody = Check.notNull("body", body);
            return this;
        }

        /** The health check {@link BlueGreen#validate()} and {@link BlueGreen#rollback()} use by default. */
        public Builder<Req, Res> healthCheck(HealthCheck<Req, Res> check) {
            this.healthCheck = Check.notNull("check", check);
            return this;
        }

        /** Time between health probes. */
        public Builder<Req, Res> healthCheckInterval(Duration interval) {
            this.interval = Check.positive("healthCheckInterval", interval);
            return this;
        }

        /** Time a validation may take. */
        public Builder<Req, Res> validationTimeout(Duration timeout) {
            this.validationTimeout = Check.positive("validationTimeout", timeout);
            return this;
        }

        /** Time the old environment is given to finish its calls. */
        public Builder<Req, Res> drainTimeout(Duration timeout) {
            this.drainTimeout = Check.positive("drainTimeout", timeout);
            return this;
        }

        /** Consecutive healthy probes a validation needs. */
        public Builder<Req, Res> healthyThreshold(int probes) {
            this.healthyThreshold = Check.positive("healthyThreshold", probes);
            return this;
        }

        /** Where probes and drain timeouts run (one-shot tasks). */
        public Builder<Req, Res> scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Check.notNull("scheduler", scheduler);
            return this;
        }

        /** The clock. */
        public Builder<Req, Res> clock(Clock clock) {
            this.clock = Check.notNull("clock", clock);
            return this;
        }

        /** The bus environment changes are published on. */
        public Builder<Req, Res> eventBus(SreEventBus bus) {
            this.eventBus = Check.notNull("bus", bus);
            return this;
        }

        /** Builds the deployment: blue ACTIVE, green EMPTY. */
        public BlueGreen<Req, Res> build() {
            return new BlueGreen<>(this);
        }
    }
}
