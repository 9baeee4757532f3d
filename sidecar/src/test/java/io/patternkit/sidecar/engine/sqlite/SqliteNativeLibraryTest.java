package io.patternkit.sidecar.engine.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

class SqliteNativeLibraryTest {
    @TempDir
    Path data;

    @Test
    void copiesThisPlatformsLibraryOnceIntoTheDataDirectory() throws IOException {
        Path library = SqliteNativeLibrary.install(data).orElseThrow();

        assertThat(library).startsWith(data.resolve("native")).hasFileName(LibraryLoaderUtil.getNativeLibName());
        assertThat(library.getParent().getFileName().toString()).startsWith("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion() + "-");
        assertThat(Files.readAllBytes(library)).isEqualTo(jarEntry());
        try (var files = Files.list(library.getParent())) {
            assertThat(files).containsExactly(library); // no partial file left behind
        }

        FileTime made = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));
        Files.setLastModifiedTime(library, made);
        assertThat(SqliteNativeLibrary.install(data)).contains(library);
        assertThat(Files.getLastModifiedTime(library)).as("a copy of the right size is kept, not made again").isEqualTo(made);
    }

    @Test
    void replacesACopyOfTheWrongSize() throws IOException {
        Path library = SqliteNativeLibrary.install(data).orElseThrow();
        Files.write(library, new byte[] {1, 2, 3});

        assertThat(SqliteNativeLibrary.install(data)).contains(library);
        assertThat(Files.readAllBytes(library)).isEqualTo(jarEntry());
    }

    @Test
    void replacesACopyOfTheRightSizeWithOtherBytes() throws IOException {
        Path library = SqliteNativeLibrary.install(data).orElseThrow();
        byte[] damaged = jarEntry();
        damaged[damaged.length / 2] ^= 0x5a;
        Files.write(library, damaged);

        assertThat(SqliteNativeLibrary.install(data)).contains(library);
        assertThat(Files.readAllBytes(library)).isEqualTo(jarEntry());
    }

    @Test
    void replacesALinkPutInItsPlace() throws IOException {
        Path library = SqliteNativeLibrary.install(data).orElseThrow();
        Path elsewhere = Files.write(data.resolve("elsewhere.so"), jarEntry());
        Files.delete(library);
        Files.createSymbolicLink(library, elsewhere);

        assertThat(SqliteNativeLibrary.install(data)).contains(library);
        assertThat(Files.isSymbolicLink(library)).isFalse();
        assertThat(Files.readAllBytes(library)).isEqualTo(jarEntry());
    }

    @Test
    void removesThisPlatformsCopiesOfOtherVersionsWhenItMakesOne() throws IOException {
        Path nativeDir = data.resolve("native");
        String platform = SqliteNativeLibrary.install(data).orElseThrow().getParent().getFileName().toString()
                .substring(("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion()).length());
        Path older = Files.createDirectories(nativeDir.resolve("sqlite-jdbc-3.0.0.0" + platform));
        Files.write(older.resolve(LibraryLoaderUtil.getNativeLibName()), new byte[] {1});
        Path otherPlatform = Files.createDirectories(nativeDir.resolve("sqlite-jdbc-3.0.0.0-Plan9-mips"));
        Path unrelated = Files.createDirectories(nativeDir.resolve("an-operators-own" + platform));

        assertThat(SqliteNativeLibrary.install(data)).as("a good copy is kept: nothing is cleaned").isPresent();
        assertThat(older).exists();

        Path library = SqliteNativeLibrary.install(data).orElseThrow();
        Files.write(library, new byte[] {1, 2, 3});
        assertThat(SqliteNativeLibrary.install(data)).contains(library);
        assertThat(older).doesNotExist();
        assertThat(otherPlatform).exists();
        assertThat(unrelated).exists();
        assertThat(library).exists();
    }

    @Test
    void theCopyIsExecutableAndWritableByItsOwnerAlone() throws IOException {
        Path library = SqliteNativeLibrary.install(data).orElseThrow();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(library))).isEqualTo("rwxr-xr-x");
        Files.setPosixFilePermissions(library, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(SqliteNativeLibrary.install(data)).contains(library);
        assertThat(Files.isExecutable(library)).isTrue();
    }

    @Test
    void takesTheLibraryFromSqliteJdbcsJarInTheMavenRepositoryWhenTheSidecarsJarLacksIt() throws IOException {
        Path repository = data.resolve("repository");
        byte[] library = "a library for this platform".getBytes(StandardCharsets.US_ASCII);
        sqliteJdbcJar(repository, LibraryLoaderUtil.getNativeLibResourcePath().substring(1) + "/"
                + LibraryLoaderUtil.getNativeLibName(), library);

        Path copy = SqliteNativeLibrary.install(data.resolve("data"), resource -> null, repository).orElseThrow();

        assertThat(copy).startsWith(data.resolve("data").resolve("native"));
        assertThat(Files.readAllBytes(copy)).isEqualTo(library);
        assertThat(Files.isExecutable(copy)).isTrue();
        assertThat(SqliteNativeLibrary.install(data.resolve("data"), resource -> null, repository)).contains(copy);
    }

    @Test
    void leavesItToSqliteJdbcWhenNeitherJarHasTheLibrary() throws IOException {
        Path repository = data.resolve("repository");
        assertThat(SqliteNativeLibrary.install(data.resolve("data"), resource -> null, repository))
                .as("no sqlite-jdbc jar in the repository").isEmpty();

        sqliteJdbcJar(repository, "org/sqlite/native/Plan9/mips/libsqlitejdbc.so", new byte[] {1});
        assertThat(SqliteNativeLibrary.install(data.resolve("data"), resource -> null, repository))
                .as("a jar without this platform's library").isEmpty();
        assertThat(data.resolve("data")).doesNotExist();
    }

    /** Writes sqlite-jdbc's jar of this version into a Maven repository's layout, holding one entry. */
    private static void sqliteJdbcJar(Path repository, String entry, byte[] content) throws IOException {
        String version = SQLiteJDBCLoader.getVersion();
        Path jar = repository.resolve("org/xerial/sqlite-jdbc/" + version + "/sqlite-jdbc-" + version + ".jar");
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(entry));
            out.write(content);
            out.closeEntry();
        }
    }

    private static byte[] jarEntry() throws IOException {
        try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(
                LibraryLoaderUtil.getNativeLibResourcePath() + "/" + LibraryLoaderUtil.getNativeLibName())) {
            assertThat(in).as("this platform's library in sqlite-jdbc's jar").isNotNull();
            return in.readAllBytes();
        }
    }
}
