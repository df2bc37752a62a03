package dev.agentsre.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.sun.source.util.JavacTask;
import dev.agentsre.docs.DocSnippets.Block;
import dev.agentsre.docs.DocSnippets.Page;
import dev.agentsre.docs.DocSnippets.Source;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Every {@code ```java} block of README.md and docs/*.md compiles, against the project and the
 * frameworks it integrates (this module's test class path), with no deprecation or unchecked
 * warning. The build fails on a broken snippet, naming the page, the block and the compiler's
 * message at the page's own line number.
 *
 * <h2>Writing a snippet</h2>
 * <ul>
 *   <li>A block that is a whole source <b>file</b> (it has {@code import} lines) is compiled as it
 *       stands: a user can paste it into a new file.</li>
 *   <li>Any other block is a <b>fragment</b>: the statements of a method body, as a user would paste
 *       them into a method of their own. The method declares no checked exception, so a fragment
 *       handles the ones it meets, unless the line directly above its fence is a marker saying what
 *       the surrounding method throws: {@code <!-- snippet: throws IOException -->}.</li>
 *   <li>What a page's fragments take as given — its imports, the variables it assumes
 *       ({@code bus}, {@code prompt}, {@code llm}) and the user's own types ({@code Answer},
 *       {@code Order}) — is declared once per page in a class of this package named after the page:
 *       {@code docs/getting-started.md} → {@link GettingStartedPage}, README.md → {@link ReadmePage}.
 *       Each fragment becomes the method {@code snippet()} of a class that extends it and carries its
 *       imports, so the fields and nested types of the givens class are in scope, and a fragment may
 *       declare a local of the same name to show how it is made. The givens class is ordinary test
 *       source, so an IDE checks it.</li>
 *   <li>Output, shell commands, YAML and diagrams take another fence ({@code ```text},
 *       {@code ```bash}, {@code ```yaml}).</li>
 * </ul>
 *
 * Snippets that also run: {@link RunningDocSnippetsTest} (getting-started.md's hold released on a failed
 * call, chaos.md's drill on its virtual clock); {@code IntegrationDocsTest} (agent-sre-core) holds integrations.md's
 * classes verbatim and runs them against a local server; {@code SloDocSnippetsTest} runs slo.md's
 * statements with assertions and checks the page still shows them.
 */
class DocSnippetsTest {

    private static final Path ROOT = Path.of("..");
    private static final Path GIVENS = Path.of("src/test/java").resolve(DocSnippets.PACKAGE.replace('.', '/'));
    private static final List<String> OPTIONS = List.of("-proc:none", "-XDshould-stop.ifError=FLOW", "-Xlint:deprecation,removal,unchecked,rawtypes",
            "-Xmaxerrs", "10000", "-Xmaxwarns", "10000");

    @Test
    void everyJavaBlockOfTheReadmeAndTheDocsCompiles() {
        List<Page> pages = DocSnippets.pages(ROOT);
        List<Source> sources = new ArrayList<>();
        for (Page page : pages) {
            Path givens = GIVENS.resolve(page.givensClass() + ".java");
            boolean hasFragments = page.blocks().stream().anyMatch(b -> !b.isFile());
            assertThat(!hasFragments || Files.exists(givens))
                    .as("%s has Java fragments: declare what they take as given (imports, variables, the user's own types) "
                            + "in agent-sre-examples/%s (see DocSnippetsTest)", page.name(), givens)
                    .isTrue();
            List<String> imports = hasFragments ? DocSnippets.imports(givens) : List.of();
            page.blocks().forEach(block -> sources.add(DocSnippets.source(page, block, imports)));
        }
        assertThat(sources).as("Java blocks found in README.md and docs/*.md").hasSizeGreaterThan(40);

        List<String> problems = compile(sources);

        assertThat(problems).as("snippets that do not compile as pasted (%d blocks on %d pages)", sources.size(),
                pages.stream().filter(p -> !p.blocks().isEmpty()).count()).isEmpty();
    }

    @Test
    void everyGivensClassBelongsToAPageWithFragments() throws Exception {
        TreeSet<String> expected = DocSnippets.pages(ROOT).stream()
                .filter(page -> page.blocks().stream().anyMatch(b -> !b.isFile()))
                .map(Page::givensClass)
                .collect(Collectors.toCollection(TreeSet::new));
        try (Stream<Path> files = Files.list(GIVENS)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("Page.java"))
                    .map(n -> n.replaceFirst("\\.java$", "")))
                    .as("givens classes in %s, one per page with Java fragments", GIVENS)
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void aBrokenSnippetFailsNamingThePageTheBlockAndTheLine() {
        String markdown = String.join("\n",
                "# A page", "", "```java", "int fine = 1;", "```", "", "text", "", "```text", "not java", "```", "",
                "<!-- snippet: throws java.io.IOException -->",
                "```java", "java.nio.file.Files.readString(java.nio.file.Path.of(\"x\"));", "```", "",
                "```java", "int ok = 2;", "String s = ok;", "```", "",
                "```java", "java.nio.file.Files.readString(java.nio.file.Path.of(\"x\"));", "```", "");
        Page page = new Page("docs/broken.md", Path.of("docs/broken.md"), DocSnippets.blocks("docs/broken.md", markdown));
        assertThat(page.blocks()).extracting(Block::number, Block::firstLine, Block::throwsClause)
                .containsExactly(tuple(1, 4, ""),
                        tuple(2, 15, "throws java.io.IOException"),
                        tuple(3, 19, ""),
                        tuple(4, 24, ""));

        // fragments of a page with nothing given
        List<Source> sources = page.blocks().stream()
                .map(block -> DocSnippets.source(page, block, List.of("import java.util.List;"), null))
                .collect(Collectors.toList());
        List<String> problems = compile(sources);

        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).startsWith("docs/broken.md, java block 3, line 20:").contains("incompatible types");
        assertThat(problems.get(1)).startsWith("docs/broken.md, java block 4, line 24:")
                .contains("unreported exception java.io.IOException");
    }

    @Test
    void aFileBlockIsCompiledAsItStandsUnderItsPublicTypesName() {
        String markdown = String.join("\n", "```java", "import java.util.List;", "", "public final class Shown {",
                "    List<String> names = List.of();", "}", "```");
        Page page = new Page("docs/file.md", Path.of("docs/file.md"), DocSnippets.blocks("docs/file.md", markdown));
        Source source = DocSnippets.source(page, page.blocks().get(0), List.of("import java.util.Map;"));
        assertThat(source.className()).isEqualTo("Shown");
        assertThat(source.text()).doesNotContain("java.util.Map").startsWith("import java.util.List;");
        assertThat(compile(List.of(source))).isEmpty();
    }

    @Test
    void aMalformedMarkerIsAnError() {
        String markdown = String.join("\n", "<!-- snippet: throw IOException -->", "```java", "int x;", "```");
        assertThatThrownBy(() -> DocSnippets.blocks("docs/m.md", markdown))
                .hasMessageContaining("docs/m.md line 1").hasMessageContaining("throw IOException");
    }

    /** Compiles the sources in one pass (analysis only: no class files) and lists the problems in page order. */
    private static List<String> compile(List<Source> sources) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertThat(compiler).as("a JDK (not a JRE) runs the tests").isNotNull();
        Map<JavaFileObject, Source> byFile = new LinkedHashMap<>();
        for (Source source : sources) {
            byFile.put(new StringSource(source), source);
        }
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> options = new ArrayList<>(OPTIONS);
        options.addAll(List.of("-classpath", classpath));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        JavacTask task = (JavacTask) compiler.getTask(null, null, diagnostics, options, null, byFile.keySet());
        try {
            task.analyze();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> problems = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.NOTE || d.getKind() == Diagnostic.Kind.OTHER) {
                continue;
            }
            Source source = byFile.get(d.getSource());
            if (source == null) {
                problems.add("(no snippet) " + d.getKind() + ": " + d.getMessage(Locale.ROOT));
                continue;
            }
            long line = source.block().firstLine() + (d.getLineNumber() - 1 - source.lineOffset());
            problems.add(String.format(Locale.ROOT, "%s, java block %d, line %d: %s%n    %s", source.page().name(),
                    source.block().number(), line, d.getMessage(Locale.ROOT),
                    sourceLine(source, d.getLineNumber())));
        }
        return problems;
    }

    private static String sourceLine(Source source, long line) {
        return line < 1 ? "" : source.text().lines().skip(line - 1).findFirst().orElse("").strip();
    }

    private static final class StringSource extends SimpleJavaFileObject {
        private final String text;

        StringSource(Source source) {
            // a directory per page and block, so that the same class name may appear on two pages
            super(URI.create("string:///" + source.page().name().replaceAll("[^A-Za-z0-9/]", "_") + "/block" + source.block().number()
                    + "/" + source.className() + Kind.SOURCE.extension), Kind.SOURCE);
            this.text = source.text();
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return text;
        }
    }
}
