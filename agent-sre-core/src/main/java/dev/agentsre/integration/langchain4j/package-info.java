/**
 * LangChain4j: the whole guarded-call pipeline around every chat-model and tool call.
 *
 * <ul>
 *   <li>{@link dev.agentsre.integration.langchain4j.AgentSreChatModel} and
 *       {@link dev.agentsre.integration.langchain4j.AgentSreStreamingChatModel} decorate a
 *       {@code ChatModel} / {@code StreamingChatModel}: each chat call is a guarded model call
 *       (task limits, quarantine, budget — the worst case of prompt plus {@code maxOutputTokens} held
 *       before, the reported {@code TokenUsage} priced and charged after — dependency breaker, chaos,
 *       capture, your guards). A {@code ChatModelListener} cannot veto a call; a decorator can.</li>
 *   <li>{@link dev.agentsre.integration.langchain4j.GuardedToolExecutor} and
 *       {@link dev.agentsre.integration.langchain4j.AgentSreLangChain4j#tools} guard every tool call
 *       ({@code @Tool} objects, a {@code ToolProvider}, a {@code ToolExecutor}), so the rogue detector
 *       sees it and a refused tool never runs.</li>
 * </ul>
 *
 * <p>Calls bind to the running task ({@code sre.agent(a).task(t).call(ctx -> assistant.chat(q))})
 * or run as one-call tasks of the wrapper's agent; see {@link dev.agentsre.integration.TaskBinding}.
 * LangChain4j ({@code dev.langchain4j:langchain4j}) is an optional dependency: bring it yourself.
 */
package dev.agentsre.integration.langchain4j;
