namespace GovGateway.Policies;

/// <summary>What the gateway does with a message.</summary>
public enum Decision { Accept, Reject, Quarantine }

/// <summary>Enforce rules change the outcome; audit rules only record what they would have done.</summary>
public enum RuleMode { Enforce, Audit }

/// <summary>Document classes recognised in a message (Decree 30/2020 types grouped as the e-mail directive groups them).</summary>
public enum DocumentClass { Invitation, MeetingDocument, Report, Notice, WorkDocument, Other }

/// <summary>
/// Outcome of checking an S/MIME or PDF signature. <see cref="Unknown"/>: the certificate's revocation status could
/// not be established (a stale CRL, none where one is required); never taken for valid.
/// </summary>
public enum SignatureStatus { None, Valid, Invalid, Untrusted, Expired, Revoked, SignerMismatch, Unknown }

/// <summary>
/// Who made a PDF signature (Decree 30/2020 art. 5): the person who signs, the organisation whose certificate names
/// the agency (with the seal), or a document timestamp (a TSA's token over the file, PAdES B-LTA).
/// </summary>
public enum SignatureRole { Signer, Organisation, Timestamp }

/// <summary>What a matching rule does.</summary>
public enum RuleActionKind { None, Accept, Reject, Quarantine }
