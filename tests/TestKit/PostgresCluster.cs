using NUnit.Framework;
using Npgsql;

namespace GovGateway.TestKit;

/// <summary>
/// A throwaway PostgreSQL cluster (Debian's postgresql-15) in a temporary folder, on a free loopback port, with its
/// socket in that folder. As root, initdb and postgres run as the `postgres` user, which refuses to run as root.
/// Tests that need one are ignored, naming the reason, where PostgreSQL is not installed.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private const string BinDir = "/usr/lib/postgresql/15/bin";
    private readonly string _dir;
    private int _databases;

    private PostgresCluster(string dir, int port)
    {
        _dir = dir;
        Port = port;
    }

    public int Port { get; }
    public string Database => "audit";
    public string ConnectionString => ConnectionStringFor(Database);

    public string ConnectionStringFor(string database) =>
        $"Host=127.0.0.1;Port={Port};Database={database};Username=postgres;Timeout=5;Command Timeout=60;Pooling=true";

    /// <summary>A new empty database named <paramref name="prefix"/> and a number, for tests that each start from no tables; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = prefix + Interlocked.Increment(ref _databases);
        await ExecuteAsync($"CREATE DATABASE {name}");
        return ConnectionStringFor(name);
    }

    public static async Task<PostgresCluster> StartAsync()
    {
        if (!File.Exists(Path.Combine(BinDir, "postgres"))) Assert.Ignore($"PostgreSQL 15 is not installed ({BinDir}); .ci/run installs it");
        string dir = Path.Combine("/tmp", "gwpg-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        if (Environment.UserName == "root") await Tool("chown", "postgres:postgres", dir);
        var cluster = new PostgresCluster(dir, Ports.Free());
        var init = await cluster.AsPostgres(Path.Combine(BinDir, "initdb"), "-D", Path.Combine(dir, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
        Assert.That(init.ExitCode, Is.EqualTo(0), init.All);
        await cluster.StartServerAsync();
        await using var conn = new NpgsqlConnection($"Host=127.0.0.1;Port={cluster.Port};Database=postgres;Username=postgres");
        await conn.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {cluster.Database}", conn);
        await create.ExecuteNonQueryAsync();
        return cluster;
    }

    public async Task StartServerAsync()
    {
        var start = await AsPostgres(Path.Combine(BinDir, "pg_ctl"), "-D", Path.Combine(_dir, "data"), "-l", Path.Combine(_dir, "log"), "-w", "-t", "60",
            "-o", $"-p {Port} -k {_dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start");
        Assert.That(start.ExitCode, Is.EqualTo(0), start.All + ReadLog());
    }

    public async Task StopServerAsync()
    {
        var stop = await AsPostgres(Path.Combine(BinDir, "pg_ctl"), "-D", Path.Combine(_dir, "data"), "-m", "immediate", "-w", "stop");
        Assert.That(stop.ExitCode, Is.EqualTo(0), stop.All);
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Runs SQL as the superuser, as someone with access to the database would.</summary>
    public Task<long> ExecuteAsync(string sql) => ExecuteAsync(Database, sql);

    public async Task<long> ExecuteAsync(string database, string sql)
    {
        await using var conn = new NpgsqlConnection(ConnectionStringFor(database));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return await cmd.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)Convert.ChangeType((await cmd.ExecuteScalarAsync())!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    private string ReadLog()
    {
        try { return File.ReadAllText(Path.Combine(_dir, "log")); } catch (IOException) { return ""; }
    }

    private Task<ToolResult> AsPostgres(string file, params string[] args) =>
        Environment.UserName == "root"
            ? ToolRunner.RunAsync("runuser", ["-u", "postgres", "--", file, .. args], timeout: TimeSpan.FromSeconds(120))
            : ToolRunner.RunAsync(file, args, timeout: TimeSpan.FromSeconds(120));

    private static async Task Tool(string file, params string[] args)
    {
        var r = await ToolRunner.RunAsync(file, args);
        Assert.That(r.ExitCode, Is.EqualTo(0), r.All);
    }

    public async ValueTask DisposeAsync()
    {
        try { await StopServerAsync(); } catch (Exception) { /* already stopped */ }
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
