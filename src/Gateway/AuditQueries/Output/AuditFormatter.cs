using System.Globalization;
using System.Text;
using System.Text.Json;
using GovGateway.Audit;
using GovGateway.Spool;

namespace GovGateway.AuditQueries.Output;

/// <summary>Output formats of the audit verbs: table for people, json and csv for tools.</summary>
internal static class AuditFormatter
{
    public static readonly string[] QueryFormats = ["table", "json", "csv"];
    public static readonly string[] StatsFormats = ["table", "json"];

    /// <param name="zone">Where times are shown for people (table; the CSV's time_local column); UTC when null. JSON stays UTC.</param>
    public static void WriteQuery(TextWriter output, AuditQueryResult result, string format, TimeZoneInfo? zone = null)
    {
        zone ??= TimeZoneInfo.Utc;
        switch (format)
        {
            case "json":
                output.WriteLine(JsonSerializer.Serialize(result, AuditJson.Indented));
                break;
            case "csv":
                WriteCsv(output, result, zone);
                break;
            case "table":
                WriteTable(output, result, zone);
                break;
            default:
                throw new ArgumentException($"Unknown format '{format}' (expected table, json or csv).", nameof(format));
        }
    }

    public static void WriteStats(TextWriter output, AuditStats stats, string format, TimeZoneInfo? zone = null)
    {
        zone ??= TimeZoneInfo.Utc;
        if (format == "json")
        {
            output.WriteLine(JsonSerializer.Serialize(stats, AuditJson.Indented));
            return;
        }
        if (format != "table") throw new ArgumentException($"Unknown format '{format}' (expected table or json).", nameof(format));

        output.WriteLine($"Period: {Time(stats.Since, zone) ?? "beginning"} .. {Time(stats.Until, zone) ?? "now"} ({DisplayZone.Label(zone)})");
        output.WriteLine($"Transactions: {stats.Transactions}");
        var share = stats.OfficialSignedPercent is { } p ? p.ToString("0.##", CultureInfo.InvariantCulture) + "%" : "n/a";
        output.WriteLine($"Official documents accepted: {stats.OfficialTransactions}, travelled signed: {stats.OfficialSigned} ({share}), unsigned: {stats.OfficialUnsigned}");
        if (stats.OfficialUnsigned > 0)
            output.WriteLine($"  list the unsigned ones: gateway audit query --class {AuditQuery.OfficialClass} --decision accepted --signature {SignatureWords.Unsigned}");
        Section(output, $"Per day ({DisplayZone.Label(zone)})", stats.PerDay);
        Section(output, "Per class", stats.PerClass);
        Section(output, "Per decision", stats.PerDecision);
        Section(output, "Per signature", stats.PerSignature);
        Section(output, "Per sender domain", stats.PerSenderDomain);
    }

    public static void WriteVerify(TextWriter output, AuditVerifyResult result, string format)
    {
        if (format == "json")
        {
            output.WriteLine(JsonSerializer.Serialize(result, AuditJson.Indented));
            return;
        }
        if (result.Ok)
        {
            output.WriteLine($"OK: {result.Message}");
            if (!result.Shared) output.WriteLine($"anchor {result.AnchorSeq}, head {result.HeadSeq} {result.HeadHash}");
            // A shared store: what was walked per node (each node is one chain), with the head to keep elsewhere.
            foreach (var chain in result.Chains)
                output.WriteLine(chain.Entries == 0
                    ? $"node {chain.Node}: 1 chain, no entries left (retention removed 1..{chain.LastSeq}), head {chain.LastSeq} {chain.HeadHash}"
                    : $"node {chain.Node}: 1 chain, {chain.Entries} entries verified, {chain.FirstSeq}..{chain.LastSeq}, head {chain.LastSeq} {chain.HeadHash}");
            if (result.Shared) output.WriteLine(result.LocalHead is { } local ? $"local head {local}" : "local head: none in this data folder (nothing to compare)");
        }
        else
        {
            output.WriteLine($"BROKEN ({result.Problem}) at entry {result.FirstBadSeq}{(result.Node is null ? "" : $" of node {result.Node}")}: {result.Message}");
            output.WriteLine(result.Node is null
                ? $"{result.Checked} entries verified before it; anchor {result.AnchorSeq}, recorded head {result.HeadSeq}"
                : $"{result.Checked} entries verified before it (every node's chain is walked in node order)");
        }
    }

    private static void Section(TextWriter output, string title, IReadOnlyDictionary<string, long> counts)
    {
        output.WriteLine();
        var table = new TextTable((title, 60), ("Count", 12));
        foreach (var (key, count) in counts) table.Add(key, count.ToString(CultureInfo.InvariantCulture));
        table.Write(output);
    }

    /// <summary>
    /// Whether a list of records needs its node column: when records of more than one node are in it (a shared store,
    /// or logs of several machines). JSON and CSV always carry the node.
    /// </summary>
    public static bool ShowsNodes(IEnumerable<AuditRecordView> records) =>
        records.Select(r => r.Node).Where(n => n is not null).Distinct(StringComparer.Ordinal).Skip(1).Any();

