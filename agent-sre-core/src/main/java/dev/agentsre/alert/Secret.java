package dev.agentsre.alert;

import dev.agentsre.internal.Check;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * A credential a receiver needs — a webhook URL (Slack, Teams and generic webhook URLs carry their
 * token in the path), a PagerDuty routing key, an Opsgenie API key, a signing secret. It never
 * shows itself: {@link #toString()} is {@code ***}, and the library only ever logs or reports
 * the scheme and host of a secret URL ({@link #redacted()}). Immutable.
 */
public final class Secret {

    private final String value;
    private final boolean url;

    private Secret(String value, boolean url) {
        this.value = value;
        this.url = url;
    }

    /** A secret value such as an API key. */
    public static Secret of(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("secret must not be blank");
        }
        return new Secret(value, false);
    }

    /**
     * A secret URL; it must be an absolute http or https URL.
     *
     * @throws IllegalArgumentException (without echoing the URL) when it is not
     */
    public static Secret url(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("secret URL must not be blank");
        }
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null || uri.getHost() == null
                    || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))) {
                throw new IllegalArgumentException("secret URL must be an absolute http(s) URL, got one with scheme "
                        + uri.getScheme());
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("secret URL is not a valid URI (at index " + e.getIndex() + ")");
        }
        return new Secret(url, true);
    }

    /** The value; for receivers only. */
    String reveal() {
        return value;
    }

    /** The value as a URI; for receivers only. */
    URI revealUri() {
        return URI.create(value);
    }

    /** Whether this is a URL. */
    public boolean isUrl() {
        return url;
    }

    /** What may be shown: {@code https://hooks.slack.com/***} for a URL, {@code ***} otherwise. */
    public String redacted() {
        if (!url) {
            return "***";
        }
        URI uri = URI.create(value);
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "") + "/***";
    }

    /** Replaces every occurrence of this secret in {@code text} with {@code ***}. */
    String scrub(String text) {
        if (text == null) {
            return null;
        }
        return text.replace(value, redacted());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret && ((Secret) o).value.equals(value) && ((Secret) o).url == url;
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    /** Always {@code ***}: a secret never prints itself. */
    @Override
    public String toString() {
        return "***";
    }

    static Secret checked(String name, Secret secret) {
        return Check.notNull(name, secret);
    }
}
