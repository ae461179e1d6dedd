using System.Text;

namespace GovGateway.Policies.Content;

/// <summary>
/// Reads an XML part without its document type declaration. A DTD has no business in an Office document; Word's own
/// files never carry one, yet a sender can add any (even a malformed empty "&lt;!DOCTYPE&gt;") to make a parser give up
/// and the document go unread. The declaration is cut from the prolog (only before the first element, brackets of an
/// internal subset respected) and the rest is read as it is, with DTD processing ignored anyway.
/// </summary>
internal sealed class DoctypeFreeReader : TextReader
{
    private const int HeadChars = 16 * 1024;

    private readonly TextReader _rest;
    private string _head;
    private int _position;

    private DoctypeFreeReader(string head, TextReader rest)
    {
        _head = head;
        _rest = rest;
    }

    /// <summary>UTF-8 unless a byte order mark says otherwise (Office writes UTF-8 or UTF-16 with a BOM).</summary>
    public static TextReader Open(Stream xml)
    {
        var reader = new StreamReader(xml, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var buffer = new char[HeadChars];
        var read = reader.ReadBlock(buffer, 0, buffer.Length);
        return new DoctypeFreeReader(WithoutDoctype(new string(buffer, 0, read)), reader);
    }

    internal static string WithoutDoctype(string head)
    {
        var start = head.IndexOf("<!DOCTYPE", StringComparison.Ordinal);
        if (start < 0) return head;
        // Only in the prolog: after the first element it is content, and the XML parser will say what it thinks of it.
        for (var i = 0; i + 1 < start; i++)
            if (head[i] == '<' && (char.IsLetter(head[i + 1]) || head[i + 1] == '_')) return head;
        var inSubset = false;
        char? quote = null;
        for (var i = start + "<!DOCTYPE".Length; i < head.Length; i++)
        {
            var c = head[i];
            if (quote is not null) { if (c == quote) quote = null; }
            else if (c is '"' or '\'') quote = c;
            else if (c == '[') inSubset = true;
            else if (c == ']') inSubset = false;
            else if (c == '>' && !inSubset) return head[..start] + head[(i + 1)..];
        }
        return head; // unterminated within the head: left for the parser to refuse (the document is then unreadable)
    }

    public override int Peek() => _position < _head.Length ? _head[_position] : _rest.Peek();

    public override int Read() => _position < _head.Length ? _head[_position++] : _rest.Read();

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        if (_position >= _head.Length) return _rest.Read(buffer);
        var n = Math.Min(buffer.Length, _head.Length - _position);
        _head.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        if (_position == _head.Length) _head = string.Empty;
        if (_head.Length == 0) _position = 0;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _rest.Dispose();
        base.Dispose(disposing);
    }
}
