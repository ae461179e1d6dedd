namespace GovGateway.Policies;

/// <summary>
/// How a document's Vietnamese text was written. Decree 30 asks for Unicode (TCVN 6909:2001), but files made with the
/// old 8-bit fonts are still sent: TCVN3 (ABC, ".VnTime" fonts, one byte per letter) and VNI ("VNI-Times" fonts, a
/// base letter followed by accent bytes). Their text is decoded to Unicode before anything reads it.
/// </summary>
public enum TextEncoding { Unicode, Tcvn3, Vni }

public static class TextEncodingNames
{
    /// <summary>"unicode", "tcvn3", "vni": as the audit record and <c>policy test --json</c> write it.</summary>
    public static string ToWireName(this TextEncoding value) => value switch
    {
        TextEncoding.Unicode => "unicode",
        TextEncoding.Tcvn3 => "tcvn3",
        TextEncoding.Vni => "vni",
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };
}
