using System.Text.Json;
using System.Text.Json.Serialization;

namespace GovGateway.Access.Auth;

/// <summary>One user in the users file.</summary>
internal sealed class LocalUser
{
    [JsonPropertyName("name")] public required string Name { get; set; }
    [JsonPropertyName("aliases")] public List<string> Aliases { get; set; } = [];
    [JsonPropertyName("password")] public required PasswordHash Password { get; set; }
    /// <summary><see cref="UserRoles"/>; a user written before roles existed (none listed) is staff.</summary>
    [JsonPropertyName("roles")] public List<string> Roles { get; set; } = [UserRoles.Staff];
    [JsonPropertyName("created")] public DateTimeOffset Created { get; set; }
    [JsonPropertyName("changed")] public DateTimeOffset Changed { get; set; }
}

/// <summary>The JSON document stored in the users file (default DATA/users.json).</summary>
internal sealed class UsersFile
{
    public const int CurrentVersion = 1;

    [JsonPropertyName("version")] public int Version { get; set; } = CurrentVersion;
    [JsonPropertyName("users")] public List<LocalUser> Users { get; set; } = [];

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        // Keep Vietnamese letters readable in the file rather than \u-escaped.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}

/// <summary>The users file is unreadable, or a management command cannot be applied.</summary>
internal sealed class UsersFileException(string message, Exception? inner = null) : Exception(message, inner);
