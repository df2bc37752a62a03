package dev.agentsre;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The core works with none of the frameworks it integrates with (nor Lettuce, which only the Redis
 * stores use): this test runs in the default surefire execution, whose classpath leaves out
 * LangChain4j, Spring, Reactor, Micrometer, Lettuce, Netty and
 * everything they bring (the {@code classpathDependencyExcludes} of agent-sre-core's pom), together
 * with every other test outside {@code dev.agentsre.integration}. It fails if that classpath ever
 * gains a jar beyond the core's own runtime dependencies and the test tools, and if a class outside
 * the integration packages imports a framework. (Selected with {@code -Dtest=...}, surefire would also
 * run it in the integrations' execution, where it does not apply.)
 */
@EnabledIfSystemProperty(named = "agentsre.test.classpath", matches = "core")
class CoreClasspathTest {

    /** Maven repository paths of what the core's tests may see: its runtime dependencies and the test tools. */
    private static final List<String> ALLOWED_GROUPS = List.of(
            "/org/slf4j/", "/com/fasterxml/jackson/core/", "/com/fasterxml/jackson/dataformat/", "/org/yaml/",
            "/org/junit/", "/org/opentest4j/", "/org/apiguardian/", "/org/assertj/", "/net/bytebuddy/", "/org/openjdk/jol/",
            "/org/apache/maven/surefire/",
            "/com/cronutils/", // test-only: the reference the cron parser is checked against
            "/org/xerial/sqlite-jdbc/", "/com/h2database/"); // test-only: the databases the JDBC store is tested on

    private static final Pattern FRAMEWORK_IMPORT = Pattern.compile(
            "^import\\s+(static\\s+)?(dev\\.langchain4j|org\\.springframework|reactor\\.|io\\.micrometer|jakarta\\.|io\\.lettuce|io\\.netty)",
            Pattern.MULTILINE);

    @Test
    void noFrameworkClassIsLoadable() {
        for (String name : List.of("dev.langchain4j.model.chat.ChatModel", "org.springframework.context.ApplicationContext",
                "org.springframework.ai.chat.client.ChatClient", "org.springframework.boot.SpringApplication",
                "reactor.core.publisher.Flux", "io.micrometer.core.instrument.MeterRegistry", "io.lettuce.core.RedisClient")) {
            assertThat(loadable(name)).as("%s on the core's test classpath", name).isFalse();
        }
    }

    @Test
    void theClasspathHoldsOnlyTheCoresRuntimeDependenciesAndTestTools() {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> entries = Arrays.stream(classpath.split(File.pathSeparator)).filter(e -> !e.isBlank()).toList();
        assertThat(entries).as("the test classpath").isNotEmpty();
        List<String> unexpected = entries.stream()
                .map(e -> e.replace(File.separatorChar, '/'))
                .filter(e -> !e.endsWith("/target/classes") && !e.endsWith("/target/test-classes"))
                .filter(e -> ALLOWED_GROUPS.stream().noneMatch(e::contains))
                .toList();
        assertThat(unexpected)
                .as("jars on the core's test classpath beyond its runtime dependencies; add a classpathDependencyExclude "
                        + "in agent-sre-core/pom.xml for each (the core must work without them)")
                .isEmpty();
    }

    @Test
    void noClassOutsideTheIntegrationPackagesImportsAFramework() throws IOException {
        Path main = Path.of("src/main/java/dev/agentsre");
        Path integration = main.resolve("integration");
        Path redis = main.resolve("store/redis");
        try (Stream<Path> files = Files.walk(main)) {
            List<Path> offenders = files.filter(f -> f.toString().endsWith(".java") && !f.startsWith(integration) && !f.startsWith(redis))
                    .filter(f -> FRAMEWORK_IMPORT.matcher(read(f)).find())
                    .toList();
            assertThat(offenders).as("core classes importing a framework").isEmpty();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean loadable(String name) {
        try {
            Class.forName(name, false, CoreClasspathTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
