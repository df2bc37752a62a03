package dev.agentsre.otel.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.AgentSre;
import dev.agentsre.integration.spring.AgentSreAutoConfiguration;
import dev.agentsre.otel.AgentSreMeterBinder;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The pipeline's metrics in the application's MeterRegistry, configured by properties only. */
class AgentSreMetricsAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AgentSreAutoConfiguration.class, AgentSreMetricsAutoConfiguration.class,
                    MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class))
            .withPropertyValues("agentsre.agents.research-agent.slo.target=0.99", "agentsre.agents.research-agent.daily-budget=10");

    @Test
    void theMetricsAppearInTheMeterRegistry() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(AgentSreMeterBinder.class);
            AgentSre sre = context.getBean(AgentSre.class);
            sre.agent("research-agent").task("t-1").estimatedCost(0.5).call(ctx -> "done");

            MeterRegistry registry = context.getBean(MeterRegistry.class);
            context.getBean(AgentSreMeterBinder.class).refresh();
            assertThat(registry.get("agentsre.slo.status").tags("slo.name", "research-agent-reliability").gauge().value())
                    .isNotNaN();
            assertThat(registry.getMeters()).anySatisfy(meter -> assertThat(meter.getId().getName()).startsWith("agentsre.cost"));
        });
    }

    @Test
    void agentsreEnabledFalseRegistersNoBinder() {
        runner.withPropertyValues("agentsre.enabled=false").run(context -> assertThat(context).doesNotHaveBean(AgentSreMeterBinder.class));
    }
}
