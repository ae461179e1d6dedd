using System.Xml.Linq;
using GovGateway.Audit;

namespace GovGateway.Archive.Tests;

public class EdXmlMetadataTests
{
    [Test]
    public void Metadata_is_written_under_QCVN_102_names_and_parses_back()
    {
        var doc = new ArchivedDocument
        {
            Id = new string('a', 64),
            FileName = "45-GM-STTTT.pdf",
            ContentType = "application/pdf",
            Size = 1234,
            Class = "invitation",
            Urgency = "khan",
            Document = new AuditDocument
            {
                CodeNumber = "45", CodeNotation = "GM-STTTT", DocumentType = "Giấy mời",
                OrganName = "Sở Thông tin và Truyền thông",
                PromulgationInfo = new AuditPromulgationInfo { Place = "Hà Nội", PromulgationDate = "2026-03-15" },
                Subject = "Mời dự hội nghị chuyển đổi số", Priority = 1,
                SignerInfo = new AuditSignerInfo { Competence = "KT. GIÁM ĐỐC", Position = "PHÓ GIÁM ĐỐC", FullName = "Nguyễn Văn An" },
                Recipients = ["UBND các huyện"],
            },
            Exchanges = [new ArchiveExchange { QueueId = "Q1", Direction = "inbound", TimeUtc = new DateTime(2026, 3, 15, 2, 0, 0, DateTimeKind.Utc), Sender = "a@b.gov.vn", Recipients = ["c@d.gov.vn"] }],
        };
        using var buffer = new MemoryStream();
        EdXmlMetadata.Write(doc, buffer);

        buffer.Position = 0;
        var xml = XDocument.Load(buffer);
        var ns = EdXmlMetadata.Ns;
        var header = xml.Root!.Element(ns + "Header")!.Element(ns + "MessageHeader")!;
        Assert.Multiple(() =>
        {
            Assert.That(header.Element(ns + "From")!.Element(ns + "OrganName")!.Value, Is.EqualTo("Sở Thông tin và Truyền thông"));
            Assert.That(header.Element(ns + "Code")!.Element(ns + "CodeNumber")!.Value, Is.EqualTo("45"));
            Assert.That(header.Element(ns + "Code")!.Element(ns + "CodeNotation")!.Value, Is.EqualTo("GM-STTTT"));
            Assert.That(header.Element(ns + "PromulgationInfo")!.Element(ns + "PromulgationDate")!.Value, Is.EqualTo("2026-03-15"));
            Assert.That(header.Element(ns + "SignerInfo")!.Element(ns + "FullName")!.Value, Is.EqualTo("Nguyễn Văn An"));
            Assert.That(header.Element(ns + "OtherInfo")!.Element(ns + "Priority")!.Value, Is.EqualTo("1"));
        });

        buffer.Position = 0;
        var back = EdXmlMetadata.Read(buffer);
        Assert.Multiple(() =>
        {
            Assert.That(back.Id, Is.EqualTo(doc.Id));
            Assert.That(back.FileName, Is.EqualTo(doc.FileName));
            Assert.That(back.Size, Is.EqualTo(1234));
            Assert.That(back.Document.CodeNumber, Is.EqualTo("45"));
            Assert.That(back.Document.CodeNotation, Is.EqualTo("GM-STTTT"));
            Assert.That(back.Document.DocumentType, Is.EqualTo("Giấy mời"));
            Assert.That(back.Document.OrganName, Is.EqualTo("Sở Thông tin và Truyền thông"));
            Assert.That(back.Document.PromulgationInfo!.Place, Is.EqualTo("Hà Nội"));
            Assert.That(back.Document.Subject, Is.EqualTo("Mời dự hội nghị chuyển đổi số"));
            Assert.That(back.Document.SignerInfo!.Competence, Is.EqualTo("KT. GIÁM ĐỐC"));
            Assert.That(back.Document.SignerInfo!.Position, Is.EqualTo("PHÓ GIÁM ĐỐC"));
            Assert.That(back.Document.Priority, Is.EqualTo(1));
            Assert.That(back.Document.Recipients, Is.EqualTo(new[] { "UBND các huyện" }));
            Assert.That(back.Exchanges.Single().TimeUtc, Is.EqualTo(doc.Exchanges[0].TimeUtc));
            Assert.That(back.Exchanges.Single().Recipients, Is.EqualTo(new[] { "c@d.gov.vn" }));
        });
    }
}
