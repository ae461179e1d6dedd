using GovGateway.AuditQueries.Filters;
using GovGateway.Configuration;
using System.CommandLine;
using System.Security.Cryptography;
using GovGateway.Archive;
using GovGateway.Archiving;
using GovGateway.Audit;
using GovGateway.FileSystem;

namespace GovGateway.Cli.Archive;

/// <summary>
/// <c>gateway archive search|show|get|register|export|hold|release|purge</c>: the documents the gateway kept. They work
/// while the gateway runs (asking it over DATA/run/archive.sock) and when it is stopped (opening the store). Get, export,
/// hold, release and purge are recorded in the audit chain before they take effect. Exit codes: 0 done, 1 a finding (a
/// document whose bytes no longer match its hash, a file that could not be written, an action the audit log could not
/// record), 2 usage (unknown option or value, unknown id).
/// </summary>
internal static class ArchiveCommands
{
    public static Command Create()
    {
        var archive = new Command("archive", "Search, read out and keep the official documents that crossed the gateway");
        archive.Subcommands.Add(CreateSearch());
        archive.Subcommands.Add(CreateShow());
        archive.Subcommands.Add(CreateGet());
        archive.Subcommands.Add(CreateRegister());
        archive.Subcommands.Add(CreateExport());
        archive.Subcommands.Add(CreateHold());
        archive.Subcommands.Add(CreateRelease());
        archive.Subcommands.Add(CreatePurge());
        return archive;
    }

    private static Command CreateSearch()
    {
        var cmd = new Command("search", "Find documents by their words (diacritics and case ignored; \"quoted phrase\" as written) and metadata");
        var paths = CommonOptions.AddTo(cmd, dataMustExist: true);
        var text = new Argument<string[]>("TEXT") { Description = "Words that must all occur; a \"quoted phrase\" word after word", Arity = ArgumentArity.ZeroOrMore };
        var type = Text("--type", "Document type, e.g. \"Công văn\", \"Quyết định\", \"Giấy mời\"");
        var symbol = Text("--symbol", "Number and notation (45/GM-STTTT) or the notation (GM-STTTT)");
        var issuer = Text("--issuer", "Issuing body: words of its name or the issuer part of the notation (STTTT)");
        var signer = Text("--signer", "Words of the signer's name");
        var since = Text("--since", "Exchanged from this time (a date = 00:00 that day in +07:00, or ISO 8601)");
        var until = Text("--until", "Exchanged before this time (a date = the whole day included)");
        var signed = YesNo("--signed", "yes: with a valid signature; no: without");
        var urgent = YesNo("--urgent", "yes: with an urgency mark (khẩn, thượng khẩn, hỏa tốc); no: without");
        var cls = Text("--class", FilterValues.Class.Help);
        var limit = new Option<int>("--limit") { Description = "Most documents shown", DefaultValueFactory = _ => 50 };
        var format = Format(ArchiveFormatter.SearchFormats);
        cmd.Arguments.Add(text);
        foreach (var o in new Option[] { type, symbol, issuer, signer, since, until, signed, urgent, cls, limit, format }) cmd.Options.Add(o);
        ArchiveQuery Query(ParseResult r)
        {
            if (r.GetValue(limit) <= 0) throw new ArchiveCliException("--limit must be positive.");
            var zone = ArchiveFormatter.Zone;
            var words = r.GetValue(text) ?? [];
            // TEXT takes any word, so an option typed wrong would otherwise be searched for.
            if (words.FirstOrDefault(w => w.StartsWith("--", StringComparison.Ordinal)) is { } typo)
            {
                var near = NearestName.Of(typo.Split('=')[0], cmd.Options.Select(o => o.Name));
                throw new ArchiveCliException($"unknown option '{typo}' for 'gateway archive search'." + (near is null ? "" : $" Did you mean '{near}'?") +
                                              " (To search for a word starting with --, quote it inside a phrase.)");
            }
            return new ArchiveQuery
            {
                // A phrase the shell kept together ("chuyển đổi số" in quotes) is one argument: keep its quotes.
                Text = words.Length == 0 ? null : string.Join(' ', words.Select(w => w.Contains(' ') && !w.StartsWith('"') ? $"\"{w}\"" : w)),
                Type = r.GetValue(type),
                Symbol = r.GetValue(symbol),
                Issuer = r.GetValue(issuer),
                Signer = r.GetValue(signer),
                SinceUtc = Time(r.GetValue(since), "--since", false, zone),
                UntilUtc = Time(r.GetValue(until), "--until", true, zone),
                Signed = ParseYesNo(r.GetValue(signed), "--signed"),
                Urgent = ParseYesNo(r.GetValue(urgent), "--urgent"),
                Class = ArchiveClass(r.GetValue(cls)),
                Limit = r.GetValue(limit),
            };
        }
        cmd.SetAction((r, ct) => RunAsync(r, paths, async (access, output) =>
        {
            var result = await access.SearchAsync(Query(r), ct);
            ArchiveFormatter.WriteSearch(output, result, r.GetValue(format)!);
            return CommandLine.Ok;
        }, check: () => Query(r)));
        return cmd;
    }

