using System.Globalization;
using System.Security.Authentication;
using System.Text;
using GovGateway.Policies;
using GovGateway.Smtp;

namespace GovGateway.Pipeline;

/// <summary>
/// The header lines the gateway puts on top of the original bytes. Nothing below them changes,
/// so S/MIME and DKIM signatures over the original stay valid.
/// </summary>
internal static class GatewayHeaders
{
    public static List<string> Build(SessionInfo session, Envelope envelope, Verdict verdict, string queueId, string hostName, DateTimeOffset now)
    {
        var lines = new List<string>(4 + verdict.HeadersToAdd.Count)
        {
            Received(session, envelope, queueId, hostName, now),
            $"X-GovVN-Class: {ClassList(verdict)}",
            $"X-GovVN-Signature: {SignatureSummary(verdict)}",
            $"X-GovVN-Policy: {verdict.Decision.ToWireName()}; version={verdict.PolicyVersion}",
        };
        // An urgent document (HỎA TỐC, THƯỢNG KHẨN, KHẨN) is marked for the recipient's mail program, in both the
        // RFC 2156 form and the one Outlook and Thunderbird read.
        if (verdict.Urgency != Urgency.None)
        {
            lines.Add($"X-GovVN-Urgency: {verdict.Urgency.ToWireName()}");
            lines.Add("Priority: urgent");
            lines.Add("X-Priority: 1");
        }
        // The built-in X-GovVN-* lines already say what the policy's own tags would (e.g. "unsigned").
        foreach (var header in verdict.HeadersToAdd)
            if (!BuiltIn.Contains(header.Key))
                lines.Add(Fold($"{header.Key}: {header.Value}"));
        return lines;
    }

    private static readonly HashSet<string> BuiltIn = new(StringComparer.OrdinalIgnoreCase)
        { "Received", "X-GovVN-Class", "X-GovVN-Signature", "X-GovVN-Policy", "X-GovVN-Urgency" };

    public static string ClassList(Verdict verdict) =>
        verdict.Classes.Count == 0 ? "none" : string.Join(", ", verdict.Classes.Select(c => c.ToWireName()).Order(StringComparer.Ordinal));

    /// <summary>"smime=valid; pdf=valid" style summary: what a receiving agency's filter can test.</summary>
    public static string SignatureSummary(Verdict verdict)
    {
        var pdf = verdict.Attachments.Where(a => a.Signature is not null).Select(a => a.Signature!.Status.ToWireName()).Distinct().ToList();
        var pdfPart = pdf.Count == 0 ? "none" : string.Join(",", pdf);
        var signed = verdict.Smime.Status == SignatureStatus.Valid || (pdf.Count > 0 && pdf.All(s => s == "valid"));
        return $"{(signed ? "signed" : "unsigned")}; smime={verdict.Smime.Status.ToWireName()}; pdf={pdfPart}";
    }

    public static string Received(SessionInfo session, Envelope envelope, string queueId, string hostName, DateTimeOffset now)
    {
        // RFC 5321 4.4 and RFC 3848 "with" keywords: ESMTP, ESMTPS (TLS), ESMTPA/ESMTPSA (AUTH).
        var with = (session.IsExtended ? "ESMTP" : "SMTP") + (session.IsSecure ? "S" : "") + (session.AuthenticatedUser is not null ? "A" : "");
        if (!session.IsExtended && (session.IsSecure || session.AuthenticatedUser is not null))
            with = "ESMTP" + with[4..];
        var sb = new StringBuilder("Received: from ");
        sb.Append(string.IsNullOrEmpty(session.HeloName) ? "unknown" : Sanitize(session.HeloName));
        sb.Append(" ([").Append(session.RemoteEndPoint.Address).Append("])\r\n\tby ").Append(hostName);
        sb.Append(" (GovGateway) with ").Append(with);
        if (session.TlsProtocol is { } tls)
            sb.Append(" (").Append(TlsName(tls)).Append(session.TlsCipher is null ? "" : " " + session.TlsCipher).Append(')');
        sb.Append("\r\n\tid ").Append(queueId);
        if (envelope.Recipients.Count == 1)
            sb.Append(" for <").Append(Sanitize(envelope.Recipients[0].Address)).Append('>');
        sb.Append("; ").Append(now.ToString("ddd, dd MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture))
          .Append(now.ToString("zzz", CultureInfo.InvariantCulture).Replace(":", ""));
        return sb.ToString();
    }

    private static string TlsName(SslProtocols p) => p switch
    {
        SslProtocols.Tls13 => "TLS1.3",
        SslProtocols.Tls12 => "TLS1.2",
        _ => p.ToString(),
    };

    // A HELO name or address is client-controlled: keep it printable and on one line.
    private static string Sanitize(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (var c in value)
            sb.Append(c is < ' ' or '\x7f' or '(' or ')' ? '_' : c);
        return sb.ToString();
    }

    /// <summary>Folds a long header line at spaces so no line passes 78 characters where it can be helped.</summary>
    public static string Fold(string line)
    {
        if (line.Length <= 78) return line;
        var sb = new StringBuilder();
        var current = 0;
        foreach (var word in line.Split(' '))
        {
            if (current > 0 && current + 1 + word.Length > 78)
            {
                sb.Append("\r\n\t");
                current = 1;
            }
            else if (sb.Length > 0)
            {
                sb.Append(' ');
                current++;
            }
            sb.Append(word);
            current += word.Length;
        }
        return sb.ToString();
    }
}
