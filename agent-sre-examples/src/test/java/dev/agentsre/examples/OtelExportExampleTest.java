package dev.agentsre.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OtelExportExampleTest {

    @Test
    void theScrapeCarriesTheSloBreakerAndCostSeries() throws Exception {
        String scrape = OtelExportExample.run();

        assertThat(scrape).containsPattern("agentsre_slo_events_total\\{[^}]*outcome=\"bad\"[^}]*} 4(\\.0)?\\b");
        assertThat(scrape).containsPattern("agentsre_breaker_calls_total\\{[^}]*outcome=\"failure\"[^}]*} 4(\\.0)?\\b");
        assertThat(scrape).containsPattern("agentsre_cost_spend_USD_total\\{[^}]*agent_id=\"support-agent\"[^}]*} 0\\.8\\d*\\b");
        assertThat(scrape).contains("agentsre_slo_error_budget_remaining");
    }
}
