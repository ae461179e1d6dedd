using GovGateway.Policies.Signatures;
using GovGateway.Policies.Tests.Fixtures;
using Org.BouncyCastle.X509;

namespace GovGateway.Policies.Tests.Signatures;

/// <summary>
/// A certificate is parsed (and its RSA key checked by BouncyCastle) once per policy, not once per signature
/// (<see cref="CertificateCache"/>); what is kept are certificates, never outcomes, so each signature is judged in full.
/// </summary>
public sealed class CertificateCacheTests : PolicyFixture
{
    private static PdfSignatureDetail Verify(PdfSignatureVerifier verifier, byte[] pdf) => verifier.Verify(pdf)!.Signatures.Single();

    [Test]
    public void TheSameSignerIsOneCertificateObjectAcrossSignatures()
    {
        var verifier = new CmsVerifier(Default.Trust, TimeProvider.System);
        var content = System.Text.Encoding.UTF8.GetBytes("Kính gửi Văn phòng UBND tỉnh.");
        var first = verifier.Verify(TestPdf.SignDetached(Pki.Valid, content), content);
        var second = verifier.Verify(TestPdf.SignDetached(Pki.Valid, content), content);
        Assert.Multiple(() =>
        {
            Assert.That(first.Status, Is.EqualTo(SignatureStatus.Valid), first.Detail);
            Assert.That(second.Status, Is.EqualTo(SignatureStatus.Valid), second.Detail);
            // The key BouncyCastle built (and proved composite) for the first signature is the one the second uses.
            Assert.That(second.Signer, Is.SameAs(first.Signer));
            Assert.That(second.Signer!.GetPublicKey(), Is.SameAs(first.Signer!.GetPublicKey()));
        });
    }

    [Test]
    public void ACarriedCopyOfATrustAnchorResolvesToTheTrustFoldersCertificate()
    {
        var cache = new CertificateCache(Default.Trust.Anchors);
        var copy = new X509Certificate(Pki.Root.Certificate.GetEncoded());
        Assert.That(cache.Intern(copy), Is.SameAs(Default.Trust.Anchors.Single(a => a.Equals(copy))));
    }

    [Test]
    public void TheCacheStaysWithinItsCapacityAndKeepsTheAnchors()
    {
        var cache = new CertificateCache(Default.Trust.Anchors);
        var template = Pki.Valid.Certificate.CertificateStructure;
        for (var i = 0; i <= CertificateCache.Capacity + 10; i++)
            cache.Intern(WithSerial(template, i + 1));
        Assert.That(cache.Count, Is.LessThanOrEqualTo(CertificateCache.Capacity));
        var copy = new X509Certificate(Pki.Root.Certificate.GetEncoded());
        Assert.That(cache.Intern(copy), Is.SameAs(Default.Trust.Anchors.Single(a => a.Equals(copy))));
    }

    /// <summary>
    /// One verifier (as one loaded policy is) judges a valid signature, then the same certificates over changed content,
    /// a revoked signer and an untrusted one, then the valid one again: nothing carries over from one to the next.
    /// </summary>
    [Test]
    public void NothingButCertificatesCarriesOverFromOneSignatureToTheNext()
    {
        var verifier = new PdfSignatureVerifier(new CmsVerifier(Default.Trust, TimeProvider.System));
        var valid = TestPdf.CreateSigned(Pki.Valid, TestDocuments.Report());
        var changed = (byte[])valid.Clone();
        var text = System.Text.Encoding.Latin1.GetString(changed);
        changed[text.IndexOf("/MediaBox [0 0 595 842]", StringComparison.Ordinal) + "/MediaBox [0 0 5".Length] = (byte)'8';
        var revoked = TestPdf.CreateSigned(Pki.Revoked, TestDocuments.Report());
        var impostor = TestPdf.CreateSigned(Pki.Impostor, TestDocuments.Report(), extraCertificates: [Pki.ImpostorRoot.Certificate]);

        var statuses = new[] { valid, changed, revoked, impostor, valid, changed }.Select(pdf => Verify(verifier, pdf).Status).ToList();
        Assert.That(statuses, Is.EqualTo(new[]
        {
            SignatureStatus.Valid, SignatureStatus.Invalid, SignatureStatus.Revoked, SignatureStatus.Untrusted, SignatureStatus.Valid, SignatureStatus.Invalid,
        }));
    }

    /// <summary>
    /// The cost itself: a signature whose certificates were met before is verified without BouncyCastle's RSA key checks.
    /// Measured here (test build, one signature by Valid over a 100 KB report): about 48 ms of thread CPU per verification
    /// without the cache, about 10 ms with it; the bound sits between with room for a loaded, shared machine.
    /// </summary>
    [Test]
    public void ASignatureFromAKnownSignerCostsLittleCpu()
    {
        var verifier = new PdfSignatureVerifier(new CmsVerifier(Default.Trust, TimeProvider.System));
        var pdf = TestPdf.CreateSigned(Pki.Valid, TestDocuments.Report(), paddingBytes: 32_000);
        for (var i = 0; i < 40; i++) Assert.That(Verify(verifier, pdf).Status, Is.EqualTo(SignatureStatus.Valid));
        const int Runs = 20;
        var cpu = ThreadCpu.Measure(() =>
        {
            for (var i = 0; i < Runs; i++) verifier.Verify(pdf);
        });
        Assert.That(cpu.TotalMilliseconds / Runs, Is.LessThan(25), $"thread CPU per verification {cpu.TotalMilliseconds / Runs:F2} ms");
    }

    /// <summary>A distinct certificate: the template with another serial number (its signature no longer matches, which does not matter here).</summary>
    private static X509Certificate WithSerial(Org.BouncyCastle.Asn1.X509.X509CertificateStructure template, int serial)
    {
        var elements = template.TbsCertificate.ToAsn1Object() is Org.BouncyCastle.Asn1.Asn1Sequence tbs ? tbs.ToArray() : throw new InvalidOperationException();
        elements[1] = Org.BouncyCastle.Asn1.DerInteger.ValueOf(serial); // [0] is the version
        var certificate = new Org.BouncyCastle.Asn1.DerSequence(new Org.BouncyCastle.Asn1.DerSequence(elements), template.SignatureAlgorithm, template.Signature);
        return new X509Certificate(Org.BouncyCastle.Asn1.X509.X509CertificateStructure.GetInstance(certificate));
    }
}
