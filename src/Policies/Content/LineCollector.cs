using System.Buffers;
using System.Text;
using GovGateway.Policies.Text;

namespace GovGateway.Policies.Content;

/// <summary>
/// Turns text that arrives in pieces into the lines classification reads: the first <c>headLines</c> non-empty lines
/// (heading, number/symbol, motto) and, after them, only lines that could be a stamp (short, upper case). Lines end at
/// CR, LF, FF, U+2028 or U+2029, are trimmed and NFC. A line keeps at most <see cref="MaxLineChars"/> characters, so
/// memory stays bounded whatever the sender writes (a 50 MB body of one line costs one line's worth); no heading,
/// symbol line or stamp is anywhere near that long.
/// </summary>
internal sealed class LineCollector(int headLines, int maxStampLength)
{
    public const int MaxLineChars = 8192;

    private static readonly SearchValues<char> LineBreaks = SearchValues.Create("\n\r\f\u2028\u2029");

    private readonly StringBuilder _line = new();
    private readonly List<string> _lines = [];

    public void Append(ReadOnlySpan<char> text)
    {
        while (!text.IsEmpty)
        {
            var end = text.IndexOfAny(LineBreaks);
            var piece = end < 0 ? text : text[..end];
            // Leading white space does not count against the limit: "MẬT" after 10,000 spaces is still a stamp line.
            if (_line.Length == 0) piece = piece.TrimStart();
            var room = MaxLineChars - _line.Length;
            if (room > 0) _line.Append(piece[..Math.Min(room, piece.Length)]);
            if (end < 0) return;
            EndLine();
            text = text[(end + 1)..];
        }
    }

    public void Append(char c) => Append(new ReadOnlySpan<char>(in c));

    /// <summary>Ends the last line and returns the lines kept.</summary>
    public IReadOnlyList<string> Complete()
    {
        EndLine();
        return _lines;
    }

    /// <summary>Forgets everything (to read the same text again in another charset).</summary>
    public void Reset()
    {
        _line.Clear();
        _lines.Clear();
    }

    private void EndLine()
    {
        if (_line.Length == 0) return;
        if (_lines.Count >= headLines)
        {
            // Past the head only a short line can matter (a stamp): skip the others without making a string of them.
            var end = _line.Length;
            while (end > 0 && char.IsWhiteSpace(_line[end - 1])) end--;
            if (end > maxStampLength)
            {
                _line.Clear();
                return;
            }
        }
        var raw = _line.ToString();
        _line.Clear();
        var line = raw.Trim();
        if (line.Length == 0) return;
        if (!line.IsNormalized(NormalizationForm.FormC)) line = line.Normalize(NormalizationForm.FormC);
        if (_lines.Count < headLines || (line.Length <= maxStampLength && VietnameseText.IsUpperCaseLine(line.AsSpan())))
            _lines.Add(line);
    }
}
