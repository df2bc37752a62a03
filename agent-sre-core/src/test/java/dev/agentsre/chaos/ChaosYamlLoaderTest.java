package dev.agentsre.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChaosYamlLoaderTest {

    private static final String YAML = String.join("\n",
            "name: llm-latency-resilience",
            "targetAgent: code-reviewer",
            "duration: 30m",
            "blastRadius: 0.3",
            "seed: 7",
            "faults:",
            "  - type: latency",
            "    target: openai-api",
            "    delay: 5s",
            "    jitter: 1s",
            "    rate: 0.3",
            "  - type: error",
            "    target: search_tool",
            "    error: timeout",
            "    everyNth: 10",
            "  - type: prompt_injection",
            "    target: web_search",
            "    technique: direct_override",
            "    rate: 0.1",
            "abortConditions:",
            "  - metric: success_rate",
            "    atMost: 0.5",
            "---",
            "name: second",
            "faults:",
            "  - type: rate_limit",
            "    target: '*-api'",
            "    retryAfter: 20s",
            "");

    @Test
    void loadsExperiments() {
        List<ChaosExperiment.Builder> builders = ChaosYamlLoader.loadString(YAML);
        assertThat(builders).hasSize(2);
        ChaosExperiment e = builders.get(0).build();
        assertThat(e.name()).isEqualTo("llm-latency-resilience");
        assertThat(e.targetAgent()).isEqualTo("code-reviewer");
        assertThat(e.duration()).isEqualTo(Duration.ofMinutes(30));
        assertThat(e.blastRadius()).isEqualTo(0.3);
        assertThat(e.seed()).isEqualTo(7);
        assertThat(e.faults()).extracting(Fault::type).containsExactly(FaultType.LATENCY, FaultType.ERROR, FaultType.PROMPT_INJECTION);
        assertThat(e.faults().get(0).jitter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(e.faults().get(1).everyNthCall()).isEqualTo(10);
        assertThat(e.faults().get(2).technique()).isEqualTo(AttackCorpus.Technique.DIRECT_OVERRIDE);
        assertThat(e.abortConditions()).containsExactly(AbortCondition.atMost("success_rate", 0.5));
        assertThat(builders.get(1).build().faults().get(0).matches("openai-api")).isTrue();
    }

    @Test
    void errorsNameTheDocumentAndTheField() {
        String first = YAML.split("---")[0];
        assertThatThrownBy(() -> ChaosYamlLoader.loadString(first.replace("rate: 0.3", "rate: 1.5")))
                .hasMessage("document 1: faults[0].rate: must be a number in (0, 1], got 1.5");
        assertThatThrownBy(() -> ChaosYamlLoader.loadString(first.replace("delay: 5s", "delay: soon")))
                .hasMessageContaining("document 1: faults[0].delay").hasMessageContaining("soon");
        assertThatThrownBy(() -> ChaosYamlLoader.loadString(first.replace("type: error", "type: meteor")))
                .hasMessageContaining("faults[1].type").hasMessageContaining("meteor");
        assertThatThrownBy(() -> ChaosYamlLoader.loadString(first.replace("    atMost: 0.5", "")))
                .hasMessageContaining("abortConditions[0]").hasMessageContaining("atMost or atLeast");
        assertThatThrownBy(() -> ChaosYamlLoader.loadString(first.replace("technique: direct_override", "technique: charm")))
                .hasMessageContaining("faults[2].technique").hasMessageContaining("charm");
        assertThatThrownBy(() -> ChaosYamlLoader.loadString("name: x\nfaults: []\n")).hasMessageContaining("faults");
        assertThatThrownBy(() -> ChaosYamlLoader.loadString(YAML.replace("name: second\n", ""))).hasMessageContaining("document 2: name");
        assertThatThrownBy(() -> ChaosYamlLoader.loadString(first.replace("everyNth: 10", "everyNth: 0")))
                .hasMessageContaining("faults[1].everyNth");
    }
}