    private static Command CreateShow()
    {
        var cmd = new Command("show", "One document: metadata, signatures, hold and every exchange it took part in");
        var paths = CommonOptions.AddTo(cmd, dataMustExist: true);
        var id = Id();
        var format = Format(["text", "json"]);
        cmd.Arguments.Add(id);
        cmd.Options.Add(format);
        cmd.SetAction((r, ct) => RunAsync(r, paths, async (access, output) =>
        {
            var document = await access.FindAsync(r.GetValue(id)!, ct) ?? throw NoSuch(r.GetValue(id)!);
            ArchiveFormatter.WriteDocument(output, document, r.GetValue(format)!);
            return CommandLine.Ok;
        }));
        return cmd;
    }

    private static Command CreateGet()
    {
        var cmd = new Command("get", "Write the document's original bytes to a file, checked against its SHA-256 (exit 1 when they changed)");
        var paths = CommonOptions.AddTo(cmd, dataMustExist: true);
        var id = Id();
        var output = new Option<string>("--output", "-o") { Description = "File to write (not overwritten; 0600)", Required = true };
        cmd.Arguments.Add(id);
        cmd.Options.Add(output);
        cmd.SetAction((r, ct) => RunAsync(r, paths, async (access, writer) =>
        {
            var file = Path.GetFullPath(r.GetValue(output)!);
            if (File.Exists(file))
                throw new ArchiveCliException($"Tệp {file} đã có; không ghi đè. / {file} exists; it is not overwritten.");
            var (document, bytes) = await access.GetAsync(r.GetValue(id)!, ct);
            Verify(document.Id, bytes);
            Write(file, bytes);
            await writer.WriteLineAsync($"{file}: {bytes.Length} bytes, SHA-256 {document.Id} (verified)");
            return CommandLine.Ok;
        }));
        return cmd;
    }

    private static Command CreateRegister()
    {
        var cmd = new Command("register", "The document register of a year: per issuer by number, with duplicates and gaps (Decree 30)");
        var paths = CommonOptions.AddTo(cmd, dataMustExist: true);
        var year = new Option<int>("--year") { Description = "The year (of the promulgation date)", Required = true };
        var issuer = Text("--issuer", "Only this issuer (the notation's issuer part, e.g. STTTT)");
        var format = Format(["table", "json"]);
        foreach (var o in new Option[] { year, issuer, format }) cmd.Options.Add(o);
        cmd.SetAction((r, ct) => RunAsync(r, paths, async (access, output) =>
        {
            var y = r.GetValue(year);
            if (y is < 1945 or > 9999) throw new ArchiveCliException($"--year {y} is not a year of documents (1945 to 9999).");
            var register = await access.RegisterAsync(y, r.GetValue(issuer), ct);
            ArchiveFormatter.WriteRegister(output, register, r.GetValue(format)!);
            return CommandLine.Ok;
        }));
        return cmd;
    }

