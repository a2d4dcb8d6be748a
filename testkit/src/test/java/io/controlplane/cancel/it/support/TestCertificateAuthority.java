package io.controlplane.cancel.it.support;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

/**
 * A certificate authority made for one test run, and the certificates it signs, as PEM. EC P-256
 * keys: generated in milliseconds, where RSA takes a noticeable share of a test's time.
 */
public final class TestCertificateAuthority {

    private static final String SIGNATURE = "SHA256withECDSA";
    private static final Duration VALIDITY = Duration.ofDays(1);

    private final KeyPair keys;
    private final X500Name name;
    private final X509CertificateHolder certificate;

    private TestCertificateAuthority(KeyPair keys, X500Name name, X509CertificateHolder certificate) {
        this.keys = keys;
        this.name = name;
        this.certificate = certificate;
    }

    /** A certificate and its unencrypted PKCS#8 private key; the chain is the certificate then the CA's. */
    public record Issued(String certificateChain, String privateKey) {}

    public static TestCertificateAuthority create() {
        KeyPair keys = newKeys();
        X500Name name = new X500Name("CN=cancel-processor test CA");
        Instant now = Instant.now();
        try {
            X509CertificateHolder certificate = new JcaX509v3CertificateBuilder(
                            name, serial(), notBefore(now), Date.from(now.plus(VALIDITY)), name, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .build(new JcaContentSignerBuilder(SIGNATURE).build(keys.getPrivate()));
            return new TestCertificateAuthority(keys, name, certificate);
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException("Cannot make the test CA", e);
        }
    }

    /** The CA's certificate, for truststores. */
    public String certificatePem() {
        try {
            return pem(new JcaMiscPEMGenerator(certificate));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A server certificate for the loopback address (IP and name), as hostname verification checks it. */
    public Issued issueLoopbackServerCertificate(String commonName) {
        KeyPair serverKeys = newKeys();
        Instant now = Instant.now();
        try {
            X509CertificateHolder server = new JcaX509v3CertificateBuilder(
                            name,
                            serial(),
                            notBefore(now),
                            Date.from(now.plus(VALIDITY)),
                            new X500Name("CN=" + commonName),
                            serverKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(
                            Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                        new GeneralName(GeneralName.dNSName, "localhost")
                    }))
                    .build(new JcaContentSignerBuilder(SIGNATURE).build(keys.getPrivate()));
            return new Issued(
                    pem(new JcaMiscPEMGenerator(server)) + certificatePem(),
                    pem(new JcaPKCS8Generator(serverKeys.getPrivate(), null)));
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException("Cannot issue a certificate for " + commonName, e);
        }
    }

    private static KeyPair newKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("No EC P-256 keys in this JVM", e);
        }
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(System.nanoTime()).abs().add(BigInteger.ONE);
    }

    /** A minute back, so that a clock a little behind still accepts the certificate at once. */
    private static Date notBefore(Instant now) {
        return Date.from(now.minus(Duration.ofMinutes(1)));
    }

    private static String pem(PemObjectGenerator object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }
}
