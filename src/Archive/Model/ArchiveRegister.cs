namespace GovGateway.Archive;

/// <summary>
/// The document register of one year (Decree 30: a number and notation is unique within its year, numbering per issuer
/// restarts each year): per issuer the documents by number, with duplicates and gaps.
/// </summary>
public sealed class ArchiveRegister
{
    public int Year { get; set; }
    public List<ArchiveRegisterIssuer> Issuers { get; set; } = [];
}

public sealed class ArchiveRegisterIssuer
{
    /// <summary>The issuer part of the notation ("STTTT" in "45/GM-STTTT"), upper case; "" when the notation has none.</summary>
    public string Issuer { get; set; } = "";
    /// <summary>The issuing body's name as the documents state it (the first seen).</summary>
    public string? OrganName { get; set; }
    /// <summary>Numbered documents by number, then notation; documents without a readable number last.</summary>
    public List<ArchiveRegisterRow> Rows { get; set; } = [];
    /// <summary>Each number and notation held by more than one document.</summary>
    public List<ArchiveRegisterDuplicate> Duplicates { get; set; } = [];
    /// <summary>Numbers missing between the lowest and the highest seen, ascending.</summary>
    public List<int> Gaps { get; set; } = [];
}

public sealed class ArchiveRegisterRow
{
    /// <summary>The number as a number; null when the document states none or it is not a number.</summary>
    public int? Number { get; set; }
    public string? CodeNumber { get; set; }
    public string? CodeNotation { get; set; }
    public string? DocumentType { get; set; }
    public string? PromulgationDate { get; set; }
    public string? Subject { get; set; }
    public string Id { get; set; } = "";
    /// <summary>True when another document holds the same number and notation.</summary>
    public bool Duplicate { get; set; }
}

public sealed class ArchiveRegisterDuplicate
{
    public string CodeNumber { get; set; } = "";
    public string CodeNotation { get; set; } = "";
    public List<string> Ids { get; set; } = [];
}
