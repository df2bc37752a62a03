package dev.agentsre.store.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A Lua script of the Redis stores: its text (the shared prelude plus its own) and SHA-1 digest. */
final class RedisScript {

    final String name;
    final String text;
    final String sha;

    private RedisScript(String name, String text) {
        this.name = name;
        this.text = text;
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }

    /** The script {@code name}.lua, after common.lua when {@code withCommon}. */
    static RedisScript load(String name, boolean withCommon) {
        String text = (withCommon ? resource("common") + "\n" : "") + resource(name);
        return new RedisScript(name, text);
    }

    private static String resource(String name) {
        try (InputStream in = RedisScript.class.getResourceAsStream(name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException("script " + name + ".lua is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final RedisScript RESERVE = load("reserve", true);
    static final RedisScript SETTLE = load("settle", true);
    static final RedisScript RENEW = load("renew", true);
    static final RedisScript FLAG_SET = load("flag-set", false);
    static final RedisScript FLAG_CLEAR = load("flag-clear", false);
    static final RedisScript WINDOW_ADD = load("window-add", false);
}
