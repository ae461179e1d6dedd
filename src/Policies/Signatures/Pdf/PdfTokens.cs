using System.Security.Cryptography;
using System.Text;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Tokens;

namespace GovGateway.Policies.Signatures.Pdf;

/// <summary>Small helpers over PdfPig's token model: resolve references, read typed entries, compare objects.</summary>
internal static class PdfTokens
{
    private const int MaxDepth = 32;

    public static IToken? Resolve(PdfDocument document, IToken? token)
    {
        for (var i = 0; i < 8 && token is IndirectReferenceToken reference; i++)
            token = Get(document, reference.Data);
        return token is IndirectReferenceToken ? null : token;
    }

    public static IToken? Get(PdfDocument document, IndirectReference reference)
    {
        try
        {
            return document.Structure.GetObject(reference)?.Data;
        }
        catch (Exception ex) when (PdfSignatureDocument.IsPdfError(ex))
        {
            return null;
        }
    }

    public static DictionaryToken? Dictionary(PdfDocument document, IToken? token) => Resolve(document, token) switch
    {
        DictionaryToken d => d,
        StreamToken s => s.StreamDictionary,
        _ => null,
    };

    public static IToken? Entry(DictionaryToken? dictionary, string key) =>
        dictionary is not null && dictionary.Data.TryGetValue(key, out var value) ? value : null;

    public static string? Name(PdfDocument document, DictionaryToken? dictionary, string key) =>
        Resolve(document, Entry(dictionary, key)) is NameToken name ? name.Data : null;

    public static IReadOnlyList<IToken>? Array(PdfDocument document, DictionaryToken? dictionary, string key) =>
        Resolve(document, Entry(dictionary, key)) is ArrayToken array ? array.Data : null;

    public static string? TextOf(PdfDocument document, DictionaryToken? dictionary, string key) => Resolve(document, Entry(dictionary, key)) switch
    {
        StringToken s => s.Data,
        HexToken h => h.Data,
        _ => null,
    };

    public static byte[]? Bytes(IToken? token) => token switch
    {
        HexToken h => h.Bytes.ToArray(),
        StringToken s => s.GetBytes(),
        _ => null,
    };

    /// <summary>
    /// A canonical text of an object for comparing two revisions' versions of it: dictionaries with sorted keys,
    /// references as "n g R" (not followed), streams as their dictionary and a hash of their raw bytes.
    /// </summary>
    public static string Canonical(IToken? token)
    {
        var sb = new StringBuilder();
        Write(sb, token, 0);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, IToken? token, int depth)
    {
        if (depth > MaxDepth)
        {
            sb.Append("...");
            return;
        }
        switch (token)
        {
            case null: sb.Append("null"); break;
            case IndirectReferenceToken r: sb.Append(r.Data.ObjectNumber).Append(' ').Append(r.Data.Generation).Append(" R"); break;
            case NameToken n: sb.Append('/').Append(n.Data); break;
            case NumericToken n: sb.Append(n.Data.ToString(System.Globalization.CultureInfo.InvariantCulture)); break;
            case HexToken h: sb.Append('<').Append(Convert.ToHexString(h.Bytes.ToArray())).Append('>'); break;
            case StringToken s: sb.Append('(').Append(Convert.ToHexString(s.GetBytes())).Append(')'); break;
            case ArrayToken a:
                sb.Append('[');
                foreach (var item in a.Data)
                {
                    Write(sb, item, depth + 1);
                    sb.Append(' ');
                }
                sb.Append(']');
                break;
            case DictionaryToken d:
                sb.Append("<<");
                foreach (var (key, value) in d.Data.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    sb.Append('/').Append(key).Append(' ');
                    Write(sb, value, depth + 1);
                    sb.Append(' ');
                }
                sb.Append(">>");
                break;
            case StreamToken s:
                Write(sb, s.StreamDictionary, depth + 1);
                sb.Append("stream:").Append(Convert.ToHexString(SHA256.HashData(s.Data.Span)));
                break;
            default: sb.Append(token); break;
        }
    }
}
