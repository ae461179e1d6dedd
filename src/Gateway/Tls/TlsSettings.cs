namespace GovGateway.Tls;

/// <summary>Smtp:Tls: the certificate files the listeners present (read by <see cref="CertificateProvider"/>).</summary>
internal sealed class TlsSettings
{
    /// <summary>A PKCS#12 (.pfx/.p12) file, or a PEM certificate with <see cref="KeyPath"/>. Empty: a self-signed development certificate under the data folder.</summary>
    public string CertificatePath { get; set; } = "";
    /// <summary>Prefer <see cref="CertificatePasswordFile"/>: a password here shows in the configuration or the process list.</summary>
    public string CertificatePassword { get; set; } = "";
    /// <summary>A file holding the PKCS#12 password (first line); a relative name is read from systemd's $CREDENTIALS_DIRECTORY.</summary>
    public string CertificatePasswordFile { get; set; } = "";
    /// <summary>The PEM private key, when <see cref="CertificatePath"/> is a PEM certificate.</summary>
    public string KeyPath { get; set; } = "";
    /// <summary>Days before the certificate's expiry from which start-up and a daily check log a warning.</summary>
    public int ExpiryWarningDays { get; set; } = 30;
}
