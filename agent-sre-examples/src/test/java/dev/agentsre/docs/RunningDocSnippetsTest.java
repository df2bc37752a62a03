package dev.agentsre.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.breaker.CircuitBreaker;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.chaos.AbortCondition;
import dev.agentsre.chaos.ChaosExperiment;
import dev.agentsre.chaos.Fault;
import dev.agentsre.chaos.InjectedFaultException;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.testing.ManualClock;
import dev.agentsre.testing.RecordingSleeper;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Snippets whose behaviour the pages promise, not only that they compile ({@link DocSnippetsTest}):
 * pasted verbatim between {@code // --- docs/<page>} and {@code // ---} markers, run with assertions,
 * and checked to be on their page as written.
 */
class RunningDocSnippetsTest {

    private static final Path SELF = Path.of("src/test/java/dev/agentsre/docs/RunningDocSnippetsTest.java");

    /** A model reply with its usage. */
    interface Reply {
        TokenUsage usage();
    }

    interface Llm {
        Reply complete(String prompt);
    }

    @Test
    void theSnippetsAreOnTheirPagesVerbatim() throws Exception {
        String test = Files.readString(SELF);
        Matcher marker = Pattern.compile("(?m)^( *)// --- (docs/[\\w.-]+)\n").matcher(test);
        int checked = 0;
        while (marker.find()) {
            String indent = marker.group(1);
            int end = test.indexOf("\n" + indent + "// ---\n", marker.end());
            StringBuilder unindented = new StringBuilder();
            test.substring(marker.end(), end + 1).lines()
                    .forEach(line -> unindented.append(line.startsWith(indent) ? line.substring(indent.length()) : line).append('\n'));
            assertThat(Files.readString(Path.of("..").resolve(marker.group(2)))).as("%s holds the snippet", marker.group(2))
                    .contains(unindented);
            checked++;
        }
        assertThat(checked).isEqualTo(2);
    }

    /** getting-started.md: a model call that fails releases its $0.40 hold at once (no ten-minute leak). */
    @Test
    void theBreakerAndCostGuardSnippetReleasesTheHoldOfAFailedModelCall() {
        CircuitBreaker breaker = CircuitBreaker.of("research-agent", CircuitBreakerConfig.builder()
                .failureThreshold(3).recoveryTimeout(Duration.ofSeconds(30)).build());
        CostGuard guard = CostGuard.builder().perTaskLimit(0.50).perAgentDailyLimit(5.00).build();
        AtomicInteger calls = new AtomicInteger();
        Llm llm = prompt -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("provider down");
            }
            return () -> TokenUsage.of(1_000, 100);
        };

        assertThatThrownBy(() -> modelCallAsOnThePage(breaker, guard, "t-1", llm, "summarise")).hasMessage("provider down");
        assertThat(guard.snapshot("research-agent").heldUsd()).isEqualByComparingTo(BigDecimal.ZERO);
        // the same task reserves its $0.40 again: had the hold leaked, 0.40 + 0.40 would break the $0.50 task limit
        Reply reply = modelCallAsOnThePage(breaker, guard, "t-1", llm, "summarise");
        assertThat(reply.usage().inputTokens()).isEqualTo(1_000);
        assertThat(guard.snapshot("research-agent").heldUsd()).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(guard.snapshot("research-agent").spentUsd()).isPositive();
    }

    private static Reply modelCallAsOnThePage(CircuitBreaker breaker, CostGuard guard, String taskId, Llm llm, String prompt) {
        // --- docs/getting-started.md
        // reserve $0.40, call the model through the breaker, commit what it cost; a failure releases the hold
        Reply reply = breaker.execute(() -> guard.executeWithUsage("research-agent", taskId, 0.40, "gpt-4o",
                () -> llm.complete(prompt), Reply::usage));
        // ---
        return reply;
    }

    /** chaos.md: the drill runs on its virtual clock; an injected five-second latency moves the clock, nobody sleeps. */
    @Test
    void theChaosDrillMovesItsVirtualClockInsteadOfSleeping() {
        long latencies = 0;
        long began = System.nanoTime();
        for (int session = 0; session < 40; session++) {
            Drill drill = drillAsOnThePage("session-" + session, () -> "diff", prompt -> "LGTM");
            long faults = drill.experiment().faultsInjected();
            Duration moved = Duration.between(Instant.parse("2026-11-02T11:00:00Z"), drill.clock().instant());
            assertThat(moved.toSeconds()).as("session %d: %d faults", session, faults).isLessThanOrEqualTo(6 * faults);
            latencies += moved.toSeconds() >= 4 ? 1 : 0;
        }
        assertThat(latencies).as("sessions whose model call got the injected latency").isPositive();
        // 40 drills with real five-second sleeps would take minutes; the bound only catches a regression to sleeping
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(4 * latencies));
    }

    record Drill(ManualClock clock, ChaosExperiment experiment) {
    }

    interface ChatModel {
        String chat(String prompt);
    }

    private static Drill drillAsOnThePage(String sessionId, java.util.function.Supplier<String> diff, ChatModel llm) {
        String pr = "pr-42";
        String prompt = "review";
        java.util.function.Function<String, String> search = q -> diff.get();
        // --- docs/chaos.md
        ManualClock clock = ManualClock.at(Instant.parse("2026-11-02T11:00:00Z"));   // a drill in a test: virtual time
        ChaosExperiment experiment = ChaosExperiment.builder("llm-latency-resilience")
                .targetAgent("code-reviewer")
                .fault(Fault.latencyInjection("openai-api", Duration.ofSeconds(5), Duration.ofSeconds(1), 0.3))
                .fault(Fault.errorInjection("search_tool", "timeout", 0.1))
                .abortCondition(AbortCondition.atMost(ChaosExperiment.SUCCESS_RATE, 0.5))
                .duration(Duration.ofMinutes(30))
                .blastRadius(0.3)                       // 30% of sessions
                .seed(7)
                .clock(clock).sleeper(new RecordingSleeper(clock))   // an injected delay moves the clock, nobody sleeps
                .build();                                            // (against a live agent: leave both out)
        experiment.start();
        // ---
        try {
            String context = experiment.injector().wrap("search_tool", sessionId, () -> search.apply(pr)).call();
            String review  = experiment.injector().wrap("openai-api", sessionId, () -> llm.chat(prompt)).call();
        } catch (InjectedFaultException injected) {
            // the injected search error
        } catch (Exception failed) {
            throw new AssertionError(failed);
        }
        return new Drill(clock, experiment);
    }
}
