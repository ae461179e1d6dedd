using System.Text;
using Gateway.Tests.Support;
using GovGateway.Archive;
using GovGateway.TestKit;
using MimeKit;

namespace Gateway.Tests.Archive;

/// <summary>Signed Decree 30 documents, a configuration that trusts their signer, and waiting for the archive.</summary>
internal static class ArchiveTestKit
{
    public static TestPki Pki => TestPki.Instance;

    /// <summary>A copy of the shipped configuration with the test PKI's root and CRLs in trust/, so the signed PDFs are valid.</summary>
    public static string ConfigWithTrust()
    {
        var dir = TempFolders.Create("archive-config");
        RepoPaths.CopyDirectory(RepoPaths.ShippedConfig, dir);
        var trust = Path.Combine(dir, "trust");
        Directory.CreateDirectory(trust);
        File.WriteAllText(Path.Combine(trust, "test-root.pem"), Pki.Root.CertificatePem);
        File.WriteAllBytes(Path.Combine(trust, "test-ca.crl"), Pki.Crl.GetEncoded());
        File.WriteAllBytes(Path.Combine(trust, "test-root.crl"), Pki.RootCrl.GetEncoded());
        return dir;
    }

    /// <summary>The lines of a report as Decree 30 lays it out; <paramref name="body"/> is its text.</summary>
    public static string[] ReportLines(string number = "12", string body = "Kết quả triển khai chuyển đổi số quý III năm 2026 tại các cơ quan nhà nước trên địa bàn tỉnh") =>
    [
        "UBND TỈNH HÀ TĨNH",
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        $"Số: {number}/BC-STTTT",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hà Tĩnh, ngày 15 tháng 11 năm 2026",
        "BÁO CÁO",
        "Kết quả chuyển đổi số quý III",
        body,
        "Nơi nhận:",
        "- UBND tỉnh;",
        "GIÁM ĐỐC",
        "Nguyễn Văn An",
    ];

    /// <summary>A report PDF signed by the test PKI's valid signer.</summary>
    public static byte[] SignedReport(string number = "12", string? body = null) =>
        TestPdf.CreateSigned(Pki.Valid, body is null ? ReportLines(number) : ReportLines(number, body));

    public static MimeMessage WithDocument(string subject, string fileName, byte[] document, string mediaType = "application", string subType = "pdf",
        string from = Mail.Sender, string to = Mail.Recipient)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("test.gov.vn");
        var body = new BodyBuilder { TextBody = "Kính gửi anh/chị,\r\nSở gửi kèm văn bản đã ký số.\r\n" };
        body.Attachments.Add(fileName, document, new ContentType(mediaType, subType));
        message.Body = body.ToMessageBody();
        return message;
    }

    public static async Task<T> UntilAsync<T>(Func<T> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = probe();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Timed out waiting for: " + what);
            await Task.Delay(50);
        }
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    public static string Folded(string s) => s.Normalize(NormalizationForm.FormC);

    /// <summary>The archive's search for <paramref name="text"/>, newest first.</summary>
    public static ArchiveSearchResult Search(IDocumentArchive archive, string? text = null) => archive.Search(new ArchiveQuery { Text = text });
}
