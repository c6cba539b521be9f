package io.kvswitch.e2e.sandbox.api;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority and one server certificate it signed, made in memory, as a cluster's
 * installer makes them (kind, k3d, kubeadm): the API server presents the certificate, clients trust
 * the authority. Only the given DNS names are in the certificate, so a client that reaches the
 * server by another name or an address refuses it unless told which name to expect.
 *
 * @param authority the certificate authority's certificate (self-signed)
 * @param certificate the server's certificate, signed by the authority
 * @param key the server's private key
 */
public record ServingCertificates(
    X509Certificate authority, X509Certificate certificate, PrivateKey key) {

  private static final Duration VALIDITY = Duration.ofDays(2);

  /** A new authority and a server certificate for {@code dnsNames}. */
  public static ServingCertificates create(String authorityName, List<String> dnsNames) {
    try {
      KeyPair authorityKeys = keyPair();
      KeyPair serverKeys = keyPair();
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      X500Name issuer = new X500Name("CN=" + authorityName);
      Instant now = Instant.now();
      X509v3CertificateBuilder authority =
          new JcaX509v3CertificateBuilder(
                  issuer,
                  serial(),
                  Date.from(now.minus(Duration.ofMinutes(5))),
                  Date.from(now.plus(VALIDITY)),
                  issuer,
                  authorityKeys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  extensions.createSubjectKeyIdentifier(authorityKeys.getPublic()));
      X509Certificate authorityCertificate = sign(authority, authorityKeys.getPrivate());
      GeneralName[] names =
          dnsNames.stream()
              .map(name -> new GeneralName(GeneralName.dNSName, name))
              .toArray(GeneralName[]::new);
      X509v3CertificateBuilder server =
          new JcaX509v3CertificateBuilder(
                  authorityCertificate,
                  serial(),
                  Date.from(now.minus(Duration.ofMinutes(5))),
                  Date.from(now.plus(VALIDITY)),
                  new X500Name("CN=" + dnsNames.getFirst()),
                  serverKeys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
              .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  extensions.createAuthorityKeyIdentifier(authorityCertificate));
      return new ServingCertificates(
          authorityCertificate, sign(server, authorityKeys.getPrivate()), serverKeys.getPrivate());
    } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make the serving certificates", e);
    }
  }

  /** The authority in PEM, as a kubeconfig's {@code certificate-authority-data} holds it. */
  public String authorityPem() {
    try {
      return pem("CERTIFICATE", authority.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(64, new SecureRandom());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
  }
}
