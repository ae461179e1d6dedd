namespace GovGateway.Policies.Tests.Fixtures;

/// <summary>
/// poppler's pdfsig as an independent signer and verifier, as agencies' tools sign: each signature is an incremental
/// update with its own signature field. The NSS database holds the test PKI's signers (by nickname) and trusts its root.
/// </summary>
public sealed class PdfsigSigner
{
    private static readonly Lazy<PdfsigSigner> Shared = new(() => new PdfsigSigner(TestPki.Instance));
    private readonly string _dir;
    private readonly string _db;
    private readonly Lock _lock = new();

    public static PdfsigSigner Instance => Shared.Value;

    private PdfsigSigner(TestPki pki)
    {
        _dir = Directory.CreateTempSubdirectory("pades-nss").FullName;
        _db = "sql:" + Path.Combine(_dir, "db");
        Directory.CreateDirectory(Path.Combine(_dir, "db"));
        ToolRunner.Run("certutil", ["-N", "-d", _db, "--empty-password"]).Succeeded();
        Import("signer", pki.Person);
        Import("organisation", pki.Organisation);
        Import("expired", pki.Expired);
        File.WriteAllText(Path.Combine(_dir, "root.pem"), pki.Root.CertificatePem);
        ToolRunner.Run("certutil", ["-A", "-d", _db, "-n", "root", "-t", "CT,C,C", "-a", "-i", Path.Combine(_dir, "root.pem")]).Succeeded();
    }

    private void Import(string nick, Identity identity)
    {
        var pem = Path.Combine(_dir, nick + ".pem");
        File.WriteAllText(pem, identity.KeyPem + string.Concat(identity.Chain.Select(TestPki.ToPem)));
        var p12 = Path.Combine(_dir, nick + ".p12");
        ToolRunner.Run("openssl", ["pkcs12", "-export", "-in", pem, "-name", nick, "-passout", "pass:", "-out", p12]).Succeeded();
        ToolRunner.Run("pk12util", ["-i", p12, "-d", _db, "-W", ""]).Succeeded();
    }

    /// <summary>Adds a signature by <paramref name="nick"/> ("signer", "organisation", "expired") as a new incremental update.</summary>
    public byte[] Sign(byte[] pdf, string nick, string field)
    {
        lock (_lock)
        {
            var input = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".pdf");
            File.WriteAllBytes(input, pdf);
            ToolRunner.Run("pdfsig", ["-add-signature", "-nssdir", _db, "-nick", nick, "-new-signature-field-name", field, "-reason", "Ky so van ban", input, input + ".signed.pdf"]).Succeeded();
            return File.ReadAllBytes(input + ".signed.pdf");
        }
    }

    /// <summary>pdfsig's report on every signature, checked against the database's trusted root, without OCSP.</summary>
    public string Verify(byte[] pdf)
    {
        var input = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".pdf");
        File.WriteAllBytes(input, pdf);
        return ToolRunner.Run("pdfsig", ["-nssdir", _db, "-no-ocsp", input]).All;
    }

    /// <summary>The "Signature Validation:" line of each signature pdfsig lists, in its order.</summary>
    public static IReadOnlyList<string> Validations(string output) =>
        output.Split('\n').Where(l => l.Contains("Signature Validation:", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf(':') + 1)..].Trim()).ToList();
}
