package dev.agentsre.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceTableTest {

    private final PriceTable defaults = PriceTable.defaults();

    private static PriceTable liteLlm() throws Exception {
        try (InputStream in = PriceTableTest.class.getResourceAsStream("litellm-excerpt.json")) {
            return PriceTable.fromLiteLlm(in, "litellm-excerpt.json");
        }
    }

    // ------------------------------------------------------------------ the shipped table

    @Test
    void theShippedTableCoversCurrentModelsOfFiveVendorsAndSaysWhenItWasChecked() {
        assertThat(defaults.models()).contains("gpt-5.5", "gpt-5", "gpt-5-pro", "gpt-4.1", "gpt-4o", "o3", "o3-pro", "o4-mini",
                "claude-opus-4-6", "claude-opus-4-1", "claude-sonnet-4-5", "claude-haiku-4-5",
                "gemini-3.1-pro-preview", "gemini-2.5-pro", "gemini-2.5-flash",
                "mistral-large-2512", "mistral-medium-2604", "codestral-2508",
                "deepseek-v4-pro", "deepseek-v4-flash");
        assertThat(defaults.checkedOn()).hasValue("2026-12-01");
    }

    @Test
    void popularCurrentIdsAreAllKnown() {
        for (String id : new String[] {"gpt-5.5", "gpt-5.4-mini", "gpt-5-pro", "gpt-5-mini-2025-08-07", "gpt-4.1-2025-04-14", "o3-pro",
                "o3-2025-04-16", "o4-mini", "claude-opus-4-6", "claude-opus-4-5-20251101", "claude-sonnet-4-20250514",
                "claude-sonnet-4@20250514", "claude-haiku-4-5-20251001", "claude-3-5-haiku-latest", "gemini-3.1-pro-preview",
                "gemini-3-flash", "gemini-2.5-flash-lite", "mistral-large-latest", "mistral-small-latest", "codestral-latest",
                "devstral-latest", "magistral-medium-latest", "deepseek-chat", "deepseek-reasoner", "deepseek-v4-pro"}) {
            assertThat(defaults.knows(id)).as(id).isTrue();
        }
    }

    // ------------------------------------------------------------------ lookup rules

    @Test
    void gpt5ProIsNotPricedAsGpt5AndNoBarePrefixMatches() {
        assertThat(defaults.resolve("gpt-5-pro")).hasValue("gpt-5-pro");
        assertThat(defaults.cost("gpt-5-pro", TokenUsage.of(1_000_000, 1_000_000))).isEqualByComparingTo("135.00"); // not $11.25
        assertThat(defaults.resolve("o3-pro")).hasValue("o3-pro");
        assertThat(defaults.cost("claude-opus-4-6", TokenUsage.of(1_000_000, 0))).isEqualByComparingTo("5.00"); // not Opus 4's $15
        assertThat(defaults.find("gpt-4oops")).isEmpty();
        assertThat(defaults.find("gpt-5-turbo-max")).isEmpty();
        assertThat(defaults.find("claude-opus-4-99")).isEmpty();
    }

    @Test
    void aDatedSnapshotOfAKnownIdIsPricedAsThatModelInEveryVendorsSpelling() {
        assertThat(defaults.resolve("gpt-4.1-mini-2025-04-14")).hasValue("gpt-4.1-mini");   // -YYYY-MM-DD
        assertThat(defaults.resolve("claude-sonnet-4-5-20250929")).hasValue("claude-sonnet-4-5"); // -YYYYMMDD
        assertThat(defaults.resolve("claude-sonnet-4-5@20250929")).hasValue("claude-sonnet-4-5"); // Vertex AI's @YYYYMMDD
        assertThat(defaults.resolve("GPT-4o-2024-08-06")).hasValue("gpt-4o");                // case-insensitive
        assertThat(defaults.cost("gpt-4.1-2025-04-14", TokenUsage.of(1_000_000, 0))).isEqualByComparingTo("2.00");
        assertThat(defaults.find("gpt-4o-2024")).isEmpty(); // not a date
    }

    @Test
    void aSnapshotWithAPriceOfItsOwnWinsOverItsBaseModel() {
        assertThat(defaults.resolve("gpt-4o-2024-05-13")).hasValue("gpt-4o-2024-05-13");
        assertThat(defaults.cost("gpt-4o-2024-05-13", TokenUsage.of(1_000_000, 0))).isEqualByComparingTo("5.00");
        assertThat(defaults.cost("gpt-4o-2024-08-06", TokenUsage.of(1_000_000, 0))).isEqualByComparingTo("2.50");
    }

    @Test
    void explicitAliasesArePricedAsTheirTarget() {
        assertThat(defaults.resolve("deepseek-chat")).hasValue("deepseek-v4-flash");
        PriceTable table = PriceTable.empty().with("gpt-4o", ModelPrice.of(2.5, 10)).withAlias("prod-chat", "gpt-4o");
        assertThat(table.cost("prod-chat", TokenUsage.of(1_000_000, 0))).isEqualByComparingTo("2.50");
        assertThat(table.cost("prod-chat-2026-01-01", TokenUsage.of(1_000_000, 0))).isEqualByComparingTo("2.50"); // a snapshot of the alias
        assertThatThrownBy(() -> table.withAlias("x", "nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'nope'");
    }

    @Test
    void anUnknownModelIsAnErrorNamingItAndTheClosestKnownIdsUnlessAFallbackIsSet() {
        assertThatThrownBy(() -> defaults.cost("gpt-5.5-turbo", TokenUsage.of(1, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'gpt-5.5-turbo'")
                .hasMessageContaining("closest known ids: gpt-5.5-pro, gpt-5.5, ");
        assertThat(defaults.closest("claude-opus-4-60", 2)).containsExactly("claude-opus-4-6", "claude-opus-4-0");
        PriceTable withFallback = defaults.withFallback(ModelPrice.of(1.0, 2.0));
        assertThat(withFallback.find("llama-9000")).isEmpty(); // the fallback is not a known price
        assertThat(withFallback.cost("llama-9000", TokenUsage.of(1_000_000, 1_000_000))).isEqualByComparingTo("3");
    }

    // ------------------------------------------------------------------ rates

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
    void aLongPromptIsPricedEntirelyAtTheLongContextTier() {
        // gemini-2.5-pro: $1.25 / $10 up to 200K prompt tokens, $2.50 / $15 above
        assertThat(defaults.cost("gemini-2.5-pro", TokenUsage.of(200_000, 10_000))).isEqualByComparingTo("0.35");   // 0.25 + 0.10
        assertThat(defaults.cost("gemini-2.5-pro", TokenUsage.of(200_001, 10_000))).isEqualByComparingTo("0.6500025"); // 0.5000025 + 0.15
        // claude-sonnet-4-5 above 200K: $6 / $22.50, cache read $0.60
        assertThat(defaults.cost("claude-sonnet-4-5", TokenUsage.anthropic(1_000, 1_000, 250_000, 0)))
                .isEqualByComparingTo(new BigDecimal("0.006").add(new BigDecimal("0.15")).add(new BigDecimal("0.0225")));
        // gpt-5.5 above 272K: $10 / $45
        assertThat(defaults.cost("gpt-5.5", TokenUsage.of(300_000, 0))).isEqualByComparingTo("3.00");
    }

    @Test
    void reasoningTokensArePartOfOutputAndPricedAtTheReasoningRate() {
        TokenUsage withReasoning = TokenUsage.openAi(1_000, 5_000, 0, 4_000);
        TokenUsage plain = TokenUsage.of(1_000, 5_000);
        assertThat(defaults.cost("o3", withReasoning)).isEqualByComparingTo(defaults.cost("o3", plain)); // o3 bills reasoning as output
        PriceTable thinking = PriceTable.empty().with("m", ModelPrice.of(0.0, 1.0).withReasoning(3.0));
        assertThat(thinking.cost("m", TokenUsage.openAi(0, 5_000_000, 0, 4_000_000))).isEqualByComparingTo("13.00"); // 1M x 1 + 4M x 3
    }

    @Test
    void theAllocationFreePathAgreesWithExactBigDecimalArithmeticToTheNano() {
        SplittableRandom random = new SplittableRandom(42);
        String[] models = defaults.models().toArray(new String[0]);
        for (int i = 0; i < 20_000; i++) {
            String model = models[random.nextInt(models.length)];
            long input = random.nextLong(0, 2_000_000);
            long cacheRead = random.nextLong(0, input + 1);
            long cacheWrite = random.nextLong(0, input - cacheRead + 1);
            long output = random.nextLong(0, 200_000);
            long reasoning = random.nextLong(0, output + 1);
            TokenUsage usage = new TokenUsage(input, output, cacheRead, cacheWrite, reasoning);
            ModelPrice p = defaults.find(model).orElseThrow().forInput(input);
            BigDecimal expected = exact(usage.uncachedInputTokens(), p.inputPerMillion()).add(exact(cacheRead, p.cacheReadPerMillion()))
                    .add(exact(cacheWrite, p.cacheWritePerMillion())).add(exact(output, p.outputPerMillion()));
            assertThat(defaults.cost(model, usage)).as(model + " " + usage).isEqualByComparingTo(expected);
        }
    }

    private static BigDecimal exact(long tokens, BigDecimal perMillion) {
        return BigDecimal.valueOf(tokens).multiply(perMillion).divide(BigDecimal.valueOf(1_000_000), 9, RoundingMode.HALF_EVEN);
    }

    @Test
    void ratesWithMoreThanSixDecimalsAreStillExact() {
        PriceTable table = PriceTable.empty().with("odd", new ModelPrice(new BigDecimal("0.0000001"), new BigDecimal("1.0000001"), null, null));
        assertThat(table.cost("odd", TokenUsage.of(10_000_000, 10_000_000))).isEqualByComparingTo("10.000002");
    }

    // ------------------------------------------------------------------ files

    @Test
    void overridesComeFromJsonYamlOrCode(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("prices.yaml");
        Files.writeString(yaml, "models:\n  gpt-4o:\n    input: 2.0\n    output: 8.0\n  in-house:\n    input: 0.5\n    output: 0.5\n"
                + "    longContext:\n      above: 100000\n      input: 1.0\n      output: 1.0\naliases:\n  house: in-house\n");
        PriceTable merged = defaults.merge(PriceTable.load(yaml));
        assertThat(merged.cost("gpt-4o", TokenUsage.of(1_000_000, 0))).isEqualByComparingTo("2.0");
        assertThat(merged.cost("in-house", TokenUsage.of(0, 2_000_000))).isEqualByComparingTo("1.0");
        assertThat(merged.cost("house", TokenUsage.of(200_000, 0))).isEqualByComparingTo("0.2"); // the long-context tier
        assertThat(merged.cost("gpt-4o", TokenUsage.openAi(1_000_000, 0, 1_000_000, 0))).isEqualByComparingTo("2.0"); // no cache rate: input rate

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"models\": {\"x\": {\"input\": -1, \"output\": 1}}}");
        assertThatThrownBy(() -> PriceTable.load(bad)).hasMessageContaining("models.x.input").hasMessageContaining("-1");
        Path missing = dir.resolve("missing.json");
        Files.writeString(missing, "{\"models\": {\"x\": {\"input\": 1}}}");
        assertThatThrownBy(() -> PriceTable.load(missing)).hasMessageContaining("models.x.output");
        Path badAlias = dir.resolve("alias.json");
        Files.writeString(badAlias, "{\"models\": {\"x\": {\"input\": 1, \"output\": 1}}, \"aliases\": {\"y\": \"z\"}}");
        assertThatThrownBy(() -> PriceTable.load(badAlias)).hasMessageContaining("aliases.y").hasMessageContaining("'z'");

        assertThat(PriceTable.empty().with("m", ModelPrice.of(1, 1)).cost("m", TokenUsage.of(500_000, 500_000))).isEqualByComparingTo("1");
    }

    @Test
    void theLiteLlmPriceFileImportsChatModelsWithCacheReasoningAndLongContextRates() throws Exception {
        PriceTable table = liteLlm();

        assertThat(table.models()).containsExactlyInAnyOrder("gpt-4o", "gpt-4o-2024-05-13", "gpt-5.5", "claude-sonnet-4-5-20250929",
                "gemini/gemini-2.5-pro", "gemini/gemini-exp-thinking", "mistral/mistral-large-latest", "deepseek/deepseek-chat",
                "deepseek-chat", "bedrock/us-east-1/anthropic.claude-3-haiku-20240307-v1:0"); // no image, embedding or audio entry
        ModelPrice gpt4o = table.find("gpt-4o").orElseThrow();
        assertThat(gpt4o.inputPerMillion()).isEqualByComparingTo("2.5");
        assertThat(gpt4o.outputPerMillion()).isEqualByComparingTo("10");
        assertThat(gpt4o.cacheReadPerMillion()).isEqualByComparingTo("1.25"); // not the priority rate
        assertThat(gpt4o.longContext()).isNull();

        ModelPrice sonnet = table.find("claude-sonnet-4-5-20250929").orElseThrow();
        assertThat(sonnet.cacheWritePerMillion()).isEqualByComparingTo("3.75"); // the 5-minute rate, not the 1-hour one
        assertThat(sonnet.longContext().aboveInputTokens()).isEqualTo(200_000);
        assertThat(sonnet.longContext().price().inputPerMillion()).isEqualByComparingTo("6");
        assertThat(sonnet.longContext().price().outputPerMillion()).isEqualByComparingTo("22.5");
        assertThat(sonnet.longContext().price().cacheReadPerMillion()).isEqualByComparingTo("0.6");
        assertThat(sonnet.longContext().price().cacheWritePerMillion()).isEqualByComparingTo("7.5");
        assertThat(table.find("gpt-5.5").orElseThrow().longContext().aboveInputTokens()).isEqualTo(272_000);
        assertThat(table.find("gemini/gemini-exp-thinking").orElseThrow().reasoningPerMillion()).isEqualByComparingTo("3.5");

        // a provider-prefixed id is also reachable bare, unless the file prices the bare id itself
        assertThat(table.resolve("gemini-2.5-pro")).hasValue("gemini/gemini-2.5-pro");
        assertThat(table.resolve("mistral-large-latest")).hasValue("mistral/mistral-large-latest");
        assertThat(table.resolve("deepseek-chat")).hasValue("deepseek-chat");
        assertThat(table.cost("gemini-2.5-pro", TokenUsage.of(300_000, 0))).isEqualByComparingTo("0.75"); // the > 200K tier

        PriceTable merged = defaults.merge(table);
        assertThat(merged.resolve("deepseek-chat")).hasValue("deepseek-chat"); // the imported price beats the shipped alias
        assertThat(merged.knows("gpt-5-pro")).isTrue();
    }

    @Test
    void aBrokenLiteLlmEntryIsAnErrorNamingItAndTheField(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("model_prices_and_context_window.json");
        Files.writeString(file, "{\"good\": {\"input_cost_per_token\": 1e-06, \"output_cost_per_token\": 2e-06, \"mode\": \"chat\"},"
                + " \"bad\": {\"input_cost_per_token\": \"free\", \"output_cost_per_token\": 2e-06, \"mode\": \"chat\"}}");
        assertThatThrownBy(() -> PriceTable.fromLiteLlm(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad.input_cost_per_token").hasMessageContaining("free");
        Files.writeString(file, "[1, 2]");
        assertThatThrownBy(() -> PriceTable.fromLiteLlm(file)).hasMessageContaining("JSON object");
    }

    @Test
    void tokenUsageAndPricesValidateTheirInput() {
        assertThatThrownBy(() -> TokenUsage.of(-1, 0)).hasMessageContaining("inputTokens").hasMessageContaining("-1");
        assertThatThrownBy(() -> new TokenUsage(10, 0, 8, 8, 0)).hasMessageContaining("cacheReadTokens + cacheWriteTokens");
        assertThatThrownBy(() -> new TokenUsage(10, 5, 0, 0, 6)).hasMessageContaining("reasoningTokens");
        assertThatThrownBy(() -> ModelPrice.of(Double.NaN, 1)).hasMessageContaining("inputPerMillion");
        assertThatThrownBy(() -> ModelPrice.of(1, 1).withLongContext(0, ModelPrice.of(2, 2))).hasMessageContaining("aboveInputTokens");
        assertThatThrownBy(() -> ModelPrice.of(1, 1).withReasoning(-1)).hasMessageContaining("reasoningPerMillion");
    }
}
