using System.Net;

namespace GovGateway.Smtp.Tests.Support;

/// <summary>An engine on 127.0.0.1 port 0 with one listener per role, short timeouts, and a recording handler.</summary>
public sealed class TestServer : IAsyncDisposable
{
    public RecordingHandler Handler { get; } = new();
    public SmtpServerOptions Options { get; }
    public SmtpServer Server { get; }

    private TestServer(Action<SmtpServerOptions>? configure)
    {
        Options = new SmtpServerOptions
        {
            HostName = "mx.test.local",
            CommandTimeout = TimeSpan.FromSeconds(5),
            DataTimeout = TimeSpan.FromSeconds(5),
            AuthFailureDelay = TimeSpan.FromMilliseconds(50),
            // The protocol tests walk through a dozen refusals in one session; LimitTests sets its own low figure.
            MaxBadCommands = 20,
            Listeners =
            {
                new SmtpListenerOptions { Name = "relay", EndPoint = new IPEndPoint(IPAddress.Loopback, 0), Role = ListenerRole.Relay, Certificate = TestCertificates.Localhost },
                new SmtpListenerOptions { Name = "plain", EndPoint = new IPEndPoint(IPAddress.Loopback, 0), Role = ListenerRole.Relay },
                new SmtpListenerOptions { Name = "submission", EndPoint = new IPEndPoint(IPAddress.Loopback, 0), Role = ListenerRole.Submission, Certificate = TestCertificates.Localhost },
                new SmtpListenerOptions { Name = "smtps", EndPoint = new IPEndPoint(IPAddress.Loopback, 0), Role = ListenerRole.Smtps, Certificate = TestCertificates.Localhost },
            },
        };
        configure?.Invoke(Options);
        Server = new SmtpServer(Options, Handler);
    }

    public static async Task<TestServer> StartAsync(Action<SmtpServerOptions>? configure = null)
    {
        var server = new TestServer(configure);
        await server.Server.StartAsync(CancellationToken.None);
        return server;
    }

    public int Port(string listener) => Server.BoundEndPoints[listener].Port;

    public Task<RawClient> ConnectAsync(string listener = "relay") => RawClient.ConnectAsync(Server.BoundEndPoints[listener]);

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
