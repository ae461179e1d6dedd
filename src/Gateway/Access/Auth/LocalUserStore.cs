using System.Net;
using System.Text.Json;
using GovGateway.Access.Addresses;
using GovGateway.Access.Identity;
using GovGateway.FileSystem;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GovGateway.Access.Auth;

/// <summary>
/// The local users file: a JSON list of users with salted slow password hashes and aliases.
/// Management (add, passwd, remove) rewrites the file atomically under a lock file: temp file,
/// fsync, rename, mode 600. A running gateway notices a changed file (modification time and
/// length) on the next login and re-reads it, so new users and passwords apply without restart.
/// </summary>
internal sealed class LocalUserStore : IAuthenticator, IAliasSource
{
    // Argon2id at 19 MiB per check: bound how many run at once so a burst of AUTH attempts cannot
    // take the memory (and both cores) of the host.
    private static readonly SemaphoreSlim HashSlots = new(Math.Max(1, Environment.ProcessorCount));

    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Func<string, PasswordHash> _hasher;
    private readonly object _gate = new();
    private Snapshot _snapshot = Snapshot.Empty;
    private readonly Lazy<PasswordHash> _decoy;

    /// <param name="path">Full path of the users file.</param>
    /// <param name="hasher">How new passwords are hashed; Argon2id m=19 MiB t=2 p=1 when null.</param>
    public LocalUserStore(string path, ILogger<LocalUserStore>? logger = null, TimeProvider? time = null,
        Func<string, PasswordHash>? hasher = null)
    {
        Path = System.IO.Path.GetFullPath(path);
        _logger = logger ?? NullLogger<LocalUserStore>.Instance;
        _time = time ?? TimeProvider.System;
        _hasher = hasher ?? (p => PasswordHash.CreateArgon2id(p));
        // Unknown users are checked against a decoy so a login takes as long whether or not the user exists.
        _decoy = new Lazy<PasswordHash>(() => _hasher(Guid.NewGuid().ToString("N")));
    }

    public string Path { get; }

