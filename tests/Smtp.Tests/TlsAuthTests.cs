using System.Text;
using GovGateway.Smtp.Tests.Support;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace GovGateway.Smtp.Tests;

[TestFixture]
public class TlsAuthTests
{
    private TestServer _server = null!;

    [SetUp]
    public async Task SetUp() => _server = await TestServer.StartAsync();

    [TearDown]
    public async Task TearDown() => await _server.DisposeAsync();

    private static string Plain(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));

    [Test]
    public async Task Submission_requires_tls_then_auth_before_mail()
    {
        await using var c = await _server.ConnectAsync("submission");
        await c.ReadReplyAsync();
        await c.CommandAsync("EHLO c.example");
        Assert.That(await c.CommandAsync("MAIL FROM:<alice@example.com>"), Is.EqualTo("530 5.7.0 Must issue a STARTTLS command first"));
        Assert.That(await c.CommandAsync("AUTH PLAIN " + Plain("alice", "s3cret")), Is.EqualTo("538 5.7.11 Encryption required for requested authentication mechanism"));
        Assert.That(_server.Handler.Events, Does.Not.Contain("auth alice"), "credentials never reach the handler in plaintext");
        await c.CommandAsync("STARTTLS");
        await c.StartTlsAsync();
        await c.CommandAsync("EHLO c.example");
        Assert.That(await c.CommandAsync("MAIL FROM:<alice@example.com>"), Is.EqualTo("530 5.7.0 Authentication required"));
        Assert.That(await c.CommandAsync("AUTH PLAIN " + Plain("alice", "s3cret")), Is.EqualTo("235 2.7.0 Authentication successful"));
        Assert.That(await c.CommandAsync("AUTH PLAIN " + Plain("alice", "s3cret")), Is.EqualTo("503 5.5.1 Already authenticated"));
        Assert.That(await c.CommandAsync("MAIL FROM:<alice@example.com>"), Is.EqualTo("250 2.1.0 Sender OK"));
        await c.CommandAsync("RCPT TO:<bob@example.com>");
        await c.CommandAsync("DATA");
        Assert.That(await c.CommandAsync("hi\r\n."), Does.StartWith("250"));
        var m = _server.Handler.Messages.Single();
        Assert.That(m.Session.AuthenticatedUser, Is.EqualTo("alice"));
        Assert.That(m.Session.TlsProtocol, Is.Not.Null);
        Assert.That(m.Session.TlsCipher, Is.Not.Null.And.Not.Empty);
        Assert.That(m.Content, Is.EqualTo(Encoding.ASCII.GetBytes("hi\r\n")));
    }

    [Test]
    public async Task Auth_failures_are_delayed_and_lock_the_client_out()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.MaxAuthFailuresPerIp = 3;
            o.AuthFailureDelay = TimeSpan.FromMilliseconds(300);
        });
        var smtps = server.Server.BoundEndPoints["smtps"];
        await using (var c = await RawClient.ConnectTlsAsync(smtps))
        {
            await c.ReadReplyAsync();
            await c.CommandAsync("EHLO c.example");
            var started = System.Diagnostics.Stopwatch.StartNew();
            Assert.That(await c.CommandAsync("AUTH PLAIN " + Plain("alice", "wrong1")), Is.EqualTo("535 5.7.8 Authentication credentials invalid"));
            Assert.That(started.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(250)), "failure reply is delayed");
            Assert.That(await c.CommandAsync("AUTH PLAIN " + Plain("alice", "wrong2")), Is.EqualTo("535 5.7.8 Authentication credentials invalid"));
            Assert.That(await c.CommandAsync("AUTH PLAIN " + Plain("alice", "wrong3")),
                Is.EqualTo("421 4.7.0 Too many authentication failures, try again later; closing connection"));
            Assert.That(await c.IsClosedAsync(), Is.True);
        }
        // Locked out from a new connection too, even with the right password.
        await using var d = await RawClient.ConnectTlsAsync(smtps);
        await d.ReadReplyAsync();
        await d.CommandAsync("EHLO c.example");
        Assert.That(await d.CommandAsync("AUTH PLAIN " + Plain("alice", "s3cret")),
            Is.EqualTo("421 4.7.0 Too many authentication failures, try again later; closing connection"));
        Assert.That(server.Handler.Events.Count(e => e == "auth alice"), Is.EqualTo(3));
    }

    private static MimeMessage Message(string from, string to, string subject, string body)
    {
        var m = new MimeMessage();
        m.From.Add(MailboxAddress.Parse(from));
        m.To.Add(MailboxAddress.Parse(to));
        m.Subject = subject;
        m.MessageId = "test@example.com";
        m.Date = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
        m.Body = new TextPart("plain") { Text = body };
        return m;
    }

    private static byte[] WireBytes(MimeMessage message)
    {
        using var ms = new MemoryStream();
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
                options.EnsureNewLine = true;
        message.WriteTo(options, ms);
        return ms.ToArray();
    }

    [Test]
    public async Task MailKit_submits_with_starttls_and_auth()
    {
        using var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync("127.0.0.1", _server.Port("submission"), SecureSocketOptions.StartTls);
        await client.AuthenticateAsync("alice", "s3cret");
        var message = Message("alice@example.com", "bob@example.com", "Hello", "Line one\r\n.Line starting with a dot\r\n");
        var expected = WireBytes(message);
        await client.SendAsync(message);
        await client.DisconnectAsync(true);

        var stored = _server.Handler.Messages.Single();
        Assert.That(stored.Content, Is.EqualTo(expected));
        Assert.That(stored.Envelope.MailFrom, Is.EqualTo("alice@example.com"));
        Assert.That(stored.Session.AuthenticatedUser, Is.EqualTo("alice"));
        Assert.That(stored.Session.IsSecure, Is.True);
    }

    [Test]
    public async Task MailKit_wrong_password_is_refused()
    {
        using var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync("127.0.0.1", _server.Port("submission"), SecureSocketOptions.StartTls);
        var e = Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync("alice", "nope"));
        Assert.That(e!.Message, Does.Contain("Authentication credentials invalid"));
    }

    [Test]
    public async Task A_temporary_auth_failure_is_answered_454_and_leaves_the_connection_usable()
    {
        using var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync("127.0.0.1", _server.Port("submission"), SecureSocketOptions.StartTls);
        var e = Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync("backend-down", "whatever"));
        Assert.That(e!.Message, Does.Contain("Temporary authentication failure"));
        // Still usable: the next, good login succeeds on the same connection.
        await client.AuthenticateAsync("alice", "s3cret");
        Assert.That(client.IsAuthenticated, Is.True);
    }

    [Test]
    public async Task Temporary_auth_failures_are_slowed_and_counted_towards_the_lockout()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.MaxAuthFailuresPerIp = 3;
            o.AuthFailureDelay = TimeSpan.FromMilliseconds(300);
        });
        await using var c = await RawClient.ConnectTlsAsync(server.Server.BoundEndPoints["smtps"]);
        await c.ReadReplyAsync();
        await c.CommandAsync("EHLO c.example");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.That(await c.CommandAsync("AUTH PLAIN " + Plain("backend-down", "guess1")), Does.StartWith("454 4.7.0"));
        Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(290)), "slowed like a wrong password");
        Assert.That(await c.CommandAsync("AUTH PLAIN " + Plain("backend-down", "guess2")), Does.StartWith("454 4.7.0"));
        Assert.That(await c.CommandAsync("AUTH PLAIN " + Plain("backend-down", "guess3")), Does.StartWith("421 4.7.0"), "the third attempt reaches the lockout");

        await using var again = await RawClient.ConnectTlsAsync(server.Server.BoundEndPoints["smtps"]);
        await again.ReadReplyAsync();
        await again.CommandAsync("EHLO c.example");
        Assert.That(await again.CommandAsync("AUTH PLAIN " + Plain("alice", "s3cret")), Does.StartWith("421 4.7.0"), "locked out, the right password is not even checked");
        Assert.That(server.Handler.Events, Does.Not.Contain("auth alice"));
    }

    [Test]
    public async Task MailKit_over_implicit_tls_with_smtputf8()
    {
        using var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync("127.0.0.1", _server.Port("smtps"), SecureSocketOptions.SslOnConnect);
        Assert.That(client.Capabilities.HasFlag(SmtpCapabilities.UTF8), Is.True);
        await client.AuthenticateAsync("alice", "s3cret");
        var message = Message("nguyễn.văn.a@bộ.gov.vn", "trần.thị.b@sở.gov.vn", "Giấy mời họp", "Kính gửi: đồng chí\r\n");
        await client.SendAsync(message);
        await client.DisconnectAsync(true);

        var stored = _server.Handler.Messages.Single();
        Assert.That(stored.Envelope.SmtpUtf8, Is.True);
        Assert.That(stored.Envelope.MailFrom, Is.EqualTo("nguyễn.văn.a@bộ.gov.vn"));
        Assert.That(stored.Envelope.Recipients.Single().Address, Is.EqualTo("trần.thị.b@sở.gov.vn"));
        // MailKit re-encodes header domains as it sees fit, so compare what the bytes mean.
        var parsed = MimeMessage.Load(new MemoryStream(stored.Content));
        Assert.That(parsed.Subject, Is.EqualTo("Giấy mời họp"));
        Assert.That(parsed.TextBody!.ReplaceLineEndings("\r\n"), Is.EqualTo("Kính gửi: đồng chí\r\n"));
        Assert.That(stored.Content[^2..], Is.EqualTo("\r\n"u8.ToArray()));
    }

    [Test]
    public async Task MailKit_sends_a_20_MB_message_streamed_byte_exact()
    {
        var data = new byte[20 * 1024 * 1024];
        new Random(42).NextBytes(data);
        var message = Message("alice@example.com", "bob@example.com", "Big", "see attachment\r\n");
        var attachment = new MimePart("application", "octet-stream")
        {
            Content = new MimeContent(new MemoryStream(data)),
            ContentTransferEncoding = ContentEncoding.Base64,
            FileName = "big.bin",
        };
        message.Body = new Multipart("mixed") { message.Body!, attachment };
        ((Multipart)message.Body).Boundary = "=-boundary-test";
        var expected = WireBytes(message);

        using var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync("127.0.0.1", _server.Port("submission"), SecureSocketOptions.StartTls);
        await client.AuthenticateAsync("alice", "s3cret");
        await client.SendAsync(message);
        await client.DisconnectAsync(true);

        var stored = _server.Handler.Messages.Single();
        Assert.That(stored.Content.Length, Is.EqualTo(expected.Length));
        Assert.That(stored.Content.AsSpan().SequenceEqual(expected), Is.True);
        var parsed = MimeMessage.Load(new MemoryStream(stored.Content));
        using var decoded = new MemoryStream();
        ((MimePart)parsed.Attachments.Single()).Content!.DecodeTo(decoded);
        Assert.That(decoded.ToArray().AsSpan().SequenceEqual(data), Is.True);
    }
}
