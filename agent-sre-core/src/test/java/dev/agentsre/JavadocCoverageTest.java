package dev.agentsre;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The published API is documented: every package of agent-sre-core and agent-sre-otel has a
 * {@code package-info.java} with a javadoc comment, and every public top-level type a javadoc
 * comment of its own. (Doclint checks what the comments say — {@code mvn javadoc:javadoc}, with
 * {@code -Xdoclint:all,-missing}; this test checks that they are there, in a second, from the sources.)
 */
class JavadocCoverageTest {

    private static final List<Path> SOURCE_ROOTS = List.of(Path.of("src/main/java"), Path.of("../agent-sre-otel/src/main/java"));

    /** The top-level public type declaration, after the file's imports: group 1 is what stands before it. */
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "^public\\s+(?:(?:final|abstract|sealed|non-sealed|static|strictfp)\\s+)*(?:class|interface|record|enum|@interface)\\s+\\w+",
            Pattern.MULTILINE);

    @Test
    void everyPackageHasAPackageInfoWithAJavadocComment() throws IOException {
        List<String> missing = new ArrayList<>();
        for (Path root : SOURCE_ROOTS) {
            for (Path dir : packages(root)) {
                Path info = dir.resolve("package-info.java");
                if (!Files.exists(info)) {
                    missing.add(root.relativize(dir) + ": no package-info.java");
                } else if (!Files.readString(info).contains("/**")) {
                    missing.add(root.relativize(dir) + ": package-info.java without a javadoc comment");
                }
            }
        }
        assertThat(missing).as("packages of the published modules").isEmpty();
    }

    @Test
    void everyPublicTopLevelTypeHasAJavadocComment() throws IOException {
        List<String> undocumented = new ArrayList<>();
        int types = 0;
        for (Path root : SOURCE_ROOTS) {
            for (Path file : sources(root)) {
                String text = Files.readString(file);
                Matcher type = PUBLIC_TYPE.matcher(text);
                if (!type.find()) {
                    continue; // package-private
                }
                types++;
                if (!documented(text.substring(0, type.start()))) {
                    undocumented.add(root.relativize(file).toString());
                }
            }
        }
        assertThat(types).as("public top-level types found").isGreaterThan(300);
        assertThat(undocumented).as("public top-level types without a javadoc comment").isEmpty();
    }

    @Test
    void aTypeWhoseCommentIsNotJavadocIsCaught() {
        assertThat(documented("package a;\n\nimport b.C;\n\n/** A thing. */\n@Deprecated\n")).isTrue();
        assertThat(documented("package a;\n\n/**\n * A thing.\n */\n@SuppressWarnings(\"x\")\n@FunctionalInterface\n")).isTrue();
        assertThat(documented("package a;\n\n/* not javadoc */\n")).isFalse();
        assertThat(documented("package a;\n\n// a line comment\n")).isFalse();
        assertThat(documented("package a;\n\n/** A thing. */\n@Conditional(name = {\"a\",\n        \"b\"})\n")).isTrue();
        assertThat(documented("/** the file's header */\npackage a;\n\nimport b.C;\n\n")).isFalse();
    }

    /** Whether the text before a type declaration ends with a javadoc comment (annotations aside). */
    private static boolean documented(String before) {
        int close = before.lastIndexOf("*/");
        if (close < 0) {
            return false;
        }
        String between = before.substring(close + 2).strip(); // annotations only: no package or import statement
        if (!between.isEmpty() && (!between.startsWith("@") || between.contains(";"))) {
            return false;
        }
        return before.startsWith("/**", before.lastIndexOf("/*", close));
    }

    private static TreeSet<Path> packages(Path root) throws IOException {
        return sources(root).stream().map(Path::getParent).collect(Collectors.toCollection(TreeSet::new));
    }

    private static List<Path> sources(Path root) throws IOException {
        assertThat(root).as("source root (the test runs in agent-sre-core)").isDirectory();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".java") && !p.getFileName().toString().equals("package-info.java"))
                    .sorted().collect(Collectors.toList());
        }
    }
}
