using TuningService.Api.Infrastructure;
using TuningService.Core.Imports;
using TuningService.Core.Persistence;

namespace TuningService.Api.Models;

/// <summary>The checks on an imported model's name that both import sources make before any work starts.</summary>
public static class ImportName
{
    public static async Task RequireFreeAsync(string? name, ImportedModels imported, TuningDbContext db, CancellationToken ct)
    {
        if (ImportedModels.NameProblem(name) is { } problem) throw ApiException.BadRequest(problem, "name");
        if (await imported.IsTakenAsync(db, name!, ct)) throw Taken(name!);
    }

    /// <summary>Records the import, which holds its name from then on, or answers 409 when another process got the name first.</summary>
    public static async Task ClaimAsync(ModelImport import, ImportedModels imported, TuningDbContext db, CancellationToken ct)
    {
        if (!await imported.TryClaimAsync(db, import, ct)) throw Taken(import.Name);
    }

    static ApiException Taken(string name) =>
        new(409, $"A model named '{name}' already exists or is being imported; choose another name.", "name", "model_exists");
}
