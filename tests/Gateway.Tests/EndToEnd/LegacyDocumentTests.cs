using System.Text;
using System.Text.Json;
using Gateway.Tests.Support;
using GovGateway.Audit;
using MimeKit;
using NUnit.Framework;

namespace Gateway.Tests.EndToEnd;

/// <summary>
/// A HỎA TỐC notice typed with TCVN3 (.VnTime) bytes, as `gateway policy test` shows it to an administrator and as the
/// audit record keeps it: the encoding found, the urgency, and the Decree 30 metadata under edXML names.
/// </summary>
[TestFixture]
public sealed class LegacyDocumentTests
{
    private string _config = null!;

    [SetUp]
    public void SetUp()
    {
        _config = TempFolders.Create("legacy-docs");
        RepoPaths.CopyDirectory(RepoPaths.ShippedConfig, _config);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_config, true);

    private static Task<ToolResult> Gateway(params string[] args) =>
        GatewayBinary.RunAsync(args);

    /// <summary>TCVN3 bytes from glibc's iconv; capitals as .VnTimeH text has them (plain letters upper case).</summary>
    private static string Tcvn3(string unicode, bool capitals = false)
    {
        var text = Encoding.Latin1.GetString(ToolRunner.Pipe("iconv", ["-f", "UTF-8", "-t", "TCVN"], Encoding.UTF8.GetBytes(unicode)));
        return capitals ? new string(text.Select(c => c is >= 'a' and <= 'z' ? (char)(c - 32) : c).ToArray()) : text;
    }

    private static MimeMessage HoaTocNotice()
    {
        var lines = new[]
        {
            Tcvn3("ubnd tỉnh hà tĩnh", capitals: true),
            Tcvn3("sở văn hóa và thể thao", capitals: true),
            Tcvn3("Số: 21/TB-SVHTT"),
            Tcvn3("Hà Tĩnh, ngày 12 tháng 5 năm 2025"),
            Tcvn3("hỏa tốc", capitals: true),
            Tcvn3("thông báo", capitals: true),
            Tcvn3("Lịch kiểm tra công tác phòng cháy"),
            Tcvn3("Kính gửi: Các đơn vị trực thuộc"),
            Tcvn3("giám đốc", capitals: true),
            Tcvn3("Lê Văn Hùng"),
        };
        var message = Mail.Plain("Gửi thông báo", "Kính gửi các đơn vị, gửi kèm thông báo.");
        var builder = new BodyBuilder { TextBody = "Kính gửi các đơn vị, gửi kèm thông báo." };
        builder.Attachments.Add("tb21.txt", Encoding.Latin1.GetBytes(string.Join("\r\n", lines)), new ContentType("text", "plain"));
        message.Body = builder.ToMessageBody();
        return message;
    }

    [Test]
    public async Task Policy_test_shows_the_encoding_the_urgency_and_the_edxml_metadata()
    {
        var eml = Mail.WriteEml(HoaTocNotice(), _config);
        var result = await Gateway("policy", "test", eml, "--mail-from", Mail.Sender, "--rcpt", Mail.Recipient, "--config", _config, "--json");
        using var json = JsonDocument.Parse(result.StdOut);
        var root = json.RootElement;
        var a = root.GetProperty("attachments").EnumerateArray().Single();
        var d = a.GetProperty("document");
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("urgency").GetString(), Is.EqualTo("hoa-toc"), result.All);
            Assert.That(a.GetProperty("encoding").GetString(), Is.EqualTo("tcvn3"));
            Assert.That(a.GetProperty("class").GetString(), Is.EqualTo("notice"));
            Assert.That(a.GetProperty("urgency").GetString(), Is.EqualTo("hoa-toc"));
            Assert.That(d.GetProperty("CodeNumber").GetString(), Is.EqualTo("21"));
            Assert.That(d.GetProperty("CodeNotation").GetString(), Is.EqualTo("TB-SVHTT"));
            Assert.That(d.GetProperty("DocumentType").GetString(), Is.EqualTo("THÔNG BÁO"));
            Assert.That(d.GetProperty("OrganName").GetString(), Is.EqualTo("SỞ VĂN HÓA VÀ THỂ THAO"));
            Assert.That(d.GetProperty("PromulgationInfo").GetProperty("Place").GetString(), Is.EqualTo("Hà Tĩnh"));
            Assert.That(d.GetProperty("PromulgationInfo").GetProperty("PromulgationDate").GetString(), Is.EqualTo("2025-05-12"));
            Assert.That(d.GetProperty("Subject").GetString(), Is.EqualTo("Lịch kiểm tra công tác phòng cháy"));
            Assert.That(d.GetProperty("SignerInfo").GetProperty("Position").GetString(), Is.EqualTo("GIÁM ĐỐC"));
            Assert.That(d.GetProperty("SignerInfo").GetProperty("FullName").GetString(), Is.EqualTo("Lê Văn Hùng"));
            Assert.That(d.GetProperty("Priority").GetInt32(), Is.EqualTo(3));
        });

        var text = await Gateway("policy", "test", eml, "--mail-from", Mail.Sender, "--rcpt", Mail.Recipient, "--config", _config);
        Assert.That(text.StdOut, Does.Contain("urgency: hoa-toc (HỎA TỐC)").And.Contain("encoding: tcvn3").And.Contain("document: 21/TB-SVHTT, THÔNG BÁO, from SỞ VĂN HÓA VÀ THỂ THAO"));
    }

    [Test]
    public async Task The_audit_record_keeps_the_encoding_urgency_and_metadata()
    {
        await using var gateway = await TestGateway.StartAsync(configDir: _config);
        var eml = Mail.WriteEml(HoaTocNotice(), _config);
        var sent = await Swaks.SendAsync(gateway.Relay.Port, Mail.Sender, Mail.Recipient, eml);
        Assert.That(sent.All, Does.Contain("<** 550"), "an unsigned notice is refused: " + sent.All);

        var audit = gateway.Runtime.Audit!;
        await audit.FlushAsync();
        var t = audit.Query(new AuditQuery { Decision = "rejected" }).Records.Single().Transaction;
        var a = t.Attachments.Single();
        Assert.Multiple(() =>
        {
            Assert.That(t.Urgency, Is.EqualTo("hoa-toc"));
            Assert.That(a.Encoding, Is.EqualTo("tcvn3"));
            Assert.That(a.Urgency, Is.EqualTo("hoa-toc"));
            Assert.That(a.Document?.CodeNumber, Is.EqualTo("21"));
            Assert.That(a.Document?.CodeNotation, Is.EqualTo("TB-SVHTT"));
            Assert.That(a.Document?.PromulgationInfo?.PromulgationDate, Is.EqualTo("2025-05-12"));
            Assert.That(a.Document?.Priority, Is.EqualTo(3));
            Assert.That(a.Document?.SignerInfo?.FullName, Is.EqualTo("Lê Văn Hùng"));
        });
    }
}
