/**
 * Spring Boot: registers {@link dev.agentsre.otel.AgentSreMeterBinder} for the components of
 * agent-sre-core's auto-configuration, so Boot binds it to the application's {@code MeterRegistry}.
 * It lives here, beside the binder, because agent-sre-otel depends on the core and not the reverse.
 */
package dev.agentsre.otel.spring;
