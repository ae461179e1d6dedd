using GovGateway.Policies.Tests.Fixtures;
using MimeKit;

namespace GovGateway.Policies.Tests;

public sealed class SmimeTests : PolicyFixture
{
    private static MimeMessage ReportWithDocx() =>
        TestMessages.Message("Báo cáo quý I", "Kính gửi Văn phòng UBND tỉnh.",
            ("bao-cao.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", TestDocuments.Docx(TestDocuments.Report())));

    [Test]
    public void DetachedSignatureByFromAddressIsValidAndSatisfiesSignatureRule()
    {
        var v = Evaluate(TestMessages.SignDetached(ReportWithDocx(), Pki.Valid));
        Assert.Multiple(() =>
        {
            Assert.That(v.Smime.Status, Is.EqualTo(SignatureStatus.Valid), Describe(v));
            Assert.That(v.Smime.SignerAddress, Is.EqualTo(TestPki.SenderAddress));
            Assert.That(v.Smime.SignerSubject, Does.Contain("Van thu So TTTT"));
            Assert.That(v.Smime.Issuer, Does.Contain("CA phuc vu"));
            Assert.That(v.Smime.Serial, Is.EqualTo(Pki.Valid.Certificate.SerialNumber.ToString(16).ToUpperInvariant()));
            Assert.That(v.Classes, Is.EquivalentTo(new[] { DocumentClass.Report }));
            Assert.That(v.Decision, Is.EqualTo(Decision.Accept), Describe(v));
        });
    }

    [Test]
    public void OpaqueSignedDataIsVerifiedAndItsContentClassified()
    {
        var v = Evaluate(TestMessages.SignOpaque(ReportWithDocx(), Pki.Valid));
        Assert.That(v.Smime.Status, Is.EqualTo(SignatureStatus.Valid), Describe(v));
        Assert.That(v.Attachments.Single().Class, Is.EqualTo(DocumentClass.Report));
        Assert.That(v.Decision, Is.EqualTo(Decision.Accept));
    }

    [Test]
    public void SignerWithAnotherAddressIsSignerMismatch()
    {
        var v = Evaluate(TestMessages.SignDetached(ReportWithDocx(), Pki.OtherSigner));
        Assert.That(v.Smime.Status, Is.EqualTo(SignatureStatus.SignerMismatch), Describe(v));
        Assert.That(v.Smime.SignerAddress, Is.EqualTo("other@stttt.hatinh.gov.vn"));
        Assert.That(v.Decision, Is.EqualTo(Decision.Reject));
        Assert.That(v.Reasons.Single().Rule, Is.EqualTo("signature"));
    }

    [TestCase("Expired", SignatureStatus.Expired)]
    [TestCase("Revoked", SignatureStatus.Revoked)]
    [TestCase("Impostor", SignatureStatus.Untrusted)]
    public void SignerProblems(string which, SignatureStatus expected)
    {
        var signer = which switch { "Expired" => Pki.Expired, "Revoked" => Pki.Revoked, _ => Pki.Impostor };
        // The impostor ships its own self-signed root in the message: it must not be trusted.
        var extra = which == "Impostor" ? new[] { Pki.ImpostorRoot.Certificate } : null;
        var v = Evaluate(TestMessages.SignDetached(ReportWithDocx(), signer, extra));
        Assert.That(v.Smime.Status, Is.EqualTo(expected), Describe(v));
        Assert.That(v.Decision, Is.EqualTo(Decision.Reject));
    }

    [Test]
    public void RevokedIsValidWithoutTheCrl()
    {
        var dir = Pki.WriteConfig(withCrl: false);
        var policy = PolicyLoader.Load(dir).Policy!;
        var v = Evaluate(TestMessages.SignDetached(ReportWithDocx(), Pki.Revoked), policy: policy);
        Assert.That(v.Smime.Status, Is.EqualTo(SignatureStatus.Valid), Describe(v));
    }

    [Test]
    public void TamperedSignedContentIsInvalid()
    {
        var bytes = TestMessages.Bytes(TestMessages.SignDetached(
            TestMessages.Message("Bao cao", "Records processed: 100 of 120.\n"), Pki.Valid));
        var text = System.Text.Encoding.ASCII.GetString(bytes);
        Assert.That(text, Does.Contain("Records processed: 100"));
        using var stream = new MemoryStream(System.Text.Encoding.ASCII.GetBytes(text.Replace("Records processed: 100", "Records processed: 900")));
        var v = Default.Evaluate(stream, TestMessages.Envelope());
        Assert.That(v.Smime.Status, Is.EqualTo(SignatureStatus.Invalid), Describe(v));
    }

    [Test]
    public void UnsignedMessageHasStatusNone()
    {
        var v = Evaluate(TestMessages.Message("Chào", "Nội dung thường."));
        Assert.That(v.Smime.Status, Is.EqualTo(SignatureStatus.None));
        Assert.That(v.Decision, Is.EqualTo(Decision.Accept), Describe(v));
    }

    /// <summary>Interop: a message signed by `openssl cms -sign` (a peer we did not write) verifies.</summary>
    [TestCase(false)]
    [TestCase(true)]
    public void OpensslSignedMessageVerifies(bool opaque)
    {
        var dir = Directory.CreateTempSubdirectory("openssl-smime").FullName;
        File.WriteAllText(Path.Combine(dir, "signer.pem"), Pki.Valid.CertificatePem);
        File.WriteAllText(Path.Combine(dir, "key.pem"), Pki.Valid.KeyPem);
        File.WriteAllText(Path.Combine(dir, "chain.pem"), TestPki.ToPem(Pki.Intermediate.Certificate));
        var body = TestMessages.Body("Kính gửi Văn phòng UBND tỉnh.",
            ("bao-cao.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", TestDocuments.Docx(TestDocuments.Report())));
        using (var file = File.Create(Path.Combine(dir, "content.eml"))) body.WriteTo(FormatOptions.Default, file);
        var args = $"cms -sign -in content.eml -signer signer.pem -inkey key.pem -certfile chain.pem -md sha256 -from {TestPki.SenderAddress} -to {TestMessages.To} -subject BaoCao -out signed.eml";
        if (opaque) args += " -nodetach";
        var sign = ToolRunner.Run("openssl", args.Split(' '), dir);
        Assert.That(sign.ExitCode, Is.Zero, sign.StdErr);

        using var stream = File.OpenRead(Path.Combine(dir, "signed.eml"));
        var v = Default.Evaluate(stream, TestMessages.Envelope());
        Assert.That(v.Smime.Status, Is.EqualTo(SignatureStatus.Valid), Describe(v));
        Assert.That(v.Attachments.Single().Class, Is.EqualTo(DocumentClass.Report));
        Assert.That(v.Decision, Is.EqualTo(Decision.Accept), Describe(v));
    }
}