    private static Command CreateExport()
    {
        var cmd = new Command("export", "Write each document exchanged in the period and an edXML-shaped metadata file (QCVN 102:2016 names) beside it");
        var paths = CommonOptions.AddTo(cmd, dataMustExist: true);
        var since = Text("--since", "Exchanged from this time (a date = 00:00 that day in +07:00, or ISO 8601)");
        var until = Text("--until", "Exchanged before this time (a date = the whole day included)");
        var output = new Option<string>("--output", "-o") { Description = "Folder to write into (created 0700; files are not overwritten)", Required = true };
        foreach (var o in new Option[] { since, until, output }) cmd.Options.Add(o);
        cmd.SetAction((r, ct) => RunAsync(r, paths, async (access, writer) =>
        {
            var zone = ArchiveFormatter.Zone;
            var from = Time(r.GetValue(since), "--since", false, zone);
            var to = Time(r.GetValue(until), "--until", true, zone);
            var dir = Path.GetFullPath(r.GetValue(output)!);
            PrivateFiles.CreateDirectory(dir);
            var documents = await access.ExportAsync(from, to, ct);
            foreach (var document in documents)
            {
                var bytes = await access.ExportFileAsync(document.Id, ct);
                Verify(document.Id, bytes);
                var name = ExportName(document);
                var file = Path.Combine(dir, name);
                if (File.Exists(file) || File.Exists(file + ".xml"))
                    throw new ArchiveCliException($"Tệp {file} đã có; không ghi đè. / {file} exists; it is not overwritten.");
                Write(file, bytes);
                using var xml = new MemoryStream();
                EdXmlMetadata.Write(document, xml);
                Write(file + ".xml", xml.ToArray());
            }
            await writer.WriteLineAsync($"{documents.Count} documents written to {dir} (each with its .xml metadata)");
            return CommandLine.Ok;
        }));
        return cmd;
    }

    private static Command CreateHold()
    {
        var cmd = new Command("hold", "Put a document under legal hold: purge never removes it");
        var paths = CommonOptions.AddTo(cmd, dataMustExist: true);
        var id = Id();
        var reason = new Option<string>("--reason") { Description = "Why (recorded with the hold and in the audit log)", Required = true };
        cmd.Arguments.Add(id);
        cmd.Options.Add(reason);
        cmd.SetAction((r, ct) => RunAsync(r, paths, async (access, output) =>
        {
            var document = await access.HoldAsync(r.GetValue(id)!, r.GetValue(reason)!, ct);
            await output.WriteLineAsync($"{document.Id}: held since {document.Hold?.SinceUtc:u} by {document.Hold?.By}: {document.Hold?.Reason}");
            return CommandLine.Ok;
        }));
        return cmd;
    }

    private static Command CreateRelease()
    {
        var cmd = new Command("release", "Lift a document's legal hold");
        var paths = CommonOptions.AddTo(cmd, dataMustExist: true);
        var id = Id();
        cmd.Arguments.Add(id);
        cmd.SetAction((r, ct) => RunAsync(r, paths, async (access, output) =>
        {
            var document = await access.ReleaseAsync(r.GetValue(id)!, ct);
            await output.WriteLineAsync($"{document.Id}: hold released");
            return CommandLine.Ok;
        }));
        return cmd;
    }

    private static Command CreatePurge()
    {
        var cmd = new Command("purge", "Remove documents past their retention (Archive:RetentionDays, RetentionDaysByClass) that are not held; the audit log keeps their metadata and hash");
        var paths = CommonOptions.AddTo(cmd, dataMustExist: true);
        var dryRun = new Option<bool>("--dry-run") { Description = "Only list what would be removed" };
        var format = Format(["table", "json"]);
        cmd.Options.Add(dryRun);
        cmd.Options.Add(format);
        cmd.SetAction((r, ct) => RunAsync(r, paths, async (access, output) =>
        {
            var result = await access.PurgeAsync(r.GetValue(dryRun), ct);
            ArchiveFormatter.WritePurge(output, result, r.GetValue(format)!);
            return CommandLine.Ok;
        }));
        return cmd;
    }

