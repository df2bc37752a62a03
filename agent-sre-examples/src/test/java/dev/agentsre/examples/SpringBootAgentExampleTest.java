package dev.agentsre.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class SpringBootAgentExampleTest {

    @Test
    void theApplicationIsGuardedByPropertiesAloneAndTheActuatorReportsIt() throws Exception {
        SpringBootAgentExample.Result r = SpringBootAgentExample.run();

        assertThat(r.answer()).isEqualTo("Order 1042 shipped on Monday.");
        JsonNode budget = r.agentsre().path("budgets").path("agents").path("support-agent");
        assertThat(budget.path("spentUsd").decimalValue()).isPositive();
        assertThat(budget.path("limitUsd").decimalValue()).isEqualByComparingTo("5.00");
        assertThat(r.agentsre().path("slos").get(0).path("agent").asText()).isEqualTo("support-agent");
        assertThat(r.agentsre().path("dependencyBreakers").path("gpt-4o-mini").path("state").asText()).isEqualTo("CLOSED");
        assertThat(r.health().path("components").path("agentsre").path("status").asText()).isEqualTo("UP");
    }
}
