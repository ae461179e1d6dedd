using System.Text;
using GovGateway.Policies.Text.Legacy;

namespace GovGateway.Policies.Content;

/// <summary>
/// Builds a document's text from pieces that each name their font (a DOCX run, a PDF letter), decoding runs typed in a
/// TCVN3 or VNI font. Consecutive pieces in the same encoding are decoded together, since a VNI letter and its
/// accent may arrive as two pieces. Separators (font null) join the current run.
/// </summary>
internal sealed class LegacyRuns
{
    private readonly List<(string Text, (TextEncoding Encoding, bool Capitals) Font)> _runs = [];
    private int _length;
    private readonly StringBuilder _run = new();
    private (TextEncoding Encoding, bool Capitals) _runFont = (TextEncoding.Unicode, false);
    private readonly Dictionary<string, (TextEncoding, bool)> _fonts = new(StringComparer.Ordinal);

    public int Length => _length + _run.Length;

    public void Append(char separator, string? font) => Append(separator.ToString(), font);

    public void Append(string piece, string? font)
    {
        if (font is not null)
        {
            if (!_fonts.TryGetValue(font, out var kind)) _fonts[font] = kind = LegacyText.FromFontName(font);
            if (kind != _runFont)
            {
                Flush();
                _runFont = kind;
            }
        }
        _run.Append(piece);
    }

    /// <summary>The decoded text and the legacy encoding found in it (the first, when a document mixes both).</summary>
    public (string Text, TextEncoding Encoding) Complete()
    {
        Flush();
        // A file converted to Unicode often keeps its old font names (and a PDF producer may map glyphs to Unicode):
        // when any text under a legacy font already has Unicode Vietnamese letters, the names no longer say anything.
        var converted = _runs.Any(r => r.Font.Encoding != TextEncoding.Unicode && LegacyText.HasUnicodeVietnamese(r.Text));
        var found = TextEncoding.Unicode;
        var text = new StringBuilder(_length);
        foreach (var (run, font) in _runs)
        {
            if (converted || font.Encoding == TextEncoding.Unicode)
            {
                text.Append(run);
                continue;
            }
            if (found == TextEncoding.Unicode) found = font.Encoding;
            text.Append(LegacyText.Decode(run, font.Encoding, font.Capitals));
        }
        return (text.ToString(), found);
    }

    private void Flush()
    {
        if (_run.Length == 0) return;
        _runs.Add((_run.ToString(), _runFont));
        _length += _run.Length;
        _run.Clear();
    }
}
