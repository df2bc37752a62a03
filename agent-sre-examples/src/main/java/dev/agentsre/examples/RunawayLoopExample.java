package dev.agentsre.examples;

import dev.agentsre.AgentSre;
import dev.agentsre.TaskContext;
import dev.agentsre.TaskLimits;
import dev.agentsre.TaskRefusedException;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueDetectorConfig;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.testing.ManualClock;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * A runaway loop stopped while it runs. One task of a research agent searches for the same thing
 * and asks gpt-4o about it again and again (20,000 input and 1,000 output tokens a call, $0.06):
 * left alone it would make 5,000 model calls and spend $300. Through the pipeline it is stopped in
 * flight three ways: by the per-task budget (at $2.00 plus at most one call), by a task limit on
 * tool calls, and by the rogue detector seeing the same search repeat within the task.
 */
public final class RunawayLoopExample {

    static final TokenUsage PER_CALL = TokenUsage.of(20_000, 1_000);
    static final int ITERATIONS = 5_000;

    private RunawayLoopExample() {
    }

    /** How one run ended: why it was stopped, which call was refused, how far it got and what it cost. */
    public record Outcome(String stoppedBy, String refusedCall, int modelCalls, int searches, BigDecimal spentUsd) {
    }

    /** The three runs, on {@code clock}. */
    public record Outcomes(BigDecimal unguardedCostUsd, Outcome budget, Outcome taskLimit, Outcome loopDetector) {
    }

    /** Runs the loop three times on {@code clock}. */
    public static Outcomes run(ManualClock clock) {
        BigDecimal unguarded = PriceTable.defaults().cost("gpt-4o", PER_CALL).multiply(BigDecimal.valueOf(ITERATIONS));

        // 1. the per-task budget: every call is checked against the task's running total before it runs
        CostGuard budget = CostGuard.builder().priceTable(PriceTable.defaults()).perTaskLimit(2.00).perAgentDailyLimit(50.00)
                .clock(clock).build();
        Outcome byBudget = loop(AgentSre.builder().clock(clock).costGuard(budget).build(), budget, "loop-1");

        // 2. a task limit: at most 25 tool calls per task
        CostGuard unlimited = CostGuard.builder().clock(clock).build();
        Outcome byLimit = loop(AgentSre.builder().clock(clock).costGuard(unlimited)
                .taskLimits(TaskLimits.builder().maxToolCalls(25).build()).build(), unlimited, "loop-2");

        // 3. the rogue detector: the same search with the same arguments, over and over, in one task
        CostGuard tracked = CostGuard.builder().clock(clock).build();
        SreEventBus bus = new SreEventBus();
        Outcome byDetector = loop(AgentSre.builder().clock(clock).eventBus(bus).costGuard(tracked)
                .rogueDetector(new RogueAgentDetector(RogueDetectorConfig.builder().clock(clock).build(), bus)).build(), tracked, "loop-3");

        return new Outcomes(unguarded, byBudget, byLimit, byDetector);
    }

    private static Outcome loop(AgentSre sre, CostGuard guard, String taskId) {
        int[] calls = new int[2];
        try {
            sre.agent("research-agent").task(taskId).estimatedCost(0.10).call(ctx -> research(ctx, calls));
            return new Outcome("nothing", "", calls[0], calls[1], guard.snapshot("research-agent").spentUsd());
        } catch (TaskRefusedException refused) {
            return new Outcome(refused.reason(), refused.refusedCall(), calls[0], calls[1], guard.snapshot("research-agent").spentUsd());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The agent's loop: it never decides it is done. */
    private static String research(TaskContext ctx, int[] calls) {
        String answer = null;
        for (int i = 0; i < ITERATIONS; i++) {
            String docs = ctx.tool("search", Map.of("q", "refund policy for damaged goods"), () -> {
                calls[1]++;
                return "policy text";
            });
            answer = ctx.llm("gpt-4o", docs, () -> {
                calls[0]++;
                return "not sure yet, let me search again";
            }, reply -> PER_CALL);
        }
        return answer;
    }

    /** Prints the three runs. */
    public static void main(String[] args) {
        Outcomes o = run(ManualClock.at(Instant.parse("2026-11-02T09:00:00Z")));
        System.out.printf("unguarded, the loop would make %,d model calls and spend $%s%n", ITERATIONS, o.unguardedCostUsd());
        print("per-task limit $2.00", o.budget());
        print("maxToolCalls 25", o.taskLimit());
        print("loop detection", o.loopDetector());
    }

    private static void print(String guard, Outcome o) {
        System.out.printf("%-22s stopped by %-10s at %-12s after %3d model calls and %3d searches, spent $%s%n", guard, o.stoppedBy(),
                o.refusedCall(), o.modelCalls(), o.searches(), o.spentUsd());
    }
}
