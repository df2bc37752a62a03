package dev.agentsre.otel;

import static io.opentelemetry.api.common.AttributeKey.doubleKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * The span and metric attributes of the GenAI telemetry, as static keys: those of the OpenTelemetry
 * GenAI semantic conventions (checked against {@code opentelemetry-semconv-incubating} by a test, so
 * an upstream rename fails the build), and Agent SRE's own under the {@code agentsre.} namespace
 * (the conventions reserve {@code gen_ai.} for their names).
 */
final class GenAiAttributes {

    static final AttributeKey<String> OPERATION_NAME = stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER_NAME = stringKey("gen_ai.provider.name");
    /** Deprecated by the conventions for {@link #PROVIDER_NAME}; emitted only with {@link GenAiConventions#LATEST_AND_LEGACY}. */
    static final AttributeKey<String> SYSTEM = stringKey("gen_ai.system");
    static final AttributeKey<String> REQUEST_MODEL = stringKey("gen_ai.request.model");
    static final AttributeKey<String> AGENT_ID = stringKey("gen_ai.agent.id");
    static final AttributeKey<String> AGENT_NAME = stringKey("gen_ai.agent.name");
    static final AttributeKey<String> TOOL_NAME = stringKey("gen_ai.tool.name");
    static final AttributeKey<Long> INPUT_TOKENS = longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<Long> CACHE_READ_INPUT_TOKENS = longKey("gen_ai.usage.cache_read.input_tokens");
    static final AttributeKey<Long> CACHE_CREATION_INPUT_TOKENS = longKey("gen_ai.usage.cache_creation.input_tokens");
    static final AttributeKey<Long> REASONING_OUTPUT_TOKENS = longKey("gen_ai.usage.reasoning.output_tokens");
    static final AttributeKey<String> TOKEN_TYPE = stringKey("gen_ai.token.type");
    static final AttributeKey<String> ERROR_TYPE = stringKey("error.type");

    /** What a model call (or a task, its delegations included) cost in USD, as priced by the price table or the cost guard. */
    static final AttributeKey<Double> COST_USD = doubleKey("agentsre.cost.usd");
    /** The pipeline's task id. */
    static final AttributeKey<String> TASK_ID = stringKey("agentsre.task.id");
    /** Delegation hops from the root task. */
    static final AttributeKey<Long> TASK_DEPTH = longKey("agentsre.task.depth");
    /** How the task or call ended: succeeded, failed, refused. */
    static final AttributeKey<String> OUTCOME = stringKey("agentsre.outcome");
    /** The reason of the first refusal (the kind of limit, budget or breaker that refused). */
    static final AttributeKey<String> REFUSAL_REASON = stringKey("agentsre.refusal.reason");
    /** The call that was refused ({@code llm:gpt-4o}); empty when refused at the door. */
    static final AttributeKey<String> REFUSED_CALL = stringKey("agentsre.refusal.call");
    /** The replay trace that captured the task, for {@code TraceStore.load}. */
    static final AttributeKey<String> REPLAY_TRACE_ID = stringKey("agentsre.replay.trace_id");

    /** Every key of the conventions this module emits. */
    static final List<AttributeKey<?>> SEMCONV = List.of(OPERATION_NAME, PROVIDER_NAME, SYSTEM, REQUEST_MODEL, AGENT_ID, AGENT_NAME,
            TOOL_NAME, INPUT_TOKENS, OUTPUT_TOKENS, CACHE_READ_INPUT_TOKENS, CACHE_CREATION_INPUT_TOKENS, REASONING_OUTPUT_TOKENS,
            TOKEN_TYPE, ERROR_TYPE);
    /** Every key of Agent SRE's own this module puts on spans. */
    static final List<AttributeKey<?>> OWN = List.of(COST_USD, TASK_ID, TASK_DEPTH, OUTCOME, REFUSAL_REASON, REFUSED_CALL, REPLAY_TRACE_ID);

    static final String CHAT = "chat";
    static final String EXECUTE_TOOL = "execute_tool";
    static final String INVOKE_AGENT = "invoke_agent";

    /** {@code gen_ai.client.token.usage}: name, unit, description as the conventions give them. */
    static final String TOKEN_USAGE = "gen_ai.client.token.usage";
    static final String TOKEN_USAGE_UNIT = "{token}";
    /** {@code gen_ai.client.operation.duration}. */
    static final String OPERATION_DURATION = "gen_ai.client.operation.duration";
    static final String OPERATION_DURATION_UNIT = "s";

    private GenAiAttributes() {
    }
}
