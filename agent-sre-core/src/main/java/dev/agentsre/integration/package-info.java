/**
 * Framework integrations: the guarded-call pipeline around every model and tool call of an
 * application built with LangChain4j ({@code .langchain4j}), Spring AI ({@code .springai}) or
 * Spring Boot ({@code .spring}). Each framework is an optional dependency of agent-sre-core: bring
 * it yourself; nothing outside these packages refers to it.
 *
 * <p>Every integration binds a call the same way ({@link dev.agentsre.integration.TaskBinding}):
 * inside a guarded task ({@code sre.agent(a).task(t).call(ctx -> assistant.chat(q))}) the call is
 * one of that task's calls, of that task's agent; outside one it runs as a task of its own, of the
 * agent the wrapper was built for.
 */
package dev.agentsre.integration;
