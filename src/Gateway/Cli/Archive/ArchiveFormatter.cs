using GovGateway.AuditQueries.Output;
using System.Globalization;
using System.Text.Json;
using GovGateway.Archive;
using GovGateway.Audit;

namespace GovGateway.Cli.Archive;

/// <summary>The archive verbs' output: tables for people (times in +07:00, matched words in «»), JSON (UTC) and CSV for tools.</summary>
internal static class ArchiveFormatter
{
    public static readonly string[] SearchFormats = ["table", "json", "csv"];

    /// <summary>The agency's zone, as the audit verbs show times by default.</summary>
    public static TimeZoneInfo Zone { get; } = DisplayZone.Parse(new AuditOptions().TimeZone, "Audit:TimeZone");

    public static void WriteSearch(TextWriter output, ArchiveSearchResult result, string format)
    {
        switch (format)
        {
            case "json":
                output.WriteLine(JsonSerializer.Serialize(result, AuditJson.Indented));
                return;
            case "csv":
                output.Write('\uFEFF'); // Excel opens UTF-8 with Vietnamese intact only with the mark
                Csv(output, ["id", "symbol", "type", "issuer", "date", "subject", "class", "signed", "urgency", "file", "exchanges", "last_exchange_utc", "passage"]);
                foreach (var hit in result.Hits)
                {
                    var d = hit.Document;
                    Csv(output, [d.Id, Symbol(d), d.Document.DocumentType, d.Document.OrganName, d.Document.PromulgationInfo?.PromulgationDate, d.Document.Subject,
                        d.Class, d.Signed ? "yes" : "no", d.Urgency, d.FileName, d.Exchanges.Count.ToString(CultureInfo.InvariantCulture),
                        d.LastExchangeUtc.ToString("O", CultureInfo.InvariantCulture), hit.Passages.Select(p => ArchiveMarks.Render(p, "«", "»")).FirstOrDefault()]);
                }
                return;
        }
        output.WriteLine($"{result.Total}{(result.TotalIsLowerBound ? "+" : "")} documents" + (result.Total > result.Hits.Count ? $" ({result.Hits.Count} shown)" : ""));
        if (result.Hits.Count == 0) return;
        var table = new TextTable(("ID", 12), ("Số/ký hiệu", 20), ("Loại", 14), ("Ngày", 10), ("Trích yếu", 50), ("Ký số", 5), ("Lần gửi", 7), ("Gần nhất", 16));
        foreach (var hit in result.Hits)
        {
            var d = hit.Document;
            table.Add(d.Id[..12], Symbol(d), d.Document.DocumentType ?? d.Class, d.Document.PromulgationInfo?.PromulgationDate, d.Document.Subject ?? d.FileName,
                d.Signed ? "có" : "không", d.Exchanges.Count.ToString(CultureInfo.InvariantCulture), Local(d.LastExchangeUtc));
        }
        table.Write(output);
        var withPassages = result.Hits.Where(h => h.Passages.Count > 0).ToList();
        if (withPassages.Count == 0) return;
        output.WriteLine();
        foreach (var hit in withPassages)
            output.WriteLine($"{hit.Document.Id[..12]}  …{ArchiveMarks.Render(hit.Passages[0], "«", "»").Replace('\n', ' ')}…");
    }

    public static void WriteDocument(TextWriter output, ArchivedDocument d, string format)
    {
        if (format == "json")
        {
            output.WriteLine(JsonSerializer.Serialize(d, AuditJson.Indented));
            return;
        }
        var m = d.Document;
        Line(output, "ID (SHA-256)", d.Id);
        Line(output, "File", $"{d.FileName} ({d.ContentType}, {d.Size:N0} bytes)");
        Line(output, "Class", d.Class);
        Line(output, "Số/ký hiệu", Symbol(d));
        Line(output, "DocumentType", m.DocumentType);
        Line(output, "OrganName", m.OrganName);
        Line(output, "Place, date", string.Join(", ", new[] { m.PromulgationInfo?.Place, m.PromulgationInfo?.PromulgationDate }.Where(s => s is not null)));
        Line(output, "Subject", m.Subject);
        Line(output, "Signer", string.Join(" ", new[] { m.SignerInfo?.Competence, m.SignerInfo?.Position, m.SignerInfo?.FullName }.Where(s => s is not null)));
        Line(output, "Urgency", d.Urgency);
        Line(output, "Encoding", d.Encoding);
        if (d.Scanned) Line(output, "Scanned", "yes (no text; found by its metadata only)");
        foreach (var s in d.Signatures)
            Line(output, "Signature", $"{s.Role} {s.Status}: {s.Subject} (issuer {s.Issuer}, signed {s.SigningTime:u} {s.SigningTimeSource}, revocation {s.Revocation})");
        if (d.Signatures.Count == 0) Line(output, "Signature", "none");
        Line(output, "First seen", Local(d.FirstSeenUtc));
        Line(output, "Legal hold", d.Hold is { } h ? $"since {Local(h.SinceUtc)} by {h.By}: {h.Reason}" : "no");
        output.WriteLine();
        output.WriteLine($"Exchanges ({d.Exchanges.Count}):");
        var table = new TextTable(("Time", 16), ("Direction", 9), ("Queue id", 26), ("Sender", 40), ("Recipients", 60), ("Node", 12));
        foreach (var e in d.Exchanges.OrderBy(e => e.TimeUtc))
            table.Add(Local(e.TimeUtc), e.Direction, e.QueueId, e.Sender, string.Join(", ", e.Recipients), e.Node);
        table.Write(output);
    }

