package dev.agentsre;

import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.breaker.CircuitBreaker;
import dev.agentsre.chaos.ChaosInjector;
import dev.agentsre.cost.CostReservation;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.guard.CallGuard;
import dev.agentsre.guard.CallKind;
import dev.agentsre.guard.GuardScope;
import dev.agentsre.guard.GuardedTask;
import dev.agentsre.guard.Outcome;
import dev.agentsre.internal.Money;
import dev.agentsre.internal.Throwables;
import dev.agentsre.replay.Call;
import dev.agentsre.replay.TraceCapture;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * One task inside the pipeline: its place in a delegation tree, its running totals (which roll up to
 * its ancestors), the built-in guards' per-task state, and the door, call and post-flight logic that
 * runs the guard chain. {@link TaskContext} is its public face to the body.
 *
 * <p>Memory: a few hundred bytes per task, plus the loop window of the rogue detector once the task
 * makes a tool call; nothing is kept after the task ends.
 */
final class TaskRun implements GuardedTask {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TaskRun.class);

    private static final AtomicLongFieldUpdater<TaskRun> MODEL_CALLS = AtomicLongFieldUpdater.newUpdater(TaskRun.class, "modelCalls");
    private static final AtomicLongFieldUpdater<TaskRun> TOOL_CALLS = AtomicLongFieldUpdater.newUpdater(TaskRun.class, "toolCalls");
    private static final AtomicLongFieldUpdater<TaskRun> TOKENS = AtomicLongFieldUpdater.newUpdater(TaskRun.class, "tokens");
    private static final AtomicLongFieldUpdater<TaskRun> COST = AtomicLongFieldUpdater.newUpdater(TaskRun.class, "costNanos");
    private static final AtomicIntegerFieldUpdater<TaskRun> FINISHED = AtomicIntegerFieldUpdater.newUpdater(TaskRun.class, "finished");
    private static final AtomicLongFieldUpdater<TaskRun> CHILD_COST = AtomicLongFieldUpdater.newUpdater(TaskRun.class, "childCostNanos");
    private static final AtomicIntegerFieldUpdater<TaskRun> CHILDREN = AtomicIntegerFieldUpdater.newUpdater(TaskRun.class, "children");

    final AgentSre sre;
    final String agentId;
    final String taskId;
    final TaskRun parent;
    final TaskRun root;
    final int depth;
    final TaskLimits limits;
    final long estimateNanos;
    final ChaosInjector chaos;
    final TaskContext context;
    final long startMillis;
    /** The earliest deadline of this task and its ancestors, or {@code Long.MAX_VALUE}. */
    final long deadlineMillis;
    /** The task whose {@code maxDuration} set {@link #deadlineMillis}. */
    final TaskRun deadlineOwner;

    volatile long modelCalls;
    volatile long toolCalls;
    volatile long tokens;
    volatile long costNanos;
    /** The cost of finished child tasks (already in {@link #costNanos}): the task's own cost is the difference. */
    private volatile long childCostNanos;
    volatile boolean costReported;
    private volatile int finished;
    private volatile int children;

    // Built-in guards' per-task state.
    CostReservation reservation;
    /** The last model the budget guard priced for this task, with its rates (a task mostly calls one model). */
    volatile Object lastModel;
    CircuitBreaker.Permit breakerPermit;
    volatile RogueAgentDetector.TaskActions actions;
    TraceCapture capture;
    private volatile Object[] slots;

    /** How many guards passed the door (their {@code afterTask} runs). */
    private int admitted;
    private boolean refusedAtDoor;
    private volatile Outcome outcome;
    private volatile Throwable error;
    private volatile TaskRefusedException refusal;
    private volatile long endMillis = -1;

    TaskRun(AgentSre sre, String agentId, String taskId, TaskRun parent, TaskLimits limits, long estimateNanos) {
        this.sre = sre;
        this.agentId = agentId;
        this.taskId = taskId;
        this.parent = parent;
        this.root = parent == null ? this : parent.root;
        this.depth = parent == null ? 0 : parent.depth + 1;
        this.limits = limits;
        this.estimateNanos = estimateNanos;
        this.chaos = sre.chaosFor(agentId);
        this.startMillis = sre.clock().millis();
        long own = limits.durationLimitMillis() == Long.MAX_VALUE ? Long.MAX_VALUE : startMillis + limits.durationLimitMillis();
        if (parent != null && parent.deadlineMillis < own) {
            this.deadlineMillis = parent.deadlineMillis;
            this.deadlineOwner = parent.deadlineOwner;
        } else {
            this.deadlineMillis = own;
            this.deadlineOwner = own == Long.MAX_VALUE ? null : this;
        }
        this.context = new TaskContext(this);
    }

    /** A child task of {@code agent}, for a delegation (not yet admitted). */
    TaskRun child(String agent) {
        String id = taskId + "/" + agent + "#" + CHILDREN.incrementAndGet(this);
        return new TaskRun(sre, agent, id, this, sre.defaultLimits(), 0);
    }

    // ------------------------------------------------------------------ the door and post-flight

    /** Runs every guard's {@code beforeTask}; on a refusal, the ones that passed get {@code afterTask}. */
    void admit(CallFrame delegation) {
        CallGuard[] guards = sre.taskGuards();
        int i = 0;
        try {
            for (; i < guards.length; i++) {
                guards[i].beforeTask(this);
            }
        } catch (TaskRefusedException refused) {
            if (delegation != null) {
                refused.inFlight(delegation.describe());
            }
            admitted = i;
            refusal = refused;
            refusedAtDoor = true;
            end(Outcome.REFUSED, refused);
            sre.publishRefusal(refused);
            throw refused;
        } catch (Throwable failure) { // any throwable, a sneaky checked one included: the guards that passed get afterTask
            admitted = i;
            end(Outcome.FAILED, failure);
            throw Throwables.<RuntimeException>sneakyThrow(failure);
        }
        admitted = guards.length;
        if (parent == null && sre.capturesTask(agentId)) {
            capture = sre.startCapture(agentId);
        }
    }

    /**
     * Post-flight, once: the outcome, then every admitted guard's {@code afterTask} in reverse order,
     * then the trace write. Each step is isolated from the others' failures (logged and published as
     * {@link dev.agentsre.event.PostFlightFailed}), so none changes what the body returned or threw.
     */
    void finish(Throwable failure) {
        TaskRefusedException refused = refusal;
        if (refused != null) {
            end(Outcome.REFUSED, failure != null ? failure : refused);
        } else {
            end(failure == null ? Outcome.SUCCEEDED : Outcome.FAILED, failure);
        }
    }

    private void end(Outcome how, Throwable cause) {
        if (!FINISHED.compareAndSet(this, 0, 1)) {
            return;
        }
        this.endMillis = Math.max(startMillis, sre.clock().millis());
        this.error = cause;
        this.outcome = how;
        CallGuard[] guards = sre.taskGuards();
        for (int i = admitted - 1; i >= 0; i--) {
            sre.afterTask(guards[i], this);
        }
        if (parent != null) {
            CHILD_COST.addAndGet(parent, costNanos);
        }
        if (capture != null) {
            sre.closeCapture(this, capture);
        }
    }

    boolean refusedAtDoor() {
        return refusedAtDoor;
    }

    /** The guard that refused the task at the door, or {@code null}. */
    CallGuard refusedBy() {
        return refusedAtDoor ? sre.taskGuards()[admitted] : null;
    }

    boolean hasEnded() {
        return finished != 0;
    }

    /** Remembers the task's first refusal. */
    void refused(TaskRefusedException e) {
        if (refusal == null) {
            refusal = e;
        }
    }

    /** The asynchronous deadline passed before the task's stage completed. */
    TaskRefusedException deadlinePassed() {
        TaskRefusedException e = LimitsGuard.deadlineRefusal(this, deadlineOwner);
        e.inFlight("");
        refused(e);
        sre.publishRefusal(e);
        finish(e);
        return e;
    }

    // ------------------------------------------------------------------ thread-bound scopes of the guards

    private static final GuardScope[] NO_SCOPES = new GuardScope[0];

    /** Opens every scope guard's context around this task's body (on the thread that runs it). */
    GuardScope[] enterScopes() {
        CallGuard[] guards = sre.taskScopeGuards();
        if (guards.length == 0) {
            return NO_SCOPES;
        }
        GuardScope[] scopes = new GuardScope[guards.length];
        for (int i = 0; i < guards.length; i++) {
            try {
                scopes[i] = guards[i].enterTask(this);
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Throwable failure) {
                sre.postFlightFailed(this, "enterTask of " + guards[i], failure);
            }
        }
        return scopes;
    }

    /** Opens every scope guard's context around {@code frame}'s callee (on the thread making the call). */
    GuardScope[] enterScopes(CallFrame frame) {
        CallGuard[] guards = sre.callScopeGuards();
        if (guards.length == 0) {
            return NO_SCOPES;
        }
        GuardScope[] scopes = new GuardScope[guards.length];
        for (int i = 0; i < guards.length; i++) {
            try {
                scopes[i] = guards[i].enterCall(frame);
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Throwable failure) {
                sre.postFlightFailed(this, "enterCall of " + guards[i] + " (" + frame + ")", failure);
            }
        }
        return scopes;
    }

    /** Closes what {@link #enterScopes} opened, in reverse order, each isolated from the others' failures. */
    void closeScopes(GuardScope[] scopes) {
        for (int i = scopes.length - 1; i >= 0; i--) {
            GuardScope scope = scopes[i];
            if (scope != null) {
                try {
                    scope.close();
                } catch (VirtualMachineError fatal) {
                    throw fatal;
                } catch (Throwable failure) {
                    sre.postFlightFailed(this, "closing a guard scope", failure);
                }
            }
        }
    }

    // ------------------------------------------------------------------ calls

    /** Runs {@code callee} as {@code frame} through the guard chain, the trace capture and the chaos injector. */
    <T, E extends Exception> T call(CallFrame frame, Call<T, E> callee) throws E {
        admitCall(frame);
        CallGuard[] guards = sre.callGuards();
        long start = frame.enteredMillis;
        T result;
        GuardScope[] scopes = enterScopes(frame);
        try {
            result = invoke(frame, callee);
        } catch (Throwable failure) {
            closeScopes(scopes);
            frame.durationMillis = Math.max(0, sre.clock().millis() - start);
            if (failure instanceof TaskRefusedException) {
                // refused further down (a delegation's child task): already published there
                frame.outcome = Outcome.REFUSED;
                refused((TaskRefusedException) failure);
            } else {
                frame.outcome = Outcome.FAILED;
            }
            frame.error = failure;
            afterCall(frame, guards.length);
            throw Throwables.<RuntimeException>sneakyThrow(failure);
        }
        closeScopes(scopes);
        frame.durationMillis = Math.max(0, sre.clock().millis() - start);
        frame.outcome = Outcome.SUCCEEDED;
        frame.result = result;
        if (frame.usageFn != null) {
            TokenUsage used = null;
            try {
                used = frame.usageFn.apply(result);
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Throwable failure) {
                // the call ran and succeeded: a usage function that fails loses the count, never the result
                sre.postFlightFailed(this, "usage function of " + frame.describe(), failure);
            }
            if (used != null) {
                frame.usage = used;
                addTokens(used.totalTokens());
            }
        }
        afterCall(frame, guards.length);
        return result;
    }

    /** Runs every guard's {@code beforeCall} for {@code frame}; on a refusal or failure, the ones that passed get {@code afterCall}. */
    private void admitCall(CallFrame frame) {
        if (finished != 0) {
            throw new IllegalStateException("task '" + taskId + "' of agent '" + agentId + "' has ended; its context can make no more calls");
        }
        frame.dependency = sre.dependencyOf(frame);
        frame.enteredMillis = sre.clock().millis();
        CallGuard[] guards = sre.callGuards();
        int passed = 0;
        try {
            for (; passed < guards.length; passed++) {
                guards[passed].beforeCall(frame);
            }
        } catch (TaskRefusedException refused) {
            refused.inFlight(frame.describe());
            frame.outcome = Outcome.REFUSED;
            frame.error = refused;
            refused(refused);
            sre.publishRefusal(refused);
            afterCall(frame, passed);
            throw refused;
        } catch (Throwable failure) { // any throwable, a sneaky checked one included: the guards that passed get afterCall
            frame.outcome = Outcome.FAILED;
            frame.error = failure;
            afterCall(frame, passed);
            throw Throwables.<RuntimeException>sneakyThrow(failure);
        }
        frame.started = true;
    }

    /**
     * Admits {@code frame} through the guard chain and runs {@code start} (through the chaos injector)
     * to start a call whose result arrives later; the returned handle accounts it when it ends. If
     * {@code start} throws, the call has failed and the exception is rethrown.
     */
    <E extends Exception> StreamingCall startStream(CallFrame frame, Call<?, E> start) throws E {
        admitCall(frame);
        StreamingCall handle = new StreamingCall(this, frame);
        ChaosInjector injector = chaos;
        GuardScope[] scopes = enterScopes(frame);
        try {
            if (injector == null || !injector.isActive()) {
                start.call();
            } else {
                throughChaos(injector, frame.target, start);
            }
        } catch (Throwable failure) {
            closeScopes(scopes);
            handle.fail(failure);
            throw Throwables.<E>sneakyThrow(failure);
        }
        closeScopes(scopes);
        return handle;
    }

    /** Ends a streamed call: its usage counted, every guard's {@code afterCall}, and the trace capture's span. */
    void endStream(CallFrame frame, Outcome outcome, Object result, TokenUsage usage, Throwable error) {
        frame.durationMillis = Math.max(0, sre.clock().millis() - frame.enteredMillis);
        frame.outcome = outcome;
        frame.result = result;
        frame.error = error;
        if (usage != null) {
            frame.usage = usage;
            addTokens(usage.totalTokens());
        }
        afterCall(frame, sre.callGuards().length);
        TraceCapture trace = root.capture;
        if (trace != null && outcome == Outcome.SUCCEEDED && result != null && finished == 0) {
            try {
                trace.llm(frame.target, frame.request, () -> result, r -> usage);
            } catch (RuntimeException e) {
                LOG.debug("capturing the streamed call {} failed; the call is unaffected", frame, e);
            }
        }
    }

    private void afterCall(CallFrame frame, int passed) {
        CallGuard[] guards = sre.callGuards();
        for (int i = passed - 1; i >= 0; i--) {
            sre.afterCall(guards[i], frame);
        }
    }

    /** The trace capture (outer, so it records injected faults as the call's outcome), then chaos, then the callee. */
    @SuppressWarnings("unchecked")
    private <T, E extends Exception> T invoke(CallFrame frame, Call<T, E> callee) throws E {
        ChaosInjector injector = chaos;
        Call<T, E> inner = injector == null || !injector.isActive() ? callee : () -> throughChaos(injector, frame.target, callee);
        TraceCapture trace = root.capture;
        if (trace == null) {
            return inner.call();
        }
        switch (frame.kind) {
            case LLM:
                return frame.usageFn == null ? trace.llm(frame.target, frame.request, inner)
                        : trace.llm(frame.target, frame.request, inner, (java.util.function.Function<? super T, TokenUsage>) (Object) frame.usageFn);
            case TOOL:
                return trace.tool(frame.target, frame.request, inner);
            default:
                return trace.delegate(frame.target, frame.request, inner);
        }
    }

    private <T, E extends Exception> T throughChaos(ChaosInjector injector, String target, Call<T, E> call) throws E {
        try {
            return injector.wrap(target, root.taskId, call::call).call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // an injected wait was interrupted: keep the flag for the caller
            throw Throwables.<RuntimeException>sneakyThrow(e);
        } catch (Exception e) {
            throw Throwables.<RuntimeException>sneakyThrow(e); // the call's own checked exception E
        }
    }

    // ------------------------------------------------------------------ running totals (roll up to the ancestors)

    void addTokens(long n) {
        for (TaskRun t = this; t != null; t = t.parent) {
            TOKENS.addAndGet(t, n);
        }
    }

    /** What the task spent itself, its delegations' cost excluded. */
    long ownCostNanos() {
        return costNanos - childCostNanos;
    }

    void addCost(long nanos) {
        if (!costReported) {
            costReported = true;
        }
        for (TaskRun t = this; t != null; t = t.parent) {
            COST.addAndGet(t, nanos);
        }
    }

    /** Counts a started call of {@code kind} on this task and its ancestors. */
    static AtomicLongFieldUpdater<TaskRun> counter(CallKind kind) {
        return kind == CallKind.LLM ? MODEL_CALLS : TOOL_CALLS;
    }

    // ------------------------------------------------------------------ GuardedTask

    @Override
    public String agentId() {
        return agentId;
    }

    @Override
    public String taskId() {
        return taskId;
    }

    @Override
    public GuardedTask parent() {
        return parent;
    }

    @Override
    public GuardedTask root() {
        return root;
    }

    @Override
    public int depth() {
        return depth;
    }

    @Override
    public TaskLimits limits() {
        return limits;
    }

    @Override
    public BigDecimal estimatedCostUsd() {
        return Money.toUsd(estimateNanos);
    }

    @Override
    public Instant startedAt() {
        return Instant.ofEpochMilli(startMillis);
    }

    @Override
    public long modelCalls() {
        return modelCalls;
    }

    @Override
    public long toolCalls() {
        return toolCalls;
    }

    @Override
    public long tokens() {
        return tokens;
    }

    @Override
    public BigDecimal costUsd() {
        return Money.toUsd(costNanos);
    }

    @Override
    public String traceId() {
        TraceCapture c = root.capture;
        return c == null ? null : c.traceId();
    }

    @Override
    public Object state(CallGuard guard) {
        Object[] s = slots;
        return s == null ? null : s[sre.guardIndex(guard)];
    }

    @Override
    public void state(CallGuard guard, Object value) {
        int i = sre.guardIndex(guard);
        synchronized (this) {
            Object[] s = slots;
            if (s == null) {
                s = new Object[sre.guardCount()];
            }
            s[i] = value;
            slots = s; // volatile write publishes the element
        }
    }

    @Override
    public Outcome outcome() {
        return outcome;
    }

    @Override
    public Throwable error() {
        return error;
    }

    @Override
    public TaskRefusedException refusal() {
        return refusal;
    }

    @Override
    public Duration duration() {
        return Duration.ofMillis(durationMillis());
    }

    long durationMillis() {
        long end = endMillis;
        return end < 0 || refusedAtDoor ? 0 : end - startMillis;
    }

    @Override
    public GuardRefusedException refuse(String reason, String message) {
        return new GuardRefusedException(agentId, taskId, reason, "task '" + taskId + "' of agent '" + agentId + "' refused: " + message,
                Duration.ZERO);
    }

    @Override
    public String toString() {
        return "GuardedTask{" + agentId + "/" + taskId + (outcome == null ? "" : ", " + outcome) + '}';
    }
}
