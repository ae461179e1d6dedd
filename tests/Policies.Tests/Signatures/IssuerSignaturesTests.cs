using GovGateway.Policies.Signatures;

namespace GovGateway.Policies.Tests.Signatures;

/// <summary>An issuer's signature on a certificate or CRL is verified once while both live; a failure is never remembered.</summary>
public sealed class IssuerSignaturesTests : PolicyFixture
{
    [Test]
    public void ASuccessIsRememberedForThatIssuerOnly()
    {
        var cert = new Org.BouncyCastle.X509.X509Certificate(Pki.Valid.Certificate.GetEncoded());
        var verifications = 0;
        void Verify(Org.BouncyCastle.Crypto.AsymmetricKeyParameter key)
        {
            verifications++;
            cert.Verify(key);
        }

        Assert.Multiple(() =>
        {
            Assert.That(IssuerSignatures.Check(cert, Pki.Root.Certificate, Verify), Is.False, "the root did not sign the end certificate");
            Assert.That(IssuerSignatures.Check(cert, Pki.Intermediate.Certificate, Verify), Is.True);
            Assert.That(IssuerSignatures.Check(cert, Pki.Intermediate.Certificate, Verify), Is.True);
            Assert.That(verifications, Is.EqualTo(2), "the second check by the intermediate is remembered");
            Assert.That(IssuerSignatures.Check(cert, Pki.Root.Certificate, Verify), Is.False, "a remembered success with one issuer says nothing of another");
            Assert.That(verifications, Is.EqualTo(3));
        });
    }

    [Test]
    public void AFailureIsCheckedAgainEachTime()
    {
        var crl = Pki.Crl;
        var verifications = 0;
        for (var i = 0; i < 3; i++)
            Assert.That(IssuerSignatures.Check(crl, Pki.Root.Certificate, key => { verifications++; crl.Verify(key); }), Is.False);
        Assert.That(verifications, Is.EqualTo(3));
    }
}
