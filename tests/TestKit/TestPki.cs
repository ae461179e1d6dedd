using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.OpenSsl;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;

namespace GovGateway.TestKit;

/// <summary>A certificate with its private key.</summary>
public sealed record Identity(X509Certificate Certificate, AsymmetricKeyParameter Key, IReadOnlyList<X509Certificate> Chain)
{
    public string CertificatePem => TestPki.ToPem(Certificate);
    public string KeyPem => TestPki.ToPem(Key);
}

/// <summary>
/// The signers' PKI, made with BouncyCastle for the tests: a root ("RootCA chuyên dùng Chính phủ G2 TEST"),
/// an intermediate, signers (valid, expired, not yet valid, revoked, for another address), a
/// self-signed impostor, and the intermediate's CRL revoking one signer.
/// </summary>
public sealed class TestPki
{
    private static readonly Lazy<TestPki> Shared = new(() => new TestPki());
    private static readonly SecureRandom Random = new();
    private long _serial = 1000;

    public static TestPki Instance => Shared.Value;

    public Identity Root { get; }
    public Identity Intermediate { get; }
    public Identity Valid { get; }
    public Identity Expired { get; }
    public Identity NotYetValid { get; }
    public Identity Revoked { get; }
    /// <summary>Valid certificate issued to someone else (other@stttt.hatinh.gov.vn).</summary>
    public Identity OtherSigner { get; }
    /// <summary>Self-signed "root" an attacker could put into a message.</summary>
    public Identity ImpostorRoot { get; }
    public Identity Impostor { get; }
    public X509Crl Crl { get; }
    /// <summary>The root's CRL (revoking nothing), so that revocation is checked at every level of the chain.</summary>
    public X509Crl RootCrl { get; }
    /// <summary>The agency's own certificate (CN names the organisation), as the organisation's signature uses; no e-mail, nonRepudiation only.</summary>
    public Identity Organisation { get; }
    /// <summary>A person's certificate with a title, no e-mail address, keyUsage nonRepudiation only (as the government CA issues them).</summary>
    public Identity Person { get; }
    /// <summary>A person's certificate naming a CRL distribution point (<see cref="CrlUrl"/>), as the government CA's do.</summary>
    public Identity WithDistributionPoint { get; }
    public const string CrlUrl = "http://ca.gov.vn.test/crl/cp-g2-test.crl";
    /// <summary>A timestamp authority under the root: extendedKeyUsage timeStamping, critical; valid ten years.</summary>
    public Identity Tsa { get; }

    public const string SenderAddress = "vanthu@stttt.hatinh.gov.vn";

    private TestPki()
    {
        var now = DateTime.UtcNow;
        Root = SelfSigned("CN=RootCA chuyen dung Chinh phu G2 TEST,O=Ban Co yeu Chinh phu,C=VN", now);
        Intermediate = Issue(Root, "CN=CA phuc vu cac co quan Nha nuoc G2 TEST,O=Ban Co yeu Chinh phu,C=VN", null, now.AddYears(-2), now.AddYears(5), ca: true);
        Valid = Issue(Intermediate, "CN=Van thu So TTTT Ha Tinh,O=So TTTT Ha Tinh,C=VN", SenderAddress, now.AddDays(-30), now.AddYears(1));
        Expired = Issue(Intermediate, "CN=Nguyen Van Het Han,O=So TTTT Ha Tinh,C=VN", SenderAddress, now.AddYears(-3), now.AddDays(-10));
        NotYetValid = Issue(Intermediate, "CN=Nguyen Van Chua Hieu Luc,O=So TTTT Ha Tinh,C=VN", SenderAddress, now.AddDays(10), now.AddYears(1));
        Revoked = Issue(Intermediate, "CN=Nguyen Van Thu Hoi,O=So TTTT Ha Tinh,C=VN", SenderAddress, now.AddDays(-30), now.AddYears(1));
        OtherSigner = Issue(Intermediate, "CN=Tran Thi Khac,O=So TTTT Ha Tinh,C=VN", "other@stttt.hatinh.gov.vn", now.AddDays(-30), now.AddYears(1));
        ImpostorRoot = SelfSigned("CN=RootCA chuyen dung Chinh phu G2 TEST,O=Ban Co yeu Chinh phu,C=VN", now);
        Impostor = Issue(ImpostorRoot, "CN=Gia mao,O=So TTTT Ha Tinh,C=VN", SenderAddress, now.AddDays(-30), now.AddYears(1));

        Organisation = Issue(Intermediate, "CN=Sở Thông tin và Truyền thông tỉnh Hà Tĩnh,O=Sở Thông tin và Truyền thông tỉnh Hà Tĩnh,L=Hà Tĩnh,C=VN", null,
            now.AddDays(-30), now.AddYears(1), nonRepudiationOnly: true);
        Person = Issue(Intermediate, "CN=Nguyễn Văn An,T=Giám đốc,O=Sở Thông tin và Truyền thông tỉnh Hà Tĩnh,C=VN", null, now.AddDays(-30), now.AddYears(1),
            nonRepudiationOnly: true);
        WithDistributionPoint = Issue(Intermediate, "CN=Trần Văn Bình,O=Sở Thông tin và Truyền thông tỉnh Hà Tĩnh,C=VN", null, now.AddDays(-30), now.AddYears(1),
            nonRepudiationOnly: true, crlUrl: CrlUrl);
        Tsa = IssueTsa(Root, "CN=TSA chuyen dung Chinh phu TEST,O=Ban Co yeu Chinh phu,C=VN", now);

        var crl = new X509V2CrlGenerator();
        crl.SetIssuerDN(Intermediate.Certificate.SubjectDN);
        crl.SetThisUpdate(now.AddDays(-1));
        crl.SetNextUpdate(now.AddDays(7));
        crl.AddCrlEntry(Revoked.Certificate.SerialNumber, now.AddDays(-2), CrlReason.KeyCompromise);
        crl.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, X509ExtensionUtilities.CreateAuthorityKeyIdentifier(Intermediate.Certificate));
        crl.AddExtension(X509Extensions.CrlNumber, false, new CrlNumber(BigInteger.One));
        Crl = crl.Generate(new Asn1SignatureFactory("SHA256WithRSA", Intermediate.Key));

