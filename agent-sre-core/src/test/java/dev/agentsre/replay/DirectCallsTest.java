package dev.agentsre.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.cost.TokenUsage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DirectCallsTest {

    @Test
    void directCallsRunEveryCallAndRecordNothing() throws Exception {
        AgentCalls calls = AgentCalls.direct();
        AtomicInteger ran = new AtomicInteger();

        assertThat(calls.llm("m", "q", () -> ran.incrementAndGet())).isEqualTo(1);
        assertThat(calls.llm("m", "q", () -> ran.incrementAndGet(), r -> TokenUsage.of(1, 1))).isEqualTo(2);
        assertThat(calls.tool("t", "a", () -> ran.incrementAndGet())).isEqualTo(3);
        assertThat(calls.delegate("agent", "r", () -> ran.incrementAndGet())).isEqualTo(4);
        assertThat(calls.sideEffect("s", ran::incrementAndGet)).isEqualTo(5);
        assertThat(calls.decision("d", "value")).isEqualTo("value");
        assertThatThrownBy(() -> calls.tool("t", "a", () -> {
            throw new java.io.IOException("disk");
        })).isInstanceOf(java.io.IOException.class);
        assertThat(AgentCalls.direct()).isSameAs(calls);
    }
}
