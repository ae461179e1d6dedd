using System.Text;
using GovGateway.Smtp.Tests.Support;

namespace GovGateway.Smtp.Tests;

/// <summary>Clients nobody here wrote: swaks (Perl) and Python's smtplib.</summary>
[TestFixture]
public class ExternalClientTests
{
    private TestServer _server = null!;
    private string _dataFile = null!;

    // swaks converts the file's LF line ends to CRLF, dot-stuffs, and sends one more CRLF before
    // the terminator (seen on the wire: "body\r\n\r\n.\r\n"); the stored bytes are exactly that.
    private const string DataFileText = "Subject: swaks test\nFrom: a@example.com\n\n.leading dot line\n..two dots\nbody\n";
    private static readonly byte[] DataFileStored = Encoding.ASCII.GetBytes(DataFileText.Replace("\n", "\r\n") + "\r\n");

    [SetUp]
    public async Task SetUp()
    {
        _server = await TestServer.StartAsync();
        _dataFile = Path.Combine(Path.GetTempPath(), $"smtp-test-{Guid.NewGuid():N}.eml");
        await File.WriteAllTextAsync(_dataFile, DataFileText);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _server.DisposeAsync();
        File.Delete(_dataFile);
    }

    private Task<ToolResult> SwaksAsync(string listener, params string[] extra) =>
        ToolRunner.RunAsync("swaks", new[]
        {
            "--server", $"127.0.0.1:{_server.Port(listener)}", "--from", "a@example.com", "--to", "b@example.com,c@example.com",
            "--helo", "swaks.example", "--data", "@" + _dataFile, "--timeout", "10",
        }.Concat(extra));

    [Test]
    public async Task Swaks_with_pipelining()
    {
        var r = await SwaksAsync("plain", "--pipeline");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.All);
        Assert.That(r.All, Does.Contain("250 2.0.0 Queued as test"));
        var m = _server.Handler.Messages.Single();
        Assert.That(m.Content, Is.EqualTo(DataFileStored));
        Assert.That(m.Envelope.Recipients.Select(x => x.Address), Is.EqualTo(new[] { "b@example.com", "c@example.com" }));
        Assert.That(m.Session.HeloName, Is.EqualTo("swaks.example"));
    }

    [Test]
    public async Task Swaks_with_starttls()
    {
        var r = await SwaksAsync("relay", "--tls", "--pipeline");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.All);
        var m = _server.Handler.Messages.Single();
        Assert.That(m.Content, Is.EqualTo(DataFileStored));
        Assert.That(m.Session.IsSecure, Is.True);
    }

    [Test]
    public async Task Swaks_with_tls_on_connect_and_auth_plain()
    {
        var r = await SwaksAsync("smtps", "--tls-on-connect", "--auth", "PLAIN", "--auth-user", "alice", "--auth-password", "s3cret");
        Assert.That(r.ExitCode, Is.EqualTo(0), r.All);
        var m = _server.Handler.Messages.Single();
        Assert.That(m.Content, Is.EqualTo(DataFileStored));
        Assert.That(m.Session.AuthenticatedUser, Is.EqualTo("alice"));
    }

    [Test]
    public async Task Swaks_auth_login_on_submission_and_wrong_password()
    {
        var ok = await SwaksAsync("submission", "--tls", "--auth", "LOGIN", "--auth-user", "alice", "--auth-password", "s3cret");
        Assert.That(ok.ExitCode, Is.EqualTo(0), ok.All);
        Assert.That(_server.Handler.Messages.Single().Session.AuthenticatedUser, Is.EqualTo("alice"));

        var bad = await SwaksAsync("submission", "--tls", "--auth", "LOGIN", "--auth-user", "alice", "--auth-password", "wrong");
        Assert.That(bad.ExitCode, Is.Not.EqualTo(0));
        Assert.That(bad.All, Does.Contain("535 5.7.8 Authentication credentials invalid"));
        Assert.That(_server.Handler.Messages, Has.Count.EqualTo(1));
    }

    private const string PythonScript = """
        import smtplib, ssl, sys
        port, mode = int(sys.argv[1]), sys.argv[2]
        msg = b"Subject: python\r\n\r\n.dot first\r\nline two \xc3\xa1\r\n.\r\nlast"
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as s:
            s.ehlo("python.example")
            if mode == "auth":
                s.starttls(context=ssl._create_unverified_context())
                s.ehlo("python.example")
                s.login("alice", "s3cret")
            refused = s.sendmail("a@example.com", ["b@example.com", "nobody@example.com"], msg, mail_options=["BODY=8BITMIME"])
            print("refused:", sorted(refused))
            code, text = s.rset()
            print("rset:", code)
        """;

    [TestCase("plain", "plain")]
    [TestCase("submission", "auth")]
    public async Task Python_smtplib_sends_byte_exact(string listener, string mode)
    {
        var script = Path.Combine(Path.GetTempPath(), $"smtp-test-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(script, PythonScript);
        try
        {
            var r = await ToolRunner.RunAsync("python3", [script, _server.Port(listener).ToString(), mode]);
            Assert.That(r.ExitCode, Is.EqualTo(0), r.All);
            Assert.That(r.All, Does.Contain("refused: ['nobody@example.com']"));
            var m = _server.Handler.Messages.Single();
            // smtplib appends the final CRLF and dot-stuffs; the engine must undo exactly that.
            Assert.That(m.Content, Is.EqualTo(Encoding.UTF8.GetBytes("Subject: python\r\n\r\n.dot first\r\nline two á\r\n.\r\nlast\r\n")));
            Assert.That(m.Envelope.Body, Is.EqualTo(BodyType.EightBitMime));
            Assert.That(m.Envelope.Recipients.Select(x => x.Address), Is.EqualTo(new[] { "b@example.com" }));
            Assert.That(m.Session.AuthenticatedUser, Is.EqualTo(mode == "auth" ? "alice" : null));
        }
        finally { File.Delete(script); }
    }
}
