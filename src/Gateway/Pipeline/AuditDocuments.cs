using GovGateway.Audit;
using GovGateway.Policies;

namespace GovGateway.Pipeline;

/// <summary>A document's metadata as the audit record keeps it (edXML names).</summary>
internal static class AuditDocuments
{
    public static AuditDocument? From(DocumentMetadata? m) => m is null ? null : new AuditDocument
    {
        CodeNumber = m.CodeNumber,
        CodeNotation = m.CodeNotation,
        DocumentType = m.DocumentType,
        OrganName = m.OrganName,
        PromulgationInfo = m.PromulgationPlace is null && m.PromulgationDate is null
            ? null
            : new AuditPromulgationInfo { Place = m.PromulgationPlace, PromulgationDate = m.PromulgationDate },
        Subject = m.Subject,
        SignerInfo = m.SignerCompetence is null && m.SignerPosition is null && m.SignerFullName is null && m.SignerCertificate is null
            ? null
            : new AuditSignerInfo { Competence = m.SignerCompetence, Position = m.SignerPosition, FullName = m.SignerFullName, Certificate = m.SignerCertificate },
        Priority = m.Priority.ToEdxmlPriority(),
        Secrecy = m.Secrecy,
        Recipients = m.Recipients.ToList(),
    };
}
