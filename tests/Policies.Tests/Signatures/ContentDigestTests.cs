using GovGateway.Policies.Signatures;
using GovGateway.Policies.Tests.Fixtures;
using Org.BouncyCastle.Cms;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Utilities.Collections;

namespace GovGateway.Policies.Tests.Signatures;

/// <summary>
/// Detached content is hashed with .NET for the usual signers (<see cref="ContentDigests"/>) and BouncyCastle compares
/// the digest with the signer's message-digest attribute; the other signers are hashed by BouncyCastle as before. Either
/// way a signature over the content is valid and one over changed content is not.
/// </summary>
public sealed class ContentDigestTests : PolicyFixture
{
    private static readonly byte[] Content = System.Text.Encoding.UTF8.GetBytes(string.Join("\r\n", TestDocuments.Report()) + new string('x', 200_000));

    private static CmsVerifier Verifier() => new(Default.Trust, TimeProvider.System);

    private static CmsSignedData Sign(Action<CmsSignedDataGenerator> addSigner)
    {
        var generator = new CmsSignedDataGenerator();
        addSigner(generator);
        generator.AddCertificates(CollectionUtilities.CreateStore(Pki.Valid.Chain.ToList()));
        return generator.Generate(new CmsProcessableByteArray(Content), false);
    }

    private static byte[] Changed()
    {
        var changed = (byte[])Content.Clone();
        changed[^1] ^= 1;
        return changed;
    }

    [TestCase("1.3.14.3.2.26", "SHA-1")]
    [TestCase("2.16.840.1.101.3.4.2.1", "SHA-256")]
    [TestCase("2.16.840.1.101.3.4.2.2", "SHA-384")]
    [TestCase("2.16.840.1.101.3.4.2.3", "SHA-512")]
    public void UsualSignersAreHashedByDotNetAndStillCompared(string digestOid, string name)
    {
        var signed = Sign(g => g.AddSigner(Pki.Valid.Key, Pki.Valid.Certificate, digestOid));
        var digests = ContentDigests.Compute(signed.SignedData, new CmsProcessableByteArray(Content));
        Assert.That(digests, Is.Not.Null, "the .NET path was not taken");
        Assert.That(digests![digestOid], Is.EqualTo(Org.BouncyCastle.Security.DigestUtilities.CalculateDigest(name, Content)));

        var verifier = Verifier();
        var valid = verifier.Verify(signed.GetEncoded(), Content);
        var changed = verifier.Verify(signed.GetEncoded(), Changed());
        Assert.Multiple(() =>
        {
            Assert.That(valid.Status, Is.EqualTo(SignatureStatus.Valid), valid.Detail);
            Assert.That(changed.Status, Is.EqualTo(SignatureStatus.Invalid));
            Assert.That(changed.Detail, Does.Contain("does not match"));
        });
    }

    [Test]
    public void RsaPssIsLeftToBouncyCastleAndStillVerified()
    {
        var signed = Sign(g => g.AddSigner(Pki.Valid.Key, Pki.Valid.Certificate, CmsSignedGenerator.EncryptionRsaPss, CmsSignedGenerator.DigestSha256));
        Assert.That(ContentDigests.Compute(signed.SignedData, new CmsProcessableByteArray(Content)), Is.Null);
        AssertValidThenInvalid(signed);
    }

    [Test]
    public void SignatureWithoutSignedAttributesIsLeftToBouncyCastleAndStillVerified()
    {
        var signed = Sign(g => g.AddSignerInfoGenerator(new SignerInfoGeneratorBuilder().SetDirectSignature(true)
            .Build(new Asn1SignatureFactory("SHA256WITHRSA", Pki.Valid.Key), Pki.Valid.Certificate)));
        Assert.That(signed.GetSignerInfos().GetSigners().Single().SignedAttributes, Is.Null);
        Assert.That(ContentDigests.Compute(signed.SignedData, new CmsProcessableByteArray(Content)), Is.Null);
        AssertValidThenInvalid(signed);
    }

    [Test]
    public void TwoSignersWithDifferentDigestsAreBothChecked()
    {
        var other = Pki.OtherSigner;
        var signed = Sign(g =>
        {
            g.AddSigner(Pki.Valid.Key, Pki.Valid.Certificate, CmsSignedGenerator.DigestSha256);
            g.AddSigner(other.Key, other.Certificate, CmsSignedGenerator.DigestSha512);
            g.AddCertificates(CollectionUtilities.CreateStore(other.Chain.ToList()));
        });
        var digests = ContentDigests.Compute(signed.SignedData, new CmsProcessableByteArray(Content));
        Assert.That(digests?.Keys, Is.EquivalentTo(new[] { CmsSignedGenerator.DigestSha256, CmsSignedGenerator.DigestSha512 }));
        AssertValidThenInvalid(signed);
    }

    private static void AssertValidThenInvalid(CmsSignedData signed)
    {
        var verifier = Verifier();
        var valid = verifier.Verify(signed.GetEncoded(), Content);
        var changed = verifier.Verify(signed.GetEncoded(), Changed());
        Assert.Multiple(() =>
        {
            Assert.That(valid.Status, Is.EqualTo(SignatureStatus.Valid), valid.Detail);
            Assert.That(changed.Status, Is.EqualTo(SignatureStatus.Invalid));
            Assert.That(changed.Detail, Does.Contain("does not match"));
        });
    }
}
