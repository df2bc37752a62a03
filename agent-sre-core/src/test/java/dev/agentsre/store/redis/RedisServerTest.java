package dev.agentsre.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsre.testing.RedisServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The harness fails, never skips, when redis-server is missing, and says how to install it. */
class RedisServerTest {

    @Test
    void aMissingBinaryFailsWithInstallAdvice() {
        assertThatThrownBy(() -> RedisServer.binary(Map.of("PATH", "/nonexistent"), List.of()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("apt-get install redis-server");
    }

    @Test
    void theBinaryIsFoundOnThePathOrThroughRedisServer() {
        String found = RedisServer.binary();
        assertThat(RedisServer.binary(Map.of("REDIS_SERVER", found), List.of())).isEqualTo(found);
    }
}
