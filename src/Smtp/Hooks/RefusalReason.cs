namespace GovGateway.Smtp;

/// <summary>Why the engine itself ended or refused a mail transaction (see <see cref="ISmtpHandler.OnTransactionRefusedAsync"/>).</summary>
public enum RefusalReason
{
    /// <summary>SIZE= at MAIL, the DATA content or the BDAT chunks passed <see cref="SmtpServerOptions.MaxMessageSize"/>.</summary>
    MessageTooBig,
    /// <summary>A lone CR or LF in the content or a command during the transaction (possible SMTP smuggling).</summary>
    BareLineBreak,
    /// <summary>A content line longer than <see cref="SmtpServerOptions.MaxTextLineLength"/>.</summary>
    LineTooLong,
    /// <summary>The handler's content stream could not be opened or written (disk full: 452; other: 451).</summary>
    WriteFailed,
    /// <summary>The client was silent too long, or the session reached its time limit.</summary>
    Timeout,
    /// <summary>The content arrived slower than <see cref="SmtpServerOptions.MinDataRateBytesPerSecond"/>.</summary>
    DataRateTooSlow,
    /// <summary>Too many rejected commands, or a BDAT command the engine cannot skip.</summary>
    ProtocolViolation,
    /// <summary>The server was stopping and the transaction did not finish within the grace period.</summary>
    Shutdown,
    /// <summary>The client closed the connection in the middle of the transaction; no reply could be sent.</summary>
    ConnectionLost,
    /// <summary>An unexpected error in the engine or a hook.</summary>
    LocalError,
}
