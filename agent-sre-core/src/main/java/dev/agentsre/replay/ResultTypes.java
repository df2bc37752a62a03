package dev.agentsre.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.agentsre.internal.CanonicalJson;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns recorded results and failures back into Java objects, building only classes a trace may
 * name: JDK values, and what {@link ReplayOptions} allows. A class name from a trace is never
 * loaded unless it is allowed.
 */
final class ResultTypes {

    /** Span attribute: how a request or result that Jackson could not write was recorded. */
    static final String REQUEST_ENCODING = "agentsre.request.encoding";
    static final String RESPONSE_ENCODING = "agentsre.response.encoding";
    static final String TO_STRING = "toString";

    private static final Map<String, Class<?>> JDK_VALUES = new HashMap<>();

    static {
        for (Class<?> type : new Class<?>[] {String.class, Integer.class, Long.class, Short.class, Byte.class, Double.class,
                Float.class, Boolean.class, Character.class, BigDecimal.class, BigInteger.class, byte[].class, String[].class,
                int[].class, long[].class, double[].class, boolean[].class, java.util.UUID.class, java.util.Date.class,
                java.net.URI.class}) {
            JDK_VALUES.put(type.getName(), type);
        }
    }

    private final ReplayOptions options;

    ResultTypes(ReplayOptions options) {
        this.options = options;
    }

    /** The recorded result of {@code span} (or {@code response} in its place) as a Java object. */
    Object result(Span span, JsonNode response) {
        String type = span.responseType();
        if (response == null || response.isNull()) {
            return null;
        }
        if (TO_STRING.equals(span.attributes().get(RESPONSE_ENCODING))) {
            return fromToString(span, response);
        }
        Class<?> target;
        if (JDK_VALUES.containsKey(type)) {
            target = JDK_VALUES.get(type);
        } else if (type == null || type.startsWith("java.util.")) {
            target = Object.class; // collections and maps come back as ArrayList / LinkedHashMap
        } else {
            target = allowed(type);
            if (target == null) {
                throw new UnreplayableStepException(span.step(), type, "step " + span.step() + " recorded a result of type " + type
                        + ", which replay may not build from a trace; allow it with ReplayOptions.allowTypes(" + simpleName(type)
                        + ".class) or allowPackages(\"" + packageOf(type) + "\")");
            }
        }
        try {
            return CanonicalJson.mapper().treeToValue(response, target);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new UnreplayableStepException(span.step(), type, "step " + span.step() + " recorded a result of type " + type
                    + " that cannot be rebuilt from its JSON: " + e.getMessage());
        }
    }

    /** A value that was recorded as its {@code toString()}: {@code java.time} values parse back, anything else cannot. */
    private static Object fromToString(Span span, JsonNode response) {
        String type = span.responseType();
        if (type != null && type.startsWith("java.time.")) {
            try {
                Class<?> cls = Class.forName(type, false, null);
                Method parse = cls.getMethod("parse", CharSequence.class);
                if (Modifier.isStatic(parse.getModifiers())) {
                    return parse.invoke(null, response.asText());
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                // falls through to the explanation below
            }
        }
        throw new UnreplayableStepException(span.step(), type, "step " + span.step() + " returned a " + type
                + " that could not be written as JSON when it was recorded; only its toString() was kept (\"" + abbreviate(response.asText())
                + "\"), so replay cannot hand it back. Make the type serialisable by Jackson, or override the step's response.");
    }

    /** The recorded failure rebuilt as its original type when that is a JDK or allowed exception with a (String) constructor. */
    Throwable failure(Span span) {
        String type = span.errorType();
        String message = span.errorMessage();
        if (type != null) {
            try {
                Class<?> cls = type.startsWith("java.") || type.startsWith("javax.") ? Class.forName(type, false, null) : allowed(type);
                if (cls != null && Throwable.class.isAssignableFrom(cls)) {
                    return (Throwable) cls.getConstructor(String.class).newInstance(message);
                }
            } catch (ReflectiveOperationException | RuntimeException | LinkageError notRebuildable) {
                // the generic replayed failure below
            }
        }
        return new ReplayedFailureException(type, message);
    }

    /** The allowed class of this name, or null; only names already allowed are ever loaded. */
    private Class<?> allowed(String type) {
        if (options.anyType()) {
            try {
                return Class.forName(type, false, classLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                return null;
            }
        }
        for (Class<?> cls : options.allowedTypes()) {
            if (cls.getName().equals(type)) {
                return cls;
            }
        }
        String pkg = packageOf(type);
        for (String allowed : options.allowedPackages()) {
            if (pkg.equals(allowed) || pkg.startsWith(allowed + ".")) {
                try {
                    return Class.forName(type, false, classLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static String packageOf(String type) {
        int dot = type.lastIndexOf('.');
        return dot < 0 ? "" : type.substring(0, dot);
    }

    private static String simpleName(String type) {
        return type.substring(type.lastIndexOf('.') + 1).replace('$', '.');
    }

    private static String abbreviate(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }

    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : ResultTypes.class.getClassLoader();
    }
}
