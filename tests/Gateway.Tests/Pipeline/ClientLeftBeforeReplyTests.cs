using System.Net.Sockets;
using System.Text;
using Gateway.Tests.Support;
using GovGateway.Audit;
using GovGateway.Cli;
using GovGateway.Configuration;
using GovGateway.Hosting;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using MimeKit;
using NUnit.Framework;

namespace Gateway.Tests.Pipeline;

/// <summary>
/// Issue 15 §1: a message whose client left before the 250 is not delivered. The hang-up here lands after the spool
/// commit (fsynced, audit record taken) and before the 250 is written: the message must be withdrawn, never reach the
/// upstream, and the audit log must say why; a client that stays gets its message delivered as always.
/// </summary>
[TestFixture, CancelAfter(120_000)]
public sealed class ClientLeftBeforeReplyTests
{
    [Test]
    public async Task A_client_that_resets_after_the_commit_but_before_the_250_has_its_message_withdrawn_not_delivered()
    {
        await using var upstream = await Upstream.StartNewAsync();
        var configDir = TempFolders.Create("gw-config");
        RepoPaths.CopyDirectory(RepoPaths.ShippedConfig, configDir);
        var paths = new GatewayPaths(configDir, TempFolders.Create("gw-data"));
        var settings = new Dictionary<string, string>
        {
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = upstream.Port.ToString(),
        };
        using var gate = new AfterCommitGate();
        using var loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(gate));
        var runtime = await GatewayRuntime.StartAsync(paths, TestGateway.Configuration(paths, settings), loggers, CancellationToken.None);
        try
        {
            var left = Mail.Plain("Thư của máy khách bỏ đi", "Nội dung / content");
            var relay = runtime.EndPoints["relay"];

            // A real client on a raw socket: the whole message, the final dot, and then (once the gateway has committed
            // it and before its 250 is written) a reset (SO_LINGER 0), as a client killed at that moment would.
            using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                await socket.ConnectAsync(relay);
                using var stream = new NetworkStream(socket, ownsSocket: false);
                using var reader = new StreamReader(stream, Encoding.ASCII);
                async Task<string> Command(string line)
                {
                    if (line.Length > 0) await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"));
                    string reply;
                    do reply = await reader.ReadLineAsync() ?? throw new IOException("closed");
                    while (reply.Length > 3 && reply[3] == '-');
                    return reply;
                }
                Assert.That(await Command(""), Does.StartWith("220"));
                Assert.That(await Command("EHLO client.test"), Does.StartWith("250"));
                Assert.That(await Command($"MAIL FROM:<{Mail.Sender}>"), Does.StartWith("250"));
                Assert.That(await Command($"RCPT TO:<{Mail.Recipient}>"), Does.StartWith("250"));
                Assert.That(await Command("DATA"), Does.StartWith("354"));
                await stream.WriteAsync(Mail.ToBytes(left));
                await stream.WriteAsync("."u8.ToArray().Concat("\r\n"u8.ToArray()).ToArray());

                Assert.That(gate.Committed.Wait(TimeSpan.FromSeconds(30)), Is.True, "the gateway accepted and committed the message");
                socket.LingerState = new LingerOption(true, 0);
                socket.Close(); // RST, before the 250 could be read
            }
            await Task.Delay(500); // the gateway sees the reset while it still holds the reply
            gate.Release();

            // A client that stays for its reply is delivered as before.
            var stayed = Mail.Plain("Thư của máy khách ở lại", "Nội dung / content");
            using (var client = new SmtpClient())
            {
                await client.ConnectAsync("127.0.0.1", relay.Port, SecureSocketOptions.None);
                await client.SendAsync(stayed);
                await client.DisconnectAsync(true);
            }
            await upstream.WaitForAsync(1, TimeSpan.FromSeconds(30));
            await Task.Delay(1500); // time for a wrongly released first message to arrive too
            var received = upstream.Messages().Select(m => MimeMessage.Load(new MemoryStream(m.Bytes)).MessageId).ToList();
            Assert.That(received, Is.EqualTo(new[] { stayed.MessageId }), "only the message whose client saw its 250 is delivered");
            Assert.That(runtime.Spool.ListIds(), Is.Empty, "the withdrawn message is not left in the queue either");

            var audit = runtime.Audit!;
            AuditRecordView? record = null;
            for (var i = 0; i < 100 && record?.RecipientStatus.SingleOrDefault()?.Outcome != "withdrawn"; i++)
            {
                await audit.FlushAsync();
                record = audit.Query(new AuditQuery { MessageId = left.MessageId }).Records.FirstOrDefault();
                await Task.Delay(100);
            }
            Assert.That(record, Is.Not.Null, "the exchange is in the audit log");
            Assert.Multiple(() =>
            {
                Assert.That(record!.Transaction.Decision, Is.EqualTo("accepted"), "it was accepted and committed before the client left");
                var status = record.RecipientStatus.Single();
                Assert.That(status.Outcome, Is.EqualTo("withdrawn"));
                Assert.That(status.Reply, Does.Contain("client left before the reply"));
                Assert.That(record.Deliveries.Select(d => d.Outcome), Has.None.EqualTo("delivered").And.None.EqualTo("queued"));
            });
            var kept = audit.Query(new AuditQuery { MessageId = stayed.MessageId }).Records.Single();
            Assert.That(kept.Transaction.Decision, Is.EqualTo("accepted"));
            Assert.That(audit.Verify().Ok, Is.True);
        }
        finally
        {
            gate.Release();
            await runtime.StopAsync(CancellationToken.None);
            await runtime.DisposeAsync();
            try { Directory.Delete(paths.DataDir, true); Directory.Delete(configDir, true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// Holds the gateway's handler at the one-line log of its first accepted message, written after the spool commit
    /// and before the reply goes back: the moment a client's hang-up is hardest to notice.
    /// </summary>
    private sealed class AfterCommitGate : ILoggerProvider, ILogger
    {
        private readonly ManualResetEventSlim _release = new();
        private int _held;

        public ManualResetEventSlim Committed { get; } = new();

        public void Release() => _release.Set();

        public ILogger CreateLogger(string categoryName) =>
            categoryName.EndsWith(".GatewayHandler", StringComparison.Ordinal) ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Name != "transaction" || !formatter(state, exception).Contains(": accepted ", StringComparison.Ordinal)) return;
            if (Interlocked.Exchange(ref _held, 1) != 0) return;
            Committed.Set();
            _release.Wait(TimeSpan.FromSeconds(30));
        }

        public void Dispose()
        {
            _release.Set();
        }
    }
}
