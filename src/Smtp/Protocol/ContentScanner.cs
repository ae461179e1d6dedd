namespace GovGateway.Smtp.Protocol;

/// <summary>What one <see cref="ContentScanner.Scan"/> call found.</summary>
/// <param name="Consumed">Bytes of input taken.</param>
/// <param name="WriteStart">Start, within the input, of the content run to store.</param>
/// <param name="WriteLength">Length of that run (dot-unstuffed content, terminator excluded).</param>
/// <param name="Completed">The &lt;CRLF&gt;.&lt;CRLF&gt; terminator ended the message.</param>
internal readonly record struct ScanResult(int Consumed, int WriteStart, int WriteLength, bool Completed);

/// <summary>
/// Scans DATA content for the one true terminator &lt;CRLF&gt;.&lt;CRLF&gt;, removes transparency dots
/// (RFC 5321 4.5.2) and notices bare CR / bare LF and over-long lines. It never copies: each call
/// returns one contiguous run of the input to store, so the caller writes whole slices of the
/// network buffer to the sink. The state is the longest matched prefix of "\r\n.\r\n", which is
/// why no lookalike (&lt;LF&gt;.&lt;LF&gt;, &lt;CR&gt;.&lt;CR&gt;, ...) can end the message: they only mark it tainted.
/// </summary>
internal struct ContentScanner
{
    private enum State : byte
    {
        MidLine,      // nothing of the terminator matched
        Cr,           // "\r"
        LineStart,    // "\r\n" (also the very start of the content)
        Dot,          // "\r\n."
        DotCr,        // "\r\n.\r"
    }

    private readonly int _maxLineContent;
    private State _state;
    private int _lineLength;

    public ContentScanner(int maxTextLineLength)
    {
        _maxLineContent = maxTextLineLength - 2;
        _state = State.LineStart;
    }

    /// <summary>A bare CR or bare LF was seen: the content must be refused (anti-smuggling).</summary>
    public bool BareLineBreak { get; private set; }

    /// <summary>A text line exceeded the configured limit.</summary>
    public bool LineTooLong { get; private set; }

    public ScanResult Scan(ReadOnlySpan<byte> input)
    {
        int i = 0;
        int writeStart = 0;
        while (i < input.Length)
        {
            switch (_state)
            {
                case State.MidLine:
                {
                    int k = input[i..].IndexOfAny((byte)'\r', (byte)'\n');
                    if (k < 0)
                    {
                        AddToLine(input.Length - i);
                        i = input.Length;
                        break;
                    }
                    AddToLine(k);
                    i += k;
                    if (input[i] == (byte)'\r') _state = State.Cr;
                    else BareLineBreak = true; // bare LF; stay mid-line
                    i++;
                    break;
                }
                case State.Cr:
                {
                    byte b = input[i];
                    if (b == (byte)'\n')
                    {
                        _state = State.LineStart;
                        _lineLength = 0;
                        i++;
                    }
                    else
                    {
                        // The CR before this byte was bare; this byte is looked at afresh.
                        BareLineBreak = true;
                        AddToLine(1);
                        _state = State.MidLine;
                        if (b == (byte)'\r') { _state = State.Cr; i++; }
                    }
                    break;
                }
                case State.LineStart:
                {
                    byte b = input[i];
                    if (b == (byte)'.')
                    {
                        // Either the terminator or a transparency dot: never stored. Return the run
                        // before it so the next call starts just after the dot.
                        _state = State.Dot;
                        return new ScanResult(i + 1, writeStart, i - writeStart, false);
                    }
                    _state = State.MidLine;
                    if (b == (byte)'\r') { _state = State.Cr; i++; }
                    break;
                }
                case State.Dot:
                {
                    byte b = input[i];
                    if (b == (byte)'\r')
                    {
                        // Possibly the terminator's CR: held back, never stored (if the next byte is
                        // not LF it is a bare CR and the content is refused anyway).
                        _state = State.DotCr;
                        i++;
                        writeStart = i;
                    }
                    else
                    {
                        _state = State.MidLine;
                        AddToLine(1); // the removed dot still counted as a line octet on the wire
                    }
                    break;
                }
                case State.DotCr:
                {
                    byte b = input[i];
                    if (b == (byte)'\n')
                        return new ScanResult(i + 1, writeStart, 0, true);
                    BareLineBreak = true;
                    _state = State.MidLine;
                    if (b == (byte)'\r') { _state = State.Cr; i++; }
                    break;
                }
            }
        }
        return new ScanResult(i, writeStart, i - writeStart, false);
    }

    private void AddToLine(int count)
    {
        _lineLength += count;
        if (_lineLength > _maxLineContent) LineTooLong = true;
    }
}
