using System.IO.Compression;
using System.Text;
using GovGateway.Policies.Tests.Fixtures;

namespace GovGateway.Policies.Tests;

/// <summary>
/// Issue 15 §3: a document the gateway cannot read is "unreadable", never a harmless "other"; the shipped policy holds
/// it when it leaves government mail. A DOCTYPE line is no reason to give up on a DOCX.
/// </summary>
public sealed class FailClosedTests : PolicyFixture
{
    private const string Outside = "ban.be@gmail.com";

    /// <summary>The DOCX with <paramref name="rewrite"/> applied to word/document.xml.</summary>
    private static byte[] RewriteDocument(byte[] docx, Func<string, string> rewrite)
    {
        using var stream = new MemoryStream();
        stream.Write(docx);
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = zip.GetEntry("word/document.xml")!;
            string xml;
            using (var reader = new StreamReader(entry.Open(), Encoding.UTF8)) xml = reader.ReadToEnd();
            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry("word/document.xml").Open(), new UTF8Encoding(false));
            writer.Write(rewrite(xml));
        }
        return stream.ToArray();
    }

    private static string WithDoctype(string xml, string doctype)
    {
        var end = xml.StartsWith("<?xml", StringComparison.Ordinal) ? xml.IndexOf("?>", StringComparison.Ordinal) + 2 : 0;
        return xml[..end] + doctype + xml[end..];
    }

    [TestCase("<!DOCTYPE>")]
    [TestCase("<!DOCTYPE w:document>")]
    [TestCase("<!DOCTYPE w:document [<!ENTITY x \"y\">]>")]
    public void SecretReportWithADoctypeLineIsReadClassifiedAndRefusedToGmail(string doctype)
    {
        var docx = RewriteDocument(TestDocuments.Docx(TestDocuments.Secret()), xml => WithDoctype(xml, doctype));
        var verdict = Evaluate(TestMessages.Message("Gửi tài liệu", "Xin gửi.", ("tai-lieu.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx)),
            TestMessages.Envelope(Outside));
        var attachment = verdict.Attachments.Single();
        Assert.That(attachment.Class, Is.EqualTo(DocumentClass.Report), Describe(verdict));
        Assert.That(attachment.SecretMarking, Is.True, Describe(verdict));
        Assert.That(attachment.Unreadable, Is.False, Describe(verdict));
        Assert.That(verdict.Decision, Is.EqualTo(Decision.Reject));
        Assert.That(verdict.Reasons.Select(r => r.Rule), Does.Contain("secret"));
    }

    [Test]
    public void DocxTheParserRefusesIsUnreadableAndHeldWhenBoundOutsideGovernmentMail()
    {
        var docx = RewriteDocument(TestDocuments.Docx(TestDocuments.Secret()), xml => xml.Replace("<w:body>", "<w:body><<broken", StringComparison.Ordinal));
        var message = TestMessages.Message("Gửi tài liệu", "Xin gửi.", ("ghi-chu.docx", "application/octet-stream", docx));

        var outside = Evaluate(message, TestMessages.Envelope(Outside));
        var attachment = outside.Attachments.Single();
        Assert.That(attachment.DetectedType, Is.EqualTo("docx"));
        Assert.That(attachment.Unreadable, Is.True, Describe(outside));
        Assert.That(attachment.Findings, Has.Some.StartsWith("unreadable docx"));
        Assert.That(outside.Decision, Is.EqualTo(Decision.Quarantine), Describe(outside));
        Assert.That(outside.Reasons.Single().Rule, Is.EqualTo("unreadable-outside"));
        Assert.That(outside.Reasons.Single().MessageVi, Does.Contain("ghi-chu.docx"));

        var inside = Evaluate(message, TestMessages.Envelope("vanphong@ubnd.hatinh.gov.vn"));
        Assert.That(inside.Decision, Is.EqualTo(Decision.Accept), "government mail may carry it: " + Describe(inside));
    }

    [Test]
    public void EncryptedPdfIsUnreadable()
    {
        // A Standard security handler whose /U does not match the empty password: no reader can open it without one.
        var pdf = Encoding.Latin1.GetString(TestPdf.Create(TestDocuments.Report()));
        var trailer = pdf.LastIndexOf("/Root 1 0 R >>", StringComparison.Ordinal);
        var key = new string('7', 64);
        pdf = pdf[..trailer] + $"/Root 1 0 R /Encrypt << /Filter /Standard /V 1 /R 2 /Length 40 /O <{key}> /U <{key}> /P -4 >> /ID [<{new string('1', 32)}> <{new string('1', 32)}>] >>"
              + pdf[(trailer + "/Root 1 0 R >>".Length)..];
        var verdict = Evaluate(TestMessages.Message("Tài liệu", "Xin gửi.", ("tai-lieu.pdf", "application/pdf", Encoding.Latin1.GetBytes(pdf))),
            TestMessages.Envelope(Outside));
        var attachment = verdict.Attachments.Single();
        Assert.That(attachment.DetectedType, Is.EqualTo("pdf"));
        Assert.That(attachment.Unreadable, Is.True, Describe(verdict));
        Assert.That(verdict.Decision, Is.EqualTo(Decision.Quarantine), Describe(verdict));
    }

    [Test]
    public void CorruptAndEncryptedArchivesAreUnreadable()
    {
        byte[] corrupt = [.. "PK\x03\x04"u8, .. Enumerable.Repeat((byte)0x5A, 200)];
        var encrypted = TestDocuments.EncryptedZip(("bao-cao.docx", TestDocuments.Docx(TestDocuments.Report())));
        var verdict = Evaluate(TestMessages.Message("Tài liệu", "Xin gửi.", ("a.zip", "application/zip", corrupt), ("b.zip", "application/zip", encrypted)),
            TestMessages.Envelope(Outside));
        Assert.That(verdict.Attachments.Select(a => a.Unreadable), Is.All.True, Describe(verdict));
    }

    [Test]
    public void ReadableDocumentsAreNotUnreadable()
    {
        var verdict = Evaluate(TestMessages.Message("Giấy mời", "Xin gửi.",
            ("giay-moi.docx", "application/octet-stream", TestDocuments.Docx(TestDocuments.Invitation())),
            ("giay-moi.pdf", "application/pdf", TestPdf.Create(TestDocuments.Invitation()))));
        Assert.That(verdict.Attachments.Select(a => a.Unreadable), Is.All.False, Describe(verdict));
        Assert.That(verdict.Attachments.Select(a => a.Class), Is.All.EqualTo(DocumentClass.Invitation));
    }

    [Test]
    public void UnreadableConditionIsReadFromPolicyYaml()
    {
        var policy = LoadPolicy("""
            rules:
              - name: hold-unreadable
                when:
                  unreadable: true
                action: quarantine
                message: {vi: "giữ {details}", en: "held {details}"}
            """);
        var docx = RewriteDocument(TestDocuments.Docx("x"), xml => xml + "<junk");
        var verdict = Evaluate(TestMessages.Message("x", "x", ("x.docx", "application/octet-stream", docx)), policy: policy);
        Assert.That(verdict.Decision, Is.EqualTo(Decision.Quarantine), Describe(verdict));
        Assert.That(verdict.Reasons.Single().MessageEn, Is.EqualTo("held x.docx"));
    }
}
