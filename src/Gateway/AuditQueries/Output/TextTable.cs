using System.Globalization;
using System.Text;

namespace GovGateway.AuditQueries.Output;

/// <summary>A plain-text table with column widths counted in text elements, so Vietnamese letters with marks count once.</summary>
internal sealed class TextTable(params (string Header, int MaxWidth)[] columns)
{
    private readonly List<string[]> _rows = [];

    public void Add(params string?[] cells) => _rows.Add(cells.Select(c => Clip(Flatten(c), 0)).ToArray());

    public void Write(TextWriter output)
    {
        var widths = columns.Select((c, i) => Math.Min(c.MaxWidth,
            _rows.Select(r => Width(r[i])).Append(Width(c.Header)).Max())).ToArray();
        WriteRow(output, columns.Select(c => c.Header).ToArray(), widths);
        WriteRow(output, widths.Select(w => new string('-', w)).ToArray(), widths);
        foreach (var row in _rows) WriteRow(output, row, widths);
    }

    private static void WriteRow(TextWriter output, string[] cells, int[] widths)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < cells.Length; i++)
        {
            var cell = Clip(cells[i], widths[i]);
            sb.Append(cell);
            if (i < cells.Length - 1) sb.Append(' ', widths[i] - Width(cell) + 2);
        }
        output.WriteLine(sb.ToString().TrimEnd());
    }

    private static string Flatten(string? s) => (s ?? "").Normalize(NormalizationForm.FormC).Replace('\r', ' ').Replace('\n', ' ').Replace('\t', ' ');

    private static int Width(string s) => new StringInfo(s).LengthInTextElements;

    private static string Clip(string s, int width)
    {
        if (width <= 0 || Width(s) <= width) return s;
        var info = new StringInfo(s);
        return info.SubstringByTextElements(0, width - 1) + "…";
    }
}
