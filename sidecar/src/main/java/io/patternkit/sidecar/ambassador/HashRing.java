package io.patternkit.sidecar.ambassador;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Consistent hashing with virtual nodes, as libketama and twemproxy's {@code ketama} distribution
 * place memcache servers: each member is hashed onto a 32-bit ring at {@value #POINTS_PER_MEMBER}
 * points (MD5 of {@code name-i}, four points per digest), and a key belongs to the first member
 * point at or after the key's own MD5 point, wrapping around. Adding an N+1st member therefore
 * moves about 1/(N+1) of the keys, all of them to the new member, and removing one moves only its
 * own keys. Members are placed by name, so replacing a shard's endpoints moves no key. Immutable
 * and thread-safe.
 *
 * @param <T> the members, such as shards
 */
public final class HashRing<T> {
    /** Points per member: 160, libketama's count, which keeps every member's share within a few percent. */
    public static final int POINTS_PER_MEMBER = 160;

    private final long[] points;
    private final List<T> owners;

    /**
     * Places the members on the ring.
     *
     * @param members the members by their names, at least one; names must be unique (they are map keys)
     * @throws IllegalArgumentException when there is no member
     */
    public HashRing(Map<String, T> members) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a hash ring needs at least one member");
        }
        TreeMap<Long, T> ring = new TreeMap<>();
        // Sorted names: where two points collide, the same member wins whatever the map's order.
        for (String name : members.keySet().stream().sorted().toList()) {
            T member = members.get(name);
            for (int i = 0; i < POINTS_PER_MEMBER / 4; i++) {
                byte[] digest = md5(name + "-" + i);
                for (int k = 0; k < 4; k++) {
                    ring.putIfAbsent(point(digest, k), member);
                }
            }
        }
        this.points = ring.keySet().stream().mapToLong(Long::longValue).toArray();
        this.owners = List.copyOf(ring.values());
    }

    /**
     * @param key the routing key, never null; hashed as UTF-8
     * @return the member that owns it, never null
     */
    public T owner(String key) {
        long point = point(md5(key), 0);
        int at = Arrays.binarySearch(points, point);
        int index = at >= 0 ? at : -at - 1;
        return owners.get(index == points.length ? 0 : index);
    }

    /** The k-th little-endian 32-bit word of an MD5 digest, unsigned, as libketama reads its points. */
    private static long point(byte[] digest, int k) {
        return ((long) (digest[3 + k * 4] & 0xFF) << 24) | ((long) (digest[2 + k * 4] & 0xFF) << 16)
                | ((long) (digest[1 + k * 4] & 0xFF) << 8) | (digest[k * 4] & 0xFF);
    }

    private static byte[] md5(String text) {
        try {
            return MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
    }
}
