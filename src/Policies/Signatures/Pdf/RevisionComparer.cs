using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Tokens;
using static GovGateway.Policies.Signatures.Pdf.PdfTokens;

namespace GovGateway.Policies.Signatures.Pdf;

/// <summary>One thing a later incremental update changed, and whether the signature's permissions allow it.</summary>
internal sealed record RevisionChange(string What, bool Allowed)
{
    public override string ToString() => Allowed ? $"allowed: {What}" : $"not allowed: {What}";
}

/// <summary>
/// Compares a signed revision of a PDF with the whole file, as a PAdES validator does. Objects whose cross-reference
/// entry moved are compared (an object rewritten unchanged is no change); new objects count only through the
/// existing objects that refer to them, so what is checked is the change to those. Allowed after signing: validation
/// data (the catalogue's /DSS and /Extensions, the /DSS dictionaries), a further signature or document timestamp (a
/// new signature field in /AcroForm, its widget in a page's /Annots, an empty signature field getting its value);
/// with DocMDP level 3 also annotations; with level 1 only validation data and document timestamps. Anything else
/// (page content or resources, fonts, images, other catalogue entries, document information, deleted objects) is not.
/// </summary>
internal sealed class RevisionComparer(PdfSignatureDocument signed, PdfSignatureDocument whole)
{
    private const int MaxReported = 20;
    private const int MaxPages = 10_000;

    /// <param name="permission">DocMDP /P of the document's certification signature; null for approval signatures only (treated as 2).</param>
    public IReadOnlyList<RevisionChange> Compare(int? permission)
    {
        var level = permission ?? 2;
        var before = signed.Document.Structure.CrossReferenceTable.ObjectOffsets;
        var after = whole.Document.Structure.CrossReferenceTable.ObjectOffsets;
        var changes = new List<RevisionChange>();
        var pages = PageNumbers();
        var dss = DssObjects();

        var oldTrailer = signed.Document.Structure.Trailer;
        var newTrailer = whole.Document.Structure.Trailer;
        if (!oldTrailer.Root.Equals(newTrailer.Root)) changes.Add(new RevisionChange("the document catalogue was replaced", false));
        if (!Equals(oldTrailer.Info, newTrailer.Info)) changes.Add(new RevisionChange("the document information (title, author, dates) was replaced", false));

        foreach (var (reference, _) in before)
            if (!after.ContainsKey(reference)) changes.Add(new RevisionChange($"object {reference.ObjectNumber} was deleted", false));

        var catalog = newTrailer.Root;
        foreach (var (reference, offset) in after.OrderBy(p => p.Key.ObjectNumber))
        {
            if (!before.TryGetValue(reference, out var oldOffset) || oldOffset.Equals(offset)) continue;
            var oldObject = Get(signed.Document, reference);
            var newObject = Get(whole.Document, reference);
            if (Canonical(oldObject) == Canonical(newObject)) continue;
            changes.AddRange(Judge(reference, oldObject, newObject, reference.Equals(catalog), pages, dss, level));
            if (changes.Count > MaxReported * 4) break;
        }
        return changes.DistinctBy(c => c.ToString()).ToList();
    }

    private IEnumerable<RevisionChange> Judge(IndirectReference reference, IToken? oldObject, IToken? newObject, bool isCatalog,
        IReadOnlyDictionary<IndirectReference, string> pages, IReadOnlySet<IndirectReference> dss, int level)
    {
        if (dss.Contains(reference))
        {
            yield return new RevisionChange("validation data (/DSS) updated", true);
            yield break;
        }
        var oldDict = oldObject as DictionaryToken;
        var newDict = newObject as DictionaryToken;
        if (isCatalog && oldDict is not null && newDict is not null)
        {
            foreach (var key in ChangedKeys(oldDict, newDict))
                yield return key switch
                {
                    "DSS" => new RevisionChange("validation data (/DSS) added to the catalogue", true),
                    "Extensions" => new RevisionChange("developer extensions (/Extensions) declared", true),
                    "AcroForm" => JudgeAcroForm(Entry(oldDict, "AcroForm"), Entry(newDict, "AcroForm"), level),
                    _ => new RevisionChange($"the document catalogue's /{key} changed", false),
                };
            yield break;
        }
        if (newDict is not null && Name(whole.Document, newDict, "Type") == "Page" && oldDict is not null)
        {
            var page = pages.TryGetValue(reference, out var number) ? number : $"object {reference.ObjectNumber}";
            foreach (var key in ChangedKeys(oldDict, newDict))
                yield return key == "Annots"
                    ? JudgeAdditions(Entry(oldDict, key), Entry(newDict, key), level, $"{page}'s annotations")
                    : new RevisionChange($"{page}: {Describe(key)} changed", false);
            yield break;
        }
        if (oldDict is not null && newDict is not null && IsAcroForm(reference))
        {
            yield return JudgeAcroFormDictionary(oldDict, newDict, level);
            yield break;
        }
        if (oldObject is ArrayToken && newObject is ArrayToken)
        {
            yield return JudgeAdditions(oldObject, newObject, level, $"the list in object {reference.ObjectNumber}");
            yield break;
        }
        if (oldDict is not null && newDict is not null && Name(whole.Document, newDict, "FT") == "Sig" && Entry(oldDict, "V") is null
            && ChangedKeys(oldDict, newDict).All(k => k is "V" or "AP" or "F" or "Lock" or "SV"))
        {
            var kind = SignatureKind(Entry(newDict, "V"));
            yield return new RevisionChange($"the empty signature field '{TextOf(whole.Document, newDict, "T")}' was signed", level >= 2 || kind == "timestamp");
            yield break;
        }
        yield return new RevisionChange(DescribeObject(reference, newObject ?? oldObject, pages), false);
    }