        var rootCrl = new X509V2CrlGenerator();
        rootCrl.SetIssuerDN(Root.Certificate.SubjectDN);
        rootCrl.SetThisUpdate(now.AddDays(-1));
        rootCrl.SetNextUpdate(now.AddDays(30));
        rootCrl.AddExtension(X509Extensions.CrlNumber, false, new CrlNumber(BigInteger.One));
        RootCrl = rootCrl.Generate(new Asn1SignatureFactory("SHA256WithRSA", Root.Key));
    }

    /// <summary>Writes a configuration folder: optional policy.yaml text, trust/root.pem and the CRLs of the intermediate and the root.</summary>
    public string WriteConfig(string? policyYaml = null, bool withCrl = true) => WriteConfig(policyYaml, withCrl ? [Crl, RootCrl] : []);

    /// <summary>A configuration folder with the root and the given CRLs in trust/.</summary>
    public string WriteConfig(string? policyYaml, IEnumerable<X509Crl> crls)
    {
        var dir = TempFolders.Create("policy-tests");
        Directory.CreateDirectory(Path.Combine(dir, "trust"));
        File.WriteAllText(Path.Combine(dir, "trust", "root.pem"), Root.CertificatePem);
        var n = 0;
        foreach (var crl in crls) File.WriteAllBytes(Path.Combine(dir, "trust", $"ca-{++n}.crl"), crl.GetEncoded());
        if (policyYaml is not null) File.WriteAllText(Path.Combine(dir, "policy.yaml"), policyYaml);
        return dir;
    }

    private static AsymmetricCipherKeyPair NewKey()
    {
        var generator = new RsaKeyPairGenerator();
        generator.Init(new KeyGenerationParameters(Random, 2048));
        return generator.GenerateKeyPair();
    }

    private Identity SelfSigned(string subject, DateTime now)
    {
        var key = NewKey();
        var gen = new X509V3CertificateGenerator();
        var name = new X509Name(subject);
        gen.SetSerialNumber(BigInteger.ValueOf(Interlocked.Increment(ref _serial)));
        gen.SetIssuerDN(name);
        gen.SetSubjectDN(name);
        gen.SetNotBefore(now.AddYears(-5));
        gen.SetNotAfter(now.AddYears(10));
        gen.SetPublicKey(key.Public);
        gen.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(true));
        gen.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.KeyCertSign | KeyUsage.CrlSign));
        gen.AddExtension(X509Extensions.SubjectKeyIdentifier, false, X509ExtensionUtilities.CreateSubjectKeyIdentifier(key.Public));
        var cert = gen.Generate(new Asn1SignatureFactory("SHA256WithRSA", key.Private));
        return new Identity(cert, key.Private, [cert]);
    }

    /// <summary>A CRL of the intermediate with the given update times (stale lists, lists carried in a document).</summary>
    public X509Crl IntermediateCrl(DateTime thisUpdate, DateTime nextUpdate, params X509Certificate[] revoked)
    {
        var crl = new X509V2CrlGenerator();
        crl.SetIssuerDN(Intermediate.Certificate.SubjectDN);
        crl.SetThisUpdate(thisUpdate);
        crl.SetNextUpdate(nextUpdate);
        foreach (var cert in revoked) crl.AddCrlEntry(cert.SerialNumber, thisUpdate.AddHours(-1), CrlReason.KeyCompromise);
        crl.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, X509ExtensionUtilities.CreateAuthorityKeyIdentifier(Intermediate.Certificate));
        crl.AddExtension(X509Extensions.CrlNumber, false, new CrlNumber(BigInteger.ValueOf(Interlocked.Increment(ref _serial))));
        return crl.Generate(new Asn1SignatureFactory("SHA256WithRSA", Intermediate.Key));
    }

    private Identity IssueTsa(Identity issuer, string subject, DateTime now)
    {
        var key = NewKey();
        var gen = new X509V3CertificateGenerator();
        gen.SetSerialNumber(BigInteger.ValueOf(Interlocked.Increment(ref _serial)));
        gen.SetIssuerDN(issuer.Certificate.SubjectDN);
        gen.SetSubjectDN(new X509Name(subject));
        gen.SetNotBefore(now.AddDays(-30));
        gen.SetNotAfter(now.AddYears(9));
        gen.SetPublicKey(key.Public);
        gen.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, X509ExtensionUtilities.CreateAuthorityKeyIdentifier(issuer.Certificate));
        gen.AddExtension(X509Extensions.SubjectKeyIdentifier, false, X509ExtensionUtilities.CreateSubjectKeyIdentifier(key.Public));
        gen.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
        gen.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature | KeyUsage.NonRepudiation));
        gen.AddExtension(X509Extensions.ExtendedKeyUsage, true, new ExtendedKeyUsage(KeyPurposeID.id_kp_timeStamping));
        var cert = gen.Generate(new Asn1SignatureFactory("SHA256WithRSA", issuer.Key));
        return new Identity(cert, key.Private, [cert]);
    }

    private Identity Issue(Identity issuer, string subject, string? email, DateTime notBefore, DateTime notAfter, bool ca = false, bool nonRepudiationOnly = false, string? crlUrl = null)
    {
        var key = NewKey();
        var gen = new X509V3CertificateGenerator();
        gen.SetSerialNumber(BigInteger.ValueOf(Interlocked.Increment(ref _serial)));
        gen.SetIssuerDN(issuer.Certificate.SubjectDN);
        gen.SetSubjectDN(new X509Name(subject));
        gen.SetNotBefore(notBefore);
        gen.SetNotAfter(notAfter);
        gen.SetPublicKey(key.Public);
        gen.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, X509ExtensionUtilities.CreateAuthorityKeyIdentifier(issuer.Certificate));
        gen.AddExtension(X509Extensions.SubjectKeyIdentifier, false, X509ExtensionUtilities.CreateSubjectKeyIdentifier(key.Public));
        if (ca)
        {
            gen.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(0));
            gen.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.KeyCertSign | KeyUsage.CrlSign));
        }
        else
        {
            gen.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
            if (nonRepudiationOnly)
                gen.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.NonRepudiation));
            else
            {
                gen.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature | KeyUsage.NonRepudiation | KeyUsage.KeyEncipherment));
                gen.AddExtension(X509Extensions.ExtendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeID.id_kp_emailProtection, KeyPurposeID.id_kp_clientAuth));
            }
        }
        if (crlUrl is not null)
            gen.AddExtension(X509Extensions.CrlDistributionPoints, false, new CrlDistPoint([new DistributionPoint(
                new DistributionPointName(new GeneralNames(new GeneralName(GeneralName.UniformResourceIdentifier, crlUrl))), null, null)]));
        if (email is not null)
            gen.AddExtension(X509Extensions.SubjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.Rfc822Name, email)));
        var cert = gen.Generate(new Asn1SignatureFactory("SHA256WithRSA", issuer.Key));
        return new Identity(cert, key.Private, [cert, .. issuer.Chain.Where(c => !c.IssuerDN.Equivalent(c.SubjectDN))]);
    }

    public static string ToPem(object value)
    {
        using var writer = new StringWriter();
        var pem = new PemWriter(writer);
        pem.WriteObject(value);
        pem.Writer.Flush();
        return writer.ToString();
    }
}
