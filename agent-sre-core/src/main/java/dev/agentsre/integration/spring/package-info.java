/**
 * Spring Boot auto-configuration: with agent-sre-core and Spring Boot on the classpath, an
 * {@link dev.agentsre.AgentSre} and its components are beans built from {@code agentsre.*}
 * properties ({@link dev.agentsre.integration.spring.AgentSreProperties}); every LangChain4j
 * {@code ChatModel} / {@code StreamingChatModel} bean and every Spring AI {@code ChatClient} is
 * guarded (opt-out per bean), tool beans and the {@code ToolCallingManager} too; the actuator
 * endpoint {@code /actuator/agentsre} and the {@code agentsre} health indicator report SLOs,
 * budgets, breakers and quarantines; alert receivers configured under {@code agentsre.alerts} get an
 * {@code AlertManager} on the pipeline's bus. {@code agentsre.enabled=false} turns all of it off.
 *
 * <p>Conventions are Resilience4j's Spring Boot starter's: one auto-configuration per concern in
 * {@code META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports}, each
 * {@code @ConditionalOnClass} on its framework, beans {@code @ConditionalOnMissingBean}, and
 * customizer beans ({@link dev.agentsre.integration.spring.AgentSreCustomizer}) to add what
 * properties cannot say. The Micrometer binder is registered by agent-sre-otel's own
 * auto-configuration (that module holds the binder).
 */
package dev.agentsre.integration.spring;
