using Org.BouncyCastle.X509;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Filters;
using UglyToad.PdfPig.Tokens;
using static GovGateway.Policies.Signatures.Pdf.PdfTokens;

namespace GovGateway.Policies.Signatures.Pdf;

/// <summary>A signature field's value as the form declares it: the /V dictionary of a field of type /Sig.</summary>
internal sealed record PdfSignatureField(
    string Name,
    IndirectReference? Value,
    long[] ByteRange,
    byte[]? Contents,
    string? SubFilter,
    bool IsDocumentTimestamp,
    int? DocMdpPermission,
    string? ClaimedTime)
{
    /// <summary>Where the signed part ends: the end of the revision that this signature closed.</summary>
    public long End => ByteRange[2] + ByteRange[3];
}

/// <summary>
/// A PDF opened with PdfPig for its signatures: the signature fields of its form (found through the catalogue's
/// /AcroForm, never by searching the text), the validation data of its /DSS, and a <see cref="RevisionComparer"/>
/// for what later incremental updates changed. The file is read from the caller's stream, never copied whole.
/// </summary>
internal sealed class PdfSignatureDocument : IDisposable
{
    private const int MaxFields = 1000;
    private const int MaxFieldDepth = 10;
    private const int MaxDssItems = 2000;

    private static readonly X509CertificateParser CertificateParser = new();
    private static readonly X509CrlParser CrlParser = new();

    private readonly Stream _source;

    private PdfSignatureDocument(Stream source, PdfDocument document)
    {
        _source = source;
        Document = document;
    }

    public PdfDocument Document { get; }

    public long Length => _source.Length;

    /// <summary>Null when PdfPig cannot read the file's structure (<paramref name="why"/> says what it found).</summary>
    public static PdfSignatureDocument? Open(Stream pdf, out string? why) => Open(pdf, pdf.Length, out why);

