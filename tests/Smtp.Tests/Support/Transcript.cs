namespace GovGateway.Smtp.Tests.Support;

/// <summary>
/// Runs an SMTP conversation written as a transcript (as MailKit's tests do): "C: line" is sent, "S: text" is
/// the start of the next reply's last line (multi-line replies are read whole; "S: 250-x" checks the first line).
/// Consecutive "C:" lines are sent together, as a pipelining client or DATA content would.
/// </summary>
public static class Transcript
{
    public static async Task RunAsync(RawClient client, string transcript)
    {
        var pending = new List<string>();
        foreach (var raw in transcript.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("C:", StringComparison.Ordinal))
            {
                pending.Add(line.Length > 2 ? line[3..] : "");
                continue;
            }
            if (!line.StartsWith("S: ", StringComparison.Ordinal))
                throw new ArgumentException($"Transcript line is neither 'C:' nor 'S:': {line}");
            if (pending.Count > 0)
            {
                await client.SendAsync(string.Join("", pending.Select(p => p + "\r\n")));
                pending.Clear();
            }
            var expected = line[3..];
            var reply = await client.ReadReplyAsync();
            var compared = expected.Length > 3 && expected[3] == '-' ? reply.Split('\n')[0] : reply.Split('\n')[^1];
            Assert.That(compared, Does.StartWith(expected), $"expected '{expected}', the server said:\n{reply}");
        }
        if (pending.Count > 0) await client.SendAsync(string.Join("", pending.Select(p => p + "\r\n")));
    }
}
