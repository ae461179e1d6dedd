using System.Globalization;
using System.Text;
using static GovGateway.WebConsole.Html.Page;

namespace GovGateway.WebConsole.Html;

/// <summary>
/// Charts drawn on the server as SVG, so the dashboard needs no script and no Internet access. Every bar carries a
/// title with its value (shown on hover and read by screen readers), and every chart a legend.
/// </summary>
internal static class SvgChart
{
    private static readonly string[] Palette = ["#1d6b2c", "#9b1c1c", "#c27c0e", "#5b6770", "#2b5797", "#7a3e9d", "#00777a", "#a0522d"];

    /// <summary>A stacked column per category (e.g. per day), one colour per series (e.g. per decision).</summary>
    public static string StackedColumns(string id, IReadOnlyList<string> categories, IReadOnlyList<string> series, Func<string, string, long> value,
        IReadOnlyDictionary<string, string>? colours = null)
    {
        const int width = 640, height = 240, left = 44, bottom = 36, top = 10;
        var totals = categories.Select(c => series.Sum(s => value(c, s))).ToList();
        var max = Math.Max(1, totals.DefaultIfEmpty(0).Max());
        var plotWidth = width - left - 8.0;
        var step = categories.Count == 0 ? plotWidth : plotWidth / categories.Count;
        var barWidth = Math.Max(1, step * 0.8);
        var sb = Open(id, width, height + 24 + 16 * ((series.Count + 3) / 4));
        Axis(sb, left, top, width, height - bottom, max);
        for (int i = 0; i < categories.Count; i++)
        {
            double y = height - bottom;
            foreach (var (s, si) in series.Select((s, si) => (s, si)))
            {
                var v = value(categories[i], s);
                if (v == 0) continue;
                var h = (height - bottom - top) * (double)v / max;
                y -= h;
                sb.Append($"<rect class=\"bar\" x=\"{F(left + i * step + (step - barWidth) / 2)}\" y=\"{F(y)}\" width=\"{F(barWidth)}\" height=\"{F(h)}\" fill=\"{Colour(s, si, colours)}\"><title>{E(categories[i])} · {E(s)}: {N(v)}</title></rect>");
            }
            if (categories.Count <= 16 || i % Math.Max(1, categories.Count / 8) == 0)
                sb.Append($"<text x=\"{F(left + i * step + step / 2)}\" y=\"{height - bottom + 14}\" font-size=\"10\" text-anchor=\"middle\">{E(Short(categories[i]))}</text>");
        }
        Legend(sb, series, height + 6, colours);
        return sb.Append("</svg>").ToString();
    }

    /// <summary>Horizontal bars, largest first.</summary>
    public static string Bars(string id, IReadOnlyList<(string Label, long Value)> items, string colour = "#2b5797")
    {
        const int width = 640, row = 22, left = 200;
        var max = Math.Max(1, items.Select(i => i.Value).DefaultIfEmpty(0).Max());
        var sb = Open(id, width, Math.Max(row, items.Count * row) + 8);
        if (items.Count == 0) sb.Append("<text x=\"8\" y=\"16\" font-size=\"12\">Không có dữ liệu / No data</text>");
        for (int i = 0; i < items.Count; i++)
        {
            var (label, v) = items[i];
            var w = (width - left - 70) * (double)v / max;
            var y = i * row + 4;
            sb.Append($"<text x=\"{left - 6}\" y=\"{y + 14}\" font-size=\"12\" text-anchor=\"end\">{E(label.Length > 30 ? label[..29] + "…" : label)}</text>");
            sb.Append($"<rect class=\"bar\" x=\"{left}\" y=\"{y}\" width=\"{F(Math.Max(1, w))}\" height=\"{row - 6}\" fill=\"{colour}\"><title>{E(label)}: {N(v)}</title></rect>");
            sb.Append($"<text x=\"{F(left + w + 4)}\" y=\"{y + 14}\" font-size=\"12\">{N(v)}</text>");
        }
        return sb.Append("</svg>").ToString();
    }

