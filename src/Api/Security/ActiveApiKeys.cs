using Microsoft.Extensions.Options;
using TuningService.Core.Configuration;
using TuningService.Worker.Hosting;

namespace TuningService.Api.Security;

/// <summary>
/// The API keys in force: those of the configuration at start-up (validated by then), replaced whenever a reload of
/// the configuration (the keys file, appsettings.json) brings a valid set, through <see cref="IOptionsMonitor{T}"/>.
/// A reload that is not valid (a duplicate or empty key, an entry with no owner, a file that cannot be read) or that
/// would remove every key is not applied: the keys in force stay and one error line says why. Removing the last key
/// would turn a keyed service into an open one, which only a restart (and the loopback rule) may do. No key is ever
/// logged: entries are named by index and owner.
/// </summary>
public sealed class ActiveApiKeys : IDisposable
{
    readonly IConfiguration configuration;
    readonly ConfigurationReloadFailures failures;
    readonly ILogger<ActiveApiKeys> logger;
    readonly IDisposable? subscription;
    readonly Lock gate = new();
    volatile IReadOnlyList<ApiKeyOptions> current;
    string? lastRejection;

    public ActiveApiKeys(IOptionsMonitor<TuningOptions> monitor, IConfiguration configuration, ConfigurationReloadFailures failures,
        ILogger<ActiveApiKeys> logger)
    {
        this.configuration = configuration;
        this.failures = failures;
        this.logger = logger;
        current = monitor.CurrentValue.ApiKeys.ToList();
        subscription = monitor.OnChange(Reload);
    }

    /// <summary>The keys a request is checked against; empty: no keys (anonymous callers, see <see cref="AnonymousAccess"/>).</summary>
    public IReadOnlyList<ApiKeyOptions> Current => current;

    void Reload(TuningOptions options)
    {
        lock (gate)
        {
            // Each reload binds a fresh options object: its list is not changed afterwards, and can be kept as it is.
            var candidate = options.ApiKeys.ToList();
            var unreadable = failures.Take();
            // Checked on the configuration itself, entry by entry: the options' list silently lacks an entry the binder could not read.
            var problems = unreadable is not null ? [unreadable] : ApiKeyEntries.Problems(configuration).ToList();
            if (problems.Count == 0 && candidate.Count == 0 && current.Count > 0)
                problems.Add("it leaves no API keys at all, which would open the API to anonymous callers; to run without keys, remove them and restart");
            if (problems.Count > 0)
            {
                // A file save often raises two change events: the same rejection is said once.
                var rejection = string.Join("; ", problems);
                if (rejection == lastRejection) return;
                lastRejection = rejection;
                logger.LogError("API keys not reloaded, the {Count} keys in force stay: {Problems}.", current.Count, rejection);
                return;
            }
            lastRejection = null;
            // A second change event of the same save, or a change of other settings.
            if (Same(candidate, current)) return;
            current = candidate;
            logger.LogInformation("API keys reloaded: {Count} keys, for {Owners}.", candidate.Count,
                string.Join(", ", candidate.Select(k => k.Owner).Distinct(StringComparer.Ordinal)));
        }
    }

    // Compared whole, as JSON, so that every setting of a key counts, those added later included.
    static bool Same(IReadOnlyList<ApiKeyOptions> a, IReadOnlyList<ApiKeyOptions> b) =>
        System.Text.Json.JsonSerializer.Serialize(a) == System.Text.Json.JsonSerializer.Serialize(b);

    public void Dispose() => subscription?.Dispose();
}
