package dev.agentsre.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedactionExampleTest {

    @Test
    void theTraceKeepsTheRunAndNoneOfTheSecrets(@TempDir Path dir) {
        RedactionExample.Outcome outcome = RedactionExample.run(dir);
        assertThat(outcome.anySecretWritten()).isFalse();
        assertThat(outcome.steps()).isEqualTo(4);
        assertThat(outcome.traceFile()).contains("[REDACTED]").contains("acme/shop").contains("db.internal:5432")
                .contains("deployed v42").contains("The key was rotated.").contains("401 for Authorization: Bearer [REDACTED]");
    }
}
