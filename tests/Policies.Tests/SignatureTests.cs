using GovGateway.Policies.Tests.Fixtures;

namespace GovGateway.Policies.Tests;

public sealed class PdfSignatureTests : PolicyFixture
{
    private static AttachmentReport Single(Verdict v) => v.Attachments.Single();

    private static Verdict WithPdf(byte[] pdf, string name = "bao-cao-112.pdf") =>
        Evaluate(TestMessages.Message("Báo cáo quý I", "Kính gửi Văn phòng UBND tỉnh.", (name, "application/pdf", pdf)));

    [Test]
    public void SignedReportPdfIsValidAndAccepted()
    {
        var v = WithPdf(TestPdf.CreateSigned(Pki.Valid, TestDocuments.Report()));
        Assert.Multiple(() =>
        {
            Assert.That(Single(v).Signature?.Status, Is.EqualTo(SignatureStatus.Valid), Describe(v));
            Assert.That(Single(v).Signature!.Signatures.Single().CoversWholeFile, Is.True);
            Assert.That(Single(v).Signature!.Signatures.Single().SubFilter, Is.EqualTo("adbe.pkcs7.detached"));
            Assert.That(Single(v).Signature!.Signatures.Single().SignerSubject, Does.Contain("Van thu So TTTT"));
            Assert.That(Single(v).Class, Is.EqualTo(DocumentClass.Report));
            Assert.That(Single(v).DocumentSymbol, Is.EqualTo("112/BC-STTTT"));
            Assert.That(v.Decision, Is.EqualTo(Decision.Accept), Describe(v));
        });
    }

    [Test]
    public void CadesSubFilterIsVerified()
    {
        var v = WithPdf(TestPdf.CreateSigned(Pki.Valid, TestDocuments.Report(), "ETSI.CAdES.detached"));
        Assert.That(Single(v).Signature?.Status, Is.EqualTo(SignatureStatus.Valid), Describe(v));
        Assert.That(Single(v).Signature!.Signatures.Single().SubFilter, Is.EqualTo("ETSI.CAdES.detached"));
    }

    [Test]
    public void IncrementalUpdateAfterSigningIsInvalid()
    {
        var pdf = TestPdf.AppendIncrementalUpdate(TestPdf.CreateSigned(Pki.Valid, TestDocuments.Report()));
        var v = WithPdf(pdf);
        Assert.That(Single(v).Signature?.Status, Is.EqualTo(SignatureStatus.Invalid), Describe(v));
        Assert.That(Single(v).Signature!.Signatures.Single().CoversWholeFile, Is.False);
        Assert.That(v.Decision, Is.EqualTo(Decision.Reject));
        Assert.That(v.Reasons.Select(r => r.Rule), Is.EqualTo(new[] { "signature" }));
    }

    [Test]
    public void ChangedContentIsInvalid()
    {
        var pdf = TestPdf.CreateSigned(Pki.Valid, TestDocuments.Report());
        var text = System.Text.Encoding.Latin1.GetString(pdf);
        var index = text.IndexOf("/MediaBox [0 0 595 842]", StringComparison.Ordinal);
        pdf[index + "/MediaBox [0 0 5".Length] = (byte)'8';
        var v = WithPdf(pdf);
        Assert.That(Single(v).Signature?.Status, Is.EqualTo(SignatureStatus.Invalid), Describe(v));
    }

    [TestCase("Expired", SignatureStatus.Expired)]
    [TestCase("NotYetValid", SignatureStatus.Expired)]
    [TestCase("Revoked", SignatureStatus.Revoked)]
    [TestCase("Impostor", SignatureStatus.Untrusted)]
    public void SignerProblemsAreReported(string signer, SignatureStatus expected)
    {
        var identity = signer switch
        {
            "Expired" => Pki.Expired,
            "NotYetValid" => Pki.NotYetValid,
            "Revoked" => Pki.Revoked,
            _ => Pki.Impostor,
        };
        var extra = signer == "Impostor" ? new[] { Pki.ImpostorRoot.Certificate } : null;
        var v = WithPdf(TestPdf.CreateSigned(identity, TestDocuments.Report(), extraCertificates: extra));
        Assert.That(Single(v).Signature?.Status, Is.EqualTo(expected), Describe(v));
        Assert.That(v.Decision, Is.EqualTo(Decision.Reject));
        Assert.That(v.Reasons.Single().Rule, Is.EqualTo("signature"));
    }

    [Test]
    public void UnsignedPdfHasNoSignatureReport()
    {
        var v = WithPdf(TestPdf.Create(TestDocuments.Report()));
        Assert.That(Single(v).Signature, Is.Null);
        Assert.That(v.Decision, Is.EqualTo(Decision.Reject));
    }
}

public sealed class PdfsigInteropTests : PolicyFixture
{
    /// <summary>A PDF signature our code accepts is one poppler's pdfsig also finds valid.</summary>
    [TestCase("adbe.pkcs7.detached")]
    [TestCase("ETSI.CAdES.detached")]
    public void PdfsigAgreesOnValidSignature(string subFilter)
    {
        var pdf = TestPdf.CreateSigned(Pki.Valid, TestDocuments.Report(), subFilter);
        var v = Evaluate(TestMessages.Message("Báo cáo", "Kính gửi.", ("bc.pdf", "application/pdf", pdf)));
        Assert.That(v.Attachments.Single().Signature?.Status, Is.EqualTo(SignatureStatus.Valid), Describe(v));

        var output = RunPdfsig(pdf);
        Assert.That(output, Does.Contain("Signature Validation: Signature is Valid."), output);
        Assert.That(output, Does.Contain("Total document signed"), output);
    }

    [Test]
    public void PdfsigAgreesOnAppendedUpdate()
    {
        var pdf = TestPdf.AppendIncrementalUpdate(TestPdf.CreateSigned(Pki.Valid, TestDocuments.Report()));
        var output = RunPdfsig(pdf);
        Assert.That(output, Does.Not.Contain("Total document signed"), output);
        var v = Evaluate(TestMessages.Message("Báo cáo", "Kính gửi.", ("bc.pdf", "application/pdf", pdf)));
        Assert.That(v.Attachments.Single().Signature?.Status, Is.EqualTo(SignatureStatus.Invalid));
    }

    private static string RunPdfsig(byte[] pdf)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("pdfsig").FullName, "doc.pdf");
        File.WriteAllBytes(path, pdf);
        return ToolRunner.Run("pdfsig", [path]).All;
    }
}
