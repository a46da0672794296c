using System.Security.Cryptography;
using System.Text.Json;
using TuningService.Core.Configuration;
using TuningService.Core.FineTuning.Checkpoints;

namespace TuningService.Core.Tests.FineTuning.Checkpoints;

public class CheckpointStoreTests : IDisposable
{
    const string JobId = "ftjob-test";
    const int WeightBytes = 4096;
    const string TrainerState = "training_state/trainer_state.json";

    readonly string dataDir = Directory.CreateTempSubdirectory("ckptstore-").FullName;
    readonly CheckpointStore store;

    public CheckpointStoreTests() => store = new CheckpointStore(new DataPaths(dataDir));

    public void Dispose() => Directory.Delete(dataDir, true);

    string JobFolder => Path.Combine(dataDir, "jobs", JobId);

    /// <summary>Fills a staging folder the way the recorder does: model files, the adapter, then the training state.</summary>
    string Stage(int step, string jobId = JobId, bool withTrainingState = true)
    {
        var staging = store.BeginWrite(jobId, step);
        File.WriteAllBytes(Path.Combine(staging, "model.safetensors"), Enumerable.Range(0, WeightBytes).Select(i => (byte)(i * step)).ToArray());
        File.WriteAllText(Path.Combine(staging, "config.json"), $$"""{"step": {{step}}}""");
        Directory.CreateDirectory(Path.Combine(staging, "adapter"));
        File.WriteAllBytes(Path.Combine(staging, "adapter", "adapter_model.safetensors"), [1, 2, 3, (byte)step]);
        if (withTrainingState)
        {
            Directory.CreateDirectory(Path.Combine(staging, "training_state"));
            File.WriteAllBytes(Path.Combine(staging, "training_state", "optimizer.pt"), new byte[40_960]);
            File.WriteAllText(Path.Combine(staging, "training_state", "trainer_state.json"), $$"""{"global_step": {{step}}, "epoch": 1}""");
        }
        return staging;
    }

    StoredCheckpoint Save(int step, bool withTrainingState = true)
    {
        store.Commit(JobId, step, Stage(step, withTrainingState: withTrainingState));
        return store.List(JobId).Single(c => c.Step == step);
    }

    static string FileOf(StoredCheckpoint checkpoint, string manifestPath) => Path.Combine(checkpoint.FullPath, manifestPath.Replace('/', Path.DirectorySeparatorChar));

