namespace GovGateway.Smtp.Tests.Support;

/// <summary>
/// Runs an SMTP conversation written as a transcript (as MailKit's tests do): "C: line" is sent, "S: text" is the next
/// reply. Consecutive "C:" lines are sent together, as a pipelining client or DATA content would. A multi-line reply may
/// be written whole, one "S:" line per line ("S: 250-a", "S: 250 b"); a lone "S: 250-x" checks its first line only.
/// Inline transcripts compare each line by its start; transcript files (<see cref="TranscriptFile"/>) compare whole
/// lines, where a line ending in " ..." is compared by what stands before it.
/// </summary>
public static class Transcript
{
    public static Task RunAsync(RawClient client, string transcript) =>
        RunAsync(client, transcript.Split('\n').Select(l => l.TrimEnd('\r')).ToList(), exact: false);

    public static async Task RunAsync(RawClient client, IReadOnlyList<string> lines, bool exact, string? source = null)
    {
        var pending = new List<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.StartsWith("C:", StringComparison.Ordinal))
            {
                pending.Add(line.Length > 2 ? line[3..] : "");
                continue;
            }
            if (!line.StartsWith("S: ", StringComparison.Ordinal))
                throw new ArgumentException($"{source}Transcript line is neither 'C:' nor 'S:': {line}");
            if (pending.Count > 0)
            {
                await client.SendAsync(string.Join("", pending.Select(p => p + "\r\n")));
                pending.Clear();
            }
            var expected = new List<string> { line[3..] };
            while (IsContinuation(expected[^1]) && i + 1 < lines.Count && lines[i + 1].StartsWith("S: ", StringComparison.Ordinal))
                expected.Add(lines[++i][3..]);
            var reply = (await client.ReadReplyAsync()).Split('\n');
            var where = $"{source}expected '{string.Join("' / '", expected)}', the server said:\n{string.Join("\n", reply)}";
            if (expected.Count == 1)
            {
                // One line stands for the reply's first line when it says more follow, else for its last.
                var compared = IsContinuation(expected[0]) ? reply[0] : reply[^1];
                AssertLine(compared, expected[0], exact, where);
                continue;
            }
            Assert.That(reply, Has.Length.EqualTo(expected.Count), where);
            for (var n = 0; n < expected.Count; n++) AssertLine(reply[n], expected[n], exact, where);
        }
        if (pending.Count > 0) await client.SendAsync(string.Join("", pending.Select(p => p + "\r\n")));
    }

    private static bool IsContinuation(string replyLine) => replyLine.Length > 3 && replyLine[3] == '-';

    private static void AssertLine(string actual, string expected, bool exact, string where)
    {
        if (!exact) Assert.That(actual, Does.StartWith(expected), where);
        else if (expected.EndsWith(" ...", StringComparison.Ordinal)) Assert.That(actual, Does.StartWith(expected[..^4]), where);
        else Assert.That(actual, Is.EqualTo(expected), where);
    }
}
