using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using GovGateway.Configuration;
using GovGateway.FileSystem;
using Microsoft.Extensions.Logging;

namespace GovGateway.Tls;

/// <summary>
/// Finds the server certificate: the one configured, or a self-signed development certificate made
/// at first start and kept under the data folder so clients that pinned it keep working.
/// </summary>
internal static class CertificateProvider
{
    public static X509Certificate2 Load(TlsSettings settings, string configDir, string dataDir, string hostName, ILogger logger)
    {
        if (settings.ExpiryWarningDays < 0)
            throw new InvalidOperationException($"Smtp:Tls:ExpiryWarningDays must not be negative: {settings.ExpiryWarningDays}");
        if (!string.IsNullOrWhiteSpace(settings.CertificatePath))
        {
            var path = Path.GetFullPath(settings.CertificatePath, configDir);
            if (!File.Exists(path))
                throw new InvalidOperationException($"Smtp:Tls:CertificatePath: file not found: {path}");
            var password = Secrets.Resolve(settings.CertificatePassword, settings.CertificatePasswordFile,
                "Smtp:Tls:CertificatePassword", "tls-certificate-password", required: false);
            var cert = IsPkcs12(path)
                ? X509CertificateLoader.LoadPkcs12FromFile(path, password)
                : X509Certificate2.CreateFromPemFile(path, string.IsNullOrWhiteSpace(settings.KeyPath) ? null : Path.GetFullPath(settings.KeyPath, configDir));
            if (!cert.HasPrivateKey)
                throw new InvalidOperationException($"Smtp:Tls:CertificatePath: {path} has no private key (set Smtp:Tls:KeyPath for a PEM key)");
            logger.LogInformation("TLS certificate {Subject} (expires {NotAfter:u}) from {Path}", cert.Subject, cert.NotAfter, path);
            return ReimportForSslStream(cert);
        }

        var devPath = Path.Combine(dataDir, "tls", "dev-certificate.pfx");
        if (File.Exists(devPath))
        {
            var existing = X509CertificateLoader.LoadPkcs12FromFile(devPath, null);
            if (existing.NotAfter > DateTime.Now.AddDays(7))
                return existing;
        }
        PrivateFiles.CreateDirectory(Path.GetDirectoryName(devPath)!);
        var created = CreateSelfSigned(hostName);
        var tmp = devPath + ".tmp";
        // The key is 0600 from its first byte (a chmod after writing would leave it readable meanwhile); a temporary
        // file left by an earlier crash is removed first, because an existing file keeps its old mode.
        File.Delete(tmp);
        PrivateFiles.WriteAllBytes(tmp, created.Export(X509ContentType.Pkcs12));
        File.Move(tmp, devPath, overwrite: true);
        logger.LogWarning("No TLS certificate configured: made a self-signed development certificate for {Host} at {Path}. Set Smtp:Tls:CertificatePath for production.", hostName, devPath);
        return X509CertificateLoader.LoadPkcs12FromFile(devPath, null);
    }

    /// <summary>The configured certificate and key files (none for the development certificate).</summary>
    public static IReadOnlyList<string> Files(TlsSettings settings, string configDir)
    {
        if (string.IsNullOrWhiteSpace(settings.CertificatePath))
            return [];
        var files = new List<string> { Path.GetFullPath(settings.CertificatePath, configDir) };
        if (!string.IsNullOrWhiteSpace(settings.KeyPath))
            files.Add(Path.GetFullPath(settings.KeyPath, configDir));
        return files;
    }

    public static X509Certificate2 CreateSelfSigned(string hostName)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={hostName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(hostName);
        if (hostName != "localhost")
            san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(2));
        return ReimportForSslStream(cert);
    }

    private static bool IsPkcs12(string path) =>
        path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);

    // Keys made in memory or read from PEM are ephemeral; SslStream wants a key it can use for the handshake.
    private static X509Certificate2 ReimportForSslStream(X509Certificate2 cert) =>
        X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
}
