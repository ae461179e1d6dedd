using System.Net;
using System.Text.RegularExpressions;
using Gateway.Tests.Support;
using GovGateway.Access.Auth;
using GovGateway.Cli;
using GovGateway.Configuration;
using GovGateway.Hosting;
using GovGateway.WebConsole;
using NUnit.Framework;

namespace Gateway.Tests.WebConsole;

/// <summary>Sessions end when they should: idle, absolute age, a role taken away; and the settings are checked like the others.</summary>
public class ConsoleSessionTests
{
    private const string User = "kiemtoan@stttt.hatinh.gov.vn";
    private const string Password = "Mật-khẩu-2025!";

    [Test]
    public async Task An_idle_session_ends_after_the_idle_timeout()
    {
        await using var gateway = await StartAsync("00:00:02", "01:00:00");
        using var client = Client(gateway);
        await SignInAsync(client);
        Assert.That((await client.GetAsync("/")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await Task.Delay(TimeSpan.FromSeconds(3));
        var after = await client.GetAsync("/");
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(after.Headers.Location!.ToString(), Does.Contain("/login"));
    }

    [Test]
    public async Task A_busy_session_still_ends_at_the_absolute_timeout()
    {
        await using var gateway = await StartAsync("00:00:02", "00:00:04");
        using var client = Client(gateway);
        await SignInAsync(client);
        var signedIn = DateTime.UtcNow;
        // A request every half second keeps the session from going idle ...
        while (DateTime.UtcNow - signedIn < TimeSpan.FromSeconds(3))
        {
            Assert.That((await client.GetAsync("/messages")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
            await Task.Delay(500);
        }
        // ... but not past its absolute end.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.That((await client.GetAsync("/messages")).StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
    }

    [Test]
    public async Task Taking_the_role_away_ends_the_session_at_the_next_request()
    {
        await using var gateway = await StartAsync("00:15:00", "08:00:00");
        using var client = Client(gateway);
        await SignInAsync(client);
        Assert.That((await client.GetAsync("/messages")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await Cli.RunAsync(gateway.Paths, "users", "roles", User), Is.EqualTo(0), "no --role: back to staff");
        Assert.That((await client.GetAsync("/messages")).StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
    }

    [TestCase("00:10:00", 1)]
    [TestCase("00:00:00", 2)]
    public async Task The_dashboard_counts_again_only_when_its_counts_are_older_than_the_max_age(string maxAge, int secondView)
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string> { ["Console:DashboardMaxAge"] = maxAge });
        Assert.That(await Cli.RunAsync(gateway.Paths, "users", "add", User, "--password", Password, "--role", "auditor"), Is.EqualTo(0));
        using var client = Client(gateway);
        await SignInAsync(client);
        var log = gateway.Runtime.Audit!;
        async Task RecordAsync() => await log.AppendAsync(new GovGateway.Audit.AuditTransaction
        {
            Id = GovGateway.Audit.AuditRecordId.New(), TimeUtc = DateTime.UtcNow, MailFrom = "vanthu@stttt.hatinh.gov.vn",
            Recipients = ["lanhdao@ubnd.hatinh.gov.vn"], Decision = "accepted", Listener = "relay",
        });
        string Count(string page) => Regex.Match(page, @"(\d+) thư trong").Groups[1].Value;

        await RecordAsync();
        await log.FlushAsync();
        Assert.That(Count(await client.GetStringAsync("/")), Is.EqualTo("1"));
        await RecordAsync();
        await log.FlushAsync();
        Assert.That(Count(await client.GetStringAsync("/")), Is.EqualTo(secondView.ToString()));
    }

    [Test]
    public async Task An_administrator_sees_the_policy_and_deletes_a_queued_message_after_confirming()
    {
        // An upstream that refuses connections: the message waits in the queue.
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string>
        {
            ["Delivery:Upstream:Host"] = "127.0.0.1", ["Delivery:Upstream:Port"] = Ports.Free().ToString(),
        });
        Assert.That(await Cli.RunAsync(gateway.Paths, "users", "add", User, "--password", Password, "--role", "admin"), Is.EqualTo(0));
        var sent = await Swaks.SendAsync(gateway.Relay.Port, Mail.Sender, Mail.Recipient, null, "--header", "Subject: Chờ gửi");
        Assert.That(sent.ExitCode, Is.EqualTo(0), sent.All);
        var id = gateway.Runtime.Spool.ListIds().Single();
        using var client = Client(gateway);
        await SignInAsync(client);

        var policy = await client.GetStringAsync("/policy");
        Assert.That(policy, Does.Contain(gateway.Runtime.Policies.Current.Version).And.Contain("relay (127.0.0.1:").And.Contain("id=\"queue-depth\">1<"));

        var queue = await client.GetStringAsync("/queue");
        Assert.That(queue, Does.Contain(id).And.Contain(Mail.Recipient));
        var confirm = await client.GetStringAsync($"/queue/{id}/delete");
        Assert.That(confirm, Does.Contain("will be removed from the queue"));
        Assert.That(gateway.Runtime.Spool.Get(id), Is.Not.Null, "showing the confirmation deletes nothing");
        var token = WebUtility.HtmlDecode(Regex.Match(confirm, "name=\"__af\" value=\"([^\"]+)\"").Groups[1].Value);
        var deleted = await client.PostAsync($"/queue/{id}/delete", new FormUrlEncodedContent(new Dictionary<string, string> { ["__af"] = token }));
        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(gateway.Runtime.Spool.Get(id), Is.Null);

        var log = gateway.Runtime.Audit!;
        await log.FlushAsync();
        var record = log.Query(new GovGateway.Audit.AuditQuery { QueueId = id }).Records.Single();
        Assert.That(record.Deliveries.Select(d => (d.Outcome, d.Reply)), Has.Some.EqualTo(("deleted", $"console queue delete by {User} from 127.0.0.1 (console)")));
    }

    [Test]
    public async Task Metrics_behind_the_sign_in_answer_a_scraper_401_while_the_pages_still_send_people_to_the_sign_in_form()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string> { ["Console:MetricsRequireLogin"] = "true" });
        Assert.That(await Cli.RunAsync(gateway.Paths, "users", "add", User, "--password", Password, "--role", "auditor"), Is.EqualTo(0));
        using var client = Client(gateway);

        using (var scrape = await client.GetAsync("/metrics"))
        {
            var body = await scrape.Content.ReadAsStringAsync();
            Assert.That(scrape.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), body);
            Assert.That(scrape.Headers.WwwAuthenticate.ToString(), Does.StartWith("Cookie realm=\"GovGateway console\""));
            Assert.That(body, Does.Contain("Cần đăng nhập").And.Contain("Sign-in required").And.Not.Contain("govgateway_"));
        }
        using (var page = await client.GetAsync("/messages"))
        {
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), "a person opening a page is sent to the sign-in form");
            Assert.That(page.Headers.Location!.AbsolutePath, Is.EqualTo("/login"));
        }

        await SignInAsync(client);
        var metrics = await client.GetStringAsync("/metrics");
        Assert.That(metrics, Does.Contain("govgateway_messages_total"));
    }

    [Test]
    public void A_mistyped_console_setting_names_the_nearest_one()
    {
        var paths = new GovGateway.Configuration.GatewayPaths(RepoPaths.ShippedConfig, Path.GetTempPath());
        var problems = ConfigurationCheck.UnknownKeys(GatewayConfiguration.Build(paths, ["--Console:Prot=9443"]));
        Assert.That(problems, Has.One.Contains("'Console:Prot'").And.Contains("Did you mean 'Console:Port'?"));
        var bad = GatewayConfiguration.Build(paths, ["--Console:Address=localhost"]);
        Assert.That(() => ConsoleOptions.FromConfiguration(bad), Throws.ArgumentException.With.Message.Contains("Console:Address 'localhost'"));
        var inverted = GatewayConfiguration.Build(paths, ["--Console:IdleTimeout=09:00:00"]);
        Assert.That(() => ConsoleOptions.FromConfiguration(inverted), Throws.ArgumentException.With.Message.Contains("Console:AbsoluteTimeout"));
    }

    [Test]
    public async Task Roles_are_given_checked_and_changed_on_the_command_line()
    {
        var data = TempFolders.Create("console-roles");
        try
        {
            var paths = new GovGateway.Configuration.GatewayPaths(RepoPaths.ShippedConfig, data);
            var error = new StringWriter();
            var config = new System.CommandLine.InvocationConfiguration { Output = new StringWriter(), Error = error };
            var code = await GovGateway.Cli.CommandLine.InvokeAsync(["users", "add", User, "--password", Password, "--role", "auditr", "--config", paths.ConfigDir, "--data", data], config);
            Assert.That(code, Is.EqualTo(2));
            Assert.That(error.ToString(), Does.Contain("Did you mean 'auditor'?"));
            Assert.That(File.Exists(Path.Combine(data, "users.json")), Is.False, "nothing written for a mistyped role");

            Assert.That(await Cli.RunAsync(paths, "users", "add", User, "--password", Password, "--role", "auditor", "--role", "admin"), Is.EqualTo(0));
            Assert.That(await Cli.RunAsync(paths, "users", "add", "vanthu@stttt.hatinh.gov.vn", "--password", Password), Is.EqualTo(0));
            var store = new GovGateway.Access.Auth.LocalUserStore(Path.Combine(data, "users.json"));
            Assert.That(store.RolesOf(User), Is.EqualTo(new[] { "auditor", "admin" }));
            Assert.That(store.RolesOf("vanthu@stttt.hatinh.gov.vn"), Is.EqualTo(new[] { "staff" }), "the default: mail only");
            Assert.That(await Cli.RunAsync(paths, "users", "roles", User, "--role", "admin"), Is.EqualTo(0));
            Assert.That(new GovGateway.Access.Auth.LocalUserStore(Path.Combine(data, "users.json")).RolesOf(User), Is.EqualTo(new[] { "admin" }));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<TestGateway> StartAsync(string idle, string absolute)
    {
        var gateway = await TestGateway.StartAsync(new Dictionary<string, string> { ["Console:IdleTimeout"] = idle, ["Console:AbsoluteTimeout"] = absolute });
        Assert.That(await Cli.RunAsync(gateway.Paths, "users", "add", User, "--password", Password, "--role", "auditor"), Is.EqualTo(0));
        return gateway;
    }

    private static HttpClient Client(TestGateway gateway) =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, ServerCertificateCustomValidationCallback = (_, _, _, _) => true })
        {
            BaseAddress = new Uri($"https://127.0.0.1:{gateway.Runtime.ConsoleEndPoint!.Port}"),
            Timeout = TimeSpan.FromSeconds(30),
        };

    private static async Task SignInAsync(HttpClient client)
    {
        var form = await client.GetStringAsync("/login");
        var token = Regex.Match(form, "name=\"__af\" value=\"([^\"]+)\"").Groups[1].Value;
        var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__af"] = WebUtility.HtmlDecode(token), ["username"] = User, ["password"] = Password,
        }));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await response.Content.ReadAsStringAsync());
    }
}
