package io.patternkit.samples.indexing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The input of the indexing job: Java source files from a zip (by default the JDK's own
 * {@code lib/src.zip}) or a directory, laid out under one root so that each file's path relative
 * to the root names it.
 */
public final class Corpus {
    private final Path root;
    private final List<Path> files;

    private Corpus(Path root, List<Path> files) {
        this.root = root;
        this.files = files;
    }

    /** @return the directory every file's relative path is taken from */
    public Path root() {
        return root;
    }

    /** @return the files, in name order */
    public List<Path> files() {
        return files;
    }

    /**
     * Finds the source archive of an installed JDK: the running one first, then any under
     * {@code /usr/lib/jvm}. A JDK whose {@code src.zip} is a dangling link is skipped.
     *
     * @return the {@code src.zip} found, or empty when no installed JDK has one
     * @throws IOException when {@code /usr/lib/jvm} cannot be listed
     */
    public static Optional<Path> findJdkSources() throws IOException {
        Path own = Path.of(System.getProperty("java.home"), "lib", "src.zip");
        if (Files.isRegularFile(own)) {
            return Optional.of(own);
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(jvms)) {
            return dirs.map(d -> d.resolve("lib/src.zip")).filter(Files::isRegularFile)
                    .sorted(Comparator.reverseOrder()).findFirst();
        }
    }

    /**
     * The corpus a sample runs on: the one given, else the installed JDK's sources.
     *
     * @param given a zip or directory from the command line, or null
     * @return {@code given}, or the JDK's {@code src.zip}
     * @throws IllegalStateException when none was given and no JDK has its sources installed
     * @throws IOException when {@code /usr/lib/jvm} cannot be listed
     */
    public static Path sourceOrJdk(Path given) throws IOException {
        if (given != null) {
            return given;
        }
        return findJdkSources().orElseThrow(() ->
                new IllegalStateException("no JDK lib/src.zip found; pass --corpus DIR_OR_ZIP"));
    }

    /**
     * Prepares the corpus: a zip is extracted under {@code extractTo}; a directory is used in place.
     *
     * @param source a {@code .zip} file or a directory
     * @param extractTo where a zip's entries go
     * @param limit at most this many files, in name order (0 = all)
     * @return the corpus, its files in name order
     * @throws IOException when the source cannot be read or the zip cannot be extracted
     */
    public static Corpus prepare(Path source, Path extractTo, int limit) throws IOException {
        if (Files.isDirectory(source)) {
            try (Stream<Path> walk = Files.walk(source)) {
                List<Path> files = walk.filter(Files::isRegularFile).sorted()
                        .limit(limit > 0 ? limit : Long.MAX_VALUE).toList();
                return new Corpus(source.toAbsolutePath().normalize(), files);
            }
        }
        Path root = extractTo.toAbsolutePath().normalize();
        List<Path> files = new ArrayList<>();
        try (ZipFile zip = new ZipFile(source.toFile())) {
            List<? extends ZipEntry> entries = zip.stream().filter(e -> !e.isDirectory())
                    .sorted(Comparator.comparing(ZipEntry::getName))
                    .limit(limit > 0 ? limit : Long.MAX_VALUE).toList();
            for (ZipEntry entry : entries) {
                Path target = root.resolve(entry.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new IOException("zip entry escapes the corpus directory: " + entry.getName());
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, target);
                }
                files.add(target);
            }
        }
        return new Corpus(root, files);
    }
}
