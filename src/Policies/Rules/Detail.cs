namespace GovGateway.Policies.Rules;

/// <summary>
/// A "{details}" item that reads differently in the Vietnamese and the English message (what is wrong with a
/// document, said in both languages). Conditions add it to their plain string details; <see cref="PolicyRule.ToHit"/>
/// picks the language's half. Plain items (addresses, file names) read the same in both.
/// </summary>
internal static class Detail
{
    private const char Separator = '\u001F'; // ASCII unit separator: never in a file name or an address we show

    public static string Bilingual(string vietnamese, string english) => vietnamese + Separator + english;

    public static string Vietnamese(string detail) => detail.Split(Separator)[0];

    public static string English(string detail) => detail.Split(Separator)[^1];

    /// <summary>What is wrong with a document's (or the message's S/MIME) signature, in both languages.</summary>
    public static string Signature(string what, SignatureStatus status) => status switch
    {
        SignatureStatus.Invalid => Bilingual($"{what}: chữ ký không hợp lệ, văn bản đã bị thay đổi sau khi ký hoặc chữ ký bị hỏng",
            $"{what}: the signature is not valid, the document was changed after signing or the signature is damaged"),
        SignatureStatus.Untrusted => Bilingual($"{what}: chứng thư số không do tổ chức được tin cậy cấp",
            $"{what}: the signing certificate's issuer is not trusted"),
        SignatureStatus.Expired => Bilingual($"{what}: chứng thư số đã hết hạn", $"{what}: the signing certificate has expired"),
        SignatureStatus.Revoked => Bilingual($"{what}: chứng thư số đã bị thu hồi", $"{what}: the signing certificate has been revoked"),
        SignatureStatus.Unknown => Bilingual($"{what}: không xác định được tình trạng thu hồi của chứng thư số (danh sách thu hồi đã cũ hoặc không có)",
            $"{what}: the signing certificate's revocation status cannot be established (the revocation list is out of date or missing)"),
        SignatureStatus.SignerMismatch => Bilingual($"{what}: người ký không phải người gửi", $"{what}: the signer is not the sender"),
        _ => Bilingual($"{what}: không có chữ ký số", $"{what}: no digital signature"),
    };
}
