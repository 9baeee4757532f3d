package io.patternkit.samples.search;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Which shard a corpus file belongs to: a stable hash of its relative path, so every process agrees. */
public final class Sharding {
    private Sharding() {
    }

    /**
     * The shard name of shard number {@code index}.
     *
     * @param index 0-based
     * @return {@code "s<index>"}
     */
    public static String name(int index) {
        return "s" + index;
    }

    /**
     * The files of one shard.
     *
     * @param root the corpus root
     * @param files every file of the corpus
     * @param index the shard's number, 0-based
     * @param shards how many shards there are
     * @return the files whose relative path hashes to {@code index}
     */
    public static List<Path> filesOf(Path root, List<Path> files, int index, int shards) {
        List<Path> mine = new ArrayList<>();
        for (Path file : files) {
            if (indexOf(relativePath(root, file), shards) == index) {
                mine.add(file);
            }
        }
        return mine;
    }

    /**
     * The shard of one document.
     *
     * @param path the file's path relative to the corpus root, with {@code /} separators (as in {@link Hit#path()})
     * @param shards how many shards there are
     * @return the shard's number, 0-based
     */
    public static int indexOf(String path, int shards) {
        return Math.floorMod(path.hashCode(), shards);
    }

    static String relativePath(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }
}
