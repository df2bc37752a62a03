package dev.agentsre.integration.langchain4j;

import dev.agentsre.AgentSre;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.integration.TaskBinding;
import dev.agentsre.internal.Check;
import dev.langchain4j.model.TokenCountEstimator;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.function.Function;

/** What the chat-model decorators share: the task binding, the model id, the worst case, the usage. */
final class ModelCallSettings {

    final TaskBinding binding;
    final String modelName;
    final Integer defaultMaxOutputTokens;
    final TokenCountEstimator estimator;
    final Function<ChatResponse, TokenUsage> usage;

    ModelCallSettings(Builder<?> b) {
        this.binding = TaskBinding.of(b.sre, b.agentId, b.taskPrefix);
        this.modelName = b.modelName;
        this.defaultMaxOutputTokens = b.defaultMaxOutputTokens;
        this.estimator = b.estimator;
        this.usage = b.usage;
    }

    /** The model a request goes to: its own, the model's default, or the configured one. */
    String model(ChatRequest request, ChatRequestParameters defaults) {
        String model = request.parameters() == null ? null : request.parameters().modelName();
        if (model == null && defaults != null) {
            model = defaults.modelName();
        }
        if (model == null) {
            model = modelName;
        }
        if (model == null) {
            throw new IllegalStateException("the chat request names no model and the wrapped model has no default: "
                    + "set modelName(...) on the decorator's builder so its calls can be priced and broken by model");
        }
        return model;
    }

    /** The request's maximum output tokens: its own, the model's default, or the configured default; {@code null} if none. */
    Integer maxOutputTokens(ChatRequest request, ChatRequestParameters defaults) {
        Integer max = request.parameters() == null ? null : request.parameters().maxOutputTokens();
        if (max == null && defaults != null) {
            max = defaults.maxOutputTokens();
        }
        return max != null ? max : defaultMaxOutputTokens;
    }

    long promptTokens(ChatRequest request) {
        return PromptTokens.estimate(request.messages(), estimator);
    }

    /** Prompt plus maximum output, held before the call; {@code null} when the output is unbounded. */
    TokenUsage worstCase(ChatRequest request, ChatRequestParameters defaults) {
        Integer max = maxOutputTokens(request, defaults);
        return max == null ? null : TokenUsage.of(promptTokens(request), Math.max(0, max));
    }

    /** Shared builder settings of the decorators. */
    abstract static class Builder<B extends Builder<B>> {
        final AgentSre sre;
        final String agentId;
        String taskPrefix = "chat";
        String modelName;
        Integer defaultMaxOutputTokens;
        TokenCountEstimator estimator;
        Function<ChatResponse, TokenUsage> usage = LangChain4jUsage::of;

        Builder(AgentSre sre, String agentId) {
            this.sre = Check.notNull("sre", sre);
            this.agentId = Check.notBlank("agentId", agentId);
        }

        abstract B self();

        /**
         * The model id to price and break on when a request names none and the wrapped model has no
         * default (default: the request's model, else the wrapped model's default request parameters).
         */
        public B modelName(String modelName) {
            this.modelName = Check.notBlank("modelName", modelName);
            return self();
        }

        /**
         * The maximum output tokens assumed for the worst case of a request that sets none (neither it nor
         * the wrapped model's defaults). Without it such a request holds nothing before it runs; its
         * actual usage is still charged, and the task's running total still checked.
         */
        public B defaultMaxOutputTokens(int tokens) {
            this.defaultMaxOutputTokens = Check.positive("defaultMaxOutputTokens", tokens);
            return self();
        }

        /** Counts a prompt's tokens for the worst case (default: a tokenizer-free estimate, 4 characters a token). */
        public B tokenCountEstimator(TokenCountEstimator estimator) {
            this.estimator = Check.notNull("tokenCountEstimator", estimator);
            return self();
        }

        /**
         * Reads a response's token usage (default: {@code ChatResponse.metadata().tokenUsage()}, with
         * OpenAI's cached and reasoning tokens). Return {@code null} for a response that reports none.
         */
        public B usage(Function<ChatResponse, TokenUsage> usage) {
            this.usage = Check.notNull("usage", usage);
            return self();
        }

        /** Ids of the tasks calls made outside a task run as: {@code <prefix>-1}, {@code -2}, ... (default {@code chat}). */
        public B taskPrefix(String prefix) {
            this.taskPrefix = Check.notBlank("taskPrefix", prefix);
            return self();
        }
    }
}
