package io.patternkit.sidecar.engine.sqlite;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Function;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;
import org.sqlite.util.OSInfo;

/**
 * Keeps sqlite-jdbc's native library for this platform in the sidecar's data directory and points sqlite-jdbc's
 * own {@code org.sqlite.lib.path} at it, so that a start loads it from there.
 *
 * <p>Without it, sqlite-jdbc copies the library out of the jar into {@code java.io.tmpdir} under a new name on every
 * start and then compares the copy with the jar's entry a byte at a time: about 60 ms of a sidecar's start-up on
 * this project's machines (docs/benchmarks.md, the footprint notes), and a 1 MB file in the temporary directory per
 * start, left behind by a {@code kill -9}. Here the copy is made once per sqlite-jdbc version and platform, into
 * {@code DATA/native/sqlite-jdbc-VERSION-OS-ARCH/}, written to a temporary file, forced to disk and renamed into
 * place, so that several sidecars sharing a data directory never load a half-written library; a copy whose size or
 * CRC-32 differs from the jar entry's (a damaged file, another file put in its place) is made again. When it makes a
 * copy, it removes this platform's copies of other sqlite-jdbc versions (an upgrade's leftovers, 1 MB each on a volume
 * that outlives the container); a sidecar of another version that starts later makes its own copy again.
 *
 * <p>The sidecar's jar carries the library for Linux only (glibc and musl, x86_64 and aarch64: container images),
 * not the 2.5 MB of macOS's and Windows' libraries. On another platform (a developer's machine running the jar in
 * tests) the copy is made from sqlite-jdbc's own jar in the local Maven repository ({@code maven.repo.local}, or
 * {@code ~/.m2/repository}), where building the sidecar put it.
 *
 * <p>An operator's own {@code -Dorg.sqlite.lib.path} is left alone, and when neither jar has the library for this
 * platform (a warning says what to do), on a data directory that cannot hold executable code ({@code noexec}), or
 * when the copy fails, nothing is set and sqlite-jdbc does what it does without this class.
 */
final class SqliteNativeLibrary {
    static final String LIB_PATH_PROPERTY = "org.sqlite.lib.path";
    private static final Logger LOG = LoggerFactory.getLogger(SqliteNativeLibrary.class);

    private SqliteNativeLibrary() {
    }

