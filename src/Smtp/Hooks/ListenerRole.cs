namespace GovGateway.Smtp;

/// <summary>What a listener is for; it decides whether TLS and AUTH are offered or required.</summary>
public enum ListenerRole
{
    /// <summary>MX or internal relay: no AUTH, STARTTLS offered when a certificate is set.</summary>
    Relay,
    /// <summary>Message submission (port 587 style): STARTTLS, AUTH required before MAIL.</summary>
    Submission,
    /// <summary>Implicit TLS submission (RFC 8314): TLS from the first byte, AUTH required.</summary>
    Smtps,
}
