package dev.agentsre.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueDetectorConfig;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.breaker.CircuitState;
import dev.agentsre.event.RunbookExecutionChanged;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualScheduledExecutor;
import dev.agentsre.testing.ManualClock;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runbooks: approvals that pause and resume across a restart, compensation, timeouts, retries, YAML. */
class RunbookTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private final ManualClock clock = ManualClock.at(T0);
    private final ManualScheduledExecutor scheduler = new ManualScheduledExecutor(clock);
    private final List<String> log = new CopyOnWriteArrayList<>();

    /** An action that logs its step and idempotency key. */
    private RunbookAction logging(String what) {
        return ctx -> {
            log.add(what + " " + ctx.idempotencyKey());
            return StepResult.ok(what);
        };
    }

    private ActionRegistry registry() {
        return ActionRegistry.builtIns().with("prepare", logging("prepare")).with("unprepare", logging("unprepare"))
                .with("drain", logging("drain")).with("undrain", logging("undrain")).with("switch", logging("switch"))
                .with("verify", logging("verify")).with("fail", ctx -> {
                    log.add("fail " + ctx.idempotencyKey());
                    return StepResult.failed("verification failed");
                });
    }

    private static final String YAML = String.join("\n",
            "runbooks:",
            "  - id: failover",
            "    name: Fail over",
            "    steps:",
            "      - id: prepare",
            "        action: prepare",
            "        compensate: unprepare",
            "      - id: drain",
            "        action: drain",
            "        compensate: {action: undrain}",
            "      - id: switch",
            "        action: switch",
            "        approval: {approvers: [alice, bob], min_approvals: 1, timeout: 15m}",
            "      - id: verify",
            "        action: verify",
            "");

    private Runbooks runbooks(RunbookExecutionStore store, String yaml) {
        return Runbooks.builder().actions(registry()).yaml(new StringReader(yaml), "test.yaml").store(store).clock(clock).scheduler(scheduler)
                .executor(Runnable::run).build();
    }

    @Test
    void anApprovalPausesTheRunbookAndApprovingAfterARestartResumesAtThePausedStep(@TempDir Path dir) {
        Runbooks before = runbooks(RunbookExecutionStore.directory(dir), YAML);
        RunbookExecution started = before.start("failover", "agent-a", Map.of());
        assertThat(started.state()).isEqualTo(ExecutionState.WAITING_APPROVAL);
        assertThat(started.step("switch").state()).isEqualTo(ExecutionState.WAITING_APPROVAL);
        assertThat(log).containsExactly("prepare " + started.id() + ":prepare", "drain " + started.id() + ":drain");

        // The JVM "restarts": new objects over the same directory.
        before.close();
        clock.advance(Duration.ofMinutes(5));
        Runbooks after = runbooks(RunbookExecutionStore.directory(dir), YAML);
        RunbookExecution resumed = after.execution(started.id()).orElseThrow();
        assertThat(resumed.state()).isEqualTo(ExecutionState.WAITING_APPROVAL);
        assertThat(resumed.currentStep()).isEqualTo(2);
        assertThatThrownBy(() -> after.approve(started.id(), "switch", "mallory")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("may not approve or deny");
        assertThatThrownBy(() -> after.approve(started.id(), "verify", "alice")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not waiting for approval at step 'verify'");

        RunbookExecution done = after.approve(started.id(), "switch", "alice");
        assertThat(done.state()).isEqualTo(ExecutionState.SUCCEEDED);
        assertThat(done.step("switch").approvals()).containsExactly("alice");
        assertThat(log).containsExactly("prepare " + started.id() + ":prepare", "drain " + started.id() + ":drain",
                "switch " + started.id() + ":switch", "verify " + started.id() + ":verify");
        after.close();
    }

    @Test
    void aDenialAbortsAndRunsTheCompletedStepsCompensationsOnceInReverse() {
        Runbooks runbooks = runbooks(RunbookExecutionStore.inMemory(), YAML);
        RunbookExecution started = runbooks.start("failover", "agent-a", Map.of());
        RunbookExecution denied = runbooks.deny(started.id(), "switch", "bob", "too risky during peak");
        assertThat(denied.state()).isEqualTo(ExecutionState.ABORTED);
        assertThat(denied.step("switch").state()).isEqualTo(ExecutionState.SKIPPED);
        assertThat(denied.step("switch").output()).isEqualTo("denied by bob: too risky during peak");
        assertThat(denied.step("verify").state()).isEqualTo(ExecutionState.PENDING);
        assertThat(log).containsExactly("prepare " + started.id() + ":prepare", "drain " + started.id() + ":drain",
                "undrain " + started.id() + ":drain:compensate", "unprepare " + started.id() + ":prepare:compensate");
        assertThat(denied.step("drain").compensation()).isEqualTo(RunbookExecution.Compensation.SUCCEEDED);
        assertThatThrownBy(() -> runbooks.approve(started.id(), "switch", "alice")).isInstanceOf(IllegalStateException.class);
        scheduler.advanceTo(T0.plus(Duration.ofHours(1)));
        assertThat(log).hasSize(4); // the cancelled approval timeout does nothing
    }

    @Test
    void aFailedStepCompensatesTheCompletedOnesInReverse() {
        String yaml = YAML.replace("        action: verify", "        action: fail").replace(
                "        approval: {approvers: [alice, bob], min_approvals: 1, timeout: 15m}\n", "        compensate: unprepare\n");
        Runbooks runbooks = runbooks(RunbookExecutionStore.inMemory(), yaml);
        RunbookExecution done = runbooks.start("failover", "agent-a", Map.of());
        assertThat(done.state()).isEqualTo(ExecutionState.COMPENSATED);
        assertThat(log).extracting(l -> l.split(" ")[0]).containsExactly("prepare", "drain", "switch", "fail", "unprepare", "undrain",
                "unprepare");
        assertThat(done.detail()).contains("step 'verify' failed: verification failed");
    }

    @Test
    void aFailedCompensationLeavesTheExecutionFailedAndNamesIt() {
        ActionRegistry actions = registry().with("undrain", ctx -> {
            throw new IllegalStateException("drain stuck");
        });
        String yaml = YAML.replace("        action: verify", "        action: fail").replace(
                "        approval: {approvers: [alice, bob], min_approvals: 1, timeout: 15m}\n", "");
        Runbooks runbooks = Runbooks.builder().actions(actions).yaml(new StringReader(yaml), "t.yaml").clock(clock).scheduler(scheduler)
                .executor(Runnable::run).build();
        RunbookExecution done = runbooks.start("failover", "agent-a", Map.of());
        assertThat(done.state()).isEqualTo(ExecutionState.FAILED);
        assertThat(done.failedCompensations()).containsExactly("drain");
        assertThat(done.step("drain").compensationOutput()).isEqualTo("IllegalStateException: drain stuck");
        assertThat(done.step("prepare").compensation()).isEqualTo(RunbookExecution.Compensation.SUCCEEDED);
    }

    @Test
    void anUnansweredApprovalTimesOutAndAborts() {
        Runbooks runbooks = runbooks(RunbookExecutionStore.inMemory(), YAML);
        RunbookExecution started = runbooks.start("failover", "agent-a", Map.of());
        scheduler.advanceTo(T0.plus(Duration.ofMinutes(14)));
        assertThat(runbooks.execution(started.id()).orElseThrow().state()).isEqualTo(ExecutionState.WAITING_APPROVAL);
        scheduler.advanceTo(T0.plus(Duration.ofMinutes(15)));
        RunbookExecution timedOut = runbooks.execution(started.id()).orElseThrow();
        assertThat(timedOut.state()).isEqualTo(ExecutionState.ABORTED);
        assertThat(timedOut.detail()).contains("approval timed out after 15m");
        assertThat(log).extracting(l -> l.split(" ")[0]).containsExactly("prepare", "drain", "undrain", "unprepare");
    }

    @Test
    void twoApprovalsAreNeededWhenTheGateSaysSo() {
        String yaml = YAML.replace("min_approvals: 1", "min_approvals: 2");
        Runbooks runbooks = runbooks(RunbookExecutionStore.inMemory(), yaml);
        RunbookExecution started = runbooks.start("failover", "agent-a", Map.of());
        assertThat(runbooks.approve(started.id(), "switch", "alice").state()).isEqualTo(ExecutionState.WAITING_APPROVAL);
        assertThat(runbooks.approve(started.id(), "switch", "alice").state()).isEqualTo(ExecutionState.WAITING_APPROVAL);
        assertThat(runbooks.approve(started.id(), "switch", "bob").state()).isEqualTo(ExecutionState.SUCCEEDED);
    }

    @Test
    void aStepThatOutlivesItsTimeoutIsCancelledOnTheTestClock() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicInteger cancelledSeen = new AtomicInteger();
        RunbookAction hanging = ctx -> {
            started.countDown();
            try {
                while (!ctx.cancellation().isCancelled()) {
                    Thread.onSpinWait();
                    if (Thread.interrupted()) {
                        break;
                    }
                }
                cancelledSeen.incrementAndGet();
                return StepResult.ok("too late");
            } finally {
                stopped.countDown();
            }
        };
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Runbook runbook = Runbook.of("slow", "Slow", RunbookStep.builder("hang", hanging).timeout(Duration.ofSeconds(30))
                    .onFailure(RunbookStep.OnFailure.CONTINUE).build(), RunbookStep.builder("after", logging("after")).build());
            Runbooks runbooks = Runbooks.builder().runbook(runbook).clock(clock).scheduler(scheduler).executor(executor).build();
            RunbookExecution execution = runbooks.start("slow", null, Map.of());
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            scheduler.advanceTo(T0.plusSeconds(29));
            assertThat(runbooks.execution(execution.id()).orElseThrow().state()).isEqualTo(ExecutionState.RUNNING);
            scheduler.advanceTo(T0.plusSeconds(30)); // the timeout fires on the test thread; the action is told to stop
            assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(cancelledSeen.get()).isEqualTo(1);
            RunbookExecution done = runbooks.execution(execution.id()).orElseThrow();
            assertThat(done.step("hang").state()).isEqualTo(ExecutionState.TIMED_OUT);
            assertThat(done.step("hang").output()).isEqualTo("timed out after 30s");
            // the second step runs on the executor thread; wait (bounded) for it to finish
            for (int i = 0; i < 1000 && !runbooks.execution(execution.id()).orElseThrow().state().isFinal(); i++) {
                executor.submit(() -> { }).get(10, TimeUnit.SECONDS);
            }
            assertThat(runbooks.execution(execution.id()).orElseThrow().state()).isEqualTo(ExecutionState.SUCCEEDED);
            assertThat(log).containsExactly("after " + execution.id() + ":after");
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void attemptsAreRetriedAfterTheirDelayWithTheSameIdempotencyKey() {
        AtomicInteger calls = new AtomicInteger();
        List<String> keys = new ArrayList<>();
        RunbookAction flaky = ctx -> {
            keys.add(ctx.idempotencyKey() + "#" + ctx.attempt());
            return calls.incrementAndGet() < 3 ? StepResult.failed("not yet") : StepResult.ok("done");
        };
        Runbook runbook = Runbook.of("retry", "Retry", RunbookStep.builder("flaky", flaky).attempts(3, Duration.ofSeconds(10)).build());
        Runbooks runbooks = Runbooks.builder().runbook(runbook).clock(clock).scheduler(scheduler).executor(Runnable::run).build();
        RunbookExecution execution = runbooks.start("retry", null, Map.of());
        assertThat(calls.get()).isEqualTo(1);
        scheduler.advanceTo(T0.plusSeconds(9));
        assertThat(calls.get()).isEqualTo(1);
        scheduler.advanceTo(T0.plusSeconds(20));
        assertThat(calls.get()).isEqualTo(3);
        assertThat(keys).containsExactly(execution.id() + ":flaky#1", execution.id() + ":flaky#2", execution.id() + ":flaky#3");
        assertThat(runbooks.execution(execution.id()).orElseThrow().state()).isEqualTo(ExecutionState.SUCCEEDED);
    }

    @Test
    void gotoSkipsToALaterStep() {
        String yaml = String.join("\n", "runbooks:", "  - id: g", "    steps:", "      - {id: one, action: fail, on_failure: 'goto:three'}",
                "      - {id: two, action: drain}", "      - {id: three, action: verify}", "");
        Runbooks runbooks = runbooks(RunbookExecutionStore.inMemory(), yaml);
        RunbookExecution done = runbooks.start("g", null, Map.of());
        assertThat(done.state()).isEqualTo(ExecutionState.SUCCEEDED);
        assertThat(done.step("two").state()).isEqualTo(ExecutionState.SKIPPED);
        assertThat(log).extracting(l -> l.split(" ")[0]).containsExactly("fail", "verify");
    }

    @Test
    void yamlMistakesNameTheRunbookAndTheStep() {
        ActionRegistry actions = registry();
        assertThatThrownBy(() -> RunbookYaml.parse(new StringReader(YAML.replace("action: drain", "action: agent-sre drain --now")), "ops.yaml",
                actions)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ops.yaml: runbook 'failover': step 'drain': unknown action 'agent-sre drain --now'");
        assertThatThrownBy(() -> RunbookYaml.parse(new StringReader(YAML.replace("compensate: unprepare", "compensate: nope")), "ops.yaml",
                actions)).hasMessageContaining("runbook 'failover'").hasMessageContaining("compensation of step 'prepare'")
                .hasMessageContaining("unknown action 'nope'");
        assertThatThrownBy(() -> RunbookYaml.parse(new StringReader(YAML.replace("timeout: 15m", "timeout: soon")), "ops.yaml", actions))
                .hasMessageContaining("runbook 'failover', step 'switch': approval.timeout");
        assertThatThrownBy(() -> RunbookYaml.parse(new StringReader(YAML + "  - id: failover\n    steps: [{action: drain}]\n"), "ops.yaml",
                actions)).hasMessageContaining("runbook 'failover': the id is used twice");
        assertThatThrownBy(() -> RunbookYaml.parse(new StringReader("runbooks:\n  - id: x\n    steps: []\n"), "ops.yaml", actions))
                .hasMessageContaining("runbook 'x': 'steps' must be a non-empty list");
        assertThatThrownBy(() -> RunbookYaml.parse(new StringReader("runbooks:\n  - id: x\n    steps:\n      - {id: a, action: drain, "
                + "on_failure: 'goto:a'}\n"), "ops.yaml", actions)).hasMessageContaining("must come after the step");
        assertThat(RunbookYaml.parse(new StringReader(""), "empty.yaml", actions)).isEmpty();
    }

    @Test
    void thePythonOriginalsFourRunbooksLoadAndRunAgainstTheComponents() {
        List<Runbook> builtIn = Runbooks.builtIn(ActionRegistry.builtIns());
        assertThat(builtIn).extracting(Runbook::id).containsExactly("restart-agent", "revoke-trust", "rollback-version", "throttle-traffic");

        SreEventBus bus = new SreEventBus();
        List<RunbookExecutionChanged> events = new CopyOnWriteArrayList<>();
        bus.subscribe(RunbookExecutionChanged.class, events::add);
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().clock(clock).build(), bus);
        RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().clock(clock).build(), bus);
        RecordingControls recorded = new RecordingControls();
        List<String> calls = recorded.calls;
        RolloutControl rollouts = recorded;
        BudgetControl budgets = recorded;
        Controls controls = Controls.builder().agentBreakers(breakers).rogueDetector(detector).rollouts(rollouts).budgets(budgets)
                .traces((agent, n) -> calls.add("capture " + agent + " " + n)).build();
        Runbooks runbooks = Runbooks.builder().runbooks(builtIn).controls(controls).clock(clock).scheduler(scheduler).executor(Runnable::run)
                .eventBus(bus).build();

        breakers.get("agent-a").forceOpen();
        RunbookExecution restart = runbooks.start("restart-agent", "agent-a", Map.of());
        assertThat(restart.state()).isEqualTo(ExecutionState.WAITING_APPROVAL);
        restart = runbooks.approve(restart.id(), "restart", "alice");
        assertThat(restart.state()).isEqualTo(ExecutionState.SUCCEEDED);
        assertThat(breakers.get("agent-a").state()).isEqualTo(CircuitState.CLOSED);
        assertThat(restart.step("verify-health").output()).isEqualTo("agent-a: circuit CLOSED, not quarantined");

        RunbookExecution revoke = runbooks.start("revoke-trust", "agent-b", Map.of());
        revoke = runbooks.approve(revoke.id(), "revoke", "alice");
        assertThat(revoke.step("notify-peers").state()).isEqualTo(ExecutionState.FAILED); // no alert manager: recorded, and the policy continues
        assertThat(revoke.state()).isEqualTo(ExecutionState.SUCCEEDED);
        assertThat(detector.isQuarantined("agent-b")).isTrue();
        assertThat(revoke.step("audit").output()).contains("assessment chain intact");

        RunbookExecution rollback = runbooks.start("rollback-version", "agent-c", Map.of());
        rollback = runbooks.approve(rollback.id(), "stop-current", "alice");
        assertThat(breakers.get("agent-c").state()).isEqualTo(CircuitState.FORCED_OPEN);
        rollback = runbooks.approve(rollback.id(), "deploy-previous", "alice");
        assertThat(rollback.state()).isEqualTo(ExecutionState.SUCCEEDED);
        assertThat(breakers.get("agent-c").state()).isEqualTo(CircuitState.CLOSED);

        RunbookExecution throttle = runbooks.start("throttle-traffic", "agent-d", Map.of());
        throttle = runbooks.approve(throttle.id(), "apply-throttle", "alice");
        assertThat(throttle.state()).isEqualTo(ExecutionState.RUNNING); // waiting on the scheduler, not on a sleeping thread
        scheduler.advanceTo(clock.instant().plus(Duration.ofMinutes(2)));
        assertThat(runbooks.execution(throttle.id()).orElseThrow().state()).isEqualTo(ExecutionState.SUCCEEDED);

        assertThat(calls).containsExactly("capture agent-a 10", "revive agent-a", "pause agent-c", "rollback agent-c: runbook rollback-version ("
                + rollback.id() + ")", "throttle agent-d", "revive agent-d");
        assertThat(events).anyMatch(e -> e.state() == ExecutionState.WAITING_APPROVAL && "restart".equals(e.stepId()));
    }

    @Test
    void runbooksMatchIncidentsByTheirTriggers() {
        Runbooks runbooks = Runbooks.builder().runbooks(Runbooks.builtIn(ActionRegistry.builtIns())).clock(clock).scheduler(scheduler)
                .executor(Runnable::run).build();
        IncidentManager incidents = IncidentManager.builder().clock(clock).runbooks(runbooks).responseExecutor(Runnable::run).build();
        incidents.signal(new Signal(SignalType.COST_ANOMALY, IncidentSeverity.SEV2, "a", null, "spike", T0, "test", List.of()));
        incidents.signal(new Signal(SignalType.ERROR_BUDGET_EXHAUSTED, IncidentSeverity.SEV1, "b", "b-slo", "exhausted", T0, "test",
                List.of()));
        assertThat(runbooks.matching(incidents.all().get(0))).extracting(Runbook::id).containsExactly("throttle-traffic");
        assertThat(runbooks.matching(incidents.all().get(1))).extracting(Runbook::id).containsExactly("rollback-version");
    }

    @Test
    void runbookProgressLandsOnTheIncidentTimeline() {
        SreEventBus bus = new SreEventBus();
        Runbooks runbooks = Runbooks.builder().actions(registry()).yaml(new StringReader(YAML), "t.yaml").clock(clock).scheduler(scheduler)
                .executor(Runnable::run).eventBus(bus).build();
        IncidentManager incidents = IncidentManager.builder().clock(clock).eventBus(bus).runbooks(runbooks).responseExecutor(Runnable::run)
                .respond(IncidentSeverity.SEV1, Responses.runbook("failover")).build();
        bus.subscribe(incidents);
        incidents.signal(new Signal(SignalType.QUARANTINE, IncidentSeverity.SEV1, "a", null, "q", T0, "test", List.of()));
        Incident incident = incidents.all().get(0);
        assertThat(incident.timeline()).filteredOn(e -> e.kind() == TimelineEntry.Kind.RUNBOOK)
                .anyMatch(e -> e.text().contains("WAITING_APPROVAL at step switch"));
        assertThat(runbooks.executions()).singleElement().satisfies(e -> {
            assertThat(e.incidentId()).isEqualTo(incident.id());
            assertThat(e.params()).containsEntry("agent", "a");
        });
    }
}
