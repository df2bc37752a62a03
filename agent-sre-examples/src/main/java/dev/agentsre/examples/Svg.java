package dev.agentsre.examples;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * A small SVG writer for the fleet drill's report: one chart per instance, appended to a
 * {@link StringBuilder}, scaled to the page width by its view box. Every text is escaped.
 */
final class Svg {

    final StringBuilder out;
    final int width;
    final int height;

    private Svg(StringBuilder out, int width, int height, String title) {
        this.out = out;
        this.width = width;
        this.height = height;
        out.append(fmt("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
                + "class=\"chart\"><title>%s</title>\n", width, height, width, height, escape(title)));
    }

    /** Opens a chart of {@code width} × {@code height}; {@link #close()} ends it. */
    static Svg open(StringBuilder out, int width, int height, String title) {
        return new Svg(out, width, height, title);
    }

    void close() {
        out.append("</svg>\n");
    }

    Svg rect(double x, double y, double w, double h, String fill, String tooltip) {
        out.append(fmt("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"", x, y, Math.max(0, w), Math.max(0, h), fill));
        return tooltip == null ? end("/>") : end("><title>" + escape(tooltip) + "</title></rect>");
    }

    Svg rect(double x, double y, double w, double h, String fill, double opacity) {
        out.append(fmt("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" fill-opacity=\"%.2f\"/>\n", x, y,
                Math.max(0, w), Math.max(0, h), fill, opacity));
        return this;
    }

    Svg line(double x1, double y1, double x2, double y2, String stroke, double width, String dash) {
        out.append(fmt("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%.1f\"%s/>\n", x1, y1, x2, y2, stroke,
                width, dash == null ? "" : " stroke-dasharray=\"" + dash + "\""));
        return this;
    }

    /** A polyline through {@code points} (x0, y0, x1, y1, ...); NaN coordinates break the line. */
    Svg polyline(double[] points, String stroke, double width, String dash) {
        StringBuilder segment = new StringBuilder();
        for (int i = 0; i + 1 < points.length; i += 2) {
            if (Double.isNaN(points[i]) || Double.isNaN(points[i + 1])) {
                flush(segment, stroke, width, dash);
                continue;
            }
            segment.append(fmt("%.1f,%.1f ", points[i], points[i + 1]));
        }
        flush(segment, stroke, width, dash);
        return this;
    }

    private void flush(StringBuilder segment, String stroke, double width, String dash) {
        if (segment.length() > 0) {
            out.append(fmt("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\" stroke-linejoin=\"round\"%s points=\"%s\"/>\n", stroke,
                    width, dash == null ? "" : " stroke-dasharray=\"" + dash + "\"", segment.toString().trim()));
            segment.setLength(0);
        }
    }

    /** A filled polygon through {@code points} (x0, y0, x1, y1, ...). */
    Svg polygon(double[] points, String fill, double opacity) {
        StringBuilder p = new StringBuilder();
        for (int i = 0; i + 1 < points.length; i += 2) {
            p.append(fmt("%.1f,%.1f ", points[i], points[i + 1]));
        }
        out.append(fmt("<polygon fill=\"%s\" fill-opacity=\"%.2f\" stroke=\"none\" points=\"%s\"/>\n", fill, opacity, p.toString().trim()));
        return this;
    }

    Svg circle(double x, double y, double r, String fill, String tooltip) {
        out.append(fmt("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"", x, y, r, fill));
        return tooltip == null ? end("/>") : end("><title>" + escape(tooltip) + "</title></circle>");
    }

    /** Text at (x, y); {@code anchor} start, middle or end; {@code cssClass} may be null. */
    Svg text(double x, double y, String text, String anchor, String cssClass) {
        out.append(fmt("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>%s</text>\n", x, y, anchor,
                cssClass == null ? "" : " class=\"" + cssClass + "\"", escape(text)));
        return this;
    }

    /** Text in a colour. */
    Svg text(double x, double y, String text, String anchor, String cssClass, String fill) {
        out.append(fmt("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"%s\"%s>%s</text>\n", x, y, anchor, fill,
                cssClass == null ? "" : " class=\"" + cssClass + "\"", escape(text)));
        return this;
    }

    private Svg end(String tail) {
        out.append(tail).append('\n');
        return this;
    }

    /** Maps the span of the drill onto the horizontal pixels {@code [left, right]}. */
    static final class TimeAxis {
        final Instant start;
        final Instant end;
        final double left;
        final double right;

        TimeAxis(Instant start, Instant end, double left, double right) {
            this.start = start;
            this.end = end;
            this.left = left;
            this.right = right;
        }

        double x(Instant at) {
            double f = (at.toEpochMilli() - start.toEpochMilli()) / (double) (end.toEpochMilli() - start.toEpochMilli());
            return left + (right - left) * Math.max(0, Math.min(1, f));
        }

        boolean contains(Instant at) {
            return !at.isBefore(start) && !at.isAfter(end);
        }

        /** Tick marks and labels below {@code y}, gridlines from {@code top}. */
        void draw(Svg svg, double top, double y) {
            long hours = Math.max(1, Duration.between(start, end).toHours());
            long minutes = Duration.between(start, end).toMinutes();
            Duration step = minutes <= 120 ? Duration.ofMinutes(15) : minutes <= 360 ? Duration.ofHours(1) : hours <= 30 ? Duration.ofHours(2)
                    : hours <= 72 ? Duration.ofHours(6) : Duration.ofHours(24);
            Instant first = Instant.ofEpochMilli((start.toEpochMilli() + step.toMillis() - 1) / step.toMillis() * step.toMillis());
            boolean days = Duration.between(FleetDrill.START, end).toHours() > 24;
            for (Instant t = first; !t.isAfter(end); t = t.plus(step)) {
                double x = x(t);
                svg.line(x, top, x, y, "#ececec", 1, null);
                svg.text(x, y + 14, label(t, days), x > right - 24 ? "end" : x < left + 24 ? "start" : "middle", "axis");
            }
        }

        static String label(Instant t, boolean days) {
            LocalDateTime time = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
            String hm = String.format(Locale.ROOT, "%02d:%02d", time.getHour(), time.getMinute());
            return days ? "d" + (Duration.between(FleetDrill.START, t).toDays() + 1) + " " + hm : hm;
        }
    }

    static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
