using System.Text;
using Gateway.Tests.Spool;
using GovGateway.Delivery;
using GovGateway.Spool;
using MimeKit;
using NUnit.Framework;

namespace Gateway.Tests.Delivery;

/// <summary>What MailKit would put after DATA for odd originals (MimeMessage.WriteTo is exactly what SmtpClient calls).</summary>
[TestFixture, CancelAfter(30_000)]
public class RawMessageTests
{
    TempFolder _data = null!;
    GovGateway.Spool.Spool _spool = null!;

    [SetUp]
    public void SetUp()
    {
        _data = new TempFolder();
        _spool = new GovGateway.Spool.Spool(_data.Path);
    }

    [TearDown] public void TearDown() => _data.Dispose();

    async Task<byte[]> SerialiseAsync(string original, params string[] prepend)
    {
        var envelope = SpoolTestData.Envelope("a@x.vn", "b@y.vn");
        envelope.PrependHeaders.AddRange(prepend);
        var entry = await SpoolTestData.CommitAsync(_spool, Encoding.UTF8.GetBytes(original), envelope);
        var message = RawMessage.Create(entry);
        message.Prepare(EncodingConstraint.SevenBit, 78); // what MailKit would do without GatewaySmtpClient: must change nothing
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        format.International = true;
        var output = new MemoryStream();
        await message.WriteToAsync(format, output);
        Assert.That(output.Length, Is.EqualTo(RawMessage.Length(message)), "SIZE= matches the bytes written");
        return output.ToArray();
    }

    [TestCase("Subject: plain\r\n\r\nbody\r\n")]
    [TestCase("Subject: Tiêu đề tiếng Việt\r\nX-Long: " + "aaaaaaaaaa aaaaaaaaaa aaaaaaaaaa aaaaaaaaaa aaaaaaaaaa aaaaaaaaaa aaaaaaaaaa aaaaaaaaaa aaaaaaaaaa\r\n\r\nNội dung 8bit\r\n")]
    [TestCase("\r\nno headers at all\r\n")]
    [TestCase("Subject: bare LF in body\r\n\r\nline1\nline2\r\n")]
    [TestCase("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n")]
    public async Task Original_bytes_survive_with_and_without_prepended_headers(string original)
    {
        Assert.That(await SerialiseAsync(original), Is.EqualTo(Encoding.UTF8.GetBytes(original)));
        Assert.That(await SerialiseAsync(original, "Received: by gw.test;\r\n\tMon, 23 Nov 2026 10:00:00 +0000", "X-GovVN-Class: x"),
            Is.EqualTo(Encoding.UTF8.GetBytes("Received: by gw.test;\r\n\tMon, 23 Nov 2026 10:00:00 +0000\r\nX-GovVN-Class: x\r\n" + original)));
    }

    [Test]
    public async Task A_message_of_headers_only_gains_only_the_empty_line_that_ends_its_header_section()
    {
        const string original = "Subject: headers only\r\nX-A: 1\r\n";
        Assert.That(Encoding.UTF8.GetString(await SerialiseAsync(original)), Is.EqualTo(original + "\r\n"));
    }

    [Test]
    public async Task A_malformed_first_line_gets_a_header_of_ours_on_top_and_is_otherwise_kept()
    {
        const string original = "Subject : spaced name\r\nFrom: a@x.vn\r\n\r\nbody\r\n";
        var bytes = Encoding.UTF8.GetString(await SerialiseAsync(original));
        Assert.That(bytes, Does.StartWith("X-GovVN-Queue-ID: "));
        Assert.That(bytes, Does.EndWith("\r\n" + original));
    }

    [TestCase(65_533)] // the blank line straddles the first 64 KB read
    [TestCase(65_534)]
    [TestCase(65_535)]
    [TestCase(200_000)] // found only after several reads
    public async Task A_header_section_longer_than_one_read_is_found_where_it_ends(int headerBytes)
    {
        var sb = new StringBuilder("Subject: big header section\r\n");
        while (sb.Length < headerBytes - 2) sb.Append("X-Filler: ").Append('f', Math.Min(60, Math.Max(1, headerBytes - 2 - sb.Length - 12))).Append("\r\n");
        var original = sb + "\r\nbody line\r\n.dot line\r\n";
        var bytes = await SerialiseAsync(original, "X-GovVN-Class: x");
        Assert.That(bytes, Is.EqualTo(Encoding.UTF8.GetBytes("X-GovVN-Class: x\r\n" + original)));
    }
    [Test]
    public async Task Sender_supplied_GovVN_headers_are_renamed_and_every_other_byte_is_kept()
    {
        const string original = "From: a@x.vn\r\nX-GovVN-Signature: signed; smime=valid\r\nx-govvn-class: secret,\r\n\tofficial-document\r\n"
            + "X-Other: X-GovVN-Policy: not a field name\r\nSubject: s\r\n\r\nX-GovVN-Signature: in the body, untouched\r\n";
        var bytes = Encoding.UTF8.GetString(await SerialiseAsync(original, "X-GovVN-Signature: unsigned; smime=none; pdf=none"));
        Assert.That(bytes, Is.EqualTo("X-GovVN-Signature: unsigned; smime=none; pdf=none\r\n"
            + "From: a@x.vn\r\nX-Untrusted-GovVN-Signature: signed; smime=valid\r\nX-Untrusted-GovVN-class: secret,\r\n\tofficial-document\r\n"
            + "X-Other: X-GovVN-Policy: not a field name\r\nSubject: s\r\n\r\nX-GovVN-Signature: in the body, untouched\r\n"));
    }

    [Test]
    public async Task The_outbox_copy_renames_sender_supplied_GovVN_headers_too()
    {
        var envelope = SpoolTestData.Envelope("a@x.vn", "b@y.vn");
        envelope.PrependHeaders.Add("X-GovVN-Policy: accept; version=1");
        var entry = await SpoolTestData.CommitAsync(_spool, Encoding.UTF8.GetBytes("X-GovVN-Policy: accept\r\nSubject: s\r\n\r\nbody\r\n"), envelope);
        var output = new MemoryStream();
        await RawMessage.CopyToAsync(entry, output, CancellationToken.None);
        Assert.That(Encoding.UTF8.GetString(output.ToArray()),
            Is.EqualTo("X-GovVN-Policy: accept; version=1\r\nX-Untrusted-GovVN-Policy: accept\r\nSubject: s\r\n\r\nbody\r\n"));
    }
}
