namespace GovGateway.Configuration;

/// <summary>
/// Secrets (passwords) from files rather than from the configuration, the environment or the
/// command line, where other local users can read them (/proc/PID/cmdline, /proc/PID/environ of a
/// shared account, shell history). systemd's LoadCredential= puts them in $CREDENTIALS_DIRECTORY.
/// </summary>
internal static class Secrets
{
    public const string CredentialsDirectoryVariable = "CREDENTIALS_DIRECTORY";

    /// <summary>
    /// The secret: <paramref name="inline"/> if set; else the first line of <paramref name="file"/>
    /// (relative: within $CREDENTIALS_DIRECTORY); else, when <paramref name="required"/>, the
    /// credential <paramref name="credentialName"/>. Both set, an unreadable file, or a required
    /// secret found nowhere is an error naming <paramref name="setting"/>.
    /// </summary>
    public static string? Resolve(string? inline, string? file, string setting, string credentialName, bool required)
    {
        var credentials = Environment.GetEnvironmentVariable(CredentialsDirectoryVariable);
        if (!string.IsNullOrEmpty(file))
        {
            if (!string.IsNullOrEmpty(inline))
                throw new ArgumentException($"Both {setting} and {setting}File are set; set only {setting}File.");
            string path;
            if (Path.IsPathRooted(file))
                path = file;
            else if (!string.IsNullOrEmpty(credentials))
                path = Path.Combine(credentials, file);
            else
                throw new ArgumentException($"{setting}File '{file}' is relative but $CREDENTIALS_DIRECTORY is not set; give an absolute path.");
            return ReadFirstLine(path, setting + "File");
        }
        if (!string.IsNullOrEmpty(inline) || !required)
            return inline;
        if (!string.IsNullOrEmpty(credentials) && File.Exists(Path.Combine(credentials, credentialName)))
            return ReadFirstLine(Path.Combine(credentials, credentialName), "$CREDENTIALS_DIRECTORY/" + credentialName);
        throw new ArgumentException($"{setting} is needed but not given: set {setting}File (or the systemd credential '{credentialName}').");
    }

    private static string ReadFirstLine(string path, string what)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{what}: cannot read {path}: {ex.Message}", ex);
        }
        // Editors and `echo` add a final line break; it is not part of the password.
        var line = text.Split('\n')[0].TrimEnd('\r');
        if (line.Length == 0)
            throw new ArgumentException($"{what}: {path} is empty.");
        return line;
    }
}