    /// <summary>Percentages per category as columns, against a dashed target line (the 100% the 2025 target asks).</summary>
    public static string Shares(string id, IReadOnlyList<(string Label, double? Percent, long Of)> items, double target)
    {
        const int width = 640, height = 220, left = 44, bottom = 36, top = 10;
        var plotHeight = height - bottom - top;
        var plotWidth = width - left - 8.0;
        var step = items.Count == 0 ? plotWidth : plotWidth / items.Count;
        var sb = Open(id, width, height);
        foreach (var p in new[] { 0, 50, 100 })
        {
            var y = top + plotHeight * (1 - p / 100.0);
            sb.Append($"<line x1=\"{left}\" x2=\"{width - 8}\" y1=\"{F(y)}\" y2=\"{F(y)}\" stroke=\"#d5d8dc\"/><text x=\"{left - 4}\" y=\"{F(y + 4)}\" font-size=\"10\" text-anchor=\"end\">{p}%</text>");
        }
        var ty = top + plotHeight * (1 - target / 100.0);
        sb.Append($"<line class=\"target\" x1=\"{left}\" x2=\"{width - 8}\" y1=\"{F(ty)}\" y2=\"{F(ty)}\" stroke=\"#9b1c1c\" stroke-dasharray=\"6 4\" stroke-width=\"2\"><title>Mục tiêu / Target {target}%</title></line>");
        for (int i = 0; i < items.Count; i++)
        {
            var (label, percent, of) = items[i];
            if (percent is { } pc)
            {
                // 0% is a finding, not an absence: it gets a visible sliver, where a day without official documents gets nothing.
                var h = Math.Max(2, plotHeight * pc / 100.0);
                sb.Append($"<rect class=\"bar\" x=\"{F(left + i * step + step * 0.1)}\" y=\"{F(top + plotHeight - h)}\" width=\"{F(Math.Max(1, step * 0.8))}\" height=\"{F(h)}\" fill=\"{(pc >= target ? "#1d6b2c" : "#c27c0e")}\"><title>{E(label)}: {pc.ToString("0.#", CultureInfo.InvariantCulture)}% of {N(of)}</title></rect>");
            }
            if (items.Count <= 16 || i % Math.Max(1, items.Count / 8) == 0)
                sb.Append($"<text x=\"{F(left + i * step + step / 2)}\" y=\"{height - bottom + 14}\" font-size=\"10\" text-anchor=\"middle\">{E(Short(label))}</text>");
        }
        return sb.Append("</svg>").ToString();
    }

    private static StringBuilder Open(string id, int width, int height) =>
        new StringBuilder().Append($"<svg id=\"{E(id)}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 {width} {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\">");

    private static void Axis(StringBuilder sb, int left, int top, int width, int baseline, long max)
    {
        foreach (var fraction in new[] { 0.0, 0.5, 1.0 })
        {
            var y = baseline - (baseline - top) * fraction;
            sb.Append($"<line x1=\"{left}\" x2=\"{width - 8}\" y1=\"{F(y)}\" y2=\"{F(y)}\" stroke=\"#d5d8dc\"/><text x=\"{left - 4}\" y=\"{F(y + 4)}\" font-size=\"10\" text-anchor=\"end\">{N((long)Math.Round(max * fraction))}</text>");
        }
    }

    private static void Legend(StringBuilder sb, IReadOnlyList<string> series, int y, IReadOnlyDictionary<string, string>? colours)
    {
        for (int i = 0; i < series.Count; i++)
        {
            var x = 44 + (i % 4) * 150;
            var yy = y + (i / 4) * 16;
            sb.Append($"<rect x=\"{x}\" y=\"{yy}\" width=\"10\" height=\"10\" fill=\"{Colour(series[i], i, colours)}\"/><text x=\"{x + 14}\" y=\"{yy + 9}\" font-size=\"11\">{E(series[i])}</text>");
        }
    }

    private static string Colour(string series, int index, IReadOnlyDictionary<string, string>? colours) =>
        colours is not null && colours.TryGetValue(series, out var c) ? c : Palette[index % Palette.Length];

    // "2026-12-02" → "12-02": the year is in the chart's caption.
    private static string Short(string label) => label.Length == 10 && label[4] == '-' ? label[5..] : label;

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}
