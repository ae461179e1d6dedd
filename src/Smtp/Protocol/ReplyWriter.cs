using System.IO.Pipelines;
using System.Text;

namespace GovGateway.Smtp.Protocol;

/// <summary>
/// Formats replies straight into the connection's <see cref="PipeWriter"/> without flushing, so a
/// pipelined group of commands gets its replies in one write (RFC 2920). Multi-line text (lines
/// separated by '\n') becomes "code-enh text" lines with the last one "code enh text".
/// </summary>
internal static class ReplyWriter
{
    public static void Write(PipeWriter output, in SmtpReply reply)
    {
        var text = reply.Text.AsSpan();
        while (true)
        {
            int nl = text.IndexOf('\n');
            var line = nl < 0 ? text : text[..nl];
            if (line.Length > 0 && line[^1] == '\r') line = line[..^1];
            WriteLine(output, reply.Code, nl >= 0, reply.EnhancedCode, line);
            if (nl < 0) break;
            text = text[(nl + 1)..];
        }
    }

    /// <summary>The reply's bytes, for writing outside a session's pipe.</summary>
    public static byte[] ToBytes(in SmtpReply reply)
    {
        var bytes = new MemoryStream();
        var pipe = PipeWriter.Create(bytes, new StreamPipeWriterOptions(leaveOpen: true));
        Write(pipe, reply);
        pipe.FlushAsync().AsTask().GetAwaiter().GetResult();
        pipe.Complete();
        return bytes.ToArray();
    }

    /// <summary>An EHLO-style reply: code and lines without enhanced codes (RFC 2034 exempts EHLO/HELO).</summary>
    public static void WriteLines(PipeWriter output, int code, IReadOnlyList<string> lines)
    {
        for (int i = 0; i < lines.Count; i++)
            WriteLine(output, code, i < lines.Count - 1, "", lines[i]);
    }

    private static void WriteLine(PipeWriter output, int code, bool more, string enhanced, ReadOnlySpan<char> text)
    {
        int max = 6 + enhanced.Length + 1 + Encoding.UTF8.GetMaxByteCount(text.Length) + 2;
        var span = output.GetSpan(max);
        int n = 0;
        span[n++] = (byte)('0' + code / 100 % 10);
        span[n++] = (byte)('0' + code / 10 % 10);
        span[n++] = (byte)('0' + code % 10);
        span[n++] = more ? (byte)'-' : (byte)' ';
        if (enhanced.Length > 0)
        {
            n += Encoding.ASCII.GetBytes(enhanced, span[n..]);
            span[n++] = (byte)' ';
        }
        // Reply text never carries CR or LF of its own: a hook cannot inject extra reply lines.
        int written = Encoding.UTF8.GetBytes(text, span[n..]);
        for (int j = n; j < n + written; j++)
            if (span[j] is (byte)'\r' or (byte)'\n') span[j] = (byte)' ';
        n += written;
        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        output.Advance(n);
    }
}
