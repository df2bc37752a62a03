package dev.agentsre.integration.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsre.AgentSre;
import dev.agentsre.integration.OpenAiStub;
import dev.agentsre.integration.OpenAiStub.Reply;
import dev.agentsre.integration.spring.AgentSreAutoConfiguration;
import dev.agentsre.integration.spring.AgentSreComponents;
import dev.agentsre.integration.spring.AgentSreSpringAiAutoConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.io.ClassPathResource;

/**
 * {@code docs/integrations.md}'s snippets are these classes and this YAML verbatim (so the build
 * compiles them), and they work: the LangChain4j and Spring AI quick starts answer through a local
 * OpenAI-format server with a tool call, the YAML configures an application.
 */
class IntegrationDocsTest {

    private static final Path DOCS = Path.of("../docs/integrations.md");
    private static final Path SOURCES = Path.of("src/test/java/dev/agentsre/integration/docs");

    @Test
    void everyJavaSnippetIsACompiledClassVerbatim() throws Exception {
        List<String> snippets = blocks("java");
        assertThat(snippets).hasSize(3);
        for (String snippet : snippets) {
            Matcher name = Pattern.compile("public class (\\w+)").matcher(snippet);
            assertThat(name.find()).as("a complete class: %s", snippet).isTrue();
            String source = Files.readString(SOURCES.resolve(name.group(1) + ".java"));
            assertThat(source).as("docs/integrations.md's %s is %s.java less its package line", name.group(1), name.group(1))
                    .isEqualTo("package dev.agentsre.integration.docs;\n\n" + snippet + "\n");
        }
    }

    @Test
    void theYamlSnippetIsTheOneThatConfiguresAnApplication() throws Exception {
        String yaml = Files.readString(Path.of("src/test/resources/docs/integrations-application.yaml"));
        assertThat(blocks("yaml")).containsExactly(yaml.stripTrailing());

        YamlPropertiesFactoryBean factory = new YamlPropertiesFactoryBean();
        factory.setResources(new ClassPathResource("docs/integrations-application.yaml"));
        Properties properties = factory.getObject();
        List<String> pairs = new ArrayList<>();
        properties.forEach((k, v) -> pairs.add(k + "=" + v));
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(AgentSreAutoConfiguration.class, AgentSreSpringAiAutoConfiguration.class))
                .withPropertyValues(pairs.toArray(String[]::new))
                .run(context -> {
                    assertThat(context).hasSingleBean(AgentSre.class);
                    AgentSreComponents components = context.getBean(AgentSreComponents.class);
                    assertThat(components.slos()).singleElement().satisfies(slo -> assertThat(slo.agentId()).isEqualTo("support-agent"));
                    assertThat(components.rogueDetector().isAuthorised("support-agent", "lookupOrder")).isTrue();
                    assertThat(components.costGuard().snapshot("support-agent").limitUsd()).isEqualByComparingTo("20.00");
                });
    }

    @Test
    void theQuickStartsAnswerThroughALocalServerCallingTheirTool() throws Exception {
        AtomicInteger turn = new AtomicInteger();
        try (OpenAiStub server = OpenAiStub.start(request -> turn.incrementAndGet() % 2 == 1
                ? Reply.toolCall("lookupOrder", "{\"arg0\":\"1042\",\"orderId\":\"1042\"}", 300, 20)
                : Reply.text("Your order shipped on Monday.", 350, 12, 0))) {
            assertThat(LangChain4jQuickStart.answer(server.v1(), "Where is order 1042?")).isEqualTo("Your order shipped on Monday.");
            assertThat(SpringAiQuickStart.answer(server.baseUrl(), "Where is order 1042?")).isEqualTo("Your order shipped on Monday.");
            assertThat(server.requests()).hasSize(4);
            assertThat(server.requests().get(1).toString()).contains("shipped on Monday");
        }
    }

    private static List<String> blocks(String language) throws Exception {
        Matcher m = Pattern.compile("```" + language + "\\n(.*?)\\n```", Pattern.DOTALL).matcher(Files.readString(DOCS));
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }
}
