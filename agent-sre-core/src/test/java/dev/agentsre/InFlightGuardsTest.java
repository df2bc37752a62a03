package dev.agentsre;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueDetectorConfig;
import dev.agentsre.anomaly.Signal;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.breaker.CircuitState;
import dev.agentsre.cost.BudgetState;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.ModelPrice;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.event.AgentQuarantined;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.event.TaskRefused;
import dev.agentsre.slo.ErrorBudget;
import dev.agentsre.slo.Slis;
import dev.agentsre.slo.Slo;
import dev.agentsre.testing.Race;
import dev.agentsre.testing.ManualClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The acceptance points of "in-flight guards": each test fails without the feature it names. */
class InFlightGuardsTest {

    private static final TokenUsage LOOP_CALL = TokenUsage.of(20_000, 1_000); // gpt-4o: $0.05 + $0.01
    private static final BigDecimal LOOP_CALL_USD = new BigDecimal("0.06");

    private final ManualClock clock = ManualClock.at(Instant.parse("2026-11-02T09:00:00Z"));
    private final SreEventBus bus = new SreEventBus();
    private final List<TaskRefused> refusals = new ArrayList<>();

    InFlightGuardsTest() {
        bus.subscribe(TaskRefused.class, refusals::add);
    }

    private CostGuard.Builder costGuard() {
        return CostGuard.builder().clock(clock).eventBus(bus);
    }

    /** The loop of the issue: the same search, then the same model call, 5,000 times. */
    private static String runaway(TaskContext ctx, AtomicInteger modelCalls, AtomicInteger toolRuns) {
        for (int i = 0; i < 5_000; i++) {
            String docs = ctx.tool("search", Map.of("q", "refund policy"), () -> {
                toolRuns.incrementAndGet();
                return "policy text";
            });
            ctx.llm("gpt-4o", docs, () -> {
                modelCalls.incrementAndGet();
                return "answer";
            }, answer -> LOOP_CALL);
        }
        return "done";
    }

    // ------------------------------------------------------------------ budget in flight

    @Test
    void runawayLoopWithPerTaskLimitIsStoppedAfterAtMostTheLimitPlusOneCallAndChargedExactly() {
        CostGuard guard = costGuard().perTaskLimit(2.00).perAgentDailyLimit(50.00).priceTable(PriceTable.defaults()).build();
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).costGuard(guard).build();
        AtomicInteger modelCalls = new AtomicInteger();
        AtomicInteger toolRuns = new AtomicInteger();

        assertThatThrownBy(() -> sre.agent("research-agent").task("loop").estimatedCost(0.10)
                .call(ctx -> runaway(ctx, modelCalls, toolRuns)))
                .isInstanceOf(BudgetExceededException.class)
                .satisfies(e -> {
                    TaskRefusedException refused = (TaskRefusedException) e;
                    assertThat(refused.inFlight()).isTrue();
                    assertThat(refused.refusedCall()).isIn("tool:search", "llm:gpt-4o");
                    assertThat(refused.reason()).isEqualTo("budget");
                });

