package io.patternkit.server.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway certificate authority for tests, made with the {@code openssl} command (Debian's, always on this
 * machine kind): EC P-256 keys, certificates valid for two days. Shared through this module's test-jar.
 */
public final class TestCertificates {
    private final Path dir;
    private final Path caCertificate;
    private final Path caKey;

    private TestCertificates(Path dir) {
        this.dir = dir;
        this.caCertificate = dir.resolve("ca.crt");
        this.caKey = dir.resolve("ca.key");
    }

    /**
     * Makes a new authority.
     *
     * @param dir an empty directory for its files
     * @return the authority
     */
    public static TestCertificates authority(Path dir) {
        TestCertificates ca = new TestCertificates(dir);
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=patternkit-test-ca", "-keyout", "ca.key", "-out", "ca.crt");
        return ca;
    }

    /** @return the authority's certificate (PEM), to trust */
    public Path caCertificate() {
        return caCertificate;
    }

    /**
     * @return a client TLS context that trusts this authority only (for the JDK's {@code HttpClient})
     */
    public SSLContext clientContext() {
        try (InputStream in = Files.newInputStream(caCertificate)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Issues a server certificate.
     *
     * @param name a file name prefix, such as {@code leaf}
     * @param subjectAltNames such as {@code DNS:localhost} and {@code IP:127.0.0.1}
     * @return the certificate and key files
     */
    public TlsFiles issue(String name, String... subjectAltNames) {
        openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=" + name,
                "-keyout", name + ".key", "-out", name + ".csr");
        try {
            Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=" + String.join(",", subjectAltNames) + "\n",
                    StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl(dir, "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-extfile", name + ".ext", "-out", name + ".crt");
        return new TlsFiles(dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
    }

    private static void openssl(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
