namespace GovGateway.Access.Addresses;

/// <summary>Why an address was refused. Everything after <see cref="Malformed"/> is a routing trick.</summary>
public enum AddressProblem
{
    None,
    /// <summary>Empty path (the null sender &lt;&gt; is not a valid recipient).</summary>
    Empty,
    /// <summary>Not an RFC 5321 mailbox (bad characters, missing domain, several '@', too long...).</summary>
    Malformed,
    /// <summary>RFC 5321 source route: &lt;@relay.example:user@target.example&gt;.</summary>
    SourceRoute,
    /// <summary>"Percent hack": user%target.example@local.example.</summary>
    PercentHack,
    /// <summary>UUCP bang path: target.example!user@local.example.</summary>
    BangPath,
    /// <summary>A quoted local part hiding a route: "user@target.example"@local.example.</summary>
    QuotedRoute,
    /// <summary>Address literal instead of a domain: user@[192.0.2.1].</summary>
    AddressLiteral,
}
