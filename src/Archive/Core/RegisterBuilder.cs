using GovGateway.Archive.Text;

namespace GovGateway.Archive.Core;

/// <summary>The register of one year from the documents of that year, the same for both stores.</summary>
internal static class RegisterBuilder
{
    /// <summary>The year a document belongs to in the register: its promulgation date's, else its first exchange's.</summary>
    public static int YearOf(ArchivedDocument document)
    {
        var date = document.Document.PromulgationInfo?.PromulgationDate;
        if (date is { Length: >= 4 } && int.TryParse(date.AsSpan(0, 4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var year))
            return year;
        return document.FirstSeenUtc.Year;
    }

    public static ArchiveRegister Build(int year, string? issuer, IEnumerable<ArchivedDocument> documents)
    {
        var wanted = issuer is null ? null : FoldedWords.Value(issuer);
        var register = new ArchiveRegister { Year = year };
        var groups = documents
            .Where(d => YearOf(d) == year)
            .GroupBy(d => Notation.Issuer(d.Document.CodeNotation), StringComparer.OrdinalIgnoreCase)
            .Where(g => wanted is null || FoldedWords.Value(g.Key) == wanted
                        || g.Any(d => FoldedWords.Value(d.Document.OrganName) == wanted))
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var rows = group.Select(d => new ArchiveRegisterRow
            {
                Id = d.Id,
                Number = Notation.Number(d.Document.CodeNumber),
                CodeNumber = d.Document.CodeNumber,
                CodeNotation = d.Document.CodeNotation,
                DocumentType = d.Document.DocumentType,
                PromulgationDate = d.Document.PromulgationInfo?.PromulgationDate,
                Subject = d.Document.Subject,
            })
            .OrderBy(r => r.Number is null).ThenBy(r => r.Number).ThenBy(r => r.CodeNotation, StringComparer.Ordinal).ThenBy(r => r.Id, StringComparer.Ordinal)
            .ToList();
            var entry = new ArchiveRegisterIssuer
            {
                Issuer = group.Key.ToUpperInvariant(),
                OrganName = group.OrderBy(d => d.FirstSeenUtc).Select(d => d.Document.OrganName).FirstOrDefault(n => !string.IsNullOrWhiteSpace(n)),
                Rows = rows,
            };
            foreach (var same in rows.Where(r => r.Number is not null)
                         .GroupBy(r => (r.Number, Notation: Notation.Fold(r.CodeNotation)))
                         .Where(g => g.Count() > 1))
            {
                foreach (var row in same) row.Duplicate = true;
                var first = same.First();
                entry.Duplicates.Add(new ArchiveRegisterDuplicate
                {
                    CodeNumber = first.CodeNumber ?? "",
                    CodeNotation = first.CodeNotation ?? "",
                    Ids = same.Select(r => r.Id).ToList(),
                });
            }
            var numbers = rows.Where(r => r.Number is not null).Select(r => r.Number!.Value).ToHashSet();
            if (numbers.Count > 0)
            {
                int low = numbers.Min(), high = numbers.Max();
                // A register spans one year: a few thousand numbers at most; a typo'd number (e.g. 45000) would list
                // tens of thousands of "gaps", so gaps are listed only up to a bound and the rest is left to the reader.
                for (int n = low + 1; n < high && entry.Gaps.Count < MaxGaps; n++)
                    if (!numbers.Contains(n)) entry.Gaps.Add(n);
            }
            register.Issuers.Add(entry);
        }
        return register;
    }

    public const int MaxGaps = 10_000;
}
