package dev.agentsre.integration;

import dev.agentsre.AgentSre;
import dev.agentsre.TaskLimits;
import dev.agentsre.anomaly.RogueAgentDetector;
import dev.agentsre.anomaly.RogueDetectorConfig;
import dev.agentsre.breaker.CircuitBreakerConfig;
import dev.agentsre.breaker.CircuitBreakerRegistry;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.event.SreEventBus;
import dev.agentsre.integration.OpenAiStub.Reply;
import dev.agentsre.testing.ManualClock;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;

/**
 * What the framework acceptance tests share: a pipeline with the built-in prices, a $5 per-task
 * limit, a rogue detector that calls five identical tool calls in a task a loop, dependency breakers
 * and a limit of 20 tool calls; and a local OpenAI-format server answering "Paris" with 1,200 prompt
 * tokens (1,000 of them cached) and 300 completion tokens unless a test scripts it otherwise.
 */
public abstract class GuardedPipelineTest {

    protected final ManualClock clock = ManualClock.at(Instant.parse("2026-11-02T09:00:00Z"));
    protected final SreEventBus bus = new SreEventBus();
    protected final PriceTable prices = PriceTable.defaults();
    protected final CostGuard costs = CostGuard.builder().priceTable(prices).perTaskLimit(5.00).clock(clock).eventBus(bus).build();
    protected final RogueAgentDetector detector = new RogueAgentDetector(RogueDetectorConfig.builder().repeatThreshold(5).clock(clock).build(), bus);
    protected final CircuitBreakerRegistry dependencies = CircuitBreakerRegistry.of(CircuitBreakerConfig.builder().failureThreshold(3).clock(clock).build(), bus);
    protected final AgentSre sre = AgentSre.builder().clock(clock).eventBus(bus).costGuard(costs).rogueDetector(detector)
            .dependencyBreakers(dependencies).taskLimits(TaskLimits.builder().maxToolCalls(20).build()).build();
    protected final OpenAiStub server = OpenAiStub.start(request -> Reply.text("Paris", 1200, 300, 1000));

    @AfterEach
    void stopServer() {
        server.close();
    }
}
