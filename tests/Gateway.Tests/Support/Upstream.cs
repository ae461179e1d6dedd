using System.Diagnostics;
using System.Text.Json;

namespace Gateway.Tests.Support;

/// <summary>
/// The agency's "real" mail server in tests: aiosmtpd (Debian's python3-aiosmtpd), recording every
/// message's exact bytes. It can be stopped and started again on the same port, or told to fail.
/// </summary>
public sealed class Upstream : IAsyncDisposable
{
    private Process? _process;

    public Upstream()
    {
        Port = Ports.Free();
        Directory = RepoPaths.TempDir("upstream");
    }

    public int Port { get; }
    public string Directory { get; }

    public static async Task<Upstream> StartNewAsync()
    {
        var upstream = new Upstream();
        await upstream.StartAsync();
        return upstream;
    }

    public async Task StartAsync()
    {
        var script = Path.Combine(RepoPaths.Root, "tests", "Gateway.Tests", "EndToEnd", "upstream.py");
        var psi = new ProcessStartInfo("/usr/bin/python3") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(Port.ToString());
        psi.ArgumentList.Add(Directory);
        _process = Process.Start(psi)!;
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        var ready = await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        if (ready != "ready")
            throw new InvalidOperationException("upstream.py did not start");
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
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}

public sealed record ReceivedMessage(byte[] Bytes, string MailFrom, IReadOnlyList<string> Recipients)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Bytes);
}
