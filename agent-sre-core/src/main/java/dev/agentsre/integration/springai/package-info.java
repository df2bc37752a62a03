/**
 * Spring AI: the whole guarded-call pipeline around every model and tool call of a
 * {@code ChatClient}.
 *
 * <ul>
 *   <li>{@link dev.agentsre.integration.springai.AgentSreTaskAdvisor} runs each {@code ChatClient}
 *       call (or stream) as a task of its agent, unless one is already running;</li>
 *   <li>{@link dev.agentsre.integration.springai.AgentSreAdvisor}, next to the model, makes each
 *       model call a guarded call of that task and vetoes it by not calling the chain: limits,
 *       quarantine, the budget (worst case held before, {@code Usage} with cached tokens charged
 *       after), dependency breaker, chaos, capture, your guards;</li>
 *   <li>{@link dev.agentsre.integration.springai.GuardedToolCallback} and
 *       {@link dev.agentsre.integration.springai.AgentSreToolCallingManager} guard every tool call,
 *       however the tools were passed.</li>
 * </ul>
 *
 * <p>{@link dev.agentsre.integration.springai.AgentSreSpringAi} builds them. Spring AI
 * ({@code org.springframework.ai:spring-ai-client-chat}) is an optional dependency: bring it yourself.
 */
package dev.agentsre.integration.springai;