    public static void WriteRegister(TextWriter output, ArchiveRegister register, string format)
    {
        if (format == "json")
        {
            output.WriteLine(JsonSerializer.Serialize(register, AuditJson.Indented));
            return;
        }
        output.WriteLine($"Sổ văn bản năm {register.Year} / Register {register.Year}: {register.Issuers.Sum(i => i.Rows.Count)} documents, {register.Issuers.Count} issuers");
        foreach (var issuer in register.Issuers)
        {
            output.WriteLine();
            output.WriteLine($"{(issuer.Issuer.Length == 0 ? "(no issuer)" : issuer.Issuer)}  {issuer.OrganName}");
            var table = new TextTable(("Số", 6), ("Ký hiệu", 20), ("Loại", 14), ("Ngày", 10), ("Trích yếu", 50), ("ID", 12), ("", 9));
            foreach (var row in issuer.Rows)
                table.Add(row.CodeNumber, row.CodeNotation, row.DocumentType, row.PromulgationDate, row.Subject, row.Id[..Math.Min(12, row.Id.Length)],
                    row.Duplicate ? "TRÙNG SỐ" : "");
            table.Write(output);
            foreach (var dup in issuer.Duplicates)
                output.WriteLine($"  Trùng số / duplicate number: {dup.CodeNumber}/{dup.CodeNotation} held by {dup.Ids.Count} documents: {string.Join(", ", dup.Ids.Select(i => i[..Math.Min(12, i.Length)]))}");
            if (issuer.Gaps.Count > 0)
                output.WriteLine($"  Số bị thiếu / missing numbers: {string.Join(", ", issuer.Gaps)}");
        }
    }

    public static void WritePurge(TextWriter output, ArchivePurgeResult result, string format)
    {
        if (format == "json")
        {
            output.WriteLine(JsonSerializer.Serialize(result, AuditJson.Indented));
            return;
        }
        output.WriteLine(result.DryRun
            ? $"Dry run: {result.Removed.Count} documents would be removed; {result.KeptHeld.Count} past retention kept under legal hold"
            : $"{result.Removed.Count} documents removed (their metadata and hash are in the audit log); {result.KeptHeld.Count} past retention kept under legal hold");
        if (result.Removed.Count == 0) return;
        var table = new TextTable(("ID", 64), ("Class", 16), ("Số/ký hiệu", 20), ("Bytes", 12), ("Last exchange", 16));
        foreach (var p in result.Removed)
            table.Add(p.Sha256, p.Class, p.Document.CodeNumber is null ? null : $"{p.Document.CodeNumber}/{p.Document.CodeNotation}",
                p.Size.ToString("N0", CultureInfo.InvariantCulture), Local(p.LastExchangeUtc));
        table.Write(output);
    }

    public static string Symbol(ArchivedDocument d) =>
        d.Document.CodeNumber is null && d.Document.CodeNotation is null ? "" : $"{d.Document.CodeNumber}/{d.Document.CodeNotation}";

    private static string Local(DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static void Line(TextWriter output, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value)) output.WriteLine($"{name,-14} {value}");
    }

    private static void Csv(TextWriter output, IEnumerable<string?> fields) =>
        output.WriteLine(string.Join(',', fields.Select(f => f is null ? "" : f.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{f.Replace("\"", "\"\"")}\"" : f)));
}