    static void Truncate(string file, long length)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Write);
        stream.SetLength(length);
    }

    [Fact]
    public void A_committed_checkpoint_is_listed_newest_first_and_verifies()
    {
        var staging = Stage(2);
        var relative = store.Commit(JobId, 2, staging);
        store.Commit(JobId, 4, Stage(4));

        Assert.Equal(DataPaths.CheckpointRelativePath(JobId, 2), relative);
        Assert.False(Directory.Exists(staging));
        var listed = store.List(JobId);
        Assert.Equal([4, 2], listed.Select(c => c.Step));
        var second = listed[1];
        Assert.Equal((JobId, relative, Path.Combine(dataDir, relative)), (second.JobId, second.RelativePath, second.FullPath));
        Assert.True(File.Exists(Path.Combine(second.FullPath, CheckpointStore.ManifestFileName)));
        Assert.All(listed, c => Assert.Equal(CheckpointVerification.Intact, store.Verify(c)));
        Assert.Equal(["step-2", "step-4"], Directory.GetDirectories(JobFolder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void The_manifest_lists_every_nested_file_with_slashes_its_size_and_sha256_in_snake_case_json()
    {
        var checkpoint = Save(3);

        var manifest = checkpoint.Manifest!;
        Assert.Equal((CheckpointManifest.CurrentFormat, 3), (manifest.Format, manifest.Step));
        Assert.Equal(
            ["adapter/adapter_model.safetensors", "config.json", "model.safetensors", "training_state/optimizer.pt", TrainerState],
            manifest.Files.Select(f => f.Path));
        Assert.All(manifest.Files, f =>
        {
            var bytes = File.ReadAllBytes(FileOf(checkpoint, f.Path));
            Assert.Equal((bytes.LongLength, Convert.ToHexStringLower(SHA256.HashData(bytes))), (f.Bytes, f.Sha256));
        });
        Assert.True(checkpoint.Contains(TrainerState));
        Assert.InRange(manifest.Created, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(checkpoint.FullPath, CheckpointStore.ManifestFileName)));
        Assert.Equal(["format", "step", "created", "files"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["path", "bytes", "sha256"], json.RootElement.GetProperty("files")[0].EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void A_truncated_weight_file_in_the_newest_checkpoint_falls_back_to_the_older_one()
    {
        Save(4);
        var newest = Save(8);
        Truncate(FileOf(newest, "model.safetensors"), 1024);

        var found = store.FindNewestVerified(JobId);

        Assert.Equal(4, found.Checkpoint?.Step);
        var rejected = Assert.Single(found.Rejected);
        Assert.Equal((8, true), (rejected.Checkpoint.Step, rejected.IsDamaged));
        Assert.Equal("model.safetensors is 1,024 bytes, the manifest says 4,096", rejected.Reason);
    }

    [Fact]
    public void A_truncated_trainer_state_in_the_newest_checkpoint_falls_back_to_the_older_one()
    {
        Save(4);
        var newest = Save(8);
        Truncate(FileOf(newest, TrainerState), 5);

        var found = store.FindNewestVerified(JobId, c => c.Contains(TrainerState));

        Assert.Equal(4, found.Checkpoint?.Step);
        var (checkpoint, reason) = Assert.Single(found.Rejected);
        Assert.Equal(8, checkpoint.Step);
        Assert.StartsWith($"{TrainerState} is 5 bytes, the manifest says ", reason);
    }

    [Fact]
    public void A_file_rewritten_at_the_same_size_fails_on_its_hash()
    {
        var checkpoint = Save(5);
        var optimizer = FileOf(checkpoint, "training_state/optimizer.pt");
        var bytes = File.ReadAllBytes(optimizer);
        bytes[20_000] ^= 0xFF;
        File.WriteAllBytes(optimizer, bytes);

        var verification = store.Verify(checkpoint);

        Assert.False(verification.IsIntact);
        Assert.StartsWith("training_state/optimizer.pt has changed since it was saved (its sha256 is ", verification.Problem);
    }

    [Fact]
    public void A_missing_file_or_manifest_is_named()
    {
        var checkpoint = Save(5);
        File.Delete(FileOf(checkpoint, "adapter/adapter_model.safetensors"));
        Assert.Equal(CheckpointVerification.Damaged("adapter/adapter_model.safetensors is missing"), store.Verify(checkpoint));

        File.Delete(Path.Combine(checkpoint.FullPath, CheckpointStore.ManifestFileName));
        Assert.Equal(CheckpointVerification.Damaged($"its manifest ({CheckpointStore.ManifestFileName}) is missing"), store.Verify(checkpoint));
    }

    [Fact]
    public void A_manifest_that_does_not_parse_is_listed_and_rejected_as_damaged()
    {
        Save(4);
        var newest = Save(8);
        File.WriteAllText(Path.Combine(newest.FullPath, CheckpointStore.ManifestFileName), """{"format": 1, "step": 8, "crea""");

        var listed = store.List(JobId);
        var found = store.FindNewestVerified(JobId, c => c.Contains(TrainerState));

        Assert.Null(listed[0].Manifest);
        Assert.Equal(4, found.Checkpoint?.Step);
        var rejected = Assert.Single(found.Rejected);
        Assert.True(rejected.IsDamaged);
        Assert.StartsWith($"its manifest ({CheckpointStore.ManifestFileName}) does not parse: ", rejected.Reason);
    }

    [Fact]
    public void An_intact_checkpoint_that_is_not_usable_is_passed_over_with_the_callers_reason()
    {
        Save(4);
        Save(8, withTrainingState: false);

        var found = store.FindNewestVerified(JobId, c => c.Contains(TrainerState) ? null : "it has no training state");

        Assert.Equal(4, found.Checkpoint?.Step);
        Assert.Equal([(8, "it has no training state", false)], found.Rejected.Select(r => (r.Checkpoint.Step, r.Reason, r.IsDamaged)));
    }

    [Fact]
    public void Nothing_verified_gives_no_checkpoint()
    {
        var only = Save(2);
        Truncate(FileOf(only, "config.json"), 0);

        var found = store.FindNewestVerified(JobId);

        Assert.Null(found.Checkpoint);
        Assert.Equal([2], found.Rejected.Select(r => r.Checkpoint.Step));
        Assert.Null(store.FindNewestVerified("ftjob-none").Checkpoint);
    }

    [Fact]
    public void A_manifest_of_another_step_is_damage()
    {
        var checkpoint = Save(2);
        var moved = Path.Combine(JobFolder, "step-6");
        Directory.Move(checkpoint.FullPath, moved); // renamed by hand

        var listed = Assert.Single(store.List(JobId));

        Assert.Equal(CheckpointVerification.Damaged("its manifest is for step 2, but the folder is step-6"), store.Verify(listed));
    }

    [Fact]
    public void A_staging_folder_left_by_a_crash_is_not_listed_and_the_job_sweep_removes_it()
    {
        Save(2);
        var crashed = Stage(4); // never committed
        Directory.CreateDirectory(Path.Combine(JobFolder, ".step-4.saving-0123abcd"));          // AtomicFolder's staging
        Directory.CreateDirectory(Path.Combine(JobFolder, ".step-2.saving-0123abcd.replaced")); // and its replaced folder

        Assert.Equal([2], store.List(JobId).Select(c => c.Step));
        Assert.Equal(3, store.SweepJob(JobId));

        Assert.False(Directory.Exists(crashed));
        Assert.Equal(["step-2"], Directory.GetDirectories(JobFolder).Select(Path.GetFileName));
        Assert.Equal(0, store.SweepJob(JobId));
        Assert.Equal(0, store.SweepJob("ftjob-none"));
    }

    [Fact]
    public void The_start_up_sweep_removes_only_leftovers_older_than_asked_in_every_job()
    {
        var old = Stage(4);
        var otherJobOld = Stage(6, jobId: "ftjob-other");
        var young = Stage(8);
        var oldFolderYoungFile = Stage(10); // a large file still being written deep inside a folder created long ago
        foreach (var folder in new[] { old, otherJobOld, oldFolderYoungFile }) MakeOld(folder, TimeSpan.FromHours(2));
        File.SetLastWriteTimeUtc(Path.Combine(oldFolderYoungFile, "model.safetensors"), DateTime.UtcNow);

        Assert.Equal(2, store.SweepStale(TimeSpan.FromHours(1)));

        Assert.Equal((false, false, true, true), (Directory.Exists(old), Directory.Exists(otherJobOld), Directory.Exists(young), Directory.Exists(oldFolderYoungFile)));
        Assert.Equal(2, store.SweepStale(TimeSpan.Zero));
    }

    static void MakeOld(string folder, TimeSpan age)
    {
        var then = DateTime.UtcNow - age;
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos("*", SearchOption.AllDirectories)) entry.LastWriteTimeUtc = then;
        Directory.SetLastWriteTimeUtc(folder, then);
    }

    [Fact]
    public void A_commit_over_an_existing_step_replaces_it()
    {
        Save(4);
        var staging = store.BeginWrite(JobId, 4);
        File.WriteAllText(Path.Combine(staging, "config.json"), "replacement");

        store.Commit(JobId, 4, staging);

        var checkpoint = Assert.Single(store.List(JobId));
        Assert.Equal(["config.json"], checkpoint.Manifest!.Files.Select(f => f.Path));
        Assert.Equal([CheckpointStore.ManifestFileName, "config.json"], Directory.GetFiles(checkpoint.FullPath, "*", SearchOption.AllDirectories).Select(Path.GetFileName).Order());
        Assert.Equal("replacement", File.ReadAllText(Path.Combine(checkpoint.FullPath, "config.json")));
        Assert.True(store.Verify(checkpoint).IsIntact);
        Assert.Equal(["step-4"], Directory.GetDirectories(JobFolder).Select(Path.GetFileName)); // the old one is gone, not set aside
    }

    [Fact]
    public void A_failed_commit_deletes_its_staging_folder_and_keeps_the_checkpoint_it_would_have_replaced()
    {
        Save(4);
        var staging = Stage(4);
        File.CreateSymbolicLink(Path.Combine(staging, "dangling.bin"), Path.Combine(dataDir, "nowhere.bin"));

        Assert.ThrowsAny<IOException>(() => store.Commit(JobId, 4, staging));

        Assert.False(Directory.Exists(staging));
        Assert.True(store.Verify(Assert.Single(store.List(JobId))).IsIntact);
    }

    [Fact]
    public void A_folder_not_staged_by_the_store_is_refused_and_left_alone()
    {
        var mine = Directory.CreateDirectory(Path.Combine(dataDir, "my-model")).FullName;
        var otherStep = store.BeginWrite(JobId, 3);

        Assert.Throws<ArgumentException>(() => store.Commit(JobId, 4, mine));
        Assert.Throws<ArgumentException>(() => store.Commit(JobId, 4, otherStep));
        Assert.Throws<ArgumentException>(() => store.BeginWrite("../escape", 4));

        Assert.True(Directory.Exists(mine));
        Assert.True(Directory.Exists(otherStep));
    }

    [Fact]
    public void Prune_keeps_the_newest_and_the_steps_asked_for()
    {
        foreach (var step in new[] { 1, 2, 3, 4, 5 }) Save(step);

        var deleted = store.Prune(JobId, keep: 2, alsoKeep: new HashSet<int> { 1 });

        Assert.Equal([3, 2], deleted);
        Assert.Equal([5, 4, 1], store.List(JobId).Select(c => c.Step));
        Assert.Equal(["step-1", "step-4", "step-5"], Directory.GetDirectories(JobFolder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Delete_removes_one_checkpoint_and_ignores_an_absent_one()
    {
        Save(1);
        Save(2);

        store.Delete(JobId, 1);
        store.Delete(JobId, 1);
        store.Delete("ftjob-none", 7);

        Assert.Equal([2], store.List(JobId).Select(c => c.Step));
        Assert.Equal(["step-2"], Directory.GetDirectories(JobFolder).Select(Path.GetFileName));
    }

    [Fact]
    public void A_step_folder_without_a_manifest_or_with_another_name_is_not_listed()
    {
        Save(2);
        var legacy = Directory.CreateDirectory(Path.Combine(JobFolder, "step-6")).FullName;
        File.WriteAllText(Path.Combine(legacy, "config.json"), "{}");
        var oddlyNamed = Directory.CreateDirectory(Path.Combine(JobFolder, "step-07")).FullName;
        File.Copy(Path.Combine(JobFolder, "step-2", CheckpointStore.ManifestFileName), Path.Combine(oddlyNamed, CheckpointStore.ManifestFileName));

        Assert.Equal([2], store.List(JobId).Select(c => c.Step));
        Assert.Empty(store.Prune(JobId, keep: 0, alsoKeep: new HashSet<int> { 2 }));
        Assert.True(Directory.Exists(legacy));
        Assert.Empty(store.List("ftjob-none"));
    }
}
