package dev.agentsre.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LangChain4jAgentExampleTest {

    private final LangChain4jAgentExample.Result r = run();

    private static LangChain4jAgentExample.Result run() {
        try {
            return LangChain4jAgentExample.run();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theAnswerCostsThePriceOfTheReportedTokensExactly() {
        assertThat(r.answer()).isEqualTo("Order 1042 shipped on Monday and arrives Thursday.");
        assertThat(r.answerCostUsd()).isPositive().isEqualByComparingTo(r.priceOfReportedTokensUsd());
    }

    @Test
    void aToolOutsideTheProfileIsRefusedAndNeverRuns() {
        assertThat(r.refundRefusal()).isEqualTo("capability tool:refundOrder");
        assertThat(r.refundsRun()).isZero();
    }

    @Test
    void theLoopIsStoppedByTheQuarantine() {
        assertThat(r.loopStoppedBy()).isEqualTo("quarantine tool:search");
        assertThat(r.searchesRun()).isBetween(1, 39);
    }

    @Test
    void anOutageOpensTheProvidersBreakerAndLaterCallsSendNoRequest() {
        assertThat(r.failuresBeforeOpen()).isEqualTo(3);
        assertThat(r.outageRefusal()).isEqualTo("circuit_open llm:gpt-4o-mini");
        assertThat(r.requestsWhileOpen()).isZero();
    }
}
