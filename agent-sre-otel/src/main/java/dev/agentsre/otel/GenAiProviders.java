package dev.agentsre.otel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which provider serves a model, for {@code gen_ai.provider.name} (required on chat and
 * {@code invoke_agent} spans and on the GenAI metrics). {@link #defaults()} derives it from the model
 * id: a LiteLLM-style {@code provider/model} prefix ({@code bedrock/…}, {@code azure/…},
 * {@code vertex_ai/…}, {@code gemini/…}), a Bedrock model id ({@code anthropic.claude…},
 * {@code us.amazon…}), else the model family — {@code gpt-}, {@code o1}/{@code o3}/{@code o4},
 * {@code chatgpt-} are {@code openai}; {@code claude} {@code anthropic}; {@code gemini} and
 * {@code gemma} {@code gcp.gen_ai} (Google's value for an endpoint not known more precisely);
 * Mistral's families {@code mistral_ai}; {@code command} {@code cohere}; {@code deepseek};
 * {@code grok} {@code x_ai}; {@code sonar} {@code perplexity}. Every model of
 * {@link dev.agentsre.cost.PriceTable#defaults()} resolves. A model none of these names is
 * {@link #orElse the fallback} ({@value #OTHER} unless set).
 *
 * <p>Configure where the id does not say — an OpenAI model served by Azure, a Llama on Groq:
 * {@code GenAiProviders.defaults().with("gpt-", "azure.ai.openai").orElse("groq")}, or
 * {@link #fixed} for one provider for every model. Rules you add win over the built-in ones; the
 * longest matching prefix wins. Immutable and thread-safe; a lookup scans the prefixes (a few dozen),
 * allocating nothing.
 */
public final class GenAiProviders {

    /** The value for a model whose provider is not known (the conventions' spelling for a value outside a list). */
    public static final String OTHER = "_OTHER";

    /** LiteLLM's provider prefixes ({@code provider/model}) and the conventions' names for them. */
    private static final Map<String, String> ROUTED = Map.ofEntries(Map.entry("openai", "openai"), Map.entry("anthropic", "anthropic"),
            Map.entry("azure", "azure.ai.openai"), Map.entry("azure_ai", "azure.ai.inference"), Map.entry("bedrock", "aws.bedrock"),
            Map.entry("bedrock_converse", "aws.bedrock"), Map.entry("vertex_ai", "gcp.vertex_ai"), Map.entry("gemini", "gcp.gemini"),
            Map.entry("mistral", "mistral_ai"), Map.entry("cohere", "cohere"), Map.entry("cohere_chat", "cohere"),
            Map.entry("deepseek", "deepseek"), Map.entry("groq", "groq"), Map.entry("xai", "x_ai"), Map.entry("perplexity", "perplexity"),
            Map.entry("watsonx", "ibm.watsonx.ai"));

    private static final List<Rule> FAMILIES = rules(
            // Bedrock model ids: vendor.model, with an optional cross-region inference prefix
            "anthropic.", "aws.bedrock", "amazon.", "aws.bedrock", "meta.", "aws.bedrock", "cohere.", "aws.bedrock", "ai21.", "aws.bedrock",
            "mistral.", "aws.bedrock", "us.", "aws.bedrock", "eu.", "aws.bedrock", "apac.", "aws.bedrock", "global.", "aws.bedrock",
            "gpt-", "openai", "chatgpt-", "openai", "o1", "openai", "o3", "openai", "o4", "openai", "codex-", "openai",
            "text-embedding-", "openai", "computer-use-", "openai",
            "claude", "anthropic",
            "gemini", "gcp.gen_ai", "gemma", "gcp.gen_ai",
            "mistral", "mistral_ai", "mixtral", "mistral_ai", "open-mistral", "mistral_ai", "open-mixtral", "mistral_ai",
            "codestral", "mistral_ai", "magistral", "mistral_ai", "ministral", "mistral_ai", "pixtral", "mistral_ai",
            "devstral", "mistral_ai", "voxtral", "mistral_ai",
            "command", "cohere", "deepseek", "deepseek", "grok", "x_ai", "sonar", "perplexity");

    private static final GenAiProviders DEFAULTS = new GenAiProviders(null, List.of(), OTHER);

    private final String fixed;
    private final List<Rule> custom;
    private final String fallback;

    private GenAiProviders(String fixed, List<Rule> custom, String fallback) {
        this.fixed = fixed;
        this.custom = custom;
        this.fallback = fallback;
    }

    /** Derived from the model id (see the class description). */
    public static GenAiProviders defaults() {
        return DEFAULTS;
    }

    /** {@code provider} for every model. */
    public static GenAiProviders fixed(String provider) {
        return new GenAiProviders(notBlank("provider", provider), List.of(), OTHER);
    }

    /** These rules plus: models whose id starts with {@code modelPrefix} (an exact id included) are served by {@code provider}. */
    public GenAiProviders with(String modelPrefix, String provider) {
        List<Rule> rules = new ArrayList<>(custom);
        rules.add(new Rule(notBlank("modelPrefix", modelPrefix), notBlank("provider", provider)));
        rules.sort(Comparator.comparingInt((Rule r) -> r.prefix.length()).reversed());
        return new GenAiProviders(fixed, List.copyOf(rules), fallback);
    }

    /** These rules, with {@code provider} for the models none of them names (default {@value #OTHER}). */
    public GenAiProviders orElse(String provider) {
        return new GenAiProviders(fixed, custom, notBlank("provider", provider));
    }

    /** The provider of {@code model} (never null; the fallback for a null or unknown model). */
    public String providerOf(String model) {
        if (fixed != null) {
            return fixed;
        }
        if (model == null) {
            return fallback;
        }
        String found = match(custom, model);
        if (found != null) {
            return found;
        }
        int slash = model.indexOf('/');
        if (slash > 0) {
            String routed = ROUTED.get(model.substring(0, slash));
            if (routed != null) {
                return routed;
            }
            model = model.substring(slash + 1);
        }
        found = match(FAMILIES, model);
        return found != null ? found : fallback;
    }

    private static String match(List<Rule> rules, String model) {
        for (Rule rule : rules) {
            if (model.regionMatches(true, 0, rule.prefix, 0, rule.prefix.length())) {
                return rule.provider;
            }
        }
        return null;
    }

    private static List<Rule> rules(String... prefixAndProvider) {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < prefixAndProvider.length; i += 2) {
            rules.add(new Rule(prefixAndProvider[i], prefixAndProvider[i + 1]));
        }
        rules.sort(Comparator.comparingInt((Rule r) -> r.prefix.length()).reversed());
        return List.copyOf(rules);
    }

    private static String notBlank(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank, got " + (value == null ? "null" : "'" + value + "'"));
        }
        return value;
    }

    @Override
    public String toString() {
        return fixed != null ? "GenAiProviders[" + fixed + "]" : "GenAiProviders[" + custom.size() + " rules, else " + fallback + "]";
    }

    private record Rule(String prefix, String provider) {
        Rule {
            Objects.requireNonNull(prefix);
        }
    }
}
