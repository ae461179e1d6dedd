using GovGateway.Policies.Content;
using GovGateway.Policies.Tests.Fixtures;
using MimeKit;

namespace GovGateway.Policies.Tests;

/// <summary>What the document archive takes from this library: policy.yaml's archive classes and the text facade.</summary>
public sealed class ArchiveSupportTests : PolicyFixture
{
    [Test]
    public void TheShippedPolicyArchivesEveryOfficialClass()
    {
        Assert.That(Default.ArchiveClasses, Is.EquivalentTo(new[] { "invitation", "meeting-document", "report", "notice", "work-document" }));
    }

    [Test]
    public void ArchiveClassesComeFromPolicyYaml()
    {
        Assert.That(LoadPolicy("archive:\n  classes: [report, notice]\nrules: []\n").ArchiveClasses, Is.EquivalentTo(new[] { "report", "notice" }));
        Assert.That(LoadPolicy("archive:\n  classes: []\nrules: []\n").ArchiveClasses, Is.Empty);
        Assert.That(LoadPolicy("rules: []\n").ArchiveClasses, Has.Count.EqualTo(5), "absent: every official class");
    }

    [TestCase("archive:\n  classes: [reprot]\nrules: []\n", "did you mean 'report'")]
    [TestCase("archive:\n  clases: [report]\nrules: []\n", "did you mean 'classes'")]
    [TestCase("archiv:\n  classes: [report]\nrules: []\n", "did you mean 'archive'")]
    public void AMistypedArchiveSettingIsAnErrorNamingTheNearest(string yaml, string expected)
    {
        var result = PolicyLoader.Load(Pki.WriteConfig(yaml));
        Assert.That(result.Policy, Is.Null);
        Assert.That(result.Errors.Select(e => e.Message), Has.Some.Contains(expected), string.Join("\n", result.Errors));
    }

    [Test]
    public void ExtractReadsTheWholeTextAndDecodesLegacyFonts()
    {
        var docx = LegacyDocuments.Docx((".VnTime", LegacyDocuments.Tcvn3Chars("Về việc chuyển đổi số trong cơ quan nhà nước")));
        var result = DocumentText.Extract(new MemoryStream(docx));
        Assert.That(result.DetectedType, Is.EqualTo("docx"));
        Assert.That(result.Encoding, Is.EqualTo("tcvn3"));
        Assert.That(result.Text.Normalize(), Does.Contain("chuyển đổi số".Normalize()));

        var lines = Enumerable.Range(1, 40).Select(i => $"Dong {i} cua van ban").Append("Cau cuoi cung").ToArray();
        var pdf = DocumentText.Extract(new MemoryStream(TestPdf.Create(lines)));
        Assert.That(pdf.DetectedType, Is.EqualTo("pdf"));
        Assert.That(pdf.Text, Does.Contain("Cau cuoi cung"));
        Assert.That(pdf.Unreadable, Is.Null);
    }

    [Test]
    public void ExtractOfAnImageOnlyPdfIsScannedWithNoText()
    {
        var result = DocumentText.Extract(new MemoryStream(LegacyDocuments.ScannedPdf()));
        Assert.That(result.Scanned, Is.True);
        Assert.That(result.Text, Is.Empty);
    }

    [Test]
    public void FindReturnsTheAttachmentWhoseBytesTheVerdictHashed()
    {
        var report = TestDocuments.Docx(TestDocuments.Report());
        var photo = new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3 };
        var message = TestMessages.Message("Báo cáo", "Kính gửi", ("bao-cao.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", report),
            ("anh.jpg", "image/jpeg", photo));
        var verdict = Evaluate(message);
        var reportSha = verdict.Attachments.Single(a => a.FileName == "bao-cao.docx").Sha256;

        using var parsed = MimeMessage.Load(new MemoryStream(TestMessages.Bytes(message)));
        var found = MessageDocuments.Find(parsed, new HashSet<string> { reportSha, new string('0', 64) });
        try
        {
            Assert.That(found.Select(f => (f.Sha256, f.FileName)), Is.EqualTo(new[] { (reportSha, (string?)"bao-cao.docx") }));
            using var copy = new MemoryStream();
            found[0].Content.CopyTo(copy);
            Assert.That(copy.ToArray(), Is.EqualTo(report), "the decoded bytes, not the base64 of the message");
        }
        finally
        {
            foreach (var f in found) f.Dispose();
        }
    }

    [Test]
    public void BodyTextIsTheBodyWithLegacyTextDecoded()
    {
        var message = TestMessages.Message("Công văn", LegacyDocuments.Tcvn3Chars("V/v chuyển đổi số\nKính gửi: các phòng"));
        Assert.That(MessageDocuments.BodyText(message)!.Normalize(), Does.Contain("V/v chuyển đổi số".Normalize()));
    }
}
