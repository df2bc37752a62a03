package dev.agentsre.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads the {@code ```java} blocks of README.md and docs/*.md and turns each into a Java source
 * file, as {@link DocSnippetsTest} describes: a <em>file</em> block (one with {@code import} or
 * {@code package} lines) as it stands, a <em>fragment</em> as the body of a method of a class that
 * extends the page's givens class and carries its imports.
 */
final class DocSnippets {

    /** The package of the givens classes and of the generated fragment classes. */
    static final String PACKAGE = "dev.agentsre.docs";

    private static final Pattern FENCE = Pattern.compile("^```(\\S*)\\s*$");
    private static final Pattern MARKER = Pattern.compile("^<!--\\s*snippet:\\s*(.*?)\\s*-->\\s*$");
    private static final Pattern FILE_LINE = Pattern.compile("^(import|package)\\s+[\\w.]+");
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "^public\\s+(?:(?:final|abstract|sealed)\\s+)*(?:class|interface|record|enum|@interface)\\s+(\\w+)", Pattern.MULTILINE);

    private DocSnippets() {
    }

    /** One page: its path relative to the project root, and its Java blocks in order. */
    record Page(String name, Path path, List<Block> blocks) {

        /** The simple name of the class that holds what this page's fragments take as given. */
        String givensClass() {
            String stem = path.getFileName().toString().replaceFirst("\\.md$", "");
            StringBuilder name = new StringBuilder();
            for (String part : stem.split("[^A-Za-z0-9]+")) {
                if (!part.isEmpty()) {
                    name.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1).toLowerCase(Locale.ROOT));
                }
            }
            return name + "Page";
        }
    }

    /**
     * One {@code ```java} block: its number on the page (from 1), the page line of its first source
     * line, its text, and the {@code throws} clause its marker declares (empty when none).
     */
    record Block(int number, int firstLine, String text, String throwsClause) {

        boolean isFile() {
            return text.lines().anyMatch(line -> FILE_LINE.matcher(line).find());
        }
    }

    /** A generated source: its class name, its text, and the number of lines before the block's first. */
    record Source(Page page, Block block, String className, String text, int lineOffset) {
    }

    /** README.md and every docs/*.md, in that order, each with its Java blocks. */
    static List<Page> pages(Path root) {
        List<Path> paths = new ArrayList<>();
        paths.add(root.resolve("README.md"));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(paths::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Page> pages = new ArrayList<>();
        for (Path path : paths) {
            String name = root.relativize(path).toString().replace('\\', '/');
            pages.add(new Page(name, path, blocks(name, read(path))));
        }
        return pages;
    }

    /** The Java blocks of one page's Markdown, with the marker comment directly above each, if any. */
    static List<Block> blocks(String page, String markdown) {
        List<String> lines = markdown.lines().collect(Collectors.toList());
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher fence = FENCE.matcher(lines.get(i));
            if (!fence.matches()) {
                continue;
            }
            int end = i + 1;
            while (end < lines.size() && !lines.get(end).startsWith("```")) {
                end++;
            }
            if (end == lines.size()) {
                throw new IllegalStateException(page + " line " + (i + 1) + ": a code block that is never closed");
            }
            if (fence.group(1).equals("java")) {
                String throwsClause = i > 0 ? markerThrows(page, i, lines.get(i - 1)) : "";
                String text = String.join("\n", lines.subList(i + 1, end));
                blocks.add(new Block(blocks.size() + 1, i + 2, text, throwsClause));
            }
            i = end;
        }
        return blocks;
    }

    private static String markerThrows(String page, int fenceIndex, String line) {
        Matcher marker = MARKER.matcher(line);
        if (!marker.matches()) {
            return "";
        }
        String body = marker.group(1);
        if (!body.matches("throws\\s+[\\w.]+(\\s*,\\s*[\\w.]+)*")) {
            throw new IllegalStateException(page + " line " + fenceIndex + ": a snippet marker takes 'throws Type, ...', got '"
                    + body + "'");
        }
        return body;
    }

    /** The source file the compiler gets for one block of a page whose givens class has the given imports. */
    static Source source(Page page, Block block, List<String> givensImports) {
        return source(page, block, givensImports, page.givensClass());
    }

    /** As {@link #source(Page, Block, List)}, a fragment's class extending {@code superclass} (none when null). */
    static Source source(Page page, Block block, List<String> givensImports, String superclass) {
        if (block.isFile()) {
            Matcher type = PUBLIC_TYPE.matcher(block.text());
            String className = type.find() ? type.group(1) : page.givensClass() + "Block" + block.number();
            return new Source(page, block, className, block.text() + "\n", 0);
        }
        String className = page.givensClass() + "Block" + block.number();
        StringBuilder text = new StringBuilder();
        text.append("package ").append(PACKAGE).append(";\n");
        givensImports.forEach(line -> text.append(line).append('\n'));
        text.append("class ").append(className).append(superclass == null ? "" : " extends " + superclass).append(" {\n");
        text.append("void snippet()").append(block.throwsClause().isEmpty() ? "" : " " + block.throwsClause()).append(" {\n");
        int offset = (int) text.chars().filter(c -> c == '\n').count();
        text.append(block.text()).append("\n}\n}\n");
        return new Source(page, block, className, text.toString(), offset);
    }

    /** The import lines of a givens class's source file. */
    static List<String> imports(Path givensSource) {
        return read(givensSource).lines().filter(line -> line.startsWith("import ")).collect(Collectors.toList());
    }

    static String read(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
