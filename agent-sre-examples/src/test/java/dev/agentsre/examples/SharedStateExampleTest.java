package dev.agentsre.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.testing.ManualClock;
import dev.agentsre.testing.RedisServer;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SharedStateExampleTest {

    @Test
    void twoReplicasShareOneBudgetOneQuarantineAndOneSloAndARestartKeepsThem() {
        try (RedisServer redis = RedisServer.start()) {
            SharedStateExample.Outcome outcome = SharedStateExample.run(redis.uri(), "example",
                    ManualClock.at(Instant.parse("2026-11-25T10:00:00Z")));
            assertThat(outcome.granted()).isEqualTo(10);
            assertThat(outcome.log().get(0)).isEqualTo("granted 10 of 16 $1 tasks; replica B sees $10.00 spent");
            assertThat(outcome.quarantineSeenByB()).isTrue();
            assertThat(outcome.sloEvents()).isEqualTo(16);
            assertThat(outcome.log()).contains("checkout SLO: 16 events from both replicas, 6 bad");
            assertThat(outcome.log()).contains("after restart: another $1 task refused (AGENT); SLO window holds 16 events");
            assertThat(outcome.log()).contains("after restart: research is KILLED (the kill at 95% was shared), $10.00 spent today in Redis");
            assertThat(outcome.spentAfterRestart()).isEqualTo(10.00);
        }
    }
}