    public static PdfSignatureDocument? Open(Stream pdf, long length, out string? why)
    {
        try
        {
            var document = PdfDocument.Open(new StreamWindow(pdf, length), new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true });
            why = null;
            return new PdfSignatureDocument(pdf, document);
        }
        catch (Exception ex) when (IsPdfError(ex))
        {
            why = ex.Message;
            return null;
        }
    }

    /// <summary>The document as it was when the revision ending at <paramref name="end"/> was written.</summary>
    public PdfSignatureDocument? Revision(long end, out string? why) => Open(_source, end, out why);

    public DictionaryToken Catalog => Document.Structure.Catalog.CatalogDictionary;

    /// <summary>
    /// The signature fields that hold a value: those of the form (/AcroForm /Fields and their /Kids), then signature
    /// widgets on the pages that the form does not list (poppler's pdfsig adds its field only to the page's /Annots
    /// when /AcroForm is a direct dictionary, and readers such as pdfsig and Acrobat still show it). Each once.
    /// </summary>
    public IReadOnlyList<PdfSignatureField> SignatureFields()
    {
        var result = new List<PdfSignatureField>();
        var ranges = new HashSet<string>(StringComparer.Ordinal);
        var acroForm = Dictionary(Document, Entry(Catalog, "AcroForm"));
        var seen = new HashSet<IndirectReference>();
        foreach (var field in Array(Document, acroForm, "Fields") ?? [])
            Walk(field, null, string.Empty, 0);
        foreach (var annotation in PageAnnotations())
        {
            if (result.Count >= MaxFields) break;
            if (annotation is IndirectReferenceToken r && seen.Contains(r.Data)) continue;
            if (Dictionary(Document, annotation) is not { } widget) continue;
            var (type, name) = Inherited(widget);
            if (type == "Sig") Add(widget, name);
        }
        return result;

        void Walk(IToken token, string? inheritedType, string parentName, int depth)
        {
            if (depth > MaxFieldDepth || result.Count >= MaxFields || seen.Count > MaxFields * 4) return;
            if (token is IndirectReferenceToken r && !seen.Add(r.Data)) return;
            if (Dictionary(Document, token) is not { } field) return;
            var type = Name(Document, field, "FT") ?? inheritedType;
            var partial = TextOf(Document, field, "T");
            var name = partial is null ? parentName : parentName.Length == 0 ? partial : $"{parentName}.{partial}";
            if (type == "Sig") Add(field, name);
            foreach (var kid in Array(Document, field, "Kids") ?? [])
                Walk(kid, type, name, depth + 1);
        }

        void Add(DictionaryToken field, string name)
        {
            if (Entry(field, "V") is not { } valueToken || Dictionary(Document, valueToken) is not { } value) return;
            if (Read(name, (valueToken as IndirectReferenceToken)?.Data, value) is not { } signature) return;
            if (ranges.Add(string.Join(' ', signature.ByteRange))) result.Add(signature);
        }
    }

    /// <summary>A widget's field type and full name, climbing /Parent (bounded) for what it inherits.</summary>
    private (string? Type, string Name) Inherited(DictionaryToken widget)
    {
        string? type = null;
        var parts = new List<string>();
        var node = widget;
        for (var depth = 0; node is not null && depth < MaxFieldDepth; depth++)
        {
            type ??= Name(Document, node, "FT");
            if (TextOf(Document, node, "T") is { } partial) parts.Insert(0, partial);
            node = Dictionary(Document, Entry(node, "Parent"));
        }
        return (type, string.Join('.', parts));
    }

    /// <summary>Every page's /Annots entries, the page tree walked with bounds.</summary>
    private List<IToken> PageAnnotations()
    {
        var result = new List<IToken>();
        var seen = new HashSet<IndirectReference>();
        void Visit(IToken? token, int depth)
        {
            if (depth > 32 || seen.Count > 100_000 || result.Count > MaxFields * 4) return;
            if (token is IndirectReferenceToken r && !seen.Add(r.Data)) return;
            var node = Dictionary(Document, token);
            if (node is null) return;
            result.AddRange(Array(Document, node, "Annots") ?? []);
            foreach (var kid in Array(Document, node, "Kids") ?? []) Visit(kid, depth + 1);
        }
        Visit(Entry(Catalog, "Pages"), 0);
        return result;
    }

    private PdfSignatureField? Read(string name, IndirectReference? reference, DictionaryToken value)
    {
        if (Array(Document, value, "ByteRange") is not { Count: 4 } range) return null;
        var numbers = new long[4];
        for (var i = 0; i < 4; i++)
        {
            if (Resolve(Document, range[i]) is not NumericToken n || n.Data != Math.Floor(n.Data) || n.Data < 0) return null;
            // Past what a long holds is past any file: clamped, the range check then calls it malformed.
            numbers[i] = n.Data >= long.MaxValue ? long.MaxValue : (long)n.Data;
        }
        var subFilter = Name(Document, value, "SubFilter");
        var isTimestamp = Name(Document, value, "Type") == "DocTimeStamp" || subFilter == "ETSI.RFC3161";
        return new PdfSignatureField(name.Length == 0 ? "(unnamed)" : name, reference, numbers, Bytes(Resolve(Document, Entry(value, "Contents"))),
            subFilter, isTimestamp, DocMdp(value), TextOf(Document, value, "M"));
    }

    /// <summary>The /P of a certification signature's DocMDP transform (1: no changes, 2: form fill and signing, 3: also annotations).</summary>
    private int? DocMdp(DictionaryToken signature)
    {
        foreach (var item in Array(Document, signature, "Reference") ?? [])
        {
            var reference = Dictionary(Document, item);
            if (Name(Document, reference, "TransformMethod") != "DocMDP") continue;
            var parameters = Dictionary(Document, Entry(reference, "TransformParams"));
            return Resolve(Document, Entry(parameters, "P")) is NumericToken { Int: >= 1 and <= 3 } p ? p.Int : 2;
        }
        return null;
    }

    /// <summary>The certificates and CRLs of the document's /DSS (PAdES long-term validation data).</summary>
    public CarriedEvidence ValidationData()
    {
        var dss = Dictionary(Document, Entry(Catalog, "DSS"));
        if (dss is null) return CarriedEvidence.None;
        var certificates = new List<X509Certificate>();
        var crls = new List<X509Crl>();
        foreach (var data in Streams(dss, "Certs"))
            if (Parse(() => CertificateParser.ReadCertificate(data)) is { } cert) certificates.Add(cert);
        foreach (var data in Streams(dss, "CRLs"))
            if (Parse(() => CrlParser.ReadCrl(data)) is { } crl) crls.Add(crl);
        return new CarriedEvidence(certificates, crls);
    }

    private IEnumerable<byte[]> Streams(DictionaryToken dss, string key)
    {
        foreach (var item in (Array(Document, dss, key) ?? []).Take(MaxDssItems))
        {
            if (Resolve(Document, item) is not StreamToken stream) continue;
            byte[]? data;
            try
            {
                data = stream.Decode(DefaultFilterProvider.Instance).ToArray();
            }
            catch (Exception ex) when (IsPdfError(ex))
            {
                data = null;
            }
            if (data is not null) yield return data;
        }
    }

    private static T? Parse<T>(Func<T?> read) where T : class
    {
        try
        {
            return read();
        }
        catch (Exception ex) when (ex is Org.BouncyCastle.Security.Certificates.CertificateException or Org.BouncyCastle.Security.Certificates.CrlException
                                       or Org.BouncyCastle.Asn1.Asn1Exception or IOException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>PdfPig on a sender's file can fail in many ways (as TextExtractor found); all but these mean "not readable".</summary>
    public static bool IsPdfError(Exception ex) => ex is not (OutOfMemoryException or OperationCanceledException or StackOverflowException);

    public void Dispose() => Document.Dispose();
}