    /**
     * Points sqlite-jdbc at the copy of its library in {@code dataDir}, making the copy first if there is none;
     * does nothing when {@value #LIB_PATH_PROPERTY} is already set. Call before the first SQLite connection.
     *
     * @param dataDir the sidecar's data directory
     */
    static void useCopyIn(Path dataDir) {
        if (System.getProperty(LIB_PATH_PROPERTY) != null) {
            return;
        }
        try {
            install(dataDir).ifPresent(library -> System.setProperty(LIB_PATH_PROPERTY, library.getParent().toString()));
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot keep SQLite's native library in {}: {}; {}", dataDir, e.toString(),
                    otherwise(SQLiteJDBCLoader.class.getResource(resourcePath()) != null));
        }
    }

    /** What happens when no copy is made: sqlite-jdbc's own copy from this jar, or nothing without -Dorg.sqlite.lib.path. */
    private static String otherwise(boolean inThisJar) {
        return inThisJar ? "sqlite-jdbc copies it to the temporary directory instead"
                : "this jar has no copy of its own for " + OSInfo.getNativeLibFolderPathForCurrentOS()
                        + ", so SQLite cannot load: start the sidecar with -D" + LIB_PATH_PROPERTY
                        + "=DIR naming a directory that holds it (docs/operations.md, Platforms)";
    }

    /** This platform's library's absolute resource name in sqlite-jdbc's jar. */
    private static String resourcePath() {
        return LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName();
    }

    /**
     * Copies this platform's library out of the sidecar's jar, or sqlite-jdbc's jar in the local Maven repository when
     * the sidecar's lacks it, into {@code dataDir}, unless a copy with the jar entry's size and CRC-32 is there.
     *
     * @param dataDir the sidecar's data directory
     * @return the copy, or empty when neither jar has a library for this platform or the data directory does not let
     *     it be executed (a file system mounted {@code noexec})
     * @throws IOException when the copy cannot be made
     */
    static Optional<Path> install(Path dataDir) throws IOException {
        return install(dataDir, SQLiteJDBCLoader.class::getResource, localMavenRepository());
    }

    /**
     * {@link #install(Path)} with where the library is looked for given.
     *
     * @param dataDir the sidecar's data directory
     * @param jarResources finds a resource of the sidecar's jar by its absolute name; null when there is none
     * @param mavenRepository the local Maven repository, searched when the sidecar's jar lacks the library
     * @return as {@link #install(Path)}
     * @throws IOException when the copy cannot be made
     */
    static Optional<Path> install(Path dataDir, Function<String, URL> jarResources, Path mavenRepository)
            throws IOException {
        URL resource = jarResources.apply(resourcePath());
        if (resource != null) {
            URLConnection connection = resource.openConnection();
            long crc = connection instanceof JarURLConnection jar ? jar.getJarEntry().getCrc() : -1;
            return copy(dataDir, connection.getContentLengthLong(), crc, connection::getInputStream, true);
        }
        String version = SQLiteJDBCLoader.getVersion();
        Path jar = mavenRepository.resolve(Path.of("org", "xerial", "sqlite-jdbc", version, "sqlite-jdbc-" + version + ".jar"));
        if (Files.isRegularFile(jar)) {
            try (JarFile sqliteJdbc = new JarFile(jar.toFile())) {
                JarEntry entry = sqliteJdbc.getJarEntry(resourcePath().substring(1));
                if (entry != null) {
                    LOG.info("SQLite's native library for {} comes from {} (this jar carries Linux's only)",
                            OSInfo.getNativeLibFolderPathForCurrentOS(), jar);
                    return copy(dataDir, entry.getSize(), entry.getCrc(), () -> sqliteJdbc.getInputStream(entry), false);
                }
            }
        }
        LOG.warn("this jar carries SQLite's native library for Linux only (glibc and musl, x86_64 and aarch64), not for {},"
                + " and sqlite-jdbc's jar in the local Maven repository ({}) is missing or lacks it: fetch it with"
                + " `mvn dependency:get -Dartifact=org.xerial:sqlite-jdbc:{}`, or start the sidecar with -D{}=DIR naming a"
                + " directory that holds sqlite-jdbc {}'s {} for this platform (docs/operations.md, Platforms)",
                OSInfo.getNativeLibFolderPathForCurrentOS(), jar, version, LIB_PATH_PROPERTY, version,
                LibraryLoaderUtil.getNativeLibName());
        return Optional.empty();
    }

    /** {@code maven.repo.local} when set, as the sidecar's JVM was given it; otherwise {@code ~/.m2/repository}. */
    private static Path localMavenRepository() {
        String configured = System.getProperty("maven.repo.local");
        return configured != null ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** Opens a jar entry's contents. */
    @FunctionalInterface
    private interface EntryContents {
        InputStream open() throws IOException;
    }

    /**
     * Copies the library into {@code dataDir} unless a copy with the entry's size and CRC-32 is there.
     *
     * @param size the entry's size in bytes
     * @param crc the entry's CRC-32, or -1 when it does not come from a jar (then the size alone is compared)
     * @param contents opens the entry
     * @param inThisJar whether the entry is this jar's own (sqlite-jdbc can then make a copy of its own)
     */
    private static Optional<Path> copy(Path dataDir, long size, long crc, EntryContents contents, boolean inThisJar)
            throws IOException {
        String name = LibraryLoaderUtil.getNativeLibName();
        String platform = "-" + OSInfo.getNativeLibFolderPathForCurrentOS().replace('/', '-');
        Path dir = dataDir.resolve("native").resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion() + platform);
        Path library = dir.resolve(name);
        if (!sameAs(library, size, crc)) {
            Files.createDirectories(dir);
            Path partial = Files.createTempFile(dir, name, ".partial");
            try (InputStream in = contents.open()) {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                try (FileChannel written = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                    written.force(true); // on disk before the rename makes it the library
                }
                executable(partial);
                moveIntoPlace(partial, library, size, crc);
            } finally {
                Files.deleteIfExists(partial);
            }
            LOG.debug("SQLite's native library copied to {}", library);
            removeOtherVersions(dir, platform);
        } else if (!Files.isExecutable(library)) {
            executable(library);
        }
        // On a file system mounted noexec, access(2) says so, before dlopen would fail with an error on every start.
        if (!Files.isExecutable(library)) {
            String message = "SQLite's native library cannot run from {} (mounted noexec?); {}";
            if (inThisJar) {
                LOG.info(message, dir, otherwise(true));
            } else {
                LOG.warn(message, dir, otherwise(false)); // nothing else to load: a start that fails next says why
            }
            return Optional.empty();
        }
        return Optional.of(library);
    }

    /**
     * Renames the written copy to the library's name. Where that fails because another sidecar sharing the data
     * directory has just put the same library there and loaded it (Windows refuses to replace a loaded DLL), its copy
     * is kept.
     */
    private static void moveIntoPlace(Path partial, Path library, long size, long crc) throws IOException {
        try {
            Files.move(partial, library, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            if (!sameAs(library, size, crc)) {
                throw e;
            }
        }
    }

    /**
     * Whether {@code library} is a regular file, not a link, with the jar entry's size and CRC-32 (its checksum in the
     * jar's directory; -1 when the library does not come from a jar, and then the size alone is compared).
     */
    private static boolean sameAs(Path library, long size, long crc) throws IOException {
        if (!Files.isRegularFile(library, LinkOption.NOFOLLOW_LINKS) || Files.size(library) != size) {
            return false;
        }
        if (crc < 0) {
            return true;
        }
        CRC32 checksum = new CRC32();
        checksum.update(Files.readAllBytes(library));
        return checksum.getValue() == crc;
    }

    /**
     * Deletes the directories beside {@code kept} that hold this platform's library of another sqlite-jdbc version,
     * logging what it cannot delete; a library another process has loaded stays mapped in it after the deletion.
     */
    private static void removeOtherVersions(Path kept, String platform) {
        try (Stream<Path> siblings = Files.list(kept.getParent())) {
            for (Path other : siblings.filter(d -> !d.equals(kept) && Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)
                    && d.getFileName().toString().startsWith("sqlite-jdbc-")
                    && d.getFileName().toString().endsWith(platform)).toList()) {
                try (Stream<Path> files = Files.walk(other)) {
                    for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(file);
                    }
                }
                LOG.info("removed {}, SQLite's native library of another sqlite-jdbc version", other);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("cannot remove the copies of other sqlite-jdbc versions beside {}: {}", kept, e.toString());
        }
    }

    /**
     * rwxr-xr-x, on a file system with POSIX permissions; left as it is where it cannot be changed (not POSIX, or a
     * file of another user's sharing the data directory, which {@link Files#isExecutable} then judges).
     */
    private static void executable(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException | IOException e) {
            LOG.debug("cannot make {} executable: {}", file, e.toString());
        }
    }
}
