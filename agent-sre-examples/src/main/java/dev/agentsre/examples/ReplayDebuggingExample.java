package dev.agentsre.examples;

import dev.agentsre.replay.AgentCalls;
import dev.agentsre.replay.Replay;
import dev.agentsre.replay.ReplayEngine;
import dev.agentsre.replay.ReplayOptions;
import dev.agentsre.replay.Trace;
import dev.agentsre.replay.TraceCapture;
import dev.agentsre.replay.TraceDiff;
import dev.agentsre.replay.TraceStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Time-travel debugging: a support bot mis-handles a refund because its order tool returns the
 * amount in cents; the failing run is captured, replayed offline (no model, no tool called) to
 * reproduce the bug, the bot is fixed, and the fixed run is diffed against the broken one.
 */
public final class ReplayDebuggingExample {

    private ReplayDebuggingExample() {
    }

    /** What happened, for the test. */
    public record Outcome(String brokenAnswer, String replayedAnswer, int liveCallsDuringReplay, String fixedAnswer, TraceDiff diff) {
    }

    /** The order tool's answer: the amount is in cents. */
    public record OrderRecord(String id, String status, long amountCents) {
    }

    /** Counts real calls, so the example can show that a replay makes none. */
    static final AtomicInteger REAL_CALLS = new AtomicInteger();

    static OrderRecord lookupOrder(String id) {
        REAL_CALLS.incrementAndGet();
        return new OrderRecord(id, "delivered", 4_250);
    }

    static String model(String prompt) {
        REAL_CALLS.incrementAndGet();
        return "Approved: " + prompt.substring(prompt.indexOf("refund") );
    }

    /** The bot; {@code fixed} converts cents to dollars. */
    static String supportBot(AgentCalls calls, String orderId, boolean fixed) throws Exception {
        OrderRecord order = calls.tool("lookup_order", Map.of("order_id", orderId), () -> lookupOrder(orderId));
        double amount = fixed ? order.amountCents() / 100.0 : order.amountCents();
        String prompt = String.format("write a reply approving a refund of $%.2f for order %s", amount, orderId);
        return calls.llm("gpt-4o", Map.of("prompt", prompt), () -> model(prompt));
    }

    /** Runs the scenario with traces in {@code directory}. */
    public static Outcome run(Path directory) throws Exception {
        TraceStore store = TraceStore.directory(directory);
        String brokenId;
        String broken;
        try (TraceCapture capture = ReplayEngine.capture("support-bot", store)) {
            broken = supportBot(capture, "A-1001", false);
            brokenId = capture.traceId();
        }

        // Later, offline: reproduce the bug from the stored trace without calling anything.
        Trace trace = store.load(brokenId);
        int before = REAL_CALLS.get();
        // Replay rebuilds only the result types it is allowed to: a trace file cannot make it build anything else.
        Replay replay = ReplayEngine.replay(trace, ReplayOptions.strict().allowTypes(OrderRecord.class));
        String replayed = supportBot(replay, "A-1001", false);
        int live = REAL_CALLS.get() - before;

        // Fix the bug and compare the fixed run with the broken one.
        TraceCapture fixedRun = ReplayEngine.capture("support-bot", store);
        String fixed = supportBot(fixedRun, "A-1001", true);
        fixedRun.close();
        TraceDiff diff = ReplayEngine.diff(trace, fixedRun.trace());
        return new Outcome(broken, replayed, live, fixed, diff);
    }

    /** Prints the scenario (traces go to ./traces). */
    public static void main(String[] args) throws Exception {
        Outcome outcome = run(TraceStore.DEFAULT_DIRECTORY);
        System.out.println("broken run:   " + outcome.brokenAnswer());
        System.out.println("replayed:     " + outcome.replayedAnswer() + "  (real calls during replay: " + outcome.liveCallsDuringReplay() + ")");
        System.out.println("fixed run:    " + outcome.fixedAnswer());
        System.out.print("diff broken -> fixed: " + outcome.diff().summary());
    }
}
