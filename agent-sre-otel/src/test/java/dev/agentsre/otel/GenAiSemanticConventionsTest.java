package dev.agentsre.otel;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes;
import io.opentelemetry.semconv.incubating.GenAiIncubatingMetrics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every GenAI name and unit this module emits, compared with the constants of
 * {@code opentelemetry-semconv-incubating}: a rename upstream fails the build here.
 */
@SuppressWarnings("deprecation") // 1.45.0-alpha deprecates the GenAI constants as they move to their own repository; the names stand
class GenAiSemanticConventionsTest {

    @Test
    void everyConventionAttributeIsTheConventionsOwn() {
        Map<String, AttributeKey<?>> expected = List.<AttributeKey<?>>of(GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME,
                GenAiIncubatingAttributes.GEN_AI_PROVIDER_NAME, GenAiIncubatingAttributes.GEN_AI_SYSTEM,
                GenAiIncubatingAttributes.GEN_AI_REQUEST_MODEL, GenAiIncubatingAttributes.GEN_AI_AGENT_ID,
                GenAiIncubatingAttributes.GEN_AI_AGENT_NAME, GenAiIncubatingAttributes.GEN_AI_TOOL_NAME,
                GenAiIncubatingAttributes.GEN_AI_USAGE_INPUT_TOKENS, GenAiIncubatingAttributes.GEN_AI_USAGE_OUTPUT_TOKENS,
                GenAiIncubatingAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
                GenAiIncubatingAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
                GenAiIncubatingAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, GenAiIncubatingAttributes.GEN_AI_TOKEN_TYPE,
                ErrorAttributes.ERROR_TYPE).stream().collect(Collectors.toMap(AttributeKey::getKey, k -> k));
        assertThat(GenAiAttributes.SEMCONV).hasSameSizeAs(expected.values());
        for (AttributeKey<?> ours : GenAiAttributes.SEMCONV) {
            assertThat(expected).as(ours.getKey()).containsKey(ours.getKey());
            assertThat(ours.getType()).as(ours.getKey()).isEqualTo(expected.get(ours.getKey()).getType());
        }
    }

    @Test
    void ourOwnAttributesStayOutOfTheConventionsNamespaces() {
        assertThat(GenAiAttributes.OWN).allSatisfy(key -> assertThat(key.getKey()).startsWith("agentsre."));
        Set<String> all = GenAiAttributes.SEMCONV.stream().map(AttributeKey::getKey).collect(Collectors.toSet());
        assertThat(all).allSatisfy(key -> assertThat(key).matches("(gen_ai|error)\\..+"));
    }

    @Test
    void operationNamesTokenTypesAndProviderValuesAreTheConventions() {
        assertThat(GenAiAttributes.CHAT).isEqualTo(GenAiIncubatingAttributes.GenAiOperationNameIncubatingValues.CHAT);
        assertThat(GenAiAttributes.EXECUTE_TOOL).isEqualTo(GenAiIncubatingAttributes.GenAiOperationNameIncubatingValues.EXECUTE_TOOL);
        assertThat(GenAiAttributes.INVOKE_AGENT).isEqualTo(GenAiIncubatingAttributes.GenAiOperationNameIncubatingValues.INVOKE_AGENT);
        assertThat(List.of("input", "output")).containsExactly(GenAiIncubatingAttributes.GenAiTokenTypeIncubatingValues.INPUT,
                GenAiIncubatingAttributes.GenAiTokenTypeIncubatingValues.OUTPUT);
        Set<String> wellKnown = Set.of(GenAiIncubatingAttributes.GenAiProviderNameIncubatingValues.OPENAI,
                GenAiIncubatingAttributes.GenAiProviderNameIncubatingValues.ANTHROPIC,
                GenAiIncubatingAttributes.GenAiProviderNameIncubatingValues.AWS_BEDROCK,
                GenAiIncubatingAttributes.GenAiProviderNameIncubatingValues.AZURE_AI_OPENAI,
                GenAiIncubatingAttributes.GenAiProviderNameIncubatingValues.AZURE_AI_INFERENCE,
                GenAiIncubatingAttributes.GenAiProviderNameIncubatingValues.GCP_GEN_AI,
                GenAiIncubatingAttributes.GenAiProviderNameIncubatingValues.GCP_VERTEX_AI,
                GenAiIncubatingAttributes.GenAiProviderNameIncubatingValues.GCP_GEMINI,
                GenAiIncubatingAttributes.GenAiProviderNameIncubatingValues.MISTRAL_AI,
                GenAiIncubatingAttributes.GenAiProviderNameIncubatingValues.COHERE,
                GenAiIncubatingAttributes.GenAiProviderNameIncubatingValues.DEEPSEEK,
                GenAiIncubatingAttributes.GenAiProviderNameIncubatingValues.GROQ,
                GenAiIncubatingAttributes.GenAiProviderNameIncubatingValues.X_AI,
                GenAiIncubatingAttributes.GenAiProviderNameIncubatingValues.PERPLEXITY,
                GenAiIncubatingAttributes.GenAiProviderNameIncubatingValues.IBM_WATSONX_AI);
        GenAiProviders providers = GenAiProviders.defaults();
        for (String model : List.of("gpt-4o", "claude-opus-4", "gemini-2.5-pro", "bedrock/x", "azure/x", "azure_ai/x", "vertex_ai/x",
                "gemini/x", "mistral-large-latest", "command-r", "deepseek-v4-pro", "groq/x", "grok-4", "sonar-pro", "watsonx/x")) {
            assertThat(providers.providerOf(model)).as(model).isIn(wellKnown);
        }
    }

    @Test
    void theGenAiMetricsHaveTheConventionsNamesAndUnits() {
        assertThat(GenAiAttributes.TOKEN_USAGE).isEqualTo(GenAiIncubatingMetrics.GEN_AI_CLIENT_TOKEN_USAGE_NAME);
        assertThat(GenAiAttributes.TOKEN_USAGE_UNIT).isEqualTo(GenAiIncubatingMetrics.GEN_AI_CLIENT_TOKEN_USAGE_UNIT);
        assertThat(GenAiAttributes.OPERATION_DURATION).isEqualTo(GenAiIncubatingMetrics.GEN_AI_CLIENT_OPERATION_DURATION_NAME);
        assertThat(GenAiAttributes.OPERATION_DURATION_UNIT).isEqualTo(GenAiIncubatingMetrics.GEN_AI_CLIENT_OPERATION_DURATION_UNIT);
    }
}
