package dev.agentsre.incident;

import dev.agentsre.event.RunbookExecutionChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.internal.Check;
import dev.agentsre.time.Durations;
import java.io.Reader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link Runbook}s: steps in order, each with its timeout, attempts and failure policy;
 * approval gates that pause and resume — also after a restart, when the
 * {@link RunbookExecutionStore} is a file store; compensation of completed steps in reverse order
 * when a step fails (ABORT) or the execution is denied or times out at a gate; an idempotency key
 * per step ({@code executionId:stepId}) handed to every action.
 *
 * <pre>{@code
 * Runbooks runbooks = Runbooks.builder()
 *         .runbooks(Runbooks.builtIn(ActionRegistry.builtIns()))      // the four the Python original ships
 *         .store(RunbookExecutionStore.directory(Path.of("runbook-executions")))
 *         .controls(controls).eventBus(bus)
 *         .build();                                                  // resumes executions found in the store
 * RunbookExecution ex = runbooks.start("restart-agent", incident);   // pauses at the approval gate
 * runbooks.approve(ex.id(), "restart", "alice");                     // resumes at that step
 * }</pre>
 *
 * <p><b>Time and threads.</b> Actions run on the executor (default: daemon threads), never on an
 * agent's thread; timeouts, retry delays, approval deadlines and the {@code wait} action are tasks
 * on the scheduler, so nothing sleeps. A step that times out is cancelled through its
 * {@link CancellationToken} and its thread interrupted; one that still does not stop is reported in
 * {@link RunbookExecution#orphaned()} until it does. Every change is saved to the store and
 * published as a {@link RunbookExecutionChanged} (the incident manager puts it on the incident's
 * timeline).
 *
 * <p><b>After a restart</b> (a new {@code Runbooks} over the same store and runbooks): an execution
 * waiting for approval waits again (its deadline kept); a step that was running is run again with
 * the same idempotency key; a compensation that was running is run again likewise.
 *
 * <p><b>Memory.</b> Unfinished executions plus the newest {@value #MAX_FINISHED} finished ones, each
 * O(steps). Thread-safe: each execution has its own lock.
 */
public final class Runbooks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Runbooks.class);

    /** Finished executions kept in memory. */
    public static final int MAX_FINISHED = 1_000;

    private final Map<String, Runbook> runbooks;
    private final ActionRegistry actions;
    private final RunbookExecutionStore store;
    private final Controls controls;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Executor executor;
    private final SreEventBus bus;
    private final ScheduledExecutorService ownedScheduler;
    private final ExecutorService ownedExecutor;
    private final ConcurrentHashMap<String, Exec> executions = new ConcurrentHashMap<>();
    private final AtomicInteger finishedCount = new AtomicInteger();

    /** The live state of one execution; guarded by itself. */
    private static final class Exec {
        final String id;
        final Runbook runbook;
        final String incidentId;
        final String agentId;
        final Map<String, String> params;
        final Instant createdAt;
        final Step[] steps;
        ExecutionState state = ExecutionState.PENDING;
        int current;
        boolean compensating;
        boolean aborting;
        Instant updatedAt;
        Instant approvalDeadline;
        String detail;
        final List<String> failedCompensations = new ArrayList<>();
        int orphaned;
        int run; // bumps on every launch and timeout, so a late completion is recognised
        ScheduledFuture<?> timer;
        Future<?> running;
        CancellationToken token;

        Exec(String id, Runbook runbook, String incidentId, String agentId, Map<String, String> params, Instant createdAt) {
            this.id = id;
            this.runbook = runbook;
            this.incidentId = incidentId;
            this.agentId = agentId;
            this.params = Map.copyOf(params);
            this.createdAt = createdAt;
            this.updatedAt = createdAt;
            this.steps = new Step[runbook.steps().size()];
            for (int i = 0; i < steps.length; i++) {
                steps[i] = new Step(runbook.steps().get(i).id());
            }
        }
    }

    private static final class Step {
        final String id;
        ExecutionState state = ExecutionState.PENDING;
        int attempts;
        final List<String> approvals = new ArrayList<>();
        String output;
        RunbookExecution.Compensation compensation = RunbookExecution.Compensation.NONE;
        String compensationOutput;
        Instant startedAt;
        Instant endedAt;

        Step(String id) {
            this.id = id;
        }
    }

    private Runbooks(Builder b) {
        this.runbooks = new LinkedHashMap<>(b.runbooks);
        this.actions = b.actions;
        this.store = b.store;
        this.controls = b.controls;
        this.clock = b.clock;
        this.bus = b.eventBus == null ? new SreEventBus() : b.eventBus;
        if (b.scheduler != null) {
            this.scheduler = b.scheduler;
            this.ownedScheduler = null;
        } else {
            ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, daemon("agent-sre-runbook-timer"));
            s.setRemoveOnCancelPolicy(true);
            this.scheduler = s;
            this.ownedScheduler = s;
        }
        if (b.executor != null) {
            this.executor = b.executor;
            this.ownedExecutor = null;
        } else {
            this.ownedExecutor = Executors.newCachedThreadPool(daemon("agent-sre-runbook-action"));
            this.executor = ownedExecutor;
        }
        resume();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Starts a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The four runbooks the Python original ships — {@code restart-agent}, {@code revoke-trust},
     * {@code rollback-version}, {@code throttle-traffic} — with their actions mapped to real ones
     * (see {@code docs/incidents.md}), loaded from the YAML resource
     * {@code dev/agentsre/incident/runbooks.yaml} against {@code actions}.
     */
    public static List<Runbook> builtIn(ActionRegistry actions) {
        try (Reader in = new java.io.InputStreamReader(Check.notNull("resource", Runbooks.class.getResourceAsStream("runbooks.yaml")),
                java.nio.charset.StandardCharsets.UTF_8)) {
            return RunbookYaml.parse(in, "runbooks.yaml", actions);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ starting

    /** Starts {@code runbookId} for {@code incident}: the agent is its first affected agent. */
    public RunbookExecution start(String runbookId, Incident incident) {
        Check.notNull("incident", incident);
        Map<String, String> params = new LinkedHashMap<>();
        if (incident.primaryAgent() != null) {
            params.put("agent", incident.primaryAgent());
        }
        return start(runbookId, incident.id(), incident.primaryAgent(), params);
    }

    /** Starts {@code runbookId} for {@code agentId} (null: no agent) with parameters available as {@code ${name}}. */
    public RunbookExecution start(String runbookId, String agentId, Map<String, String> params) {
        return start(runbookId, null, agentId, params);
    }

    private RunbookExecution start(String runbookId, String incidentId, String agentId, Map<String, String> params) {
        Runbook runbook = runbook(runbookId).orElseThrow(() -> new IllegalArgumentException("no runbook '" + runbookId + "' (known: "
                + runbooks.keySet() + ")"));
        Map<String, String> all = new LinkedHashMap<>(Check.notNull("params", params));
        if (agentId != null) {
            all.putIfAbsent("agent", agentId);
        }
        if (incidentId != null) {
            all.putIfAbsent("incident", incidentId);
        }
        Exec exec = new Exec("rb-" + UUID.randomUUID().toString().substring(0, 13), runbook, incidentId, agentId, all, clock.instant());
        executions.put(exec.id, exec);
        synchronized (exec) {
            exec.state = ExecutionState.RUNNING;
            changed(exec, null, "started");
            advance(exec);
            return snapshot(exec);
        }
    }

    // ------------------------------------------------------------------ approvals

    /**
     * Approves the gate of {@code stepId}; when enough approvers have approved, the execution resumes
     * at that step.
     *
     * @throws IllegalArgumentException for an unknown execution, or an approver the gate does not allow
     * @throws IllegalStateException when the execution is not waiting at that step
     */
    public RunbookExecution approve(String executionId, String stepId, String approver) {
        Check.notBlank("approver", approver);
        Exec exec = require(executionId);
        synchronized (exec) {
            Step step = waitingAt(exec, stepId);
            Approval approval = gate(exec, stepId, approver);
            if (!step.approvals.contains(approver)) {
                step.approvals.add(approver);
            }
            if (step.approvals.size() < approval.minApprovals()) {
                changed(exec, stepId, "approved by " + approver + " (" + step.approvals.size() + " of " + approval.minApprovals() + ")");
                return snapshot(exec);
            }
            cancelTimer(exec);
            exec.approvalDeadline = null;
            step.state = ExecutionState.PENDING;
            exec.state = ExecutionState.RUNNING;
            changed(exec, stepId, "approved by " + String.join(", ", step.approvals));
            advance(exec);
            return snapshot(exec);
        }
    }

    /**
     * Denies the gate of {@code stepId}: the execution is ABORTED and the completed steps'
     * compensations run once each, in reverse order.
     *
     * @throws IllegalArgumentException for an unknown execution, or an approver the gate does not allow
     * @throws IllegalStateException when the execution is not waiting at that step
     */
    public RunbookExecution deny(String executionId, String stepId, String approver, String reason) {
        Check.notBlank("approver", approver);
        Exec exec = require(executionId);
        synchronized (exec) {
            Step step = waitingAt(exec, stepId);
            gate(exec, stepId, approver);
            cancelTimer(exec);
            exec.approvalDeadline = null;
            step.state = ExecutionState.SKIPPED;
            step.output = "denied by " + approver + (reason == null || reason.isBlank() ? "" : ": " + reason);
            step.endedAt = clock.instant();
            startCompensation(exec, true, step.output);
            return snapshot(exec);
        }
    }

    /** The gate of the current step, after checking that {@code approver} may decide on it. */
    private static Approval gate(Exec exec, String stepId, String approver) {
        Approval approval = exec.runbook.steps().get(exec.current).approval();
        if (!approval.allows(approver)) {
            throw new IllegalArgumentException("'" + approver + "' may not approve or deny step '" + stepId + "' (approvers: "
                    + approval.approvers() + ")");
        }
        return approval;
    }

    private Step waitingAt(Exec exec, String stepId) {
        if (exec.state != ExecutionState.WAITING_APPROVAL || !exec.steps[exec.current].id.equals(stepId)) {
            throw new IllegalStateException("execution " + exec.id + " is not waiting for approval at step '" + stepId + "' (it is "
                    + exec.state + (exec.state.isFinal() ? "" : " at step '" + exec.steps[Math.min(exec.current, exec.steps.length - 1)].id
                    + "'") + ")");
        }
        return exec.steps[exec.current];
    }

    // ------------------------------------------------------------------ the state machine (callers hold the execution's lock)

    private void advance(Exec exec) {
        while (!exec.state.isFinal()) {
            if (exec.compensating) {
                compensateNext(exec);
                return;
            }
            if (exec.current >= exec.steps.length) {
                finish(exec, ExecutionState.SUCCEEDED, "every step done");
                return;
            }
            Step step = exec.steps[exec.current];
            RunbookStep def = exec.runbook.steps().get(exec.current);
            switch (step.state) {
                case PENDING:
                    if (def.approval() != null && step.approvals.size() < def.approval().minApprovals()) {
                        step.state = ExecutionState.WAITING_APPROVAL;
                        exec.state = ExecutionState.WAITING_APPROVAL;
                        exec.approvalDeadline = clock.instant().plus(def.approval().timeout());
                        armApprovalTimeout(exec, def.approval().timeout());
                        changed(exec, step.id, "waiting for approval" + (def.approval().approvers().isEmpty() ? ""
                                : " by " + def.approval().approvers()));
                        return;
                    }
                    launch(exec, step, def);
                    return;
                case WAITING_APPROVAL:
                case RUNNING:
                    return;
                default:
                    exec.current++;
            }
        }
    }

    private void launch(Exec exec, Step step, RunbookStep def) {
        step.state = ExecutionState.RUNNING;
        step.attempts++;
        if (step.startedAt == null) {
            step.startedAt = clock.instant();
        }
        exec.state = ExecutionState.RUNNING;
        int run = ++exec.run;
        CancellationToken token = new CancellationToken();
        exec.token = token;
        changed(exec, step.id, "step started (attempt " + step.attempts + ")");
        StepContext ctx = context(exec, def.id(), exec.id + ":" + def.id(), step.attempts, def.params(), token);
        if (def.action() instanceof ActionRegistry.WaitAction) {
            Duration wait = ((ActionRegistry.WaitAction) def.action()).duration(ctx);
            exec.timer = schedule(() -> complete(exec, run, StepResult.ok("waited " + Durations.format(wait))), wait);
            return;
        }
        exec.timer = schedule(() -> timedOut(exec, run, def), def.timeout());
        Future<?> future = submit(() -> {
            StepResult result = call(def.action(), ctx);
            complete(exec, run, result);
        });
        if (exec.run == run) {
            exec.running = future;
        }
    }

    private void complete(Exec exec, int run, StepResult result) {
        synchronized (exec) {
            if (exec.run != run) {
                if (exec.orphaned > 0 && !exec.compensating) {
                    exec.orphaned--; // a timed-out action has stopped after all
                    save(exec);
                }
                return;
            }
            Step step = exec.steps[exec.current];
            if (step.state != ExecutionState.RUNNING) {
                return;
            }
            cancelTimer(exec);
            exec.run++;
            RunbookStep def = exec.runbook.steps().get(exec.current);
            step.output = result.output();
            if (result.succeeded()) {
                step.state = ExecutionState.SUCCEEDED;
                step.endedAt = clock.instant();
                changed(exec, step.id, "step succeeded: " + result.output());
                exec.current++;
                advance(exec);
            } else {
                failed(exec, step, def, result.output(), ExecutionState.FAILED);
            }
        }
    }

    private void timedOut(Exec exec, int run, RunbookStep def) {
        synchronized (exec) {
            if (exec.run != run || exec.steps[exec.current].state != ExecutionState.RUNNING) {
                return;
            }
            exec.run++;
            exec.token.cancel();
            Future<?> running = exec.running;
            if (running != null && !running.isDone()) {
                running.cancel(true);
                exec.orphaned++;
            }
            failed(exec, exec.steps[exec.current], def, "timed out after " + Durations.format(def.timeout()), ExecutionState.TIMED_OUT);
        }
    }

    private void failed(Exec exec, Step step, RunbookStep def, String reason, ExecutionState how) {
        step.output = reason;
        if (step.attempts < def.maxAttempts()) {
            step.state = ExecutionState.PENDING;
            changed(exec, step.id, "attempt " + step.attempts + " failed (" + reason + "); retrying in " + Durations.format(def.retryDelay()));
            exec.timer = schedule(() -> {
                synchronized (exec) {
                    if (!exec.state.isFinal() && !exec.compensating && exec.steps[exec.current] == step && step.state == ExecutionState.PENDING) {
                        advance(exec);
                    }
                }
            }, def.retryDelay());
            return;
        }
        step.state = how;
        step.endedAt = clock.instant();
        changed(exec, step.id, "step " + (how == ExecutionState.TIMED_OUT ? "timed out" : "failed") + ": " + reason);
        switch (def.onFailure().kind()) {
            case CONTINUE:
                exec.current++;
                advance(exec);
                return;
            case GOTO:
                int target = exec.runbook.indexOf(def.onFailure().gotoStep());
                for (int i = exec.current + 1; i < target; i++) {
                    exec.steps[i].state = ExecutionState.SKIPPED;
                }
                exec.current = target;
                advance(exec);
                return;
            default:
                startCompensation(exec, false, "step '" + step.id + "' " + (how == ExecutionState.TIMED_OUT ? "timed out" : "failed") + ": "
                        + reason);
        }
    }

    private void startCompensation(Exec exec, boolean aborting, String why) {
        exec.compensating = true;
        exec.aborting = aborting;
        exec.detail = why;
        exec.state = ExecutionState.RUNNING;
        for (int i = 0; i < exec.steps.length; i++) {
            Step step = exec.steps[i];
            if (step.state == ExecutionState.SUCCEEDED && exec.runbook.steps().get(i).compensation() != null
                    && step.compensation == RunbookExecution.Compensation.NONE) {
                step.compensation = RunbookExecution.Compensation.PENDING;
            }
        }
        changed(exec, null, "compensating completed steps: " + why);
        compensateNext(exec);
    }

    private void compensateNext(Exec exec) {
        for (int i = exec.steps.length - 1; i >= 0; i--) {
            Step step = exec.steps[i];
            if (step.compensation == RunbookExecution.Compensation.RUNNING) {
                return; // in flight
            }
            if (step.compensation != RunbookExecution.Compensation.PENDING) {
                continue;
            }
            RunbookStep def = exec.runbook.steps().get(i);
            step.compensation = RunbookExecution.Compensation.RUNNING;
            int run = ++exec.run;
            CancellationToken token = new CancellationToken();
            exec.token = token;
            changed(exec, step.id, "compensation " + def.compensationName() + " started");
            StepContext ctx = context(exec, def.id(), exec.id + ":" + def.id() + ":compensate", 1, def.compensationParams(), token);
            int index = i;
            exec.timer = schedule(() -> compensationDone(exec, run, index, StepResult.failed("timed out after "
                    + Durations.format(def.timeout())), true), def.timeout());
            Future<?> future = submit(() -> compensationDone(exec, run, index, call(def.compensation(), ctx), false));
            if (exec.run == run) {
                exec.running = future;
            }
            return;
        }
        boolean anyCompensated = false;
        for (Step step : exec.steps) {
            anyCompensated |= step.compensation == RunbookExecution.Compensation.SUCCEEDED
                    || step.compensation == RunbookExecution.Compensation.FAILED;
        }
        if (exec.aborting) {
            finish(exec, ExecutionState.ABORTED, exec.detail + (exec.failedCompensations.isEmpty() ? ""
                    : "; compensations failed: " + exec.failedCompensations));
        } else if (anyCompensated && exec.failedCompensations.isEmpty()) {
            finish(exec, ExecutionState.COMPENSATED, exec.detail + "; completed steps compensated");
        } else {
            finish(exec, ExecutionState.FAILED, exec.detail + (anyCompensated ? "; compensations failed: " + exec.failedCompensations
                    : "; nothing to compensate"));
        }
    }

    private void compensationDone(Exec exec, int run, int index, StepResult result, boolean timeout) {
        synchronized (exec) {
            if (exec.run != run) {
                return;
            }
            exec.run++;
            if (timeout) {
                exec.token.cancel();
                Future<?> running = exec.running;
                if (running != null && !running.isDone()) {
                    running.cancel(true);
                    exec.orphaned++;
                }
            } else {
                cancelTimer(exec);
            }
            Step step = exec.steps[index];
            step.compensationOutput = result.output();
            if (result.succeeded()) {
                step.compensation = RunbookExecution.Compensation.SUCCEEDED;
                changed(exec, step.id, "compensated: " + result.output());
            } else {
                step.compensation = RunbookExecution.Compensation.FAILED;
                exec.failedCompensations.add(step.id);
                changed(exec, step.id, "compensation failed: " + result.output());
            }
            compensateNext(exec);
        }
    }

    private void finish(Exec exec, ExecutionState state, String detail) {
        cancelTimer(exec);
        exec.state = state;
        exec.compensating = false;
        exec.detail = detail;
        changed(exec, null, detail);
        if (finishedCount.incrementAndGet() > MAX_FINISHED) {
            executions.values().stream().filter(e -> e.state.isFinal()).min(Comparator.comparing(e -> e.updatedAt))
                    .ifPresent(e -> {
                        if (executions.remove(e.id, e)) {
                            finishedCount.decrementAndGet();
                        }
                    });
        }
        LOG.info("runbook {} ({}) {}: {}", exec.runbook.id(), exec.id, state, detail);
    }

    private void armApprovalTimeout(Exec exec, Duration in) {
        cancelTimer(exec);
        exec.timer = schedule(() -> {
            synchronized (exec) {
                if (exec.state != ExecutionState.WAITING_APPROVAL) {
                    return;
                }
                Step step = exec.steps[exec.current];
                Approval approval = exec.runbook.steps().get(exec.current).approval();
                exec.approvalDeadline = null;
                if (approval.onTimeout() == Approval.OnTimeout.SKIP) {
                    step.state = ExecutionState.SKIPPED;
                    step.output = "approval timed out; step skipped";
                    exec.state = ExecutionState.RUNNING;
                    changed(exec, step.id, step.output);
                    exec.current++;
                    advance(exec);
                } else {
                    step.state = ExecutionState.SKIPPED;
                    step.output = "approval timed out after " + Durations.format(approval.timeout());
                    startCompensation(exec, true, step.output);
                }
            }
        }, in);
    }

    // ------------------------------------------------------------------ plumbing

    private StepContext context(Exec exec, String stepId, String key, int attempt, Map<String, String> params, CancellationToken token) {
        Map<String, String> resolved = new LinkedHashMap<>();
        params.forEach((k, v) -> resolved.put(k, substitute(v, exec)));
        return new StepContext(exec.id, exec.runbook.id(), stepId, key, attempt, exec.agentId, exec.incidentId, resolved, token, controls, clock);
    }

    private static String substitute(String value, Exec exec) {
        String out = value;
        for (Map.Entry<String, String> p : exec.params.entrySet()) {
            out = out.replace("${" + p.getKey() + "}", p.getValue());
        }
        String agent = exec.params.getOrDefault("agent", exec.agentId == null ? "" : exec.agentId);
        return out.replace("${AGENT_ID}", agent).replace("${agent}", agent)
                .replace("${incident}", exec.incidentId == null ? "" : exec.incidentId);
    }

    private static StepResult call(RunbookAction action, StepContext ctx) {
        try {
            StepResult result = action.run(ctx);
            return result == null ? StepResult.failed("the action returned nothing") : result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return StepResult.failed("interrupted");
        } catch (Exception e) {
            return StepResult.failed(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    private Future<?> submit(Runnable task) {
        FutureTask<Void> future = new FutureTask<>(task, null);
        try {
            executor.execute(future);
        } catch (RuntimeException e) {
            LOG.warn("could not hand a runbook action to the executor", e);
            throw e;
        }
        return future;
    }

    private ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return scheduler.schedule(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("a runbook timer failed", e);
            }
        }, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
    }

    private static void cancelTimer(Exec exec) {
        if (exec.timer != null) {
            exec.timer.cancel(false);
            exec.timer = null;
        }
    }

    private void changed(Exec exec, String stepId, String detail) {
        exec.updatedAt = clock.instant();
        if (detail != null && stepId == null) {
            exec.detail = detail;
        }
        save(exec);
        try {
            bus.publish(new RunbookExecutionChanged(exec.updatedAt, exec.agentId, exec.incidentId, exec.id, exec.runbook.id(), exec.state, stepId,
                    detail));
        } catch (RuntimeException e) {
            LOG.debug("publishing a runbook event failed", e);
        }
    }

    private void save(Exec exec) {
        try {
            store.save(snapshot(exec));
        } catch (RuntimeException e) {
            LOG.warn("runbook execution {} could not be saved; it goes on in memory", exec.id, e);
        }
    }

    private static RunbookExecution snapshot(Exec exec) {
        List<RunbookExecution.StepRecord> steps = new ArrayList<>(exec.steps.length);
        for (Step s : exec.steps) {
            steps.add(new RunbookExecution.StepRecord(s.id, s.state, s.attempts, s.approvals, s.output, s.compensation, s.compensationOutput,
                    s.startedAt, s.endedAt));
        }
        return new RunbookExecution(exec.id, exec.runbook.id(), exec.incidentId, exec.agentId, exec.params, exec.state, exec.current, steps,
                exec.compensating, exec.aborting, exec.createdAt, exec.updatedAt, exec.approvalDeadline, exec.detail, exec.failedCompensations, exec.orphaned);
    }

    /** Picks up the unfinished executions of the store. */
    private void resume() {
        List<RunbookExecution> stored;
        try {
            stored = store.loadAll();
        } catch (RuntimeException e) {
            LOG.warn("could not read the runbook execution store; nothing resumed", e);
            return;
        }
        for (RunbookExecution saved : stored) {
            if (saved.state().isFinal()) {
                continue;
            }
            Runbook runbook = runbooks.get(saved.runbookId());
            if (runbook == null || runbook.steps().size() != saved.steps().size()) {
                LOG.warn("runbook execution {} of '{}' cannot resume: the runbook is not registered (or changed its steps)", saved.id(),
                        saved.runbookId());
                continue;
            }
            Exec exec = new Exec(saved.id(), runbook, saved.incidentId(), saved.agentId(), saved.params(), saved.createdAt());
            synchronized (exec) {
                exec.state = saved.state();
                exec.current = saved.currentStep();
                exec.compensating = saved.compensating();
                exec.detail = saved.detail();
                exec.approvalDeadline = saved.approvalDeadline();
                exec.failedCompensations.addAll(saved.failedCompensations());
                exec.aborting = saved.aborting();
                for (int i = 0; i < exec.steps.length; i++) {
                    RunbookExecution.StepRecord r = saved.steps().get(i);
                    Step s = exec.steps[i];
                    s.state = r.state() == ExecutionState.RUNNING ? ExecutionState.PENDING : r.state(); // re-run with the same key
                    s.attempts = r.state() == ExecutionState.RUNNING ? Math.max(0, r.attempts() - 1) : r.attempts();
                    s.approvals.addAll(r.approvals());
                    s.output = r.output();
                    s.compensation = r.compensation() == RunbookExecution.Compensation.RUNNING ? RunbookExecution.Compensation.PENDING
                            : r.compensation();
                    s.compensationOutput = r.compensationOutput();
                    s.startedAt = r.startedAt();
                    s.endedAt = r.endedAt();
                }
                executions.put(exec.id, exec);
                LOG.info("runbook execution {} of '{}' resumed ({} at step '{}')", exec.id, runbook.id(), exec.state,
                        exec.steps[Math.min(exec.current, exec.steps.length - 1)].id);
                if (exec.state == ExecutionState.WAITING_APPROVAL) {
                    Duration left = exec.approvalDeadline == null ? Duration.ZERO : Duration.between(clock.instant(), exec.approvalDeadline);
                    armApprovalTimeout(exec, left.isNegative() ? Duration.ZERO : left);
                } else {
                    exec.state = ExecutionState.RUNNING;
                    advance(exec);
                }
            }
        }
    }

    // ------------------------------------------------------------------ queries

    /** A registered runbook. */
    public Optional<Runbook> runbook(String id) {
        return Optional.ofNullable(runbooks.get(id));
    }

    /** The registered runbooks. */
    public Collection<Runbook> runbooks() {
        return List.copyOf(runbooks.values());
    }

    /** The runbooks whose triggers suit {@code incident}. */
    public List<Runbook> matching(Incident incident) {
        List<Runbook> list = new ArrayList<>();
        for (Runbook runbook : runbooks.values()) {
            if (runbook.suits(incident)) {
                list.add(runbook);
            }
        }
        return list;
    }

    /** An execution's snapshot. */
    public Optional<RunbookExecution> execution(String id) {
        Exec exec = executions.get(id);
        if (exec == null) {
            return Optional.empty();
        }
        synchronized (exec) {
            return Optional.of(snapshot(exec));
        }
    }

    /** Every execution held, oldest first. */
    public List<RunbookExecution> executions() {
        List<RunbookExecution> list = new ArrayList<>();
        for (Exec exec : executions.values()) {
            synchronized (exec) {
                list.add(snapshot(exec));
            }
        }
        list.sort(Comparator.comparing(RunbookExecution::createdAt).thenComparing(RunbookExecution::id));
        return list;
    }

    private Exec require(String id) {
        Exec exec = executions.get(Check.notBlank("executionId", id));
        if (exec == null) {
            throw new IllegalArgumentException("no runbook execution '" + id + "'");
        }
        return exec;
    }

    /** The action registry. */
    public ActionRegistry actions() {
        return actions;
    }

    /** Stops the threads the engine created; running actions are interrupted. Stored executions stay for a later resume. */
    @Override
    public void close() {
        if (ownedScheduler != null) {
            ownedScheduler.shutdownNow();
        }
        if (ownedExecutor != null) {
            ownedExecutor.shutdownNow();
        }
    }

    /** Builder for {@link Runbooks}. */
    public static final class Builder {
        private final Map<String, Runbook> runbooks = new LinkedHashMap<>();
        private ActionRegistry actions = ActionRegistry.builtIns();
        private RunbookExecutionStore store = RunbookExecutionStore.inMemory();
        private Controls controls = Controls.none();
        private Clock clock = Clock.systemUTC();
        private ScheduledExecutorService scheduler;
        private Executor executor;
        private SreEventBus eventBus;

        private Builder() {
        }

        /** Registers a runbook; ids must be unique. */
        public Builder runbook(Runbook runbook) {
            Check.notNull("runbook", runbook);
            if (runbooks.putIfAbsent(runbook.id(), runbook) != null) {
                throw new IllegalArgumentException("runbook ids must be unique, got '" + runbook.id() + "' twice");
            }
            return this;
        }

        /** Registers runbooks. */
        public Builder runbooks(Collection<Runbook> runbooks) {
            Check.notNull("runbooks", runbooks).forEach(this::runbook);
            return this;
        }

        /** Registers the runbooks of a YAML document (actions resolved against {@link #actions}). */
        public Builder yaml(Reader yaml, String source) {
            return runbooks(RunbookYaml.parse(yaml, source, actions));
        }

        /** The actions YAML runbooks may name (default {@link ActionRegistry#builtIns()}). */
        public Builder actions(ActionRegistry actions) {
            this.actions = Check.notNull("actions", actions);
            return this;
        }

        /** Where executions are kept (default in memory). */
        public Builder store(RunbookExecutionStore store) {
            this.store = Check.notNull("store", store);
            return this;
        }

        /** The components built-in actions act on. */
        public Builder controls(Controls controls) {
            this.controls = Check.notNull("controls", controls);
            return this;
        }

        /** The clock. */
        public Builder clock(Clock clock) {
            this.clock = Check.notNull("clock", clock);
            return this;
        }

        /** Where timeouts, retry delays, approval deadlines and waits are scheduled. */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Check.notNull("scheduler", scheduler);
            return this;
        }

        /** Where actions run (tests pass {@code Runnable::run}). */
        public Builder executor(Executor executor) {
            this.executor = Check.notNull("executor", executor);
            return this;
        }

        /** Where {@link RunbookExecutionChanged} events go. */
        public Builder eventBus(SreEventBus bus) {
            this.eventBus = Check.notNull("eventBus", bus);
            return this;
        }

        /** Builds and resumes the unfinished executions of the store. */
        public Runbooks build() {
            return new Runbooks(this);
        }
    }
}