    private RevisionChange JudgeAcroForm(IToken? oldToken, IToken? newToken, int level)
    {
        // The catalogue's /AcroForm replaced by a reference, or a direct dictionary edited in place.
        var oldForm = Dictionary(signed.Document, oldToken);
        var newForm = Dictionary(whole.Document, newToken);
        if (newForm is null) return new RevisionChange("the form (/AcroForm) was removed", false);
        if (oldForm is null) return JudgeAdditions(null, Entry(newForm, "Fields"), level, "the form's fields");
        return JudgeAcroFormDictionary(oldForm, newForm, level);
    }

    private RevisionChange JudgeAcroFormDictionary(DictionaryToken oldForm, DictionaryToken newForm, int level)
    {
        var verdicts = new List<RevisionChange>();
        foreach (var key in ChangedKeys(oldForm, newForm))
            verdicts.Add(key switch
            {
                "Fields" => JudgeAdditions(Entry(oldForm, key), Entry(newForm, key), level, "the form's fields"),
                "SigFlags" or "DR" or "DA" or "NeedAppearances" => new RevisionChange($"the form's /{key} updated for signing", true),
                _ => new RevisionChange($"the form's /{key} changed", false),
            });
        return verdicts.FirstOrDefault(v => !v.Allowed) ?? verdicts.FirstOrDefault() ?? new RevisionChange("the form was rewritten unchanged", true);
    }

    /// <summary>A list that only grew: every old entry kept, every new one a signature field or widget (or, at level 3, an annotation).</summary>
    private RevisionChange JudgeAdditions(IToken? oldToken, IToken? newToken, int level, string what)
    {
        var oldItems = (Resolve(signed.Document, oldToken) as ArrayToken)?.Data ?? [];
        var newItems = (Resolve(whole.Document, newToken) as ArrayToken)?.Data;
        if (newItems is null) return new RevisionChange($"{what} were removed", false);
        var oldKeys = oldItems.Select(Canonical).ToHashSet(StringComparer.Ordinal);
        var newKeys = newItems.Select(Canonical).ToHashSet(StringComparer.Ordinal);
        if (!oldKeys.IsSubsetOf(newKeys)) return new RevisionChange($"{what}: entries were removed or replaced", false);
        var kinds = new List<string>();
        foreach (var added in newItems.Where(i => !oldKeys.Contains(Canonical(i))))
        {
            var kind = SignatureKind(added);
            if (kind == "timestamp" || (kind == "signature" && level >= 2)) kinds.Add(kind == "timestamp" ? "a document timestamp" : "a signature");
            else if (kind is null && level >= 3 && IsAnnotation(added)) kinds.Add("an annotation");
            else return new RevisionChange($"{what}: {(kind is null ? "a non-signature entry was added" : "a signature was added, which certification level 1 forbids")}", false);
        }
        return new RevisionChange($"{what}: {(kinds.Count == 0 ? "reordered" : string.Join(", ", kinds.Distinct()) + " added")}", true);
    }

    /// <summary>"signature" or "timestamp" for a signature field or its widget (by /FT /Sig, also inherited), else null.</summary>
    private string? SignatureKind(IToken? token)
    {
        var field = Dictionary(whole.Document, token);
        for (var depth = 0; field is not null && depth < 8; depth++)
        {
            if (Name(whole.Document, field, "FT") is { } type)
            {
                if (type != "Sig") return null;
                var value = Dictionary(whole.Document, Entry(field, "V"));
                return value is not null && (Name(whole.Document, value, "Type") == "DocTimeStamp" || Name(whole.Document, value, "SubFilter") == "ETSI.RFC3161")
                    ? "timestamp" : "signature";
            }
            // A sig dictionary itself (a field's /V) is reached when /V was a reference that moved.
            if (Name(whole.Document, field, "Type") is "Sig" or "DocTimeStamp") return Name(whole.Document, field, "Type") == "DocTimeStamp" ? "timestamp" : "signature";
            field = Dictionary(whole.Document, Entry(field, "Parent"));
        }
        return null;
    }

