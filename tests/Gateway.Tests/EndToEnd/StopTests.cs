using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Gateway.Tests.Support;
using NUnit.Framework;

namespace Gateway.Tests.EndToEnd;

/// <summary>SIGTERM as systemd sends it: the real process, a client in the middle of DATA, another idle.</summary>
[TestFixture]
public sealed class StopTests
{
    [Test, CancelAfter(120_000)]
    public async Task Sigterm_lets_a_message_in_DATA_finish_with_250_says_421_to_an_idle_session_and_exits_0()
    {
        await using var upstream = await Upstream.StartNewAsync();
        var config = TempFolders.Create("gw-config");
        RepoPaths.CopyDirectory(RepoPaths.ShippedConfig, config);
        var data = TempFolders.Create("gw-data");
        await using var gateway = new GatewayProcess(config, data, new Dictionary<string, string>
        {
            ["Delivery:Upstream:Host"] = "127.0.0.1",
            ["Delivery:Upstream:Port"] = upstream.Port.ToString(),
            ["Smtp:ShutdownGrace"] = "00:00:20",
        });
        await gateway.StartAsync();

        using var sending = await LineClient.ConnectAsync(gateway.RelayPort);
        await sending.CommandAsync("EHLO client.test", "250");
        await sending.CommandAsync("MAIL FROM:<vanthu@hatinh.gov.vn>", "250");
        await sending.CommandAsync("RCPT TO:<nguoinhan@bnv.gov.vn>", "250");
        await sending.CommandAsync("DATA", "354");
        await sending.WriteAsync("From: vanthu@hatinh.gov.vn\r\nTo: nguoinhan@bnv.gov.vn\r\nSubject: stop test\r\nMessage-ID: <stop-test@hatinh.gov.vn>\r\n\r\nfirst half\r\n");

        using var idle = await LineClient.ConnectAsync(gateway.RelayPort);
        await idle.CommandAsync("EHLO idle.test", "250");

        var clock = Stopwatch.StartNew();
        var exit = gateway.TerminateAsync(TimeSpan.FromSeconds(60));
        // Longer than System.CommandLine's 2 s termination timeout that used to end the process.
        await Task.Delay(3500);
        Assert.That(exit.IsCompleted, Is.False, "the gateway exited while a client was in DATA: " + gateway.Output);
        Assert.That(await idle.ReadReplyAsync(), Does.StartWith("421"), "an idle session is told the service is closing");

        await sending.WriteAsync("second half\r\n.\r\n");
        Assert.That(await sending.ReadReplyAsync(), Does.StartWith("250"), "the message in DATA completes");
        await sending.WriteAsync("QUIT\r\n");

        Assert.That(await exit, Is.EqualTo(0), "a clean stop exits 0 so systemd records it: " + gateway.Output);
        TestContext.Out.WriteLine($"exited {clock.Elapsed.TotalSeconds:F1} s after SIGTERM");
        var relayed = upstream.Messages().Any(m => m.Text.Contains("stop-test@hatinh.gov.vn"));
        var queued = Directory.GetFiles(Path.Combine(data, "spool", "queue"), "*.msg").Length;
        Assert.That(relayed || queued == 1, Is.True, "the accepted message was relayed or is still queued for the next start");
        Directory.Delete(config, true);
        Directory.Delete(data, true);
    }

    /// <summary>A line-oriented SMTP client that can stop in the middle of DATA.</summary>
    private sealed class LineClient : IDisposable
    {
        private readonly TcpClient _tcp;
        private readonly StreamReader _reader;
        private readonly Stream _stream;

        private LineClient(TcpClient tcp)
        {
            _tcp = tcp;
            _stream = tcp.GetStream();
            _reader = new StreamReader(_stream, Encoding.ASCII);
        }

        public static async Task<LineClient> ConnectAsync(int port)
        {
            var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", port);
            var client = new LineClient(tcp);
            Assert.That(await client.ReadReplyAsync(), Does.StartWith("220"));
            return client;
        }

        public async Task CommandAsync(string command, string expected)
        {
            await WriteAsync(command + "\r\n");
            Assert.That(await ReadReplyAsync(), Does.StartWith(expected), command);
        }

        public async Task WriteAsync(string text)
        {
            await _stream.WriteAsync(Encoding.UTF8.GetBytes(text));
            await _stream.FlushAsync();
        }

        /// <summary>The last line of a (multi-line) reply.</summary>
        public async Task<string> ReadReplyAsync()
        {
            while (true)
            {
                var line = await _reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)) ?? "(connection closed)";
                if (line.Length < 4 || line[3] != '-') return line;
            }
        }

        public void Dispose() => _tcp.Dispose();
    }
}
