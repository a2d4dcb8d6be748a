package io.controlplane.cancel;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made in the test, and the certificates it issues: what an HTTPS server
 * on 127.0.0.1 and its clients need, written as JKS, PKCS12 or PEM stores. EC P-256 keys, since
 * they are made in milliseconds.
 */
public final class TestCertificates {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private static final String SIGNATURE = "SHA256withECDSA";

    private final KeyPair keys;
    private final X509Certificate certificate;

    private TestCertificates(KeyPair keys, X509Certificate certificate) {
        this.keys = keys;
        this.certificate = certificate;
    }

    /** A self-signed CA named {@code CN=<name>}. */
    public static TestCertificates authority(String name) {
        KeyPair keys = newKeys();
        X500Name subject = new X500Name("CN=" + name);
        X509v3CertificateBuilder builder = builder(subject, subject, keys);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new TestCertificates(keys, sign(builder, keys.getPrivate()));
    }

    /**
     * A server and client certificate signed by this CA for the given names: DNS names, or IP
     * addresses written as such (e.g. {@code 127.0.0.1}).
     */
    public Issued issue(String commonName, String... subjectAlternativeNames) {
        KeyPair leafKeys = newKeys();
        X509v3CertificateBuilder builder = builder(
                new X500Name(certificate.getSubjectX500Principal().getName()),
                new X500Name("CN=" + commonName),
                leafKeys);
        List<GeneralName> names = new ArrayList<>();
        for (String name : subjectAlternativeNames) {
            boolean ip = name.matches("[0-9.]+") || name.contains(":");
            names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name));
        }
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(
                    Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
            }));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new Issued(leafKeys.getPrivate(), new X509Certificate[] {sign(builder, keys.getPrivate()), certificate});
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** A truststore holding this CA: {@code type} JKS or PKCS12 (with {@code password}), or PEM (without). */
    public Path truststore(Path file, String type, String password) {
        try {
            if ("PEM".equals(type)) {
                try (JcaPEMWriter pem = new JcaPEMWriter(
                        new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.US_ASCII))) {
                    pem.writeObject(certificate);
                }
                return file;
            }
            KeyStore store = KeyStore.getInstance(type);
            store.load(null, null);
            store.setCertificateEntry("ca", certificate);
            return write(store, file, password);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Trusts exactly this CA. */
    public TrustManagerFactory trustManagers() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", certificate);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key and its chain (the certificate, then the CA's). */
    public record Issued(PrivateKey key, X509Certificate[] chain) {

        /** A keystore of type JKS or PKCS12 holding the key (under {@code keyPassword}) and its chain. */
        public Path keystore(Path file, String type, String storePassword, String keyPassword) {
            try {
                return write(keyStore(type, keyPassword), file, storePassword);
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** A server's TLS context presenting this certificate; trusting {@code clients}' CA if not null. */
        public SSLContext serverContext(TestCertificates clients) {
            try {
                KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keyManagers.init(keyStore("PKCS12", "key"), "key".toCharArray());
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(
                        keyManagers.getKeyManagers(),
                        clients == null ? null : clients.trustManagers().getTrustManagers(),
                        null);
                return context;
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        private KeyStore keyStore(String type, String keyPassword) throws IOException, GeneralSecurityException {
            KeyStore store = KeyStore.getInstance(type);
            store.load(null, null);
            store.setKeyEntry("key", key, keyPassword.toCharArray(), chain);
            return store;
        }
    }

    private static Path write(KeyStore store, Path file, String password) throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        }
        return file;
    }

    private static KeyPair newKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(
                issuer,
                BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(1))),
                subject,
                keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey) {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(issuerKey)));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
