namespace GovGateway.Smtp;

/// <summary>
/// One SMTP reply. <see cref="Text"/> may hold several lines separated by '\n'; the engine
/// writes them as a multi-line reply, each line prefixed with the code and the enhanced code.
/// </summary>
public readonly record struct SmtpReply(int Code, string EnhancedCode, string Text)
{
    public bool IsPositive => Code is >= 200 and < 400;

    public static SmtpReply Ok(string text = "OK") => new(250, "2.0.0", text);
    public static SmtpReply SenderOk => new(250, "2.1.0", "Sender OK");
    public static SmtpReply RecipientOk => new(250, "2.1.5", "Recipient OK");
    public static SmtpReply LocalError => new(451, "4.3.0", "Local error in processing, try again later");
    public static SmtpReply InsufficientStorage => new(452, "4.3.1", "Insufficient system storage, try again later");
}
