package dev.agentsre.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceTableTest {

    private final PriceTable defaults = PriceTable.defaults();

    @Test
    void defaultsCoverTheThreeVendors() {
        assertThat(defaults.models()).contains("gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "gemini-2.5-pro");
    }

    @Test
    void pricesEachTokenKindOnceAtItsOwnRate() {
        // claude-sonnet-4-5: $3 in, $15 out, $0.30 cache read, $3.75 cache write per million
        TokenUsage usage = TokenUsage.anthropic(1_000, 2_000, 10_000, 4_000);
        assertThat(usage.inputTokens()).isEqualTo(15_000);
        assertThat(usage.uncachedInputTokens()).isEqualTo(1_000);
        BigDecimal expected = new BigDecimal("0.003")      // 1,000 x 3 / 1M
                .add(new BigDecimal("0.003"))               // 10,000 x 0.30 / 1M
                .add(new BigDecimal("0.015"))               // 4,000 x 3.75 / 1M
                .add(new BigDecimal("0.03"));               // 2,000 x 15 / 1M
        assertThat(defaults.cost("claude-sonnet-4-5-20250929", usage)).isEqualByComparingTo(expected);
    }

    @Test
    void reasoningTokensArePartOfOutputAndNotChargedTwice() {
        TokenUsage withReasoning = TokenUsage.openAi(1_000, 5_000, 0, 4_000);
        TokenUsage plain = TokenUsage.of(1_000, 5_000);
        assertThat(defaults.cost("o3", withReasoning)).isEqualByComparingTo(defaults.cost("o3", plain));
    }

    @Test
    void datedVariantsUseTheLongestKnownPrefix() {
        assertThat(defaults.find("gpt-4o-mini-2024-07-18")).isEqualTo(defaults.find("gpt-4o-mini"));
        assertThat(defaults.find("GPT-4o-2024-08-06")).isEqualTo(defaults.find("gpt-4o"));
        assertThat(defaults.find("claude-opus-4-1-20250805")).isEqualTo(defaults.find("claude-opus-4-1"));
        assertThat(defaults.find("gpt-4oops")).isEmpty();
    }

    @Test
    void anUnknownModelIsAnErrorUnlessAFallbackIsSet() {
        assertThatThrownBy(() -> defaults.cost("llama-9000", TokenUsage.of(1, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("llama-9000");
        PriceTable withFallback = defaults.withFallback(ModelPrice.of(1.0, 2.0));
        assertThat(withFallback.cost("llama-9000", TokenUsage.of(1_000_000, 1_000_000))).isEqualByComparingTo("3");
    }

    @Test
    void overridesComeFromJsonYamlOrCode(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("prices.yaml");
        Files.writeString(yaml, "models:\n  gpt-4o:\n    input: 2.0\n    output: 8.0\n  in-house:\n    input: 0.5\n    output: 0.5\n");
        PriceTable merged = defaults.merge(PriceTable.load(yaml));
        assertThat(merged.cost("gpt-4o", TokenUsage.of(1_000_000, 0))).isEqualByComparingTo("2.0");
        assertThat(merged.cost("in-house", TokenUsage.of(0, 2_000_000))).isEqualByComparingTo("1.0");
        assertThat(merged.cost("gpt-4o", TokenUsage.openAi(1_000_000, 0, 1_000_000, 0))).isEqualByComparingTo("2.0"); // no cache rate: input rate

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"models\": {\"x\": {\"input\": -1, \"output\": 1}}}");
        assertThatThrownBy(() -> PriceTable.load(bad)).hasMessageContaining("models.x.input").hasMessageContaining("-1");
        Path missing = dir.resolve("missing.json");
        Files.writeString(missing, "{\"models\": {\"x\": {\"input\": 1}}}");
        assertThatThrownBy(() -> PriceTable.load(missing)).hasMessageContaining("models.x.output");

        assertThat(PriceTable.empty().with("m", ModelPrice.of(1, 1)).cost("m", TokenUsage.of(500_000, 500_000))).isEqualByComparingTo("1");
    }

    @Test
    void tokenUsageValidatesItsCounts() {
        assertThatThrownBy(() -> TokenUsage.of(-1, 0)).hasMessageContaining("inputTokens").hasMessageContaining("-1");
        assertThatThrownBy(() -> new TokenUsage(10, 0, 8, 8, 0)).hasMessageContaining("cacheReadTokens + cacheWriteTokens");
        assertThatThrownBy(() -> new TokenUsage(10, 5, 0, 0, 6)).hasMessageContaining("reasoningTokens");
        assertThatThrownBy(() -> ModelPrice.of(Double.NaN, 1)).hasMessageContaining("inputPerMillion");
    }
}
