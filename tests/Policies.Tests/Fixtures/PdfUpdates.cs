using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Org.BouncyCastle.X509;

namespace GovGateway.Policies.Tests.Fixtures;

/// <summary>
/// Incremental updates appended to a (signed) PDF the way tools append them: a new section of objects, a
/// cross-reference table for them and a trailer pointing back with /Prev. The signed bytes are left untouched.
/// </summary>
public static partial class PdfUpdates
{
    /// <summary>PAdES B-LT: a /DSS with the given certificates and CRLs, and the catalogue rewritten to point at it.</summary>
    public static byte[] AppendDss(byte[] pdf, IEnumerable<X509Certificate> certificates, IEnumerable<X509Crl> crls)
    {
        var (size, root, _) = Trailer(pdf);
        var catalog = LatestObject(pdf, root);
        var next = size;
        var objects = new List<(int Number, string Body)>();
        var certRefs = new List<string>();
        foreach (var cert in certificates)
        {
            objects.Add((next, StreamOf(cert.GetEncoded())));
            certRefs.Add($"{next++} 0 R");
        }
        var crlRefs = new List<string>();
        foreach (var crl in crls)
        {
            objects.Add((next, StreamOf(crl.GetEncoded())));
            crlRefs.Add($"{next++} 0 R");
        }
        var dss = next++;
        objects.Add((dss, $"<< /Type /DSS /Certs [{string.Join(' ', certRefs)}] /CRLs [{string.Join(' ', crlRefs)}] >>"));
        var insertAt = catalog.IndexOf("<<", StringComparison.Ordinal) + 2;
        objects.Add((root, catalog.Insert(insertAt, $" /DSS {dss} 0 R /Extensions << /ESIC << /BaseVersion /1.7 /ExtensionLevel 2 >> >> ")));
        return Append(pdf, objects, next);
    }

    /// <summary>A changed page: the content stream object <paramref name="contentObject"/> replaced by other text.</summary>
    public static byte[] ReplaceContent(byte[] pdf, int contentObject, string text)
    {
        var (size, _, _) = Trailer(pdf);
        var content = $"BT\n/F1 12 Tf\n50 800 Td\n({text}) Tj\nET\n";
        return Append(pdf, [(contentObject, $"<< /Length {content.Length} >>\nstream\n{content}endstream")], size);
    }

    private static byte[] Append(byte[] pdf, IReadOnlyList<(int Number, string Body)> objects, int size)
    {
        var (_, root, prev) = Trailer(pdf);
        var output = new MemoryStream();
        output.Write(pdf);
        void Write(string s) => output.Write(Encoding.Latin1.GetBytes(s));
        if (pdf[^1] != (byte)'\n') Write("\n");
        var offsets = new List<(int, long)>();
        foreach (var (number, body) in objects)
        {
            offsets.Add((number, output.Position));
            Write($"{number} 0 obj\n{body}\nendobj\n");
        }
        var xref = output.Position;
        Write("xref\n0 1\n0000000000 65535 f \n");
        foreach (var (number, offset) in offsets.OrderBy(o => o.Item1))
            Write($"{number} 1\n{offset:D10} 00000 n \n");
        Write($"trailer\n<< /Size {Math.Max(size, objects.Max(o => o.Number) + 1)} /Root {root} 0 R /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n");
        return output.ToArray();
    }

    private static string StreamOf(byte[] data) =>
        $"<< /Length {data.Length} >>\nstream\n{Encoding.Latin1.GetString(data)}\nendstream";

    /// <summary>/Size, /Root and the last startxref, read from the end of the file (classic trailer or xref stream dictionary).</summary>
    private static (int Size, int Root, long StartXref) Trailer(byte[] pdf)
    {
        var text = Encoding.Latin1.GetString(pdf);
        var startxref = long.Parse(LastMatch(StartXref(), text).Groups[1].Value, CultureInfo.InvariantCulture);
        var size = int.Parse(LastMatch(Size(), text).Groups[1].Value, CultureInfo.InvariantCulture);
        var root = int.Parse(LastMatch(Root(), text).Groups[1].Value, CultureInfo.InvariantCulture);
        return (size, root, startxref);
    }

    /// <summary>The dictionary text of the newest plain (not object-stream) copy of object <paramref name="number"/>.</summary>
    private static string LatestObject(byte[] pdf, int number)
    {
        var text = Encoding.Latin1.GetString(pdf);
        var start = LastMatch(new Regex($@"(?<![0-9]){number} 0 obj\s*"), text);
        var end = text.IndexOf("endobj", start.Index, StringComparison.Ordinal);
        return text[(start.Index + start.Length)..end].Trim();
    }

    private static Match LastMatch(Regex regex, string text) =>
        regex.Matches(text).LastOrDefault() ?? throw new InvalidOperationException($"'{regex}' not found in the PDF");

    [GeneratedRegex(@"startxref\s+(\d+)")]
    private static partial Regex StartXref();

    [GeneratedRegex(@"/Size\s+(\d+)")]
    private static partial Regex Size();

    [GeneratedRegex(@"/Root\s+(\d+)\s+\d+\s+R")]
    private static partial Regex Root();
}
