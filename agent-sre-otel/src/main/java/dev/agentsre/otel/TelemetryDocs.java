package dev.agentsre.otel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Generates the instrument table of {@code docs/telemetry.md} from {@link TelemetryNames}, so the
 * documentation can never drift from the code: a test fails when the committed page differs.
 * {@code main(path)} rewrites the generated section of the page in place.
 */
public final class TelemetryDocs {

    /** Marks the start of the generated section. */
    public static final String BEGIN = "<!-- BEGIN GENERATED: TelemetryDocs -->";
    /** Marks the end of the generated section. */
    public static final String END = "<!-- END GENERATED: TelemetryDocs -->";

    private TelemetryDocs() {
    }

    /** The generated Markdown table, between the markers. */
    public static String table() {
        StringBuilder out = new StringBuilder();
        out.append(BEGIN).append('\n');
        out.append("| instrument | kind | unit | attributes | source | description |\n");
        out.append("|---|---|---|---|---|---|\n");
        for (InstrumentSpec spec : TelemetryNames.ALL) {
            out.append("| `").append(spec.name()).append("` | ").append(spec.kind().name().toLowerCase(java.util.Locale.ROOT))
                    .append(" | `").append(spec.unit()).append("` | ")
                    .append(spec.attributes().isEmpty() ? "" : "`" + String.join("`, `", spec.attributes()) + "`")
                    .append(" | ").append(spec.source()).append(" | ").append(spec.description()).append(" |\n");
        }
        out.append(END);
        return out.toString();
    }

    /** {@code page} with its generated section replaced by {@link #table()}. */
    public static String regenerate(String page) {
        int begin = page.indexOf(BEGIN);
        int end = page.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("the page has no generated section (" + BEGIN + " ... " + END + ")");
        }
        return page.substring(0, begin) + table() + page.substring(end + END.length());
    }

    /** Rewrites the generated section of the page at {@code args[0]} (default {@code docs/telemetry.md}). */
    public static void main(String[] args) throws IOException {
        Path page = Path.of(args.length > 0 ? args[0] : "docs/telemetry.md");
        Files.writeString(page, regenerate(Files.readString(page, StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }
}
