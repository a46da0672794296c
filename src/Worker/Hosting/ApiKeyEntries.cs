using Microsoft.Extensions.Configuration;
using TuningService.Core.Configuration;

namespace TuningService.Worker.Hosting;

/// <summary>
/// The entries of <c>Tuning:ApiKeys</c> as the configuration holds them, each with its path. The binder silently
/// leaves out a list entry it cannot convert (<c>"Admin": "maybe"</c>), and numbers the rest from 0 whatever their
/// keys in the configuration (<c>Tuning__ApiKeys__5__Key</c>); read here one by one, a dropped entry is a problem named
/// by its path, and every other problem names the entry as the operator wrote it.
/// </summary>
public static class ApiKeyEntries
{
    const string Section = $"{TuningOptions.Section}:{nameof(TuningOptions.ApiKeys)}";

    /// <summary>The problems of the keys in <paramref name="configuration"/> now, empty when they are all usable.</summary>
    public static IReadOnlyList<string> Problems(IConfiguration configuration)
    {
        var problems = new List<string>();
        List<ApiKeyOptions> keys = [];
        List<string> names = [];
        foreach (var entry in configuration.GetSection(Section).GetChildren())
        {
            try
            {
                keys.Add(entry.Get<ApiKeyOptions>() ?? new ApiKeyOptions());
                names.Add(entry.Path);
            }
            catch (InvalidOperationException e)
            {
                // The binder's message names the setting and the type it wanted ("... at 'Tuning:ApiKeys:0:Admin' to type 'System.Boolean'").
                problems.Add($"{entry.Path} cannot be read: {e.Message.TrimEnd('.')}");
            }
        }
        problems.AddRange(TuningOptionsValidation.ApiKeyProblems(keys, names));
        return problems;
    }
}