    private static void WriteTable(TextWriter output, AuditQueryResult result, TimeZoneInfo zone)
    {
        // The queue id is never clipped: people copy it into `gateway queue show`.
        bool nodes = ShowsNodes(result.Records);
        (string, int)[] columns = [($"Time ({DisplayZone.Label(zone)})", 19), ("Queue", int.MaxValue), ("Decision", 11), ("From", 32), ("Recipients", 48),
            ("Subject", 48), ("Classes", 24), ("Signature", 16), ("Rules", 32)];
        var table = new TextTable(nodes ? [columns[0], ("Node", 16), .. columns[1..]] : columns);
        foreach (var r in result.Records)
        {
            var t = r.Transaction;
            string?[] cells = [DisplayZone.ToLocal(t.TimeUtc, zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), t.QueueId, t.Decision, t.MailFrom,
                string.Join(", ", r.RecipientStatus.Select(s => $"{s.Recipient} ({s.Outcome})")),
                t.Subject, string.Join(",", Classes(t)), SignatureWords.Summary(t),
                string.Join(",", t.Rules.Select(h => $"{h?.Rule}[{h?.Mode}]"))];
            table.Add(nodes ? [cells[0], r.Node ?? "-", .. cells[1..]] : cells);
        }
        table.Write(output);
        output.WriteLine(result.Truncated ? $"{result.Records.Count} shown; more match (raise --limit)" : $"{result.Records.Count} transaction(s)");
    }

    private static readonly string[] CsvHeader =
    [
        "time_utc", "queue_id", "message_id", "decision", "smtp_reply", "mail_from", "recipients", "header_from", "subject",
        "size", "sha256", "client_ip", "helo", "tls_protocol", "authenticated_user", "listener", "classes", "symbols",
        "attachments", "smime_status", "smime_signer", "smime_issuer", "smime_serial", "rules", "policy_version", "id", "seq", "time_local", "node",
    ];

    /// <summary>
    /// RFC 4180: comma-separated, CRLF line ends, fields with commas, quotes or line breaks quoted, quotes doubled.
    /// It starts with a UTF-8 byte-order mark: without it Excel reads the file in the local code page and garbles Vietnamese.
    /// </summary>
    private static void WriteCsv(TextWriter output, AuditQueryResult result, TimeZoneInfo zone)
    {
        output.Write('\uFEFF');
        WriteCsvRow(output, CsvHeader);
        foreach (var r in result.Records)
        {
            var t = r.Transaction;
            WriteCsvRow(output,
            [
                t.TimeUtc.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture), t.QueueId, t.MessageId, t.Decision, t.SmtpReply,
                t.MailFrom, More(r.RecipientStatus.Select(s => $"{s.Recipient}={s.Outcome}"), t.RecipientsOmitted), t.HeaderFrom, t.Subject,
                t.Size.ToString(CultureInfo.InvariantCulture), t.Sha256, t.ClientIp, t.Helo, t.TlsProtocol, t.AuthenticatedUser, t.Listener,
                string.Join("; ", Classes(t)), string.Join("; ", t.Attachments.Select(a => a?.Symbol).Where(s => !string.IsNullOrEmpty(s))),
                More(t.Attachments.Where(a => a is not null).Select(a => $"{a.Name} [{a.DetectedType}, {a.Class}, {a.SignatureStatus}{(a.Status is null ? "" : $", {a.Status}")}]"), t.AttachmentsOmitted),
                t.Smime?.Status, t.Smime?.SignerSubject, t.Smime?.Issuer, t.Smime?.Serial,
                string.Join("; ", t.Rules.Where(h => h is not null).Select(h => $"{h.Rule} ({h.Mode}/{h.Action}): {h.Message}")),
                t.PolicyVersion, t.Id, r.Seq.ToString(CultureInfo.InvariantCulture), DisplayZone.Iso(t.TimeUtc, zone), r.Node,
            ]);
        }
    }

    private static void WriteCsvRow(TextWriter output, IEnumerable<string?> fields)
    {
        var sb = new StringBuilder();
        bool first = true;
        foreach (var field in fields)
        {
            if (!first) sb.Append(',');
            first = false;
            var f = field ?? "";
            if (f.AsSpan().IndexOfAny(",\"\r\n") >= 0) sb.Append('"').Append(f.Replace("\"", "\"\"")).Append('"');
            else sb.Append(f);
        }
        sb.Append("\r\n");
        output.Write(sb.ToString());
    }

    /// <summary>The items joined, and how many more the record does not list (<see cref="AuditRecordLimits"/>).</summary>
    private static string More(IEnumerable<string> items, int? omitted) =>
        string.Join("; ", omitted is > 0 ? items.Append($"... {omitted} more not recorded") : items);

    private static IEnumerable<string> Classes(AuditTransaction t) =>
        t.Classes.Concat(t.Attachments.Select(a => a?.Class)).Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c!).Distinct(StringComparer.OrdinalIgnoreCase);

    private static string? Time(DateTime? t, TimeZoneInfo zone) =>
        t is { } utc ? DisplayZone.ToLocal(utc, zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : null;
}
