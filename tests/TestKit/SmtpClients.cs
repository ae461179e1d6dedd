namespace GovGateway.TestKit;

/// <summary>Mail clients nobody here wrote, driven from the tests: swaks (Perl) and Python's smtplib.</summary>
public static class Swaks
{
    /// <summary>Sends with swaks; <paramref name="emlPath"/> null lets swaks make its own test message.</summary>
    public static Task<ToolResult> SendAsync(int port, string from, string to, string? emlPath, params string[] extra)
    {
        var args = new List<string> { "--server", $"127.0.0.1:{port}", "--from", from, "--to", to, "--helo", "client.test", "--timeout", "30" };
        if (emlPath is not null)
            args.AddRange(["--data", "@" + emlPath]);
        args.AddRange(extra);
        return ToolRunner.RunAsync("swaks", args, timeout: TimeSpan.FromSeconds(60));
    }
}

public static class Python
{
    /// <summary>Runs <paramref name="body"/> with <c>s</c> an smtplib.SMTP connected to the port.</summary>
    public static Task<ToolResult> SmtpAsync(int port, string body)
    {
        var script = "import smtplib, ssl\ns = smtplib.SMTP('127.0.0.1', " + port + ", local_hostname='client.test', timeout=30)\ns.ehlo('client.test')\n"
            + body.Replace("\r", "") + "\ntry:\n    s.quit()\nexcept Exception:\n    pass\n";
        return ToolRunner.RunAsync("python3", ["-c", script], timeout: TimeSpan.FromSeconds(60));
    }
}