    private bool IsAnnotation(IToken? token) =>
        Dictionary(whole.Document, token) is { } d && Name(whole.Document, d, "Subtype") is { } subtype && subtype != "Widget";

    private bool IsAcroForm(IndirectReference reference) =>
        Entry(whole.Catalog, "AcroForm") is IndirectReferenceToken r && r.Data.Equals(reference);

    private static IEnumerable<string> ChangedKeys(DictionaryToken oldDict, DictionaryToken newDict) =>
        oldDict.Data.Keys.Union(newDict.Data.Keys)
            .Where(k => Canonical(Entry(oldDict, k)) != Canonical(Entry(newDict, k)))
            .Order(StringComparer.Ordinal);

    private static string Describe(string pageKey) => pageKey switch
    {
        "Contents" => "the page content",
        "Resources" => "the page's resources (fonts, images)",
        "MediaBox" or "CropBox" or "Rotate" => "the page size or rotation",
        _ => $"/{pageKey}",
    };

    private string DescribeObject(IndirectReference reference, IToken? token, IReadOnlyDictionary<IndirectReference, string> pages)
    {
        if (ContentOwners().TryGetValue(reference, out var page)) return $"{page}: the page content was replaced";
        var dict = token switch { DictionaryToken d => d, StreamToken s => s.StreamDictionary, _ => null };
        var type = Name(whole.Document, dict, "Type");
        var subtype = Name(whole.Document, dict, "Subtype");
        return (type, subtype) switch
        {
            ("Font", _) or ("FontDescriptor", _) => $"the font {Name(whole.Document, dict, "BaseFont") ?? Name(whole.Document, dict, "FontName") ?? $"(object {reference.ObjectNumber})"} changed",
            (_, "Image") => $"an image (object {reference.ObjectNumber}) changed",
            ("Annot", _) or (_, "Widget" or "Text" or "FreeText" or "Link" or "Stamp" or "Ink") => $"an annotation (object {reference.ObjectNumber}) changed",
            ("Sig", _) or ("DocTimeStamp", _) => $"an existing signature value (object {reference.ObjectNumber}) changed",
            ("Pages", _) => "the page tree (pages added, removed or reordered) changed",
            _ => $"object {reference.ObjectNumber}{(type is null ? "" : $" (/{type})")} changed",
        };
    }

    private Dictionary<IndirectReference, string>? _contentOwners;

    /// <summary>Which page each content stream of the signed revision belongs to (computed once, when a change needs naming).</summary>
    private Dictionary<IndirectReference, string> ContentOwners()
    {
        if (_contentOwners is not null) return _contentOwners;
        var result = new Dictionary<IndirectReference, string>();
        foreach (var (pageRef, name) in PageNumbers())
        {
            var page = Dictionary(signed.Document, new IndirectReferenceToken(pageRef));
            var contents = Entry(page, "Contents");
            if (contents is IndirectReferenceToken single) result.TryAdd(single.Data, name);
            foreach (var item in (Resolve(signed.Document, contents) as ArrayToken)?.Data ?? [])
                if (item is IndirectReferenceToken part) result.TryAdd(part.Data, name);
        }
        return _contentOwners = result;
    }

    /// <summary>"page N" for each page object of the signed revision (the page tree walked with a bound).</summary>
    private Dictionary<IndirectReference, string> PageNumbers()
    {
        var result = new Dictionary<IndirectReference, string>();
        var seen = new HashSet<IndirectReference>();
        void Walk(IToken? token, int depth)
        {
            if (depth > 32 || result.Count >= MaxPages || token is not IndirectReferenceToken r || !seen.Add(r.Data)) return;
            var node = Dictionary(signed.Document, token);
            if (Name(signed.Document, node, "Type") == "Page") result[r.Data] = $"page {result.Count + 1}";
            foreach (var kid in Array(signed.Document, node, "Kids") ?? []) Walk(kid, depth + 1);
        }
        Walk(Entry(signed.Catalog, "Pages"), 0);
        return result;
    }

    /// <summary>The objects that make up the whole file's /DSS: the dictionary, its arrays, /VRI and its entries.</summary>
    private HashSet<IndirectReference> DssObjects()
    {
        var result = new HashSet<IndirectReference>();
        var document = whole.Document;
        if (Entry(whole.Catalog, "DSS") is IndirectReferenceToken dssRef) result.Add(dssRef.Data);
        var dss = Dictionary(document, Entry(whole.Catalog, "DSS"));
        if (dss is null) return result;
        foreach (var (key, value) in dss.Data)
        {
            if (value is IndirectReferenceToken r) result.Add(r.Data);
            if (key != "VRI") continue;
            foreach (var entry in Dictionary(document, value)?.Data.Values ?? [])
            {
                if (entry is IndirectReferenceToken e) result.Add(e.Data);
                foreach (var inner in Dictionary(document, entry)?.Data.Values ?? [])
                    if (inner is IndirectReferenceToken i) result.Add(i.Data);
            }
        }
        return result;
    }
}
