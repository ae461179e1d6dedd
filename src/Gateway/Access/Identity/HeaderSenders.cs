using MimeKit;

namespace GovGateway.Access.Identity;

/// <summary>
/// The author addresses a message's header names: every mailbox of every From field (groups
/// flattened) and of Sender. Only the header block is read, from the spooled copy.
/// </summary>
internal sealed record HeaderSenders(int FromFields, IReadOnlyList<string> From, IReadOnlyList<string> Sender, string? Unreadable)
{
    public IEnumerable<string> All => From.Concat(Sender);

    public static HeaderSenders Read(Stream message)
    {
        ArgumentNullException.ThrowIfNull(message);
        HeaderList headers;
        try
        {
            headers = HeaderList.Load(ParserOptions.Default, message);
        }
        catch (FormatException ex)
        {
            return new HeaderSenders(0, [], [], "header block: " + ex.Message);
        }
        var from = new List<string>();
        var sender = new List<string>();
        var fromFields = 0;
        string? unreadable = null;
        foreach (var header in headers)
        {
            List<string> into;
            if (header.Id == HeaderId.From)
            {
                fromFields++;
                into = from;
            }
            else if (header.Id == HeaderId.Sender)
                into = sender;
            else
                continue;
            if (InternetAddressList.TryParse(ParserOptions.Default, header.RawValue, out var list))
                into.AddRange(list.Mailboxes.Select(m => m.Address));
            else
                unreadable ??= $"{header.Field}: {header.Value.Trim()}";
        }
        return new HeaderSenders(fromFields, from, sender, unreadable);
    }
}
