using System.Threading.Channels;

namespace GovGateway.Delivery;

/// <summary>
/// The work handed to delivery workers, in two lanes: a worker takes an urgent message (a HỎA TỐC, THƯỢNG KHẨN or
/// KHẨN document) before any other, however many ordinary messages are already waiting, and each lane stays in order.
/// Every item written puts one token in <c>_ready</c> after the item itself, so a reader that takes a token always
/// finds an item in one of the lanes.
/// </summary>
internal sealed class DeliveryLanes<T>
{
    private readonly Channel<T> _urgent = Channel.CreateUnbounded<T>();
    private readonly Channel<T> _normal = Channel.CreateUnbounded<T>();
    private readonly Channel<bool> _ready = Channel.CreateUnbounded<bool>();

    public void Write(T item, bool urgent)
    {
        (urgent ? _urgent : _normal).Writer.TryWrite(item);
        _ready.Writer.TryWrite(true);
    }

    /// <summary>The next item, urgent ones first.</summary>
    public bool TryRead(out T item)
    {
        item = default!;
        if (!_ready.Reader.TryRead(out _)) return false;
        if (_urgent.Reader.TryRead(out item!)) return true;
        if (_normal.Reader.TryRead(out item!)) return true;
        throw new InvalidOperationException("A delivery lane token without an item.");
    }

    public ValueTask<bool> WaitToReadAsync(CancellationToken ct) => _ready.Reader.WaitToReadAsync(ct);

    public void Complete() => _ready.Writer.TryComplete();
}
