namespace GovGateway.Policies.Tests.Fixtures;

/// <summary>
/// An RFC 3161 timestamp authority run inside the test: `openssl ts -reply` with the test PKI's TSA certificate
/// (extendedKeyUsage timeStamping, critical) answers a query made by `openssl ts -query` over the data.
/// </summary>
public sealed class OpensslTsa
{
    private static readonly Lazy<OpensslTsa> Shared = new(() => new OpensslTsa(TestPki.Instance));
    private readonly string _dir;
    private readonly Lock _lock = new();

    public static OpensslTsa Instance => Shared.Value;

    private OpensslTsa(TestPki pki)
    {
        _dir = Directory.CreateTempSubdirectory("pades-tsa").FullName;
        File.WriteAllText(Path.Combine(_dir, "tsa.pem"), pki.Tsa.CertificatePem);
        File.WriteAllText(Path.Combine(_dir, "tsa.key"), pki.Tsa.KeyPem);
        File.WriteAllText(Path.Combine(_dir, "chain.pem"), pki.Root.CertificatePem);
        File.WriteAllText(Path.Combine(_dir, "serial"), "01\n");
        File.WriteAllText(Path.Combine(_dir, "ts.cnf"), $"""
            [ tsa ]
            default_tsa = tsa_config1
            [ tsa_config1 ]
            serial = {_dir}/serial
            crypto_device = builtin
            signer_digest = sha256
            default_policy = 1.2.3.4.1
            digests = sha256, sha384, sha512
            accuracy = secs:1
            ordering = yes
            tsa_name = no
            ess_cert_id_chain = no
            ess_cert_id_alg = sha256
            """);
    }

    /// <summary>The DER timestamp token (a CMS ContentInfo) over <paramref name="data"/>.</summary>
    public byte[] Stamp(byte[] data)
    {
        lock (_lock)
        {
            var name = Guid.NewGuid().ToString("N");
            var input = Path.Combine(_dir, name + ".bin");
            File.WriteAllBytes(input, data);
            ToolRunner.Run("openssl", ["ts", "-query", "-data", input, "-sha256", "-cert", "-out", input + ".tsq"]).Succeeded();
            ToolRunner.Run("openssl", ["ts", "-reply", "-config", Path.Combine(_dir, "ts.cnf"), "-queryfile", input + ".tsq",
                "-signer", Path.Combine(_dir, "tsa.pem"), "-inkey", Path.Combine(_dir, "tsa.key"), "-chain", Path.Combine(_dir, "chain.pem"),
                "-token_out", "-out", input + ".tsr"]).Succeeded();
            return File.ReadAllBytes(input + ".tsr");
        }
    }
}
