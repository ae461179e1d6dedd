using GovGateway.Audit;
using Microsoft.AspNetCore.Http;
using GovGateway.AuditQueries.Filters;
using GovGateway.Configuration;
using GovGateway.WebConsole.Html;

namespace GovGateway.WebConsole.Auditor;

/// <summary>
/// The filters of `gateway audit query` as query parameters of the same names, read with the CLI's own parsers, so a
/// value means the same in a bookmark as on the command line and a mistyped one is an error naming the nearest value.
/// </summary>
internal sealed class MessageSearch
{
    /// <summary>The parameter names, in the order the form shows them.</summary>
    public static readonly string[] Names = ["since", "until", "sender", "rcpt", "class", "decision", "signature", "rule", "subject", "message-id", "symbol"];

    private MessageSearch(IReadOnlyDictionary<string, string> given, AuditQuery query, int page)
    {
        Given = given;
        Query = query;
        Page = page;
    }

    /// <summary>The parameters as typed (non-empty ones only), for the form and the links.</summary>
    public IReadOnlyDictionary<string, string> Given { get; }
    public AuditQuery Query { get; }
    public int Page { get; }

    /// <summary>Reads the request's parameters; throws <see cref="AuditCliException"/> with a message for the user.</summary>
    public static MessageSearch Parse(IQueryCollection parameters, TimeZoneInfo zone)
    {
        var known = Names.Concat(["page"]).ToArray();
        foreach (var key in parameters.Keys)
            if (!known.Contains(key, StringComparer.Ordinal))
                throw new AuditCliException($"'{key}' is not a search parameter." +
                                            (NearestName.Of(key, known) is { } near ? $" Did you mean '{near}'?" : "") +
                                            $" Parameters: {string.Join(", ", Names)}, page.");
        var given = Names.Where(n => !string.IsNullOrWhiteSpace(parameters[n])).ToDictionary(n => n, n => parameters[n].ToString().Trim(), StringComparer.Ordinal);
        string? Get(string name) => given.GetValueOrDefault(name);
        var page = 1;
        if (parameters["page"] is { Count: > 0 } p && (!int.TryParse(p, out page) || page < 1 || page > 100_000))
            throw new AuditCliException($"page '{p}' is not a page number (1, 2, ...).");
        var query = new AuditQuery
        {
            Since = TimeArgument.Parse(Get("since"), "since", endOfDay: false, zone),
            Until = TimeArgument.Parse(Get("until"), "until", endOfDay: true, zone),
            Sender = Get("sender"),
            Recipient = Get("rcpt"),
            Class = FilterValues.Class.Canonical(Get("class")),
            Decision = FilterValues.Decision.Canonical(Get("decision")),
            Signature = FilterValues.Signature.Canonical(Get("signature")),
            Rule = Get("rule"),
            Subject = Get("subject"),
            MessageId = Get("message-id"),
            Symbol = Get("symbol"),
        };
        return new MessageSearch(given, query, page);
    }

    /// <summary>The parameters as a query string (without '?'), with another page when given.</summary>
    public string QueryString(int? page = null)
    {
        var pairs = Given.Select(kv => $"{kv.Key}={Uri.EscapeDataString(kv.Value)}").ToList();
        if (page is > 1) pairs.Add($"page={page}");
        return string.Join("&", pairs);
    }
}
