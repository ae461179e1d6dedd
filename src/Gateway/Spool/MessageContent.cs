using System.Text;
using MimeKit;
using MimeKit.IO;

namespace GovGateway.Spool;

/// <summary>
/// What `queue show` and `quarantine show` print of a held message: its header fields with RFC 2047 encoded words
/// decoded (a Vietnamese subject arrives as =?UTF-8?B?...?=), and its attachments; and saving its bytes to a file.
/// </summary>
internal static class MessageContent
{
    private const int MaxHeaderFields = 200;

    public static void Write(TextWriter output, Func<Stream> open)
    {
        MimeMessage message;
        using var stream = open();
        try
        {
            // persistent: parts stay in the file, so a 50 MB attachment is not copied into memory.
            message = MimeMessage.Load(stream, persistent: true);
        }
        catch (FormatException ex)
        {
            output.WriteLine($"Headers:       (the message cannot be parsed: {ex.Message})");
            return;
        }
        output.WriteLine("Headers:");
        foreach (var header in message.Headers.Take(MaxHeaderFields))
            output.WriteLine($"  {header.Field}: {Flatten(header.Value)}");
        if (message.Headers.Count > MaxHeaderFields)
            output.WriteLine($"  ... {message.Headers.Count - MaxHeaderFields} more header fields");

        var parts = message.BodyParts.OfType<MimePart>().Where(p => p.IsAttachment || p.FileName is not null).ToList();
        output.WriteLine(parts.Count == 0 ? "Attachments:   (none)" : "Attachments:");
        foreach (var part in parts)
            output.WriteLine($"  {Flatten(part.FileName ?? "(no name)")}  [{part.ContentType.MimeType}, {DecodedSize(part)} bytes]");
    }

    /// <summary>The decoded subject and the attachments (name, MIME type, decoded size) of a held message, for the console.</summary>
    public static (string? Subject, IReadOnlyList<(string Name, string Type, long Size)> Attachments) Summary(Func<Stream> open)
    {
        using var stream = open();
        MimeMessage message;
        try
        {
            message = MimeMessage.Load(stream, persistent: true);
        }
        catch (FormatException)
        {
            return (null, []);
        }
        var parts = message.BodyParts.OfType<MimePart>().Where(p => p.IsAttachment || p.FileName is not null)
            .Select(p => (Flatten(p.FileName ?? "(no name)"), p.ContentType.MimeType, DecodedSize(p))).ToList();
        return (message.Subject is null ? null : Flatten(message.Subject), parts);
    }

    /// <summary>
    /// Writes the message's bytes as received to <paramref name="path"/>, readable by its owner only (0600), and never
    /// over an existing file.
    /// </summary>
    public static long Save(Func<Stream> open, string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var source = open();
        using var target = new FileStream(path, options);
        source.CopyTo(target);
        return target.Length;
    }

    private static long DecodedSize(MimePart part)
    {
        if (part.Content is null) return 0;
        using var counter = new MeasuringStream();
        part.Content.DecodeTo(counter);
        return counter.Length;
    }

    private static string Flatten(string text) => text.Replace("\r", " ").Replace("\n", " ").Replace("\t", " ");
}
