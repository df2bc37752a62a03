package dev.agentsre.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the Markdown a {@code Postmortem} writes — headings, paragraphs, pipe tables, numbered and
 * bulleted lists (nested by indentation), bold, italics and code spans — as HTML for the fleet
 * drill's report. Not a general Markdown renderer: what it does not know it shows as text, escaped.
 */
final class MarkdownHtml {

    private static final Pattern ORDERED = Pattern.compile("^(\\s*)\\d+\\.\\s+(.*)$");
    private static final Pattern BULLET = Pattern.compile("^(\\s*)[-*]\\s+(.*)$");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern BOLD = Pattern.compile("\\*\\*([^*]+)\\*\\*");
    private static final Pattern ITALIC = Pattern.compile("(?<![\\w])_([^_]+)_(?![\\w])");

    private MarkdownHtml() {
    }

    /** The HTML of {@code markdown}; headings are shifted down by {@code headingOffset} levels. */
    static String render(String markdown, int headingOffset) {
        StringBuilder html = new StringBuilder();
        List<String> paragraph = new ArrayList<>();
        List<String> lines = List.of(markdown.replace("\r", "").split("\n", -1));
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (line.isBlank()) {
                flushParagraph(html, paragraph);
                i++;
            } else if (line.startsWith("#")) {
                flushParagraph(html, paragraph);
                int level = 0;
                while (level < line.length() && line.charAt(level) == '#') {
                    level++;
                }
                int h = Math.min(6, level + headingOffset);
                html.append("<h").append(h).append('>').append(inline(line.substring(level).trim())).append("</h").append(h).append(">\n");
                i++;
            } else if (line.startsWith("|")) {
                flushParagraph(html, paragraph);
                i = table(html, lines, i);
            } else if (ORDERED.matcher(line).matches() || BULLET.matcher(line).matches()) {
                flushParagraph(html, paragraph);
                i = list(html, lines, i, indent(line));
            } else {
                paragraph.add(line.trim());
                i++;
            }
        }
        flushParagraph(html, paragraph);
        return html.toString();
    }

    private static void flushParagraph(StringBuilder html, List<String> paragraph) {
        if (!paragraph.isEmpty()) {
            html.append("<p>").append(inline(String.join(" ", paragraph))).append("</p>\n");
            paragraph.clear();
        }
    }

    private static int table(StringBuilder html, List<String> lines, int i) {
        html.append("<table class=\"md\">\n");
        boolean header = i + 1 < lines.size() && lines.get(i + 1).matches("^\\|[\\s:|-]+\\|\\s*$");
        boolean first = true;
        while (i < lines.size() && lines.get(i).startsWith("|")) {
            String row = lines.get(i);
            if (row.matches("^\\|[\\s:|-]+\\|\\s*$")) {
                i++;
                continue;
            }
            String tag = first && header ? "th" : "td";
            html.append("<tr>");
            for (String cell : cells(row)) {
                html.append('<').append(tag).append('>').append(inline(cell)).append("</").append(tag).append('>');
            }
            html.append("</tr>\n");
            first = false;
            i++;
        }
        html.append("</table>\n");
        return i;
    }

    private static List<String> cells(String row) {
        String inner = row.trim();
        inner = inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length());
        List<String> cells = new ArrayList<>();
        for (String cell : inner.split("\\|", -1)) {
            cells.add(cell.trim());
        }
        return cells;
    }

    /** A list at {@code indent}; deeper items nest in the previous item. */
    private static int list(StringBuilder html, List<String> lines, int i, int indent) {
        boolean ordered = ORDERED.matcher(lines.get(i)).matches();
        html.append(ordered ? "<ol>\n" : "<ul>\n");
        boolean open = false;
        while (i < lines.size()) {
            String line = lines.get(i);
            Matcher o = ORDERED.matcher(line);
            Matcher b = BULLET.matcher(line);
            boolean item = o.matches() || b.matches();
            if (!item || indent(line) < indent) {
                break;
            }
            if (indent(line) > indent) {
                i = list(html, lines, i, indent(line));
                continue;
            }
            if (open) {
                html.append("</li>\n");
            }
            html.append("<li>").append(inline(o.matches() ? o.group(2) : b.group(2)));
            open = true;
            i++;
        }
        if (open) {
            html.append("</li>\n");
        }
        html.append(ordered ? "</ol>\n" : "</ul>\n");
        return i;
    }

    private static int indent(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') {
            n++;
        }
        return n;
    }

    /** Escapes, then applies code spans (their content left alone), bold and italics. */
    static String inline(String text) {
        StringBuilder out = new StringBuilder();
        Matcher code = CODE.matcher(text);
        int last = 0;
        while (code.find()) {
            out.append(emphasis(Svg.escape(text.substring(last, code.start()))));
            out.append("<code>").append(Svg.escape(code.group(1))).append("</code>");
            last = code.end();
        }
        out.append(emphasis(Svg.escape(text.substring(last))));
        return out.toString();
    }

    private static String emphasis(String escaped) {
        String bold = BOLD.matcher(escaped).replaceAll("<strong>$1</strong>");
        return ITALIC.matcher(bold).replaceAll("<em>$1</em>");
    }
}
