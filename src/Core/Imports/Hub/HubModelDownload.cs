using TuningService.Core.Models.HuggingFace;

namespace TuningService.Core.Imports.Hub;

/// <summary>
/// Fetches the files of one repo revision that make a model folder: config.json, the safetensors weights (one file,
/// or the index and every shard it names), then whichever tokenizer and generation files exist. Uses the Hub's
/// listing when it gives one; else it asks for each of those names and takes what is not a 404. pytorch_model.bin is
/// only ever looked for, to explain a refusal: it cannot be loaded, so it is not downloaded.
/// </summary>
public sealed class HubModelDownload(HubClient hub, string repo, string revision, string folder, ImportProgress progress)
{
    IReadOnlyList<HubFile>? listed;

    public async Task RunAsync(CancellationToken ct)
    {
        listed = await hub.ListFilesAsync(repo, revision, ct);
        if (!await FetchAsync(HubFileSelection.Config, ct))
            throw new ModelImportException($"{repo}@{revision} has no {HubFileSelection.Config}; is it a model repository, and does the revision exist?");
        await FetchWeightsAsync(ct);
        foreach (var name in HubFileSelection.OptionalFiles)
            await FetchAsync(name, ct);
        await progress.FlushAsync(ct);
    }

    async Task FetchWeightsAsync(CancellationToken ct)
    {
        if (await FetchAsync(HubFileSelection.Weights, ct)) return;
        if (!await FetchAsync(HubFileSelection.ShardIndex, ct))
        {
            var hasPickle = listed is null
                ? await hub.ExistsAsync(repo, revision, HubFileSelection.PickleWeights, ct)
                : listed.Any(f => f.Name == HubFileSelection.PickleWeights);
            throw new ModelImportException(HubFileSelection.NoWeightsMessage(repo, revision, hasPickle));
        }
        var index = Path.Combine(folder, HubFileSelection.ShardIndex);
        var shards = CheckpointReader.ShardNames(await File.ReadAllTextAsync(index, ct), HubFileSelection.ShardIndex);
        // Plan them all first, so the total is known before the long part of the download starts.
        foreach (var shard in shards)
        {
            if (!HubFileSelection.IsPlainFileName(shard))
                throw new ModelImportException($"{HubFileSelection.ShardIndex} names the shard '{shard}', which is not a plain file name.");
            progress.Plan(Describe(shard) ?? new HubFile(shard, null, null));
        }
        foreach (var shard in shards)
            if (!await FetchAsync(shard, ct))
                throw new ModelImportException($"{repo}@{revision}: the shard {shard} named in {HubFileSelection.ShardIndex} is missing.");
    }

    /// <summary>Downloads a file if the repo has it; false when it does not (not listed, or 404).</summary>
    async Task<bool> FetchAsync(string name, CancellationToken ct)
    {
        var file = listed is null ? new HubFile(name, null, null) : Describe(name);
        if (file is null) return false;
        progress.Plan(file);
        if (await HubFileDownload.RunAsync(hub, repo, revision, file, folder, progress.For(name), ct)) return true;
        progress.Drop(name);
        return false;
    }

    HubFile? Describe(string name) => listed?.FirstOrDefault(f => f.Name == name);
}
