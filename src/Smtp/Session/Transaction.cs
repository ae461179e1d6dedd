namespace GovGateway.Smtp.Session;

/// <summary>One mail transaction, from an accepted MAIL to its end (message answered, RSET, EHLO, ...).</summary>
internal sealed class Transaction(Envelope envelope) : IAsyncDisposable
{
    public Envelope Envelope { get; } = envelope;

    /// <summary>The handler's content stream, once DATA or the first BDAT opened it.</summary>
    public Stream? Sink { get; set; }

    /// <summary>BDAT: the chunks seen so far belong to this transaction.</summary>
    public bool ChunkingStarted { get; set; }

    /// <summary>BDAT: octets received so far.</summary>
    public long ChunkedBytes { get; set; }

    /// <summary>BDAT: the transaction already failed; every further chunk is drained and gets this reply.</summary>
    public SmtpReply? Failure { get; set; }

    /// <summary>The handler has been told the engine refused this transaction; it is told once.</summary>
    public bool RefusalReported { get; set; }

    public async ValueTask DisposeAsync()
    {
        if (Sink is null) return;
        var sink = Sink;
        Sink = null;
        try { await sink.DisposeAsync().ConfigureAwait(false); }
        catch (Exception) { /* the handler's stream failing on close must not end the session */ }
    }
}
