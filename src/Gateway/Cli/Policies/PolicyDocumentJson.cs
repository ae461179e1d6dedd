using GovGateway.Policies;

namespace GovGateway.Cli.Policies;

/// <summary>A document's metadata in <c>policy test</c> output, under the edXML (QCVN 102:2016) names.</summary>
internal static class PolicyDocumentJson
{
    public static object? From(DocumentMetadata? m) => m is null ? null : new
    {
        m.CodeNumber,
        m.CodeNotation,
        m.DocumentType,
        m.OrganName,
        ParentOrganName = m.ParentOrganName,
        PromulgationInfo = new { Place = m.PromulgationPlace, PromulgationDate = m.PromulgationDate },
        m.Subject,
        SignerInfo = new { Competence = m.SignerCompetence, Position = m.SignerPosition, FullName = m.SignerFullName, Certificate = m.SignerCertificate },
        Priority = m.Priority.ToEdxmlPriority(),
        Urgency = m.Priority.ToWireName(),
        m.Secrecy,
        m.Recipients,
    };

    /// <summary>One line for the text output: "07/BC-VHTT BÁO CÁO, SỞ ..., Hà Nội 2025-03-10, signed by ...".</summary>
    public static string Describe(DocumentMetadata m)
    {
        var parts = new List<string>();
        if (m.CodeNumber is not null || m.CodeNotation is not null) parts.Add($"{m.CodeNumber}/{m.CodeNotation}");
        if (m.DocumentType is not null) parts.Add(m.DocumentType);
        if (m.OrganName is not null) parts.Add($"from {m.OrganName}");
        if (m.PromulgationPlace is not null || m.PromulgationDate is not null) parts.Add($"{m.PromulgationPlace} {m.PromulgationDate}".Trim());
        if (m.Subject is not null) parts.Add($"\"{m.Subject}\"");
        if (m.SignerFullName is not null || m.SignerPosition is not null) parts.Add($"signed {m.SignerPosition} {m.SignerFullName}".TrimEnd());
        if (m.Secrecy is not null) parts.Add(m.Secrecy);
        return string.Join(", ", parts);
    }
}
