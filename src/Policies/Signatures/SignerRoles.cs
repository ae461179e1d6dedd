using GovGateway.Policies.Text;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;

namespace GovGateway.Policies.Signatures;

/// <summary>
/// Tells an organisation's certificate from a person's (Decree 30/2020 art. 5: the signer signs, then the
/// organisation, whose certificate names the agency and carries the seal image). The government CA issues
/// organisation certificates with the agency as the common name (CN=Sở Thông tin và Truyền thông tỉnh Hà Tĩnh) and
/// personal ones with a person's name (CN=Nguyễn Văn A, usually with a title T=). So: an organisation when the CN is
/// the O, or begins with the word of an agency type; a signer otherwise. Compared folded, so diacritics and case do
/// not matter.
/// </summary>
internal static class SignerRoles
{
    // Vietnamese state bodies' type words, folded. Vietnamese personal names begin with a family name, and none of
    // these is one once folded (so "truong" and "vien" appear only with the word after them: Trương, Viên are names).
    private static readonly string[] AgencyWords =
    [
        "bo", "so", "uy ban", "ubnd", "van phong", "cuc", "tong cuc", "chi cuc", "ban", "trung tam", "phong",
        "vien kiem sat", "vien nghien cuu", "truong dai hoc", "truong cao dang", "truong trung hoc", "truong tieu hoc", "truong mam non",
        "hoi dong", "toa an", "kho bac", "cong an", "thanh tra", "tinh uy", "thanh uy", "huyen uy", "quan uy", "dang uy",
        "dai", "benh vien", "hoc vien", "lien doan", "mat tran", "chinh phu", "quoc hoi", "kiem toan", "ngan hang", "ubmttq",
    ];

    public static SignatureRole Of(X509Certificate cert)
    {
        var commonName = First(cert, X509Name.CN);
        if (commonName is null) return SignatureRole.Signer;
        var cn = VietnameseText.FoldWords(commonName);
        var organisation = First(cert, X509Name.O) is { } o ? VietnameseText.FoldWords(o) : null;
        if (organisation is not null && cn == organisation) return SignatureRole.Organisation;
        return AgencyWords.Any(w => cn == w || cn.StartsWith(w + " ", StringComparison.Ordinal)) ? SignatureRole.Organisation : SignatureRole.Signer;
    }

    private static string? First(X509Certificate cert, Org.BouncyCastle.Asn1.DerObjectIdentifier oid)
    {
        var values = cert.SubjectDN.GetValueList(oid);
        return values.Count > 0 ? values[0] : null;
    }
}