    /// <summary>Resolves Access:Auth:UsersFile: absolute as given, relative to the data folder otherwise.</summary>
    public static string ResolvePath(AuthOptions options, string dataDir) =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(dataDir, options.UsersFile));

    public async ValueTask<AuthOutcome> AuthenticateAsync(string user, string password, IPAddress client, CancellationToken ct)
    {
        var snapshot = Current();
        var found = snapshot.Users.TryGetValue(UserNames.Key(user), out var entry);
        var hash = found ? entry!.Password : _decoy.Value;

        await HashSlots.WaitAsync(ct).ConfigureAwait(false);
        bool ok;
        try
        {
            ok = await Task.Run(() => hash.Verify(password), ct).ConfigureAwait(false);
        }
        finally
        {
            HashSlots.Release();
        }
        return found && ok ? AuthOutcome.Success : AuthOutcome.Failed;
    }

    /// <summary>
    /// Reads the file now, so that a missing or unreadable users file (wrong owner after an edit as root, bad JSON) is
    /// logged when the gateway starts instead of at the first login.
    /// </summary>
    public void CheckAtStart() => Current();

    public IReadOnlyList<string> AliasesOf(string user) =>
        Current().Users.TryGetValue(UserNames.Key(user), out var entry) ? entry.Aliases : [];

    /// <summary>The users in the file now; an unreadable file is a <see cref="UsersFileException"/> (management view).</summary>
    public IReadOnlyList<LocalUser> List()
    {
        var file = File.Exists(Path) ? ReadFile(Path) : new UsersFile();
        return file.Users.OrderBy(u => u.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The user's roles as the file says now; none (not a local user) when unknown.</summary>
    public IReadOnlyList<string> RolesOf(string user) =>
        Current().Users.TryGetValue(UserNames.Key(user), out var entry) ? entry.Roles : [];

    public LocalUser Add(string name, string password, IEnumerable<string>? aliases = null, IEnumerable<string>? roles = null)
    {
        var cleanName = ValidateName(name);
        ValidatePassword(password);
        var cleanAliases = ValidateAliases(aliases ?? []);
        var cleanRoles = UserRoles.Validate(roles);
        return Update(file =>
        {
            if (file.Users.Any(u => UserNames.Key(u.Name) == UserNames.Key(cleanName)))
                throw new UsersFileException($"User '{cleanName}' already exists (use 'passwd' to change the password).");
            var now = _time.GetUtcNow();
            var user = new LocalUser { Name = cleanName, Aliases = cleanAliases, Roles = cleanRoles, Password = _hasher(password), Created = now, Changed = now };
            file.Users.Add(user);
            return user;
        });
    }

    public LocalUser SetPassword(string name, string password)
    {
        ValidatePassword(password);
        return Update(file =>
        {
            var user = Find(file, name);
            user.Password = _hasher(password);
            user.Changed = _time.GetUtcNow();
            return user;
        });
    }

    public LocalUser SetAliases(string name, IEnumerable<string> aliases)
    {
        var cleanAliases = ValidateAliases(aliases);
        return Update(file =>
        {
            var user = Find(file, name);
            user.Aliases = cleanAliases;
            user.Changed = _time.GetUtcNow();
            return user;
        });
    }

    public LocalUser SetRoles(string name, IEnumerable<string> roles)
    {
        var cleanRoles = UserRoles.Validate(roles);
        return Update(file =>
        {
            var user = Find(file, name);
            user.Roles = cleanRoles;
            user.Changed = _time.GetUtcNow();
            return user;
        });
    }

    public void Remove(string name) => Update(file =>
    {
        var user = Find(file, name);
        file.Users.Remove(user);
        return user;
    });

    private static LocalUser Find(UsersFile file, string name) =>
        file.Users.FirstOrDefault(u => UserNames.Key(u.Name) == UserNames.Key(name))
        ?? throw new UsersFileException($"No user '{name}' in the users file.");

    private static string ValidateName(string name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length is 0 or > 254 || trimmed.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            throw new UsersFileException($"'{name}' is not a usable login name (1-254 characters, no spaces).");
        return trimmed;
    }

    private static void ValidatePassword(string password)
    {
        if (string.IsNullOrEmpty(password))
            throw new UsersFileException("The password is empty.");
        if (password.Length > 1024)
            throw new UsersFileException("The password is longer than 1024 characters.");
    }

    private static List<string> ValidateAliases(IEnumerable<string> aliases)
    {
        var validator = new AddressValidator();
        var result = new List<string>();
        foreach (var alias in aliases)
        {
            var check = validator.Check(alias);
            if (!check.IsValid)
                throw new UsersFileException($"Alias '{alias}' is not a valid address: {check.Reason}.");
            if (!result.Contains(check.Address, StringComparer.OrdinalIgnoreCase))
                result.Add(check.Address);
        }
        return result;
    }

    // ---- reading ----

    private Snapshot Current()
    {
        var stamp = Stamp.Of(Path);
        var snapshot = Volatile.Read(ref _snapshot);
        if (stamp == snapshot.Stamp)
            return snapshot;
        lock (_gate)
        {
            if (_snapshot.Stamp == stamp)
                return _snapshot;
            try
            {
                var file = stamp.Exists ? ReadFile(Path) : new UsersFile();
                _snapshot = new Snapshot(stamp, Index(file));
                if (stamp.Exists)
                    _logger.LogInformation("Loaded {Count} local users from {Path}", _snapshot.Users.Count, Path);
                else
                    _logger.LogWarning("Users file {Path} does not exist; no local user can log in", Path);
            }
            catch (UsersFileException ex)
            {
                // Keep serving the last good list rather than locking everybody out over a bad edit.
                _logger.LogError(ex, "Users file {Path} is unreadable; keeping the previous {Count} users", Path, _snapshot.Users.Count);
                _snapshot = _snapshot with { Stamp = stamp };
            }
            return _snapshot;
        }
    }

    private static Dictionary<string, LocalUser> Index(UsersFile file)
    {
        var users = new Dictionary<string, LocalUser>(StringComparer.Ordinal);
        foreach (var user in file.Users)
            users[UserNames.Key(user.Name)] = user;
        return users;
    }

    private static UsersFile ReadFile(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var file = JsonSerializer.Deserialize<UsersFile>(stream, UsersFile.Json)
                ?? throw new UsersFileException($"Users file {path} is empty.");
            if (file.Version != UsersFile.CurrentVersion)
                throw new UsersFileException($"Users file {path} has version {file.Version}; this gateway reads version {UsersFile.CurrentVersion}.");
            file.Users ??= [];
            foreach (var user in file.Users)
            {
                if (string.IsNullOrWhiteSpace(user.Name) || user.Password is null)
                    throw new UsersFileException($"Users file {path} has an entry without a name or password.");
                user.Aliases ??= [];
                user.Roles = user.Roles is null or { Count: 0 } ? [UserRoles.Staff] : user.Roles;
            }
            return file;
        }
        catch (JsonException ex)
        {
            throw new UsersFileException($"Users file {path} is not valid JSON: {ex.Message}", ex);
        }
        catch (IOException ex) when (ex is not FileNotFoundException)
        {
            throw new UsersFileException($"Users file {path} cannot be read: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new UsersFileException($"Users file {path} cannot be read: {ex.Message}", ex);
        }
    }

    // ---- writing ----

    private LocalUser Update(Func<UsersFile, LocalUser> change)
    {
        var dir = System.IO.Path.GetDirectoryName(Path)!;
        // Root editing a data folder that belongs to the service account: everything written here goes to that
        // account, or the running gateway could no longer read its own users file (or take its lock).
        var owner = OwnerForWrites(Path);
        if (!Directory.Exists(dir))
        {
            PrivateFiles.CreateDirectory(dir);
            if (owner is { } o) GiveTo(dir, o);
        }

        using var fileLock = AcquireLock(Path + ".lock", owner);
        var file = File.Exists(Path) ? ReadFile(Path) : new UsersFile();
        var result = change(file);
        WriteAtomically(Path, file, owner);
        _logger.LogInformation("Users file {Path} updated ({Count} users)", Path, file.Users.Count);
        return result;
    }

    private static (uint Uid, uint Gid)? OwnerForWrites(string path)
    {
        try
        {
            return UnixOwner.ForNewFileAt(path);
        }
        catch (IOException ex)
        {
            throw new UsersFileException($"Users file {path}: {ex.Message}", ex);
        }
    }

    private static void GiveTo(string path, (uint Uid, uint Gid) owner)
    {
        try
        {
            UnixOwner.Set(path, owner);
        }
        catch (IOException ex)
        {
            throw new UsersFileException($"{ex.Message}. Run the command as the gateway's service account instead (sudo -u gateway gateway users ...).", ex);
        }
    }

    private static FileStream AcquireLock(string lockPath, (uint Uid, uint Gid)? owner)
    {
        // Two admins running `gateway users` at once must not lose each other's change.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                var stream = new FileStream(lockPath, PrivateFile(FileMode.OpenOrCreate, FileAccess.ReadWrite));
                try
                {
                    if (owner is { } o) GiveTo(lockPath, o);
                }
                catch
                {
                    stream.Dispose();
                    throw;
                }
                return stream;
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
            catch (IOException ex)
            {
                throw new UsersFileException($"Users file {lockPath} is locked by another process.", ex);
            }
        }
    }

    private static void WriteAtomically(string path, UsersFile file, (uint Uid, uint Gid)? owner)
    {
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temp, PrivateFile(FileMode.CreateNew, FileAccess.Write)))
            {
                JsonSerializer.Serialize(stream, file, UsersFile.Json);
                stream.Flush(flushToDisk: true);
            }
            if (owner is { } o) GiveTo(temp, o);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or UsersFileException)
        {
            File.Delete(temp);
            if (ex is UsersFileException) throw;
            throw new UsersFileException($"Users file {path} cannot be written: {ex.Message}", ex);
        }
    }

    /// <summary>Options for a file only the gateway's user may read (mode 600 on Unix): it holds password hashes.</summary>
    private static FileStreamOptions PrivateFile(FileMode mode, FileAccess access)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return options;
    }

    private sealed record Snapshot(Stamp Stamp, Dictionary<string, LocalUser> Users)
    {
        public static readonly Snapshot Empty = new(new Stamp(false, default, -1), new Dictionary<string, LocalUser>());
    }

    /// <summary>Cheap change detection: the file is replaced by rename, so time or length moves.</summary>
    private readonly record struct Stamp(bool Exists, DateTime LastWriteUtc, long Length)
    {
        public static Stamp Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new Stamp(true, info.LastWriteTimeUtc, info.Length) : new Stamp(false, default, 0);
        }
    }
}
