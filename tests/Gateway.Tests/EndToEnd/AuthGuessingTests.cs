using Gateway.Tests.Support;
using MailKit.Net.Smtp;
using MailKit.Security;
using NUnit.Framework;

namespace Gateway.Tests.EndToEnd;

/// <summary>Password guessing against the submission listener while the upstream AUTH backend is down.</summary>
public sealed class AuthGuessingTests
{
    [Test]
    public async Task Wrong_guesses_while_the_upstream_is_unreachable_lock_the_account_before_the_right_password_is_tried()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Access:Auth:Backend"] = "local,upstream",
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = Ports.Free().ToString(), // nobody listens: the upstream is down
            ["Delivery:Upstream:Security"] = "StartTls",
            // The engine's per-address cap high, so this shows the per-account guard.
            ["Smtp:MaxAuthFailuresPerIp"] = "1000",
            ["Smtp:MaxBadCommands"] = "1000",
        });
        Assert.That(await Cli.RunAsync(gateway.Paths, "users", "add", Mail.Sender, "--password", "Đúng-rồi-2026"), Is.EqualTo(0));

        using var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync("127.0.0.1", gateway.Submission.Port, SecureSocketOptions.StartTls);
        for (var i = 0; i < 12; i++)
        {
            var guess = Assert.CatchAsync(() => client.AuthenticateAsync(Plain(Mail.Sender, "đoán-" + i)));
            Assert.That(guess!.Message, Does.Contain("4.7.0").Or.Contain("tạm thời").Or.Contain("temporar").IgnoreCase, $"guess {i + 1}: {guess.Message}");
        }
        var right = Assert.CatchAsync(() => client.AuthenticateAsync(Plain(Mail.Sender, "Đúng-rồi-2026")));
        Assert.That(client.IsAuthenticated, Is.False, "before the fix the 40th attempt, the right one, logged in");
        Assert.That(right!.Message, Does.Contain("locked until").And.Contain("tạm khóa"));
    }

    // One mechanism per attempt: left to itself MailKit retries with every mechanism offered.
    private static SaslMechanismPlain Plain(string user, string password) => new(System.Text.Encoding.UTF8, new System.Net.NetworkCredential(user, password));
}
