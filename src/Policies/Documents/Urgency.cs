namespace GovGateway.Policies;

/// <summary>
/// How urgent a document is (Decree 30 urgency marks, in rising order; edXML OtherInfo/Priority 0..4). Urgent mail is
/// delivered ahead of the queue and marked for the recipient's mail program.
/// </summary>
public enum Urgency { None, Khan, ThuongKhan, HoaToc, HoaTocHenGio }

public static class UrgencyNames
{
    /// <summary>"none", "khan", "thuong-khan", "hoa-toc", "hoa-toc-hen-gio": as policy.yaml, the audit record and
    /// <c>policy test --json</c> write them.</summary>
    public static string ToWireName(this Urgency value) => value switch
    {
        Urgency.None => "none",
        Urgency.Khan => "khan",
        Urgency.ThuongKhan => "thuong-khan",
        Urgency.HoaToc => "hoa-toc",
        Urgency.HoaTocHenGio => "hoa-toc-hen-gio",
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    /// <summary>The mark as a document prints it.</summary>
    public static string ToMark(this Urgency value) => value switch
    {
        Urgency.None => "",
        Urgency.Khan => "KHẨN",
        Urgency.ThuongKhan => "THƯỢNG KHẨN",
        Urgency.HoaToc => "HỎA TỐC",
        Urgency.HoaTocHenGio => "HỎA TỐC HẸN GIỜ",
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    /// <summary>edXML (QCVN 102:2016) OtherInfo/Priority: 0 normal, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc, 4 hỏa tốc hẹn giờ.</summary>
    public static int ToEdxmlPriority(this Urgency value) => (int)value;

    public static Urgency FromEdxmlPriority(int priority) => priority is >= 0 and <= 4 ? (Urgency)priority : Urgency.None;

    public static IReadOnlyList<Urgency> All { get; } = Enum.GetValues<Urgency>();

    public static bool TryParse(string text, out Urgency value)
    {
        foreach (var candidate in All)
            if (string.Equals(candidate.ToWireName(), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        value = Urgency.None;
        return false;
    }

    /// <summary>The level of a folded urgency mark from policy.yaml's urgency-marks ("hoa toc hen gio" ...); a mark
    /// an administrator added beyond the four Decree 30 names counts as khẩn.</summary>
    internal static Urgency FromFoldedMark(string folded) => folded switch
    {
        "hoa toc hen gio" => Urgency.HoaTocHenGio,
        "hoa toc" => Urgency.HoaToc,
        "thuong khan" => Urgency.ThuongKhan,
        _ => Urgency.Khan,
    };
}
