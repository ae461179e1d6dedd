using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace GovGateway.TestKit;

/// <summary>
/// The agency's "real" mail server in tests: aiosmtpd (Debian's python3-aiosmtpd), recording every
/// message's exact bytes. It can be stopped and started again on the same port, told to fail, offer AUTH for one
/// user (<see cref="Login"/>) and require STARTTLS (<see cref="Tls"/>).
/// </summary>
public sealed class Upstream : IAsyncDisposable
{
    private Process? _process;
    private readonly ConcurrentQueue<string> _authLog = new();

    public Upstream()
    {
        Port = Ports.Free();
        Directory = TempFolders.Create("upstream");
    }

    public int Port { get; }
    public string Directory { get; }
    /// <summary>The one user AUTH accepts; null: AUTH is not offered.</summary>
    public (string User, string Password)? Login { get; init; }
    /// <summary>PEM files of the certificate STARTTLS presents; set: STARTTLS is required before AUTH.</summary>
    public (string CertificatePath, string KeyPath)? Tls { get; init; }

    public static async Task<Upstream> StartNewAsync()
    {
        var upstream = new Upstream();
        await upstream.StartAsync();
        return upstream;
    }

    public async Task StartAsync()
    {
        // Debian's python3-aiosmtpd is importable only by the system's interpreter, not by a pyenv one on the PATH.
        var psi = new ProcessStartInfo("/usr/bin/python3") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["PYTHONIOENCODING"] = "utf-8";
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "upstream.py"), Port.ToString(), Directory }) psi.ArgumentList.Add(a);
        if (Login is { } login)
            foreach (var a in new[] { "--auth", login.User, login.Password }) psi.ArgumentList.Add(a);
        if (Tls is { } tls)
            foreach (var a in new[] { "--tls", tls.CertificatePath, tls.KeyPath }) psi.ArgumentList.Add(a);
        _process = Process.Start(psi)!;
        var errors = new ConcurrentQueue<string>();
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) errors.Enqueue(e.Data); };
        _process.BeginErrorReadLine();
        var ready = await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        if (ready != "ready")
            throw new InvalidOperationException("upstream.py did not start: " + string.Join("\n", errors));
        var output = _process.StandardOutput;
        _ = Task.Run(async () =>
        {
            while (await output.ReadLineAsync() is { } line)
                if (line.StartsWith("auth ", StringComparison.Ordinal)) _authLog.Enqueue(line);
        });
    }

    public async Task StopAsync()
    {
        if (_process is null) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <summary>DATA for recipients containing <paramref name="pattern"/> ("*": all) is answered with this reply until <see cref="Heal"/>.</summary>
    public void FailWith(string reply, string pattern = "*") =>
        File.AppendAllText(Path.Combine(Directory, "fail"), $"{pattern} {reply}\n");
    public void Heal() => File.Delete(Path.Combine(Directory, "fail"));

    /// <summary>The "auth MECHANISM user ok|fail" lines so far, waiting up to two seconds for <paramref name="expected"/> of them.</summary>
    public async Task<string[]> AuthLogAsync(int expected)
    {
        for (var i = 0; i < 100 && _authLog.Count < expected; i++)
            await Task.Delay(20);
        return _authLog.ToArray();
    }

    public void ClearAuthLog() => _authLog.Clear();

    public IReadOnlyList<ReceivedMessage> Messages() =>
        System.IO.Directory.GetFiles(Directory, "*.eml")
            .OrderBy(f => int.Parse(Path.GetFileNameWithoutExtension(f)))
            .Select(f =>
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(f, ".json")));
                return new ReceivedMessage(
                    File.ReadAllBytes(f),
                    doc.RootElement.GetProperty("mail_from").GetString()!,
                    doc.RootElement.GetProperty("rcpt_tos").EnumerateArray().Select(e => e.GetString()!).ToList());
            })
            .ToList();

    public async Task<IReadOnlyList<ReceivedMessage>> WaitForAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var messages = Messages();
            if (messages.Count >= count || DateTime.UtcNow > deadline)
                return messages;
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        TempFolders.Delete(Directory);
    }
}

public sealed record ReceivedMessage(byte[] Bytes, string MailFrom, IReadOnlyList<string> Recipients)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Bytes);
}
