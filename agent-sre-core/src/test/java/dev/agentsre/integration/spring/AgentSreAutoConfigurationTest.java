package dev.agentsre.integration.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.AgentSre;
import dev.agentsre.cost.CostGuard;
import dev.agentsre.cost.PriceTable;
import dev.agentsre.cost.TokenUsage;
import dev.agentsre.integration.OpenAiStub;
import dev.agentsre.integration.OpenAiStub.Reply;
import dev.agentsre.integration.langchain4j.AgentSreChatModel;
import dev.agentsre.slo.ExhaustionAction;
import dev.agentsre.slo.Slo;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.math.BigDecimal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.model.chat.client.autoconfigure.ChatClientAutoConfiguration;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.api.OpenAiApi;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.retry.support.RetryTemplate;

/** The auto-configuration in a real Spring Boot application context, configured by properties only. */
class AgentSreAutoConfigurationTest {

    private static final OpenAiStub SERVER = OpenAiStub.start(request -> Reply.text("Paris", 1200, 300, 1000));
    private static final BigDecimal ONE_CALL = PriceTable.defaults().cost("gpt-4o", TokenUsage.openAi(1200, 300, 1000, 0));

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AgentSreAutoConfiguration.class, AgentSreLangChain4jAutoConfiguration.class,
                    AgentSreSpringAiAutoConfiguration.class, AgentSreActuatorAutoConfiguration.class, ChatClientAutoConfiguration.class))
            .withPropertyValues("spring.application.name=support-app",
                    "agentsre.agents.research-agent.slo.target=0.995",
                    "agentsre.agents.research-agent.slo.window=7d",
                    "agentsre.agents.research-agent.slo.exhaustion-action=throttle",
                    "agentsre.agents.research-agent.daily-budget=25.00",
                    "agentsre.agents.research-agent.capabilities=search,lookup",
                    "agentsre.cost.per-task=2.00",
                    "agentsre.limits.max-tool-calls=50");

    @AfterEach
    void clear() {
        SERVER.requests().clear();
    }

    /** A LangChain4j model and a Spring AI model against the local server, and a chat client bean. */
    @Configuration(proxyBeanMethods = false)
    static class Models {
        @Bean
        ChatModel openAiChatModel() {
            return OpenAiChatModel.builder().baseUrl(SERVER.v1()).apiKey("test-key").modelName("gpt-4o").maxRetries(0).build();
        }

        @Bean
        ChatModel unguardedModel() {
            return OpenAiChatModel.builder().baseUrl(SERVER.v1()).apiKey("test-key").modelName("gpt-4o").maxRetries(0).build();
        }

        @Bean
        org.springframework.ai.openai.OpenAiChatModel springAiChatModel() {
            return org.springframework.ai.openai.OpenAiChatModel.builder()
                    .openAiApi(OpenAiApi.builder().baseUrl(SERVER.baseUrl()).apiKey("test-key").build())
                    .defaultOptions(OpenAiChatOptions.builder().model("gpt-4o").build())
                    .retryTemplate(RetryTemplate.builder().maxAttempts(1).build())
                    .build();
        }

        @Bean
        ChatClient triageClient(ChatClient.Builder builder) {
            return builder.build();
        }
    }

    @Test
    void theAgentSreBeanAndItsComponentsComeFromPropertiesAlone() {
        runner.withPropertyValues("management.endpoints.web.exposure.include=agentsre").run(context -> {
            assertThat(context).hasSingleBean(AgentSre.class).hasSingleBean(AgentSreComponents.class);
            AgentSreComponents components = context.getBean(AgentSreComponents.class);
            assertThat(components.slos()).singleElement().satisfies(slo -> {
                assertThat(slo.agentId()).isEqualTo("research-agent");
                assertThat(slo.errorBudget().target()).isEqualTo(0.995);
                assertThat(slo.errorBudget().window()).isEqualTo(java.time.Duration.ofDays(7));
                assertThat(slo.errorBudget().exhaustionAction()).isEqualTo(ExhaustionAction.THROTTLE);
            });
            CostGuard costs = components.costGuard();
            assertThat(costs.snapshot("research-agent").limitUsd()).isEqualByComparingTo("25.00");
            assertThat(components.rogueDetector().isAuthorised("research-agent", "search")).isTrue();
            assertThat(components.rogueDetector().isAuthorised("research-agent", "shell")).isFalse();
            assertThat(components.agentBreakers()).isNotNull();
            assertThat(components.dependencyBreakers()).isNotNull();
            assertThat(context).hasSingleBean(AgentSreEndpoint.class).hasBean("agentsreHealthIndicator");
        });
    }

    @Test
    void theFleetSloIsATemplateGivingEveryAgentItsOwnSlo() {
        runner.withPropertyValues("agentsre.slo.target=0.99", "agentsre.slo.window=1d", "agentsre.slo-evaluation-interval=30s",
                "management.endpoints.web.exposure.include=agentsre").run(context -> {
            AgentSreComponents components = context.getBean(AgentSreComponents.class);
            assertThat(components.sloTemplates()).singleElement().satisfies(t -> assertThat(t.definition().errorBudget().target()).isEqualTo(0.99));
            AgentSre sre = context.getBean(AgentSre.class);
            sre.agent("triage").task("t-1").call(ctx -> "ok");
            sre.agent("billing").task("t-2").call(ctx -> "ok");
            assertThat(components.allSlos()).extracting(Slo::agentId).contains("research-agent", "triage", "billing");
            @SuppressWarnings("unchecked")
            java.util.List<java.util.Map<String, Object>> slos = (java.util.List<java.util.Map<String, Object>>)
                    context.getBean(AgentSreEndpoint.class).state().get("slos");
            assertThat(slos).extracting(s -> s.get("agent")).contains("triage", "billing");
        });
    }

    @Test
    void aLangChain4jChatModelBeanIsGuardedAsTheAgentNamedByItsBeanOrByAProperty() {
        runner.withUserConfiguration(Models.class)
                .withPropertyValues("agentsre.model-agents.openAiChatModel=research-agent",
                        "agentsre.langchain4j.excluded-beans=unguardedModel")
                .run(context -> {
                    ChatModel model = context.getBean("openAiChatModel", ChatModel.class);
                    assertThat(model).isInstanceOf(AgentSreChatModel.class);
                    assertThat(((AgentSreChatModel) model).agentId()).isEqualTo("research-agent");
                    assertThat(context.getBean("unguardedModel")).isNotInstanceOf(AgentSreChatModel.class);

                    assertThat(model.chat("capital of France?")).isEqualTo("Paris");

                    CostGuard costs = context.getBean(AgentSreComponents.class).costGuard();
                    assertThat(costs.snapshot("research-agent").spentUsd()).isEqualByComparingTo(ONE_CALL);
                });
    }

    @Test
    void everyChatClientIsGuardedAndAChatClientBeanIsItsBeansAgent() {
        runner.withUserConfiguration(Models.class).run(context -> {
            CostGuard costs = context.getBean(AgentSreComponents.class).costGuard();

            ChatClient adHoc = context.getBean(ChatClient.Builder.class).build();
            assertThat(adHoc.prompt("capital of France?").call().content()).isEqualTo("Paris");
            assertThat(costs.snapshot("support-app").spentUsd()).isEqualByComparingTo(ONE_CALL);

            ChatClient triage = context.getBean("triageClient", ChatClient.class);
            assertThat(triage.prompt("capital of France?").call().content()).isEqualTo("Paris");
            assertThat(costs.snapshot("triageClient").spentUsd()).isEqualByComparingTo(ONE_CALL);     // charged once,
            assertThat(costs.snapshot("support-app").spentUsd()).isEqualByComparingTo(ONE_CALL);      // not twice
            assertThat(SERVER.requests()).hasSize(2);
        });
    }

    @Test
    void alertReceiversFromPropertiesGetAnAlertManagerOnThePipelinesBus() {
        runner.withConfiguration(AutoConfigurations.of(AgentSreAlertingAutoConfiguration.class))
                .withPropertyValues("agentsre.alerts.receivers.chat.type=slack",
                        "agentsre.alerts.receivers.chat.url=http://127.0.0.1:9/hooks/chat",
                        "agentsre.alerts.receivers.pager.type=pagerduty",
                        "agentsre.alerts.receivers.pager.key=routing-key-1",
                        "agentsre.alerts.routes[0].label=severity",
                        "agentsre.alerts.routes[0].value=critical",
                        "agentsre.alerts.routes[0].receiver=pager")
                .run(context -> {
                    dev.agentsre.alert.AlertManager alerts = context.getBean(dev.agentsre.alert.AlertManager.class);
                    dev.agentsre.alert.AlertStatus status = alerts.status();
                    assertThat(status.receiver("chat")).isNotNull();
                    assertThat(status.receiver("pager")).isNotNull();
                    assertThat(context.getBean(AgentSreComponents.class).eventBus().listenerCount()).isPositive();
                });
        runner.withConfiguration(AutoConfigurations.of(AgentSreAlertingAutoConfiguration.class))
                .run(context -> assertThat(context).doesNotHaveBean(dev.agentsre.alert.AlertManager.class));
    }

    @Test
    void agentsreEnabledFalseTurnsEverythingOff() {
        runner.withUserConfiguration(Models.class).withPropertyValues("agentsre.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(AgentSre.class).doesNotHaveBean(AgentSreComponents.class)
                    .doesNotHaveBean(AgentSreEndpoint.class).doesNotHaveBean("agentsreHealthIndicator");
            assertThat(context.getBean("openAiChatModel")).isNotInstanceOf(AgentSreChatModel.class);
            ChatClient client = context.getBean(ChatClient.Builder.class).build();
            assertThat(client.prompt("capital of France?").call().content()).isEqualTo("Paris");
        });
    }

    @Test
    void aComponentYouDefineReplacesTheConfiguredOne() {
        runner.withBean(AgentSreComponents.class, () -> new AgentSreComponents(new dev.agentsre.event.SreEventBus(),
                        java.util.List.<Slo>of(), null, null, null, null, null))
                .run(context -> {
                    assertThat(context.getBean(AgentSreComponents.class).costGuard()).isNull();
                    assertThat(context).hasSingleBean(AgentSre.class);
                });
    }
}
