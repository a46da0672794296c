using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using TuningService.Core.Configuration;
using TuningService.Core.FineTuning.Checkpoints;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Storage;

namespace TuningService.Bench.StorageBench;

/// <summary>
/// A checkpoint as a job writes and a resuming worker reads it, through the service's own code: written = the weights
/// saved as safetensors into a staging folder, committed by <see cref="CheckpointStore"/> (fsync, sha256 manifest,
/// rename) and, with a bucket, pushed to it (<see cref="ArtifactMirror.PushFolderAsync"/>); read = with local disk,
/// verified in place (every file's sha256 against the manifest, what a resume does), with a bucket, fetched into an
/// empty data directory (each object checked against its sha256) and then verified the same way.
/// </summary>
public static class CheckpointRun
{
    public static async Task<(double WriteSeconds, double ReadSeconds, long Bytes)> RunAsync(string store, long weightBytes, S3rverProcess? s3)
    {
        var writer = new DataPaths(Directory.CreateTempSubdirectory("storage-bench-ckpt-").FullName);
        var reader = new DataPaths(Directory.CreateTempSubdirectory("storage-bench-ckpt-").FullName);
        using var bucket = s3 is null ? null : new S3ArtifactStore(new S3StorageOptions
        {
            ServiceUrl = s3.ServiceUrl, Bucket = S3rverProcess.Bucket, Prefix = $"bench-{Guid.NewGuid():N}/", ForcePathStyle = true,
            AccessKey = S3rverProcess.Key, SecretKey = S3rverProcess.Key,
        }, writer.Temp);
        try
        {
            IArtifactStore writerStore = store == "s3" ? bucket! : new LocalArtifactStore(writer.Root);
            var writingMirror = new ArtifactMirror(writerStore, writer, NullLogger<ArtifactMirror>.Instance);
            var checkpoints = new CheckpointStore(writer);
            using var weights = torch.rand(weightBytes / 4 / 1024, 1024); // float32, random
            var clock = Stopwatch.StartNew();
            var staging = checkpoints.BeginWrite("ftjob-bench", 1);
            SafetensorsWriter.Write(Path.Combine(staging, "model.safetensors"), new Dictionary<string, torch.Tensor> { ["weight"] = weights });
            await File.WriteAllTextAsync(Path.Combine(staging, "config.json"), "{\"model_type\": \"bench\"}");
            var relative = checkpoints.Commit("ftjob-bench", 1, staging);
            await writingMirror.PushFolderAsync(relative);
            double write = clock.Elapsed.TotalSeconds;
            long bytes = Directory.EnumerateFiles(writer.Resolve(relative)).Sum(f => new FileInfo(f).Length);

            clock.Restart();
            var readPaths = store == "s3" ? reader : writer;
            if (store == "s3") await new ArtifactMirror(bucket!, reader, NullLogger<ArtifactMirror>.Instance).EnsureLocalFolderAsync(relative);
            var found = new CheckpointStore(readPaths).List("ftjob-bench").Single();
            var verification = new CheckpointStore(readPaths).Verify(found);
            double read = clock.Elapsed.TotalSeconds;
            if (!verification.IsIntact) throw new InvalidOperationException($"The checkpoint read back is damaged: {verification.Problem}");
            return (write, read, bytes);
        }
        finally
        {
            Directory.Delete(writer.Root, recursive: true);
            Directory.Delete(reader.Root, recursive: true);
        }
    }
}
