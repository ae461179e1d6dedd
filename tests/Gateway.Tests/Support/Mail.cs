using System.Text;
using MimeKit;

namespace Gateway.Tests.Support;

/// <summary>Messages as staff's mail clients make them.</summary>
public static class Mail
{
    public const string Sender = "vanthu@stttt.hatinh.gov.vn";
    public const string Recipient = "lanhdao@ubnd.hatinh.gov.vn";

    public static MimeMessage WithAttachment(string subject, string fileName, string text, string from = Sender, string to = Recipient)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("test.gov.vn");
        var body = new BodyBuilder { TextBody = "Kính gửi anh/chị,\r\nXin gửi kèm văn bản.\r\n" };
        body.Attachments.Add(fileName, Encoding.UTF8.GetBytes(text), new ContentType("text", "plain") { Charset = "utf-8" });
        message.Body = body.ToMessageBody();
        return message;
    }

    public static MimeMessage Plain(string subject, string text, string from = Sender, string to = Recipient)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("test.gov.vn");
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    public const string InvitationText = "UBND TỈNH HÀ TĨNH\nSỞ THÔNG TIN VÀ TRUYỀN THÔNG\nSố: 45/GM-STTTT\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\nGIẤY MỜI\nHọp giao ban chuyển đổi số tháng 11\n";
    public const string ReportText = "UBND TỈNH HÀ TĨNH\nSỞ THÔNG TIN VÀ TRUYỀN THÔNG\nSố: 12/BC-STTTT\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\nBÁO CÁO\nKết quả chuyển đổi số quý III\n";
    public const string SecretText = "UBND TỈNH HÀ TĨNH\nSố: 07/BC-CA\nMẬT\n\nBÁO CÁO\nTình hình an ninh\n";

    /// <summary>The exact bytes a client sends after DATA (CRLF line ends).</summary>
    public static byte[] ToBytes(MimeMessage message)
    {
        using var ms = new MemoryStream();
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        message.WriteTo(options, ms);
        // On the wire a message always ends with CRLF before the final dot; a client adds it when missing.
        if (!ms.ToArray().AsSpan().EndsWith("\r\n"u8))
            ms.Write("\r\n"u8);
        return ms.ToArray();
    }

    public static string WriteEml(MimeMessage message, string dir)
    {
        var path = Path.Combine(dir, Guid.NewGuid().ToString("N") + ".eml");
        File.WriteAllBytes(path, ToBytes(message));
        return path;
    }

    /// <summary>True when <paramref name="received"/> is some header lines followed by exactly <paramref name="original"/>.</summary>
    public static bool IsOriginalBelowAddedHeaders(byte[] received, byte[] original) =>
        received.Length >= original.Length && received.AsSpan(received.Length - original.Length).SequenceEqual(original);
}