        BigDecimal spent = guard.snapshot("research-agent").spentUsd();
        // exactly the priced calls that ran, not the estimate
        assertThat(spent).isEqualByComparingTo(LOOP_CALL_USD.multiply(BigDecimal.valueOf(modelCalls.get())));
        assertThat(spent).isLessThanOrEqualTo(new BigDecimal("2.00").add(LOOP_CALL_USD));
        assertThat(spent).isGreaterThanOrEqualTo(new BigDecimal("2.00"));
        assertThat(modelCalls.get()).isEqualTo(34); // $2.04: the 34th call started at $1.98
        assertThat(guard.openReservations()).isZero();
        assertThat(guard.snapshot("research-agent").heldUsd()).isEqualByComparingTo("0");
        assertThat(refusals).singleElement().satisfies(r -> {
            assertThat(r.inFlight()).isTrue();
            assertThat(r.reason()).isEqualTo("budget");
        });
    }

    @Test
    void aKillSwitchThatFiresWhileTheTaskRunsRefusesItsNextCall() throws Exception {
        CostGuard guard = costGuard().perAgentDailyLimit(10.00).killSwitchThreshold(0.95).build();
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).costGuard(guard).build();
        AtomicInteger ran = new AtomicInteger();

        assertThatThrownBy(() -> sre.agent("a").task("t").call(ctx -> {
            ctx.reportCost(9.60); // another part of the task spent it: the kill switch fires now
            return ctx.tool("search", "q", () -> ran.incrementAndGet());
        })).isInstanceOf(BudgetExceededException.class).hasMessageContaining("kill switch");

        assertThat(ran).hasValue(0);
        assertThat(guard.state("a")).isEqualTo(BudgetState.KILLED);
    }

    @Test
    void aDeclaredWorstCaseIsHeldBeforeTheCallSoEvenThatCallCannotOvershoot() throws Exception {
        CostGuard guard = costGuard().perTaskLimit(1.00).build();
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).costGuard(guard).build();
        AtomicInteger ran = new AtomicInteger();
        TokenUsage worstCase = TokenUsage.of(20_000, 4_000); // gpt-4o: $0.05 + $0.04 = $0.09
        TokenUsage actual = TokenUsage.of(20_000, 1_000);    // $0.06

        assertThatThrownBy(() -> sre.agent("a").task("t").call(ctx -> {
            for (int i = 0; i < 100; i++) {
                ctx.llm("gpt-4o", "q", worstCase, () -> ran.incrementAndGet(), r -> actual);
            }
            return null;
        })).isInstanceOf(BudgetExceededException.class).hasMessageContaining("worst case");

        // 15 calls: $0.90 spent; the 16th could cost $0.99 <= $1.00 and runs; the 17th could reach $1.05 and does not
        assertThat(ran).hasValue(16);
        assertThat(guard.snapshot("a").spentUsd()).isEqualByComparingTo("0.96").isLessThanOrEqualTo(BigDecimal.ONE);
        assertThat(guard.snapshot("a").heldUsd()).isEqualByComparingTo("0");
    }

    // ------------------------------------------------------------------ quarantine and capability in flight

    @Test
    void quarantineMidTaskByTheLoopSignalRefusesTheNextCallAndTheToolNeverRuns() {
        RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().clock(clock).build(), bus);
        List<AgentQuarantined> quarantines = new ArrayList<>();
        bus.subscribe(AgentQuarantined.class, quarantines::add);
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).rogueDetector(detector).build();
        AtomicInteger modelCalls = new AtomicInteger();
        AtomicInteger toolRuns = new AtomicInteger();

        assertThatThrownBy(() -> sre.agent("research-agent").task("loop").call(ctx -> runaway(ctx, modelCalls, toolRuns)))
                .isInstanceOf(QuarantinedException.class)
                .satisfies(e -> assertThat(((TaskRefusedException) e).refusedCall()).isEqualTo("tool:search"));

        assertThat(detector.isQuarantined("research-agent")).isTrue();
        assertThat(quarantines).singleElement().satisfies(q -> assertThat(q.reasons()).anySatisfy(r ->
                assertThat(r).contains("task 'loop'").contains("search called")));
        // the refused search never ran: every search that ran was followed by its model call
        assertThat(toolRuns.get()).isEqualTo(modelCalls.get()).isLessThan(20);
    }

    @Test
    void anUnauthorisedToolWithARegisteredProfileInEnforceModeNeverRuns() {
        RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().clock(clock).build(), bus);
        assertThat(detector.config().enforcement()).isEqualTo(dev.agentsre.anomaly.Enforcement.ENFORCE); // the default
        detector.registerCapabilityProfile("support-agent", Set.of("search_kb", "create_ticket"));
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).rogueDetector(detector).build();
        AtomicInteger ran = new AtomicInteger();

        assertThatThrownBy(() -> sre.agent("support-agent").task("t").call(ctx -> {
            ctx.tool("search_kb", "refunds", () -> "ok");
            return ctx.tool("shell_exec", Map.of("cmd", "cat /etc/passwd"), () -> ran.incrementAndGet());
        })).isInstanceOf(CapabilityViolationException.class)
                .satisfies(e -> {
                    CapabilityViolationException v = (CapabilityViolationException) e;
                    assertThat(v.reason()).isEqualTo("capability");
                    assertThat(v.tool()).isEqualTo("shell_exec");
                    assertThat(v.refusedCall()).isEqualTo("tool:shell_exec");
                });

        assertThat(ran).hasValue(0);
        assertThat(detector.riskSnapshot("support-agent").signals().get(Signal.CAPABILITY)).isPositive(); // recorded as a violation
    }

    @Test
    void inObserveModeAnUnauthorisedToolRunsAndIsOnlyScored() throws Exception {
        RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder()
                .enforcement(dev.agentsre.anomaly.Enforcement.OBSERVE).clock(clock).build(), bus);
        detector.registerCapabilityProfile("support-agent", Set.of("search_kb"));
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).rogueDetector(detector).build();

        String out = sre.agent("support-agent").task("t").call(ctx -> ctx.tool("export_csv", "all", () -> "exported"));

        assertThat(out).isEqualTo("exported");
        assertThat(detector.riskSnapshot("support-agent").signals().get(Signal.CAPABILITY)).isPositive();
    }

    @Test
    void fifteenTasksCallingTheSameToolWithTheSameArgumentsOnceShowNoLoopSignal() throws Exception {
        RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().clock(clock).build(), bus);
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).rogueDetector(detector).build();

        for (int i = 0; i < 15; i++) {
            sre.agent("support-agent").task("t-" + i).call(ctx -> ctx.tool("search_kb", Map.of("q", "opening hours"), () -> "9-5"));
        }

        assertThat(detector.riskSnapshot("support-agent").signals().get(Signal.LOOP)).isZero();
        assertThat(detector.isQuarantined("support-agent")).isFalse();
    }

    // ------------------------------------------------------------------ task limits

    @Test
    void maxToolCalls100RefusesThe101stToolCall() {
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus)
                .taskLimits(TaskLimits.builder().maxToolCalls(100).maxModelCalls(1_000).build()).build();
        AtomicInteger ran = new AtomicInteger();

        assertThatThrownBy(() -> sre.agent("a").task("t").call(ctx -> {
            for (int i = 0; i < 1_000; i++) {
                ctx.tool("search", i, () -> ran.incrementAndGet());
            }
            return null;
        })).isInstanceOf(TaskLimitExceededException.class)
                .hasMessageContaining("tool call 101").hasMessageContaining("maxToolCalls").hasMessageContaining("100")
                .satisfies(e -> {
                    TaskLimitExceededException limit = (TaskLimitExceededException) e;
                    assertThat(limit.reason()).isEqualTo("task_limit");
                    assertThat(limit.limit()).isEqualTo("maxToolCalls");
                    assertThat(limit.value()).isEqualTo(100);
                    assertThat(limit.refusedCall()).isEqualTo("tool:search");
                });
        assertThat(ran).hasValue(100);
    }

    @Test
    void maxDuration30sRefusesACallAfter31s() throws Exception {
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).build();
        AtomicInteger ran = new AtomicInteger();

        assertThatThrownBy(() -> sre.agent("a").task("t").limits(TaskLimits.builder().maxDuration(Duration.ofSeconds(30)).build())
                .call(ctx -> {
                    ctx.tool("search", "1", () -> ran.incrementAndGet());
                    clock.advance(Duration.ofSeconds(30));
                    ctx.tool("search", "2", () -> ran.incrementAndGet()); // at the deadline: still allowed
                    clock.advance(Duration.ofSeconds(1));
                    return ctx.tool("search", "3", () -> ran.incrementAndGet());
                })).isInstanceOf(TaskLimitExceededException.class)
                .satisfies(e -> assertThat(((TaskLimitExceededException) e).limit()).isEqualTo("maxDuration"))
                .hasMessageContaining("30s").hasMessageContaining("31s");
        assertThat(ran).hasValue(2);
    }

    @Test
    void maxModelCallsAndMaxTokensRefuseTheNextModelCall() {
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus)
                .taskLimits(TaskLimits.builder().maxModelCalls(3).build()).build();

        assertThatThrownBy(() -> sre.agent("a").task("calls").call(ctx -> {
            for (int i = 0; i < 10; i++) {
                ctx.llm("gpt-4o", i, () -> "ok");
            }
            return null;
        })).satisfies(e -> assertThat(((TaskLimitExceededException) e).limit()).isEqualTo("maxModelCalls"));

        AtomicInteger ran = new AtomicInteger();
        assertThatThrownBy(() -> sre.agent("a").task("tokens").limits(TaskLimits.builder().maxTokens(50_000).maxModelCalls(100).build())
                .call(ctx -> {
                    for (int i = 0; i < 10; i++) {
                        ctx.llm("gpt-4o", i, () -> ran.incrementAndGet(), r -> LOOP_CALL); // 21,000 tokens each
                    }
                    return null;
                })).satisfies(e -> assertThat(((TaskLimitExceededException) e).limit()).isEqualTo("maxTokens"));
        assertThat(ran).hasValue(3); // 63,000 tokens reached after the third
    }

    @Test
    void aTasksOwnLimitsOverrideThePipelinesAndInheritTheRest() throws Exception {
        AgentSre sre = AgentSre.builder().clock(clock)
                .taskLimits(TaskLimits.builder().maxModelCalls(1).maxToolCalls(50).build()).build();

        sre.agent("a").task("t").limits(TaskLimits.builder().maxToolCalls(2).build()).call(ctx -> {
            assertThat(ctx.limits().maxToolCalls()).hasValue(2);
            assertThat(ctx.limits().maxModelCalls()).hasValue(1);
            assertThat(ctx.limits().maxDelegationDepth()).isEmpty(); // unset: the default of 3 applies
            ctx.tool("x", 1, () -> 1);
            ctx.tool("x", 2, () -> 2);
            assertThatThrownBy(() -> ctx.tool("x", 3, () -> 3)).isInstanceOf(TaskLimitExceededException.class);
            return null;
        });
    }

    // ------------------------------------------------------------------ delegation

    @Test
    void delegationChainAToEWithMaxDepth3RefusesTheCallThatWouldBeDepth4() throws Exception {
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).build(); // maxDelegationDepth defaults to 3
        List<Integer> depths = new ArrayList<>();

        String out = sre.agent("A").task("t").call(a -> a.delegate("B", "q", b -> {
            depths.add(b.depth());
            return b.delegate("C", "q", c -> {
                depths.add(c.depth());
                return c.delegate("D", "q", d -> {
                    depths.add(d.depth());
                    assertThatThrownBy(() -> d.delegate("E", "q", e -> "too deep"))
                            .isInstanceOf(TaskLimitExceededException.class)
                            .satisfies(x -> {
                                TaskLimitExceededException refused = (TaskLimitExceededException) x;
                                assertThat(refused.limit()).isEqualTo("maxDelegationDepth");
                                assertThat(refused.value()).isEqualTo(3);
                                assertThat(refused.refusedCall()).isEqualTo("delegate:E");
                            });
                    return "D answered";
                });
            });
        }));

        assertThat(out).isEqualTo("D answered");
        assertThat(depths).containsExactly(1, 2, 3);
    }

    @Test
    void aParentsPerTaskTotalIncludesItsDelegatesCostsAndEachAgentIsCharged() throws Exception {
        CostGuard guard = costGuard().perTaskLimit(5.00).build();
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).costGuard(guard).build();

        BigDecimal total = sre.agent("A").task("t").call(a -> {
            a.llm("gpt-4o", "plan", () -> "plan", r -> LOOP_CALL);                         // $0.06 for A
            a.delegate("B", "research", b -> {
                b.llm("gpt-4o", "research", () -> "notes", r -> LOOP_CALL);               // $0.06 for B
                return b.delegate("C", "check", c -> c.llm("gpt-4o", "check", () -> "ok", r -> LOOP_CALL)); // $0.06 for C
            });
            assertThat(a.tokens()).isEqualTo(3 * 21_000);
            assertThat(a.modelCalls()).isEqualTo(3);
            return a.costUsd();
        });

        assertThat(total).isEqualByComparingTo("0.18");
        assertThat(guard.snapshot("A").spentUsd()).isEqualByComparingTo("0.06");
        assertThat(guard.snapshot("B").spentUsd()).isEqualByComparingTo("0.06");
        assertThat(guard.snapshot("C").spentUsd()).isEqualByComparingTo("0.06");
        assertThat(guard.openReservations()).isZero();
    }

    @Test
    void aDelegatesCallsCountTowardsTheParentsPerTaskLimit() {
        CostGuard guard = costGuard().perTaskLimit(0.10).build();
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).costGuard(guard).build();
        AtomicInteger ran = new AtomicInteger();

        assertThatThrownBy(() -> sre.agent("A").task("t").call(a -> a.delegate("B", "q", b -> {
            for (int i = 0; i < 10; i++) {
                b.llm("gpt-4o", i, () -> ran.incrementAndGet(), r -> LOOP_CALL);
            }
            return null;
        }))).isInstanceOf(BudgetExceededException.class);

        assertThat(ran).hasValue(2); // $0.12 of A's $0.10, through B
    }

    @Test
    void aQuarantinedDelegateRefusesTheDelegationBeforeItsBodyRuns() throws Exception {
        RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().deniedTools(Set.of("shell_exec"))
                .clock(clock).build(), bus);
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).rogueDetector(detector).build();
        assertThatThrownBy(() -> sre.agent("B").task("bad").call(b -> b.tool("shell_exec", "rm", () -> "ran")))
                .isInstanceOf(CapabilityViolationException.class);
        assertThat(detector.isQuarantined("B")).isTrue();
        refusals.clear();
        AtomicInteger bRan = new AtomicInteger();

        String out = sre.agent("A").task("t").call(a -> {
            try {
                return a.delegate("B", "q", b -> "B " + bRan.incrementAndGet());
            } catch (QuarantinedException refused) {
                assertThat(refused.refusedCall()).isEqualTo("delegate:B");
                assertThat(refused.inFlight()).isTrue();
                assertThat(refused.agentId()).isEqualTo("B");
                return "fallback";
            }
        });

        assertThat(out).isEqualTo("fallback");
        assertThat(bRan).hasValue(0);
        assertThat(refusals).singleElement().satisfies(r -> {
            assertThat(r.refusedCall()).isEqualTo("delegate:B");
            assertThat(r.reason()).isEqualTo("quarantine");
        });
    }

    @Test
    void aDelegateRunsThroughItsOwnBreakerAndLinksToItsParent() throws Exception {
        CircuitBreakerRegistry fleet = CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().failureThreshold(1)
                .recoveryTimeout(Duration.ofSeconds(30)).clock(clock).build(), bus);
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).breakers(fleet).build();

        sre.agent("A").task("t1").call(a -> {
            try {
                return a.delegate("B", "q", b -> {
                    assertThat(b.parent()).isSameAs(a);
                    assertThat(TaskContext.current()).containsSame(b);
                    assertThat(b.taskId()).startsWith("t1/B#");
                    throw new IllegalStateException("B is broken");
                });
            } catch (IllegalStateException expected) {
                assertThat(TaskContext.current()).containsSame(a);
                return "A recovered";
            }
        });
        assertThat(fleet.get("B").state()).isEqualTo(CircuitState.OPEN);
        assertThat(fleet.get("A").state()).isEqualTo(CircuitState.CLOSED);

        AtomicInteger bRan = new AtomicInteger();
        assertThatThrownBy(() -> sre.agent("A").task("t2").call(a -> a.delegate("B", "q", b -> bRan.incrementAndGet())))
                .isInstanceOf(CircuitOpenRefusedException.class)
                .satisfies(e -> assertThat(((TaskRefusedException) e).refusedCall()).isEqualTo("delegate:B"));
        assertThat(bRan).hasValue(0);
    }

    // ------------------------------------------------------------------ dependency breakers

    @Test
    void providerOutageWithADependencyBreakerFailsFastInEveryAgentsTasksAndToolCallsStillRun() throws Exception {
        CircuitBreakerRegistry dependencies = CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().failureThreshold(3)
                .recoveryTimeout(Duration.ofSeconds(30)).clock(clock).build(), bus);
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).dependencyBreakers(dependencies).build();
        AtomicInteger providerCalls = new AtomicInteger();
        AtomicInteger toolRuns = new AtomicInteger();

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> sre.agent("agent-a").task("t").call(ctx -> ctx.llm("gpt-4o", "q", () -> {
                providerCalls.incrementAndGet();
                throw new IllegalStateException("503 from the provider");
            }))).isInstanceOf(IllegalStateException.class);
        }
        assertThat(dependencies.get("gpt-4o").state()).isEqualTo(CircuitState.OPEN);

        for (String agent : List.of("agent-a", "agent-b", "agent-c")) {
            String found = sre.agent(agent).task("t").call(ctx -> {
                String docs = ctx.tool("search", "q", () -> "docs " + toolRuns.incrementAndGet());
                assertThatThrownBy(() -> ctx.llm("gpt-4o", docs, () -> "answer " + providerCalls.incrementAndGet()))
                        .isInstanceOf(CircuitOpenRefusedException.class)
                        .hasMessageContaining("gpt-4o")
                        .satisfies(e -> {
                            CircuitOpenRefusedException open = (CircuitOpenRefusedException) e;
                            assertThat(open.dependency()).isEqualTo("gpt-4o");
                            assertThat(open.retryAfter()).isEqualTo(Duration.ofSeconds(30));
                        });
                return docs;
            });
            assertThat(found).startsWith("docs");
        }
        assertThat(providerCalls).hasValue(3); // none after the breaker opened
        assertThat(toolRuns).hasValue(3);
    }

    @Test
    void theDependencyKeyIsConfigurableForExampleByProvider() throws Exception {
        CircuitBreakerRegistry dependencies = CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().failureThreshold(1)
                .recoveryTimeout(Duration.ofSeconds(30)).clock(clock).build(), bus);
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).dependencyBreakers(dependencies)
                .dependencyKey(call -> call.kind() == dev.agentsre.guard.CallKind.LLM
                        ? (call.target().startsWith("claude") ? "anthropic" : "openai") : null)
                .build();
        assertThatThrownBy(() -> sre.agent("a").task("t").call(ctx -> ctx.llm("gpt-4o", "q", () -> {
            throw new IllegalStateException("down");
        }))).isInstanceOf(IllegalStateException.class);

        String out = sre.agent("a").task("t").call(ctx -> {
            assertThatThrownBy(() -> ctx.llm("gpt-4o-mini", "q", () -> "x")).isInstanceOf(CircuitOpenRefusedException.class)
                    .satisfies(e -> assertThat(((CircuitOpenRefusedException) e).dependency()).isEqualTo("openai"));
            return ctx.llm("claude-sonnet-4-5", "q", () -> "anthropic still up");
        });
        assertThat(out).isEqualTo("anthropic still up");
    }

    // ------------------------------------------------------------------ honest charging

    @Test
    void outageChargingThirtyFailedTasksWithAnEstimateAndNoReportedCostChargeNothingAndTheKillSwitchDoesNotFire() {
        CostGuard guard = costGuard().perAgentDailyLimit(40.00).killSwitchThreshold(0.95).build();
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).costGuard(guard).build();

        for (int i = 0; i < 30; i++) {
            assertThatThrownBy(() -> sre.agent("a").task("t").estimatedCost(1.50).call(ctx -> ctx.llm("gpt-4o", "q", () -> {
                throw new IllegalStateException("provider outage");
            }, r -> LOOP_CALL))).isInstanceOf(IllegalStateException.class);
        }

        assertThat(guard.snapshot("a").spentUsd()).isEqualByComparingTo("0.00"); // estimates would have been $45
        assertThat(guard.state("a")).isEqualTo(BudgetState.ACTIVE);
        assertThat(guard.openReservations()).isZero();
    }

    // ------------------------------------------------------------------ prices

    @Test
    void anUnknownModelWithoutAPriceIsAClearErrorNamingTheModelAndTheCallDoesNotRun() {
        CostGuard guard = costGuard().build();
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).costGuard(guard).build();
        AtomicInteger ran = new AtomicInteger();

        assertThatThrownBy(() -> sre.agent("a").task("t").call(ctx -> ctx.llm("gpt-9-ultra", "q", () -> ran.incrementAndGet(),
                r -> TokenUsage.of(1_000, 100))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'gpt-9-ultra'")
                .hasMessageContaining("closest known ids");
        assertThat(ran).hasValue(0);
    }

    @Test
    void inLenientModeAnUnknownModelIsPricedAtTheFallbackAndAnEventIsPublished() throws Exception {
        List<dev.agentsre.event.UnknownModelPriced> unknown = new ArrayList<>();
        bus.subscribe(dev.agentsre.event.UnknownModelPriced.class, unknown::add);
        CostGuard guard = costGuard().unknownModelPrice(ModelPrice.of(10.0, 30.0)).build();
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).costGuard(guard).build();

        sre.agent("a").task("t").call(ctx -> ctx.llm("in-house-llm", "q", () -> "ok", r -> TokenUsage.of(100_000, 10_000)));

        assertThat(guard.snapshot("a").spentUsd()).isEqualByComparingTo("1.30");
        assertThat(unknown).singleElement().satisfies(e -> {
            assertThat(e.model()).isEqualTo("in-house-llm");
            assertThat(e.usd()).isEqualByComparingTo("1.30");
        });
    }

    // ------------------------------------------------------------------ rejection semantics (item 9)

    @Test
    void aBodyThatCatchesARefusalAndReturnsNormallyIsAFailedTaskForTheSloAndNotCountedByTheBreaker() throws Exception {
        Slo slo = Slo.builder("a-reliability").agentId("a").indicator(Slis.taskSuccessRate().clock(clock).build())
                .errorBudget(ErrorBudget.builder().total(0.1).clock(clock).build()).eventBus(bus).clock(clock).build();
        CircuitBreakerRegistry fleet = CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().failureThreshold(1).clock(clock).build(), bus);
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).slo(slo).breakers(fleet)
                .taskLimits(TaskLimits.builder().maxToolCalls(1).build()).build();

        String out = sre.agent("a").task("t").call(ctx -> {
            ctx.tool("search", 1, () -> "ok");
            try {
                return ctx.tool("search", 2, () -> "never");
            } catch (TaskRefusedException refused) {
                return "a partial answer";
            }
        });

        assertThat(out).isEqualTo("a partial answer");                     // the body's result is returned
        assertThat(slo.errorBudget().lifetimeBadEvents()).isEqualTo(1);    // but the SLO counts a failed task
        assertThat(fleet.get("a").snapshot().failedCalls()).isZero();      // and the breaker neither way
        assertThat(fleet.get("a").snapshot().successfulCalls()).isZero();
        assertThat(fleet.get("a").state()).isEqualTo(CircuitState.CLOSED);
        assertThat(refusals).singleElement().satisfies(r -> assertThat(r.refusedCall()).isEqualTo("tool:search"));
    }

    // ------------------------------------------------------------------ concurrency

    @Test
    void eightThreadsSpendingADollarEachInFourCallsAgainstATenDollarDailyBudgetOvershootByAtMostOneCallPerThread() throws Exception {
        PriceTable prices = PriceTable.empty().with("m", ModelPrice.of(0.25, 0)); // 1M input tokens = $0.25
        CostGuard guard = costGuard().perAgentDailyLimit(10.00).killSwitchThreshold(1.0).priceTable(prices).build();
        AgentSre sre = AgentSre.builder().clock(clock).costGuard(guard).build();
        AtomicInteger calls = new AtomicInteger();
        int threads = 8;

        Race.run(threads, thread -> {
            for (int task = 0; task < 20; task++) {
                try {
                    sre.agent("a").task(thread + "-" + task).call(ctx -> {
                        for (int i = 0; i < 4; i++) {
                            ctx.llm("m", i, () -> calls.incrementAndGet(), r -> TokenUsage.of(1_000_000, 0));
                        }
                        return null;
                    });
                } catch (BudgetExceededException refused) {
                    // refused at the door or in flight
                }
            }
        });

        BigDecimal spent = guard.snapshot("a").spentUsd();
        assertThat(spent).isEqualByComparingTo(new BigDecimal("0.25").multiply(BigDecimal.valueOf(calls.get())));
        assertThat(spent).isGreaterThanOrEqualTo(new BigDecimal("10.00"))
                .isLessThanOrEqualTo(new BigDecimal("10.00").add(new BigDecimal("0.25").multiply(BigDecimal.valueOf(threads))));
        assertThat(guard.openReservations()).isZero();
        assertThat(guard.snapshot("a").heldUsd()).isEqualByComparingTo("0");
    }

    @Test
    void parallelCallsOfOneTaskRunExactlyAsManyToolCallsAsItsLimitAllows() throws Exception {
        AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus)
                .taskLimits(TaskLimits.builder().maxToolCalls(100).build()).build();
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger limited = new AtomicInteger();

        sre.agent("a").task("fan-out").call(ctx -> {
            Race.run(8, thread -> {
                for (int i = 0; i < 50; i++) {
                    try {
                        ctx.tool("fetch", thread * 1_000 + i, () -> ran.incrementAndGet());
                    } catch (TaskLimitExceededException e) {
                        limited.incrementAndGet();
                    }
                }
            });
            assertThat(ctx.toolCalls()).isEqualTo(100);
            return null;
        });

        assertThat(ran).hasValue(100);
        assertThat(limited).hasValue(300);
    }
}
