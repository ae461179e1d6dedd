namespace GovGateway.Smtp;

/// <summary>The body type a client declared with MAIL FROM BODY= (RFC 6152, RFC 3030).</summary>
public enum BodyType { Unspecified, SevenBit, EightBitMime, BinaryMime }

/// <summary>One RCPT TO, with its RFC 3461 DSN parameters.</summary>
public sealed class Recipient
{
    public required string Address { get; init; }
    /// <summary>NOTIFY= value as sent (e.g. "SUCCESS,FAILURE"), or null.</summary>
    public string? Notify { get; init; }
    /// <summary>ORCPT= value as sent (e.g. "rfc822;user@example.com"), or null.</summary>
    public string? OriginalRecipient { get; init; }
}

/// <summary>The envelope of the transaction in progress.</summary>
public sealed class Envelope
{
    /// <summary>The reverse-path without angle brackets; empty for the null sender &lt;&gt;.</summary>
    public required string MailFrom { get; init; }
    public long? DeclaredSize { get; init; }
    public BodyType Body { get; init; }
    public bool SmtpUtf8 { get; init; }
    /// <summary>RET= (FULL or HDRS) from RFC 3461, or null.</summary>
    public string? DsnReturn { get; init; }
    /// <summary>ENVID= from RFC 3461, or null.</summary>
    public string? DsnEnvelopeId { get; init; }
    /// <summary>Every MAIL FROM parameter as sent, keyed case-insensitively.</summary>
    public IReadOnlyDictionary<string, string?> Parameters { get; init; } =
        new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
    public List<Recipient> Recipients { get; } = new();
}
