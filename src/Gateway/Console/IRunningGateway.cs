using System.Net;
using GovGateway.Audit;
using GovGateway.Configuration;
using GovGateway.Listeners;
using GovGateway.Metrics;
using GovGateway.Pipeline;
using GovGateway.Quarantine;
using GovGateway.Spool;
using GovGateway.Tls;

namespace GovGateway.WebConsole;

/// <summary>
/// What the console reads of the running gateway. Declared here, implemented by the host's runtime, so that the
/// console depends on the parts it shows and not on the hosting that starts it.
/// </summary>
internal interface IRunningGateway
{
    GatewayPaths Paths { get; }
    /// <summary>The SMTP listeners' addresses, by listener name.</summary>
    IReadOnlyDictionary<string, IPEndPoint> EndPoints { get; }
    /// <summary>Open SMTP sessions per listener name.</summary>
    IReadOnlyDictionary<string, int> ActiveSessions { get; }
    PolicyHolder Policies { get; }
    IAuditLog? Audit { get; }
    Spool.Spool Spool { get; }
    CertificateWatcher? Certificates { get; }
    QuarantineStore Quarantine { get; }
    /// <summary>The login guard and the users file the console signs in against.</summary>
    AccessRules Access { get; }
    /// <summary>The SMTP settings in force (failed sign-ins are slowed by Smtp:AuthFailureDelay, as AUTH is).</summary>
    SmtpSettings SmtpSettings { get; }
    GatewayOperations Operations { get; }
    /// <summary>The document archive's actions, when Archive:Enabled; null otherwise.</summary>
    Archiving.ArchiveActions? Archive { get; }
}
