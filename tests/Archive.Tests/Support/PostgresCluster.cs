using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace GovGateway.Archive.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL 15 cluster (Debian's postgresql-15, with contrib's unaccent) in a temporary folder, on a free
/// loopback port; as root, initdb and postgres run as the `postgres` user through runuser. The same as
/// tests/Gateway.Tests/Audit/Postgres/PostgresCluster.cs, without that project's tool runner. Tests that need it are
/// ignored, naming the reason, where PostgreSQL is not installed.
/// </summary>
internal sealed class PostgresCluster : IAsyncDisposable
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

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Database={database};Username=postgres;Timeout=5;Command Timeout=60;Pooling=true";

    public static async Task<PostgresCluster> StartAsync()
    {
        if (!File.Exists(Path.Combine(BinDir, "postgres"))) Assert.Ignore($"PostgreSQL 15 is not installed ({BinDir})");
        string dir = Path.Combine("/tmp", "gwarch-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        if (Environment.UserName == "root") await Run("chown", "postgres:postgres", dir);
        var cluster = new PostgresCluster(dir, FreePort());
        await cluster.AsPostgres(Path.Combine(BinDir, "initdb"), "-D", Path.Combine(dir, "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
        await cluster.AsPostgres(Path.Combine(BinDir, "pg_ctl"), "-D", Path.Combine(dir, "data"), "-l", Path.Combine(dir, "log"), "-w", "-t", "60",
            "-o", $"-p {cluster.Port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start");
        return cluster;
    }

    /// <summary>A new empty database, so each test starts from no archive tables.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "archive" + Interlocked.Increment(ref _databases);
        await ExecuteAsync("postgres", $"CREATE DATABASE {name}");
        return ConnectionString(name);
    }

    public async Task<int> ExecuteAsync(string database, string sql)
    {
        await using var conn = new NpgsqlConnection(ConnectionString(database));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return await cmd.ExecuteNonQueryAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task AsPostgres(string file, params string[] args) =>
        Environment.UserName == "root" ? Run("runuser", ["-u", "postgres", "--", file, .. args]) : Run(file, args);

    private static async Task Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await p.WaitForExitAsync(timeout.Token);
        Assert.That(p.ExitCode, Is.EqualTo(0), $"{file} {string.Join(' ', args)}: {await stdout}{await stderr}");
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try { await AsPostgres(Path.Combine(BinDir, "pg_ctl"), "-D", Path.Combine(_dir, "data"), "-m", "immediate", "-w", "stop"); }
        catch (Exception) { /* already stopped */ }
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
