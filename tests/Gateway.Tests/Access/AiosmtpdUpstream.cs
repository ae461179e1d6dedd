using System.Collections.Concurrent;
using System.Diagnostics;
using NUnit.Framework;

namespace Gateway.Tests.Access;

/// <summary>
/// A real upstream SMTP server that offers AUTH: Python's aiosmtpd (Debian package, importable only
/// under /usr/bin/python3) on 127.0.0.1 and a free port, knowing one user. With a certificate it
/// requires STARTTLS before AUTH; without one AUTH is allowed in clear (loopback tests only).
/// </summary>
internal sealed class AiosmtpdUpstream : IDisposable
{
    private const string Script = """
        import asyncio, ssl, sys
        from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

        USER, PASSWORD = sys.argv[1].encode(), sys.argv[2].encode()
        tls = None
        if len(sys.argv) > 4:
            tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            tls.load_cert_chain(sys.argv[3], sys.argv[4])

        class Sink:
            async def handle_DATA(self, server, session, envelope):
                return "250 OK"

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login == USER and auth_data.password == PASSWORD
            print("auth", mechanism, auth_data.login.decode(errors="replace"), "ok" if ok else "fail", flush=True)
            # handled=False: let aiosmtpd send its own 535 on failure.
            return AuthResult(success=ok, handled=False)

        def factory():
            if tls is None:
                return SMTP(Sink(), hostname="upstream.hatinh.gov.vn", authenticator=authenticator, auth_require_tls=False)
            return SMTP(Sink(), hostname="upstream.hatinh.gov.vn", authenticator=authenticator,
                        tls_context=tls, require_starttls=True, auth_require_tls=True)

        async def main():
            loop = asyncio.get_running_loop()
            server = await loop.create_server(factory, host="127.0.0.1", port=0)
            print(server.sockets[0].getsockname()[1], flush=True)
            await server.serve_forever()

        asyncio.run(main())
        """;

    private readonly Process _process;
    private readonly string _scriptPath;
    private readonly ConcurrentQueue<string> _log = new();

    private AiosmtpdUpstream(Process process, string scriptPath, int port)
    {
        _process = process;
        _scriptPath = scriptPath;
        Port = port;
        _ = Task.Run(async () =>
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
                _log.Enqueue(line);
        });
    }

    public int Port { get; }

    public static async Task<AiosmtpdUpstream> StartAsync(string user, string password, string? certPemPath = null, string? keyPemPath = null)
    {
        var scriptPath = Path.Combine(Path.GetTempPath(), $"access-upstream-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(scriptPath, Script);
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { scriptPath, user, password, certPemPath, keyPemPath })
        {
            if (arg is not null)
                start.ArgumentList.Add(arg);
        }
        start.Environment["PYTHONIOENCODING"] = "utf-8";
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var first = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (!int.TryParse(first, out var port))
        {
            process.Kill();
            Assert.Fail($"aiosmtpd did not start: {first}");
        }
        return new AiosmtpdUpstream(process, scriptPath, port);
    }

    /// <summary>The "auth MECH user ok|fail" lines printed so far, waiting briefly for <paramref name="expected"/> of them.</summary>
    public async Task<string[]> AuthLogAsync(int expected)
    {
        for (var i = 0; i < 100 && _log.Count < expected; i++)
            await Task.Delay(20);
        return _log.ToArray();
    }

    public void ClearLog() => _log.Clear();

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill();
        _process.Dispose();
        File.Delete(_scriptPath);
    }
}
