namespace GovGateway.Policies;

/// <summary>What the gateway does with a message.</summary>
public enum Decision { Accept, Reject, Quarantine }

/// <summary>Enforce rules change the outcome; audit rules only record what they would have done.</summary>
public enum RuleMode { Enforce, Audit }

/// <summary>Document classes recognised in a message (Decree 30/2020 types grouped as the e-mail directive groups them).</summary>
public enum DocumentClass { Invitation, MeetingDocument, Report, Notice, WorkDocument, Other }

/// <summary>Outcome of checking an S/MIME or PDF signature.</summary>
public enum SignatureStatus { None, Valid, Invalid, Untrusted, Expired, Revoked, SignerMismatch }

/// <summary>What a matching rule does.</summary>
public enum RuleActionKind { None, Accept, Reject, Quarantine }
