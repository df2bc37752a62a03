package dev.agentsre.integration.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentsre.AgentSre;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** {@code /actuator/agentsre} and {@code /actuator/health} over HTTP, in an application on a random port. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "agentsre.agents.research-agent.slo.target=0.99",
        "agentsre.agents.research-agent.daily-budget=10.00",
        "agentsre.cost.org-monthly=1000.00",
        "management.endpoints.web.exposure.include=agentsre,health",
        "management.endpoint.health.show-components=always",
        "management.endpoint.health.show-details=always",
        "spring.main.banner-mode=off"})
class AgentSreActuatorTest {

    /** An application with nothing but the auto-configuration. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Application {
    }

    @LocalServerPort
    int port;

    @Autowired
    AgentSre sre;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theEndpointAnswersWithTheSloBudgetAndBreakerState() throws Exception {
        sre.agent("research-agent").task("t-1").estimatedCost(0.25).call(ctx -> "done");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sre.agent("research-agent").task("t-2").call(ctx -> {
            throw new IllegalStateException("the model was down");
        })).hasMessage("the model was down");

        JsonNode state = get("/actuator/agentsre");

        JsonNode slo = state.path("slos").get(0);
        assertThat(slo.path("name").asText()).isEqualTo("research-agent-reliability");
        assertThat(slo.path("agent").asText()).isEqualTo("research-agent");
        assertThat(slo.path("target").asDouble()).isEqualTo(0.99);
        assertThat(slo.path("status").asText()).isNotBlank();
        JsonNode budget = state.path("budgets").path("agents").path("research-agent");
        assertThat(budget.path("spentUsd").decimalValue()).isEqualByComparingTo("0.25");
        assertThat(budget.path("limitUsd").decimalValue()).isEqualByComparingTo("10.00");
        assertThat(state.path("budgets").path("organization").path("limitUsd").decimalValue()).isEqualByComparingTo("1000.00");
        assertThat(state.path("breakers").path("research-agent").path("state").asText()).isEqualTo("CLOSED");
        assertThat(state.path("quarantined").isArray()).isTrue();
    }

    @Test
    void theHealthIndicatorReportsTheSlosAndBudget() throws Exception {
        JsonNode health = get("/actuator/health");

        JsonNode agentsre = health.path("components").path("agentsre");
        assertThat(agentsre.path("status").asText()).isEqualTo("UP");
        assertThat(agentsre.path("details").path("slos").path("research-agent-reliability").asText()).isNotBlank();
        assertThat(agentsre.path("details").path("organizationBudget").asText()).isEqualTo("ACTIVE");
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }
}
