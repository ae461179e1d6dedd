namespace GovGateway.Smtp.Tests.Support;

/// <summary>
/// Plays a transcript file (Transcripts/*.txt, see the README there) against a <see cref="TestServer"/>: "C:"/"S:" lines
/// as <see cref="Transcript"/> reads them, compared whole, and directives on lines of their own.
/// </summary>
public static class TranscriptFile
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Transcripts");

    /// <summary>The directives a transcript file may use, each with what it does.</summary>
    public static readonly IReadOnlyDictionary<string, string> Directives = new Dictionary<string, string>
    {
        ["@connect"] = "@connect LISTENER: a new connection to that listener (the first one is to relay unless this says otherwise)",
        ["@connect-tls"] = "@connect-tls LISTENER: a new connection that starts TLS at once (smtps)",
        ["@starttls"] = "@starttls: the TLS handshake, after the server's 220 to STARTTLS",
        ["@closed"] = "@closed: the server has closed the connection",
        ["@stored"] = "@stored N: the handler holds N accepted messages",
    };

    public static async Task PlayAsync(TestServer server, string path)
    {
        var name = Path.GetFileName(path);
        RawClient? client = null;
        var chunk = new List<string>();
        var lineNumber = 0;
        try
        {
            foreach (var line in await File.ReadAllLinesAsync(path))
            {
                lineNumber++;
                if (line.Length == 0 || line.StartsWith('#')) continue;
                if (!line.StartsWith('@'))
                {
                    chunk.Add(line);
                    continue;
                }
                client = await FlushAsync(server, client, chunk, name);
                var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var where = $"{name}:{lineNumber}: ";
                switch (words[0])
                {
                    case "@connect" when words.Length == 2:
                        if (client is not null) await client.DisposeAsync();
                        client = await server.ConnectAsync(words[1]);
                        break;
                    case "@connect-tls" when words.Length == 2:
                        if (client is not null) await client.DisposeAsync();
                        client = await RawClient.ConnectTlsAsync(server.Server.BoundEndPoints[words[1]]);
                        break;
                    case "@starttls" when client is not null:
                        await client.StartTlsAsync();
                        break;
                    case "@closed" when client is not null:
                        Assert.That(await client.IsClosedAsync(), Is.True, where + "the server should have closed the connection");
                        break;
                    case "@stored" when words.Length == 2 && int.TryParse(words[1], out var count):
                        Assert.That(server.Handler.Messages, Has.Count.EqualTo(count), where + "messages the handler holds");
                        break;
                    default:
                        throw new ArgumentException(where + $"'{line}' is not a directive here; " +
                            (Directives.TryGetValue(words[0], out var usage) ? "usage: " + usage : "the directives are: " + string.Join(", ", Directives.Keys)));
                }
            }
            await FlushAsync(server, client, chunk, name);
        }
        finally
        {
            if (client is not null) await client.DisposeAsync();
        }
    }

    private static async Task<RawClient?> FlushAsync(TestServer server, RawClient? client, List<string> chunk, string name)
    {
        if (chunk.Count == 0) return client;
        client ??= await server.ConnectAsync("relay");
        await Transcript.RunAsync(client, chunk.ToList(), exact: true, source: name + ": ");
        chunk.Clear();
        return client;
    }
}
