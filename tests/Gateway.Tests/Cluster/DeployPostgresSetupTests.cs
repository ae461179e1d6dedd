using System.Text.RegularExpressions;
using Gateway.Tests.Audit;
using Gateway.Tests.Support;
using GovGateway.Audit;
using GovGateway.Hosting;
using Microsoft.Extensions.Configuration;
using Npgsql;
using NUnit.Framework;

namespace Gateway.Tests.Cluster;

/// <summary>
/// deploy/cluster/postgresql as an administrator uses it: setup.sql run by psql on a fresh PostgreSQL makes the database
/// and roles the nodes' shipped connection string names; a gateway logging in as that role creates its tables and
/// ships records; the auditor role reads them and cannot change them.
/// </summary>
[TestFixture, NonParallelizable]
public sealed class DeployPostgresSetupTests
{
    private static string Deploy(params string[] parts) => Path.Combine([RepoPaths.Root, "deploy", "cluster", .. parts]);

    private static NpgsqlConnectionStringBuilder ShippedConnection(string node)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepoPaths.ShippedConfig, "appsettings.json"))
            .AddJsonFile(Deploy($"appsettings.{node}.json"))
            .Build();
        var options = AuditSettings.FromConfiguration(configuration);
        Assert.That(options.Store, Is.EqualTo(AuditStoreKind.PostgreSQL), node);
        return new NpgsqlConnectionStringBuilder(options.ConnectionString);
    }

    [TestCase("gw1", "10.0.0.11")]
    [TestCase("gw2", "10.0.0.12")]
    public void Each_nodes_connection_string_names_what_setup_sql_creates_and_pg_hba_lets_in(string node, string address)
    {
        var cs = ShippedConnection(node);
        var setup = File.ReadAllText(Deploy("postgresql", "setup.sql"));
        var hba = File.ReadAllText(Deploy("postgresql", "pg_hba.conf"));
        Assert.Multiple(() =>
        {
            Assert.That(cs.Host, Is.EqualTo("10.0.0.20"), "the PostgreSQL primary of README's example addresses");
            Assert.That(setup, Does.Contain($"CREATE DATABASE {cs.Database} OWNER {cs.Username}"));
            Assert.That(setup, Does.Match($@"CREATE ROLE {cs.Username} LOGIN"));
            Assert.That(cs.SslMode, Is.EqualTo(SslMode.VerifyFull), "the audit trail crosses the network: TLS, server checked");
            Assert.That(cs.Passfile, Is.EqualTo("/etc/gateway/pgpass"), "no password in the settings file");
            Assert.That(cs.Password, Is.Null.Or.Empty);
            Assert.That(hba, Does.Match($@"(?m)^hostssl\s+{cs.Database}\s+{cs.Username}\s+{Regex.Escape(address)}/32\s+scram-sha-256"), "pg_hba lets this node in, over TLS");
        });
    }

    [Test, CancelAfter(180_000)]
    public async Task Setup_sql_makes_a_database_the_gateway_fills_and_the_auditor_reads_but_cannot_change()
    {
        await using var pg = await PostgresCluster.StartAsync();
        var psql = await ToolRunner.RunAsync("psql", ["-X", "-v", "ON_ERROR_STOP=1", "-v", "gateway_password='k3t-n0i'", "-h", "127.0.0.1", "-p", pg.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-U", "postgres", "-d", "postgres", "-f", Deploy("postgresql", "setup.sql")], timeout: TimeSpan.FromSeconds(60));
        Assert.That(psql.ExitCode, Is.EqualTo(0), psql.All);

        // gw1's connection string, pointed at this throwaway server (no TLS on loopback here; its password from a passfile).
        using var dir = new TempFolder();
        var passfile = Path.Combine(dir.Path, "pgpass");
        File.WriteAllText(passfile, $"127.0.0.1:{pg.Port}:govgateway:gateway:k3t-n0i\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(passfile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var cs = ShippedConnection("gw1");
        cs.Host = "127.0.0.1";
        cs.Port = pg.Port;
        cs.SslMode = SslMode.Disable;
        cs.RootCertificate = null;
        cs.Passfile = passfile;
        var options = new AuditOptions { Store = AuditStoreKind.PostgreSQL, ConnectionString = cs.ConnectionString, MinFreeBytes = 0, FlushInterval = TimeSpan.FromMilliseconds(20) };
        await using (var log = await AuditLog.OpenAsync(Path.Combine(dir.Path, "data"), options, node: "gw1"))
        {
            await log.AppendAsync(AuditTestData.Accepted("QGW1", AuditTestData.T0));
            await log.FlushAsync();
            Assert.That(log.Backlog, Is.Zero);
            Assert.That(log.Verify().Ok, Is.True, log.Verify().Message);
            Assert.That(log.Query(new AuditQuery { Subject = "giay moi hop" }).Records.Select(r => r.Transaction.QueueId), Is.EqualTo(new[] { "QGW1" }), "unaccent and pg_trgm available to the gateway role");
        }

        var auditor = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = pg.Port, Database = "govgateway", Username = "auditor" };
        await using var conn = new NpgsqlConnection(auditor.ConnectionString);
        await conn.OpenAsync();
        await using (var read = new NpgsqlCommand("SELECT node || ' ' || queue_id FROM audit_entries", conn))
            Assert.That(await read.ExecuteScalarAsync(), Is.EqualTo("gw1 QGW1"), "the auditor role reads the gateway's tables");
        await using var change = new NpgsqlCommand("UPDATE audit_entries SET subject = 'x'", conn);
        var denied = Assert.ThrowsAsync<PostgresException>(() => change.ExecuteNonQueryAsync());
        Assert.That(denied!.SqlState, Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege), "the auditor role cannot change a record");
    }
}
