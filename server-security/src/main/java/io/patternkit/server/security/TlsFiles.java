package io.patternkit.server.security;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Objects;

/**
 * A server's TLS identity as two PEM files (RFC 7468): the certificate chain, the server's own certificate
 * first, and its private key (PKCS#8, PKCS#1 RSA or SEC1 EC). This is the layout of a Kubernetes
 * {@code kubernetes.io/tls} Secret mounted as a volume ({@code tls.crt}, {@code tls.key}), which cert-manager
 * keeps renewed; {@link CertificateReloader} picks up a renewal without a restart. Immutable.
 *
 * @param certificateChain the PEM certificate chain, not null
 * @param privateKey the PEM private key, not null; never logged
 */
public record TlsFiles(Path certificateChain, Path privateKey) {
    /**
     * @param certificateChain the PEM certificate chain, not null
     * @param privateKey the PEM private key, not null; never logged
     * @throws NullPointerException when a path is null
     */
    public TlsFiles {
        Objects.requireNonNull(certificateChain, "certificateChain");
        Objects.requireNonNull(privateKey, "privateKey");
    }

    /**
     * Reads both files and checks that they make a usable identity, so that a wrong file stops a server at
     * start with a message naming it instead of failing every handshake.
     *
     * @param vertx the Vert.x instance that will serve it (key loading runs through it)
     * @return what the files hold now
     * @throws UncheckedIOException when a file cannot be read
     * @throws IllegalArgumentException when the chain holds no X.509 certificate, or the key does not load
     *     (not PEM, encrypted, or of an unsupported kind)
     */
    public Loaded load(Vertx vertx) {
        byte[] chain = read(certificateChain);
        byte[] key = read(privateKey);
        X509Certificate first = firstCertificate(chain);
        PemKeyCertOptions pem = new PemKeyCertOptions().setCertValue(Buffer.buffer(chain)).setKeyValue(Buffer.buffer(key));
        try {
            pem.getKeyManagerFactory(vertx);
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot use the TLS key " + privateKey + " with the certificate "
                    + certificateChain + ": " + e.getMessage(), e);
        }
        return new Loaded(chain, key, first, pem);
    }

    /**
     * Turns TLS on in a server's options with what the files hold now.
     *
     * @param options the server's options, changed in place
     * @param vertx the Vert.x instance that will serve it
     * @return what was loaded, to compare later reads with
     * @throws UncheckedIOException when a file cannot be read
     * @throws IllegalArgumentException when the files do not make a usable identity
     */
    public Loaded applyTo(HttpServerOptions options, Vertx vertx) {
        Loaded loaded = load(vertx);
        options.setSsl(true).setKeyCertOptions(loaded.options());
        return loaded;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the TLS file " + file + ": " + e.getMessage(), e);
        }
    }

    private X509Certificate firstCertificate(byte[] chain) {
        try {
            var certificates = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(chain));
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException(certificateChain + " holds no PEM certificate");
            }
            return (X509Certificate) certificates.iterator().next();
        } catch (CertificateException e) {
            throw new IllegalArgumentException(certificateChain + " is not a PEM certificate chain: " + e.getMessage(), e);
        }
    }

    /**
     * The files' contents at one moment.
     *
     * @param chain the certificate chain's bytes
     * @param key the private key's bytes
     * @param certificate the server's own certificate, the chain's first
     * @param options the same as Vert.x key material
     */
    public record Loaded(byte[] chain, byte[] key, X509Certificate certificate, PemKeyCertOptions options) {
        /**
         * @param other another read of the same files
         * @return true when both files hold the same bytes as in {@code other}
         */
        public boolean sameAs(Loaded other) {
            return Arrays.equals(chain, other.chain) && Arrays.equals(key, other.key);
        }

        /** @return the certificate's subject and expiry, for logs; nothing of the key */
        public String describe() {
            return "subject " + certificate.getSubjectX500Principal().getName() + ", valid until "
                    + certificate.getNotAfter().toInstant();
        }

        /** Hides the key. */
        @Override
        public String toString() {
            return "Loaded[" + describe() + "]";
        }
    }
}
