using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GovGateway.TestKit;

/// <summary>
/// Self-signed TLS server certificates made in-test (no files, no trust store), as the listeners, the upstreams and
/// the console present them. The signers' PKI (root, CA, signers, CRLs) is <see cref="TestPki"/>.
/// </summary>
public static class TestCertificates
{
    private static readonly Lazy<X509Certificate2> Shared = new(() => Server("CN=localhost", TimeSpan.FromDays(30), "localhost", "127.0.0.1"));

    /// <summary>One ECDSA certificate for "localhost" and 127.0.0.1, shared by the tests that only need some certificate.</summary>
    public static X509Certificate2 Localhost => Shared.Value;

    /// <summary>
    /// An RSA certificate for <paramref name="subject"/>, valid from a day ago for <paramref name="validFor"/>, with its private key
    /// usable by SslStream. <paramref name="names"/> (host names or addresses) go into subjectAltName; none: no such extension,
    /// so that only the subject's CN names the host.
    /// </summary>
    public static X509Certificate2 Rsa(string subject, TimeSpan validFor, params string[] names)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return Finish(request, validFor, names);
    }

    private static X509Certificate2 Server(string subject, TimeSpan validFor, params string[] names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return Finish(request, validFor, names);
    }

    private static X509Certificate2 Finish(CertificateRequest request, TimeSpan validFor, string[] names)
    {
        if (names.Length > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var name in names)
                if (IPAddress.TryParse(name, out var address)) san.AddIpAddress(address);
                else san.AddDnsName(name);
            request.CertificateExtensions.Add(san.Build());
        }
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow + validFor);
        // Round-trip through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }

    /// <summary>Writes the certificate and its private key (PKCS#8) as PEM files, as an administrator installs them.</summary>
    public static (string CertificatePath, string KeyPath) WritePem(X509Certificate2 certificate, string certPath, string keyPath)
    {
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        using var key = (AsymmetricAlgorithm?)certificate.GetRSAPrivateKey() ?? certificate.GetECDsaPrivateKey()
            ?? throw new InvalidOperationException("the certificate has no private key");
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath);
    }
}
