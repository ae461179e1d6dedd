namespace GovGateway.Archive.Core;

/// <summary>What both stores refuse before storing anything: an item without a usable exchange.</summary>
internal static class ItemCheck
{
    public static ArchiveExchange Exchange(ArchiveItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var exchange = item.Exchange ?? throw new ArchiveException("Tài liệu lưu trữ thiếu thông tin trao đổi. / An archive item needs its exchange.");
        if (!ArchiveDirection.IsKnown(exchange.Direction))
            throw new ArchiveException($"Hướng trao đổi '{exchange.Direction}' không hợp lệ (inbound hoặc outbound). / The exchange direction '{exchange.Direction}' is not inbound or outbound.");
        if (string.IsNullOrWhiteSpace(exchange.QueueId))
            throw new ArchiveException("Trao đổi thiếu mã hàng đợi. / The exchange has no queue id.");
        if (exchange.TimeUtc == default)
            throw new ArchiveException("Trao đổi thiếu thời điểm. / The exchange has no time.");
        return exchange;
    }

    /// <summary>The document as stored: what the item says, with the id and size of the bytes actually taken.</summary>
    public static ArchivedDocument Snapshot(ArchivedDocument d, string id, long size, DateTime exchangeTime) => new()
    {
        Id = id,
        FileName = d.FileName,
        ContentType = d.ContentType,
        Size = size,
        Class = d.Class,
        Document = d.Document ?? new(),
        Signatures = d.Signatures ?? [],
        Scanned = d.Scanned,
        Encoding = d.Encoding,
        Urgency = d.Urgency,
        FirstSeenUtc = d.FirstSeenUtc == default ? exchangeTime : ArchiveTime.Normalize(d.FirstSeenUtc),
    };

    public static ArchiveExchange Copy(ArchiveExchange e, DateTime time) => new()
    {
        QueueId = e.QueueId, TimeUtc = time, Sender = e.Sender, Recipients = e.Recipients ?? [], Direction = e.Direction,
        Node = e.Node, MessageId = e.MessageId, Subject = e.Subject,
    };
}