    /// <summary>The file name of an exported document: its number and notation when it has them, then the first 12 hex of its hash, then its own name.</summary>
    internal static string ExportName(ArchivedDocument d)
    {
        var symbol = d.Document.CodeNumber is null && d.Document.CodeNotation is null ? "" : $"{d.Document.CodeNumber}-{d.Document.CodeNotation}_";
        var name = $"{symbol}{d.Id[..12]}_{Path.GetFileName(d.FileName ?? "document")}";
        foreach (var c in Path.GetInvalidFileNameChars().Append('/')) name = name.Replace(c, '-');
        return name;
    }

    private static void Verify(string id, byte[] bytes)
    {
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(actual, id, StringComparison.OrdinalIgnoreCase))
            throw new ArchiveIntegrityException(id, actual,
                $"Nội dung văn bản {id} đã bị thay đổi (SHA-256 nay là {actual}); không ghi ra. / The bytes of document {id} changed (their SHA-256 is now {actual}); not written.");
    }

    private static void Write(string file, byte[] bytes)
    {
        try
        {
            using var stream = PrivateFiles.Open(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.None);
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }
        catch (IOException ex) when (File.Exists(file) && ex is not DirectoryNotFoundException)
        {
            throw new ArchiveCliException($"Tệp {file} đã có; không ghi đè. / {file} exists; it is not overwritten.");
        }
    }

    private static string? ArchiveClass(string? given) =>
        FilterValues.Class.Canonical(given) is { } cls && cls != AuditQuery.OfficialClass ? cls : null;

    private static DateTime? Time(string? text, string option, bool endOfDay, TimeZoneInfo zone) =>
        TimeArgument.Parse(text, option, endOfDay, zone);

    private static readonly string[] Yes = ["yes", "true", "co", "có"];
    private static readonly string[] No = ["no", "false", "khong", "không"];

    private static Option<string> YesNo(string name, string description)
    {
        var option = new Option<string>(name) { Description = description + " (yes, no)" };
        option.AcceptOnlyFromAmong([.. Yes, .. No]);
        return option;
    }

    private static bool? ParseYesNo(string? value, string option) =>
        value is null ? null : Yes.Contains(value, StringComparer.OrdinalIgnoreCase) ? true
            : No.Contains(value, StringComparer.OrdinalIgnoreCase) ? false : throw new ArchiveCliException($"{option} takes yes or no, not '{value}'.");

    private static Argument<string> Id() => new("ID") { Description = "The document's SHA-256 (as search shows it), or its first 8 or more hex digits" };

    private static ArchiveCliException NoSuch(string id) =>
        new($"Không có văn bản '{id}' trong kho lưu trữ. / No document '{id}' in the archive (the id is its SHA-256, or at least its first 8 hex digits).");

    private static Option<string> Text(string name, string description) => new(name) { Description = description };

    private static Option<string> Format(string[] allowed)
    {
        var option = new Option<string>("--format") { Description = "Output: " + string.Join(", ", allowed), DefaultValueFactory = _ => allowed[0] };
        option.AcceptOnlyFromAmong(allowed);
        return option;
    }

    /// <param name="check">Reads the values first: a mistyped one is an error naming the nearest, whether or not the archive can be opened.</param>
    private static async Task<int> RunAsync(ParseResult r, Func<ParseResult, GatewayPaths> paths, Func<IArchiveAccess, TextWriter, Task<int>> body, Func<object>? check = null)
    {
        var error = r.InvocationConfiguration.Error;
        try
        {
            check?.Invoke();
            await using var access = await ArchiveSource.OpenAsync(paths(r), CancellationToken.None);
            return await body(access, r.InvocationConfiguration.Output);
        }
        catch (Exception ex) when (ex is ArchiveCliException or AuditCliException)
        {
            await error.WriteLineAsync("error: " + ex.Message);
            return CommandLine.Usage;
        }
        catch (ArchiveIntegrityException ex)
        {
            await error.WriteLineAsync("error: " + ex.Message);
            return CommandLine.Finding;
        }
        catch (ArchiveActionNotRecordedException ex)
        {
            await error.WriteLineAsync("error: " + ex.Message);
            return CommandLine.Finding;
        }
        catch (ArchiveException ex)
        {
            await error.WriteLineAsync("error: " + ex.Message);
            return CommandLine.Usage;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync("error: " + ex.Message);
            return CommandLine.Finding;
        }
    }
}
