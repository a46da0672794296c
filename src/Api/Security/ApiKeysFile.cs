using Microsoft.Extensions.Configuration;
using TuningService.Core.Configuration;

namespace TuningService.Api.Security;

/// <summary>
/// <c>Tuning:ApiKeysFile</c>: a JSON configuration file added after every other source (so its keys win) and read
/// again whenever it changes, so keys can live in a mounted secret and be rotated without a restart. The host's own
/// JSON files (appsettings.json) reload too; for all of them a reload that cannot be read is recorded in
/// <see cref="ConfigurationReloadFailures"/> instead of being thrown on the file watcher's thread.
/// </summary>
public static class ApiKeysFile
{
    public static ConfigurationReloadFailures AddApiKeysFile(this ConfigurationManager configuration)
    {
        var failures = new ConfigurationReloadFailures();
        var path = configuration[$"{TuningOptions.Section}:{nameof(TuningOptions.ApiKeysFile)}"];
        if (!string.IsNullOrWhiteSpace(path))
        {
            var full = Path.GetFullPath(path);
            if (!File.Exists(full))
                throw new StartupException($"{TuningOptions.Section}:{nameof(TuningOptions.ApiKeysFile)} names {full}, which does not exist. " +
                    "Create it ({\"Tuning\":{\"ApiKeys\":[{\"Key\":\"...\",\"Owner\":\"...\"}]}}) or leave the setting out.");
            // Not optional: a missing file at start-up is a mistake to report, not an empty key list.
            configuration.AddJsonFile(full, optional: false, reloadOnChange: true);
        }
        foreach (var source in configuration.Sources.OfType<FileConfigurationSource>())
            source.OnLoadException ??= failures.Record;
        failures.StartupLoadsDone();
        return failures;
    }
}
