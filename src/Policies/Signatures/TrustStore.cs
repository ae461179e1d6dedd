using Org.BouncyCastle.X509;

namespace GovGateway.Policies.Signatures;

/// <summary>
/// Trust anchors and CRLs read from the configured trust folder only. Nothing carried in a message
/// ever becomes an anchor; message certificates may only complete a chain to one of these.
/// </summary>
public sealed class TrustStore
{
    private readonly X509Certificate[] _anchors;
    private readonly X509Crl[] _crls;

    internal TrustStore(IEnumerable<X509Certificate> anchors, IEnumerable<X509Crl> crls)
    {
        _anchors = anchors.DistinctBy(c => Convert.ToHexString(c.GetEncoded())).ToArray();
        _crls = crls.ToArray();
    }

    public static TrustStore Empty { get; } = new([], []);

    public IReadOnlyList<X509Certificate> Anchors => _anchors;

    public IReadOnlyList<X509Crl> Crls => _crls;

    /// <summary>Reads every certificate (.pem .crt .cer .der) and CRL (.crl, or PEM "X509 CRL") in a folder.</summary>
    internal static TrustStore Load(string folder, List<PolicyError> errors)
    {
        var anchors = new List<X509Certificate>();
        var crls = new List<X509Crl>();
        if (!Directory.Exists(folder)) return new TrustStore(anchors, crls);
        var certParser = new X509CertificateParser();
        var crlParser = new X509CrlParser();
        foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            var ext = Path.GetExtension(file).ToLowerInvariant();
            if (ext is not (".pem" or ".crt" or ".cer" or ".der" or ".crl")) continue;
            try
            {
                var bytes = File.ReadAllBytes(file);
                var text = System.Text.Encoding.ASCII.GetString(bytes);
                var isPem = text.Contains("-----BEGIN ", StringComparison.Ordinal);
                var found = 0;
                if (ext == ".crl" || (isPem && text.Contains("-----BEGIN X509 CRL-----", StringComparison.Ordinal)))
                {
                    foreach (var crl in crlParser.ReadCrls(bytes).Cast<X509Crl>()) { crls.Add(crl); found++; }
                }
                if (ext != ".crl")
                {
                    if (!isPem || text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
                        foreach (var cert in certParser.ReadCertificates(bytes)) { anchors.Add(cert); found++; }
                }
                if (found == 0)
                    errors.Add(new PolicyError(file, 1, 1, "no certificate or CRL found in this file (expected PEM or DER)"));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Org.BouncyCastle.Security.Certificates.CertificateException
                                         or Org.BouncyCastle.Security.Certificates.CrlException or ArgumentException or InvalidOperationException
                                         or Org.BouncyCastle.Asn1.Asn1Exception or Org.BouncyCastle.Utilities.IO.Pem.PemGenerationException)
            {
                errors.Add(new PolicyError(file, 1, 1, $"cannot read certificate or CRL: {ex.Message}"));
            }
        }
        return new TrustStore(anchors, crls);
    }
}
