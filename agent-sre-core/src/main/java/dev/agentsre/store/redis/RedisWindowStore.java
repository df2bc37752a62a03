package dev.agentsre.store.redis;

import dev.agentsre.internal.Check;
import dev.agentsre.store.FlagKeys;
import dev.agentsre.store.WindowSnapshot;
import dev.agentsre.store.WindowStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link WindowStore} of a {@link RedisStateStore}: one hash per window
 * ({@code {ns}:w:<key>}) with a counter per bucket ({@code t<index>}, {@code b<index>}) that every
 * JVM increments ({@code HINCRBY} in one script that also drops buckets that fell out of the ring),
 * so the window Redis returns counts the events of the whole fleet. Constant size: at most
 * {@code size} buckets per window; an idle window expires after twice its span.
 */
final class RedisWindowStore implements WindowStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisWindowStore.class);

    private final RedisConnector redis;
    private final String prefix;

    RedisWindowStore(RedisConnector redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix + "w:";
    }

    @Override
    public WindowSnapshot add(String key, WindowSnapshot delta) {
        FlagKeys.checkKey(key);
        Check.notNull("delta", delta);
        List<WindowSnapshot.Bucket> buckets = delta.buckets();
        String[] args = new String[6 + 3 * buckets.size()];
        args[0] = Long.toString(delta.bucketMillis());
        args[1] = Integer.toString(delta.size());
        args[2] = Long.toString(delta.lifetimeTotal());
        args[3] = Long.toString(delta.lifetimeBad());
        args[4] = delta.firstEventMillis() == WindowSnapshot.NO_EVENT ? "" : Long.toString(delta.firstEventMillis());
        long span;
        try {
            span = Math.multiplyExact(delta.bucketMillis(), (long) delta.size());
        } catch (ArithmeticException e) {
            span = Long.MAX_VALUE;
        }
        args[5] = Long.toString(Math.min(Long.MAX_VALUE / 4, span) * 2); // an idle window lives twice its span
        int i = 6;
        for (WindowSnapshot.Bucket b : buckets) {
            args[i++] = Long.toString(b.index());
            args[i++] = Long.toString(b.total());
            args[i++] = Long.toString(b.bad());
        }
        List<Object> reply = redis.eval(RedisScript.WINDOW_ADD, new String[] {prefix + key}, args);
        if ("1".equals(reply.get(0))) {
            LOG.warn("Window '{}' changed its layout: its counts in Redis were dropped", key);
        }
        Map<String, String> fields = new HashMap<>();
        for (int j = 1; j + 1 < reply.size(); j += 2) {
            fields.put((String) reply.get(j), (String) reply.get(j + 1));
        }
        return decode(fields);
    }

    @Override
    public Optional<WindowSnapshot> load(String key) {
        FlagKeys.checkKey(key);
        Map<String, String> fields = redis.call("HGETALL", c -> c.hgetall(prefix + key));
        return fields.isEmpty() ? Optional.empty() : Optional.of(decode(fields));
    }

    private static WindowSnapshot decode(Map<String, String> fields) {
        long bucketMillis = Long.parseLong(fields.get("m"));
        int size = Integer.parseInt(fields.get("s"));
        Map<Long, long[]> counts = new HashMap<>();
        for (Map.Entry<String, String> e : fields.entrySet()) {
            String name = e.getKey();
            if (name.length() > 1 && (name.charAt(0) == 't' || name.charAt(0) == 'b') && Character.isDigit(name.charAt(1))) {
                long index = Long.parseLong(name.substring(1));
                long[] c = counts.computeIfAbsent(index, k -> new long[2]);
                c[name.charAt(0) == 't' ? 0 : 1] = Long.parseLong(e.getValue());
            }
        }
        List<WindowSnapshot.Bucket> buckets = new ArrayList<>(counts.size());
        counts.forEach((index, c) -> buckets.add(new WindowSnapshot.Bucket(index, c[0], c[1])));
        String first = fields.get("fe");
        return WindowSnapshot.of(bucketMillis, size, buckets, Long.parseLong(fields.getOrDefault("lt", "0")),
                Long.parseLong(fields.getOrDefault("lb", "0")), first == null ? WindowSnapshot.NO_EVENT : Long.parseLong(first));
    }

    @Override
    public void close() {
        // the connection belongs to the RedisStateStore
    }
}
