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
    private readonly StringBuilder _text = new();
    private readonly StringBuilder _run = new();
    private (TextEncoding Encoding, bool Capitals) _runFont = (TextEncoding.Unicode, false);
    private readonly Dictionary<string, (TextEncoding, bool)> _fonts = new(StringComparer.Ordinal);
    private TextEncoding _found = TextEncoding.Unicode;

    public int Length => _text.Length + _run.Length;

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
        return (_text.ToString(), _found);
    }

    private void Flush()
    {
        if (_run.Length == 0) return;
        var run = _run.ToString();
        _run.Clear();
        // A producer that wrote real Unicode under a legacy font name (a ToUnicode map, a converted file) is left alone.
        if (_runFont.Encoding != TextEncoding.Unicode && !LegacyText.HasUnicodeVietnamese(run))
        {
            if (_found == TextEncoding.Unicode) _found = _runFont.Encoding;
            run = LegacyText.Decode(run, _runFont.Encoding, _runFont.Capitals);
        }
        _text.Append(run);
    }
}
