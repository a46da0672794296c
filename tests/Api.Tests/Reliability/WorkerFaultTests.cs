using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using TuningService.Api.Tests.FineTuningJobs;
using TuningService.Api.Tests.Infrastructure;
using TuningService.Api.Tests.Support;
using Xunit.Abstractions;

namespace TuningService.Api.Tests.Reliability;

/// <summary>
/// Faults of the worker processes, injected on real processes with real signals against a real PostgreSQL: a worker
/// killed as each attempt starts, a graceful shutdown mid-epoch, a worker that loses its lease while it still runs,
/// a damaged newest checkpoint, and a job whose dispatch was lost. Each job trains the built-in model on the sample
/// data; where a job was disturbed, its per-step losses are compared with an undisturbed run of the same seed.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class WorkerFaultTests(PostgresServer postgres, ITestOutputHelper output)
{
    static readonly TimeSpan Deadline = FineTuneScenario.Deadline;

    static object Job(string file, int epochs, int batchSize, int seed, int checkpointEvery = 0) => new
    {
        model = "babyllama-tinystories", training_file = file, seed,
        method = new
        {
            type = "supervised",
            supervised = new { hyperparameters = checkpointEvery > 0
                ? (object)new { n_epochs = epochs, batch_size = batchSize, checkpoint_every_steps = checkpointEvery }
                : new { n_epochs = epochs, batch_size = batchSize } },
        },
    };

    void Report(Stopwatch total, string figures) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[figures] {figures}; wall {total.Elapsed.TotalSeconds:F1} s"));

    [Fact]
    public async Task A_job_that_kills_its_worker_at_every_start_fails_as_worker_lost_and_the_job_behind_it_succeeds()
    {
        var total = Stopwatch.StartNew();
        using var scene = new FaultScene(postgres.CreateDatabase());
        var file = await scene.UploadAsync("sst2-sentiment-validation.jsonl");
        var twoAttempts = new Dictionary<string, string> { ["Tuning__MaxJobAttempts"] = "2" };
        var poison = await scene.CreateJobAsync(Job(file, epochs: 4, batchSize: 8, seed: 3));

        string? behind = null;
        var kills = new List<string>();
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            var worker = scene.StartWorker($"worker-{attempt}", twoAttempts);
            var started = Stopwatch.StartNew();
            // Killed as soon as this worker has claimed the attempt and marked the job running.
            var claimed = await scene.Rows.WaitUntilAsync(poison, r => r.Attempts == attempt && r.Status == "running"
                && r.LeaseOwner?.Contains(FaultScene.OwnerMark(worker), StringComparison.Ordinal) == true, Deadline, $"claim {attempt}");
            worker.Kill();
            kills.Add(string.Create(CultureInfo.InvariantCulture, $"attempt {attempt} claimed {started.Elapsed.TotalSeconds:F1} s after its worker started, at step {claimed.Step}"));
            // A second job, queued behind the one that kills its workers.
            behind ??= await scene.CreateJobAsync(Job(file, epochs: 1, batchSize: 8, seed: 4));
        }

        using var last = scene.StartWorker("worker-3", twoAttempts);
        var recovery = Stopwatch.StartNew();
        var failed = await scene.Api.WaitForJobAsync(poison, Deadline);
        var toFailure = recovery.Elapsed;
        Assert.True(failed["status"]!.GetValue<string>() == "failed", $"{failed}\n{last.Output}");
        Assert.Equal("worker_lost", failed["error"]!["code"]!.GetValue<string>());
        var message = failed["error"]!["message"]!.GetValue<string>();
        Assert.Contains("2 times in a row", message, StringComparison.Ordinal);
        Assert.Contains("Tuning:MaxJobAttempts is 2", message, StringComparison.Ordinal);
        var row = await scene.Rows.ReadAsync(poison);
        Assert.Equal(3, row.Attempts); // two claims that died, the third gave up
        Assert.Null(row.LeaseOwner);
        Assert.Contains(await scene.EventMessagesAsync(poison), m => m.StartsWith("The job failed: The job's worker stopped without finishing it 2 times", StringComparison.Ordinal));

        var next = await scene.Api.WaitForJobAsync(behind!, Deadline);
        Assert.True(next["status"]!.GetValue<string>() == "succeeded", $"{next}\n{last.Output}");
        Assert.Equal(1, (await scene.Rows.ReadAsync(behind!)).Attempts);
        Report(total, $"{string.Join("; ", kills)}; the third worker failed the job {toFailure.TotalSeconds:F1} s after it started; the job behind it succeeded");
    }

    [Fact]
    public async Task SIGTERM_mid_epoch_saves_a_checkpoint_at_the_current_step_and_the_next_worker_continues_from_the_step_after()
    {
        var total = Stopwatch.StartNew();
        using var scene = new FaultScene(postgres.CreateDatabase());
        var file = await scene.UploadAsync("sst2-sentiment-train.jsonl");
        // One epoch of 100 steps and no checkpoint_every_steps: the only checkpoint before the end is the shutdown's.
        object Spec() => Job(file, epochs: 1, batchSize: 2, seed: 5);
        var jobId = await scene.CreateJobAsync(Spec());

        var first = scene.StartWorker("worker-1");
        await JobMetrics.WaitForStepAsync(scene.Api, jobId, 20, Deadline);
        var stepAtSignal = (await scene.Rows.ReadAsync(jobId)).Step;
        var grace = TimeSpan.FromSeconds(20 + 10);
        var stopping = Stopwatch.StartNew();
        first.Terminate();
        Assert.True(await first.WaitForExitAsync(grace), $"the worker did not exit within {grace}:\n{first.Output}");
        var exitSeconds = stopping.Elapsed.TotalSeconds;
        Assert.True(first.ExitCode == 0, $"exit code {first.ExitCode}:\n{first.Output}");

        var row = await scene.Rows.ReadAsync(jobId);
        Assert.Equal("queued", row.Status);
        Assert.Null(row.LeaseOwner);
        Assert.Equal(0, row.Attempts); // a clean stop is not counted as a worker death
        var messages = await scene.EventMessagesAsync(jobId);
        var shutdown = messages.Select(m => ShutdownEvent().Match(m)).SingleOrDefault(m => m.Success);
        Assert.True(shutdown is not null, $"no shutdown event in:\n{string.Join("\n", messages)}");
        var k = int.Parse(shutdown.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(k + 1, int.Parse(shutdown.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.True(k >= stepAtSignal, $"checkpoint at {k}, but step {stepAtSignal} was already recorded");
        Assert.Equal(k, row.Step);
        Assert.Equal([k], await scene.Rows.CheckpointStepsAsync(jobId));
        Assert.True(File.Exists(Path.Combine(scene.Factory.DataDir, "jobs", jobId, $"step-{k}", "model.safetensors")));
        var beforeRestart = await scene.Rows.MetricsAsync(jobId);
        Assert.Equal(Enumerable.Range(1, k), beforeRestart.Select(m => m.Step)); // one row per step, none missing

        using var second = scene.StartWorker("worker-2");
        var restarted = Stopwatch.StartNew();
        var done = await scene.Api.WaitForJobAsync(jobId, Deadline);
        var toFinish = restarted.Elapsed.TotalSeconds;
        Assert.True(done["status"]!.GetValue<string>() == "succeeded", $"{done}\n{second.Output}");
        Assert.Contains(await scene.EventMessagesAsync(jobId), m => m.StartsWith("Resuming from checkpoint", StringComparison.Ordinal)
                                                                    && m.Contains($"at step {k} ", StringComparison.Ordinal));

        var after = await scene.Rows.MetricsAsync(jobId);
        Assert.Equal(Enumerable.Range(1, 100), after.Select(m => m.Step));
        // Steps 1..k are the first worker's rows, untouched; k+1.. were written by the second worker.
        Assert.Equal(beforeRestart, after.Take(k));
        var firstWorkerTransactions = beforeRestart.Select(m => m.WrittenBy).ToHashSet();
        Assert.All(after.Skip(k), m => Assert.DoesNotContain(m.WrittenBy, firstWorkerTransactions));
        Assert.Equal(k + 1, after.Where(m => !firstWorkerTransactions.Contains(m.WrittenBy)).Min(m => m.Step));

        var reference = await scene.CreateJobAsync(Spec());
        Assert.Equal("succeeded", (await scene.Api.WaitForJobAsync(reference, Deadline))["status"]!.GetValue<string>());
        Assert.Equal(await JobMetrics.TrainLossesAsync(scene.Api, reference), await JobMetrics.TrainLossesAsync(scene.Api, jobId));
        Report(total, string.Create(CultureInfo.InvariantCulture,
            $"SIGTERM with step {stepAtSignal} recorded; checkpoint at step {k}; 0 steps lost; worker exited 0 after {exitSeconds:F1} s; second worker finished {100 - k} steps in {toFinish:F1} s"));
    }

    [Fact]
    public async Task A_worker_that_lost_its_lease_while_frozen_writes_nothing_after_another_worker_took_the_job_over()
    {
        var total = Stopwatch.StartNew();
        using var scene = new FaultScene(postgres.CreateDatabase());
        await WriteAudit.InstallAsync(scene.Rows);
        var file = await scene.UploadAsync("sst2-sentiment-validation.jsonl");
        object Spec() => Job(file, epochs: 8, batchSize: 8, seed: 21, checkpointEvery: 4);
        var jobId = await scene.CreateJobAsync(Spec());

        var a = scene.StartWorker("worker-a");
        var claimA = await scene.Rows.WaitUntilAsync(jobId, r => r.LeaseOwner?.Contains(FaultScene.OwnerMark(a), StringComparison.Ordinal) == true,
            Deadline, "worker A's claim");
        var b = scene.StartWorker("worker-b");
        await JobMetrics.WaitForStepAsync(scene.Api, jobId, 10, Deadline);
        // A freezes (a stall, a partition): its lease lapses and B takes the job over, from the checkpoint before.
        a.Suspend();
        var frozen = Stopwatch.StartNew();
        var stepAtFreeze = (await scene.Rows.ReadAsync(jobId)).Step;
        var claimB = await scene.Rows.WaitUntilAsync(jobId, r => r.LeaseGeneration == claimA.LeaseGeneration + 1
            && r.LeaseOwner?.Contains(FaultScene.OwnerMark(b), StringComparison.Ordinal) == true, TimeSpan.FromSeconds(60), "worker B's takeover");
        var takeover = frozen.Elapsed.TotalSeconds;
        // B trains for a while; then A wakes up in the middle of the step it was in, with a lease that is gone.
        await Task.Delay(TimeSpan.FromSeconds(3));
        a.Continue();
        Assert.True(await a.WaitForOutputAsync("this worker stopped and wrote nothing more", TimeSpan.FromSeconds(30)), a.Output);

        var done = await scene.Api.WaitForJobAsync(jobId, Deadline);
        Assert.True(done["status"]!.GetValue<string>() == "succeeded", $"{done}\nA:\n{a.Output}\nB:\n{b.Output}");
        var audit = await WriteAudit.ReadAsync(scene.Rows, jobId);
        var takeOver = audit.First(w => w is { Table: "fine_tuning_jobs", Program: "worker-b" } && w.LeaseGeneration == claimB.LeaseGeneration);
        var lateByA = audit.Where(w => w.Program == "worker-a" && w.Id > takeOver.Id).ToList();
        Assert.True(lateByA.Count == 0, $"worker A wrote after B's claim: {string.Join("\n", lateByA.Take(3))}\naudit of the job row:\n" +
            string.Join("\n", audit.Where(w => w.Table == "fine_tuning_jobs").Select(w => $"{w.Id} {w.Program} {w.LeaseGeneration} {w.LeaseOwner}")) +
            $"\nevents:\n{string.Join("\n", await scene.EventMessagesAsync(jobId))}\nA:\n{a.Output}\nB:\n{b.Output}");
        // Exactly one claim after A's: B's. Every training write after it is B's.
        var claims = audit.Where(w => w.Table == "fine_tuning_jobs").DistinctBy(w => w.LeaseGeneration)
            .Select(w => $"generation {w.LeaseGeneration} by {w.Program} ({w.LeaseOwner})").ToList();
        output.WriteLine("claims: " + string.Join("; ", claims));
        Assert.True(claimB.LeaseGeneration == (await scene.Rows.ReadAsync(jobId)).LeaseGeneration,
            $"{string.Join("\n", claims)}\nevents:\n{string.Join("\n", await scene.EventMessagesAsync(jobId))}\nA:\n{a.Output}\nB:\n{b.Output}");
        Assert.All(audit.Where(w => w.Id > takeOver.Id && w.Table is "job_metrics" or "job_checkpoints"), w => Assert.Equal("worker-b", w.Program));
        var metrics = await scene.Rows.MetricsAsync(jobId);
        Assert.Equal(Enumerable.Range(1, 56), metrics.Select(m => m.Step));
        var resumeEvent = (await scene.EventMessagesAsync(jobId)).Single(m => m.StartsWith("The previous attempt was interrupted", StringComparison.Ordinal));

        var reference = await scene.CreateJobAsync(Spec());
        Assert.Equal("succeeded", (await scene.Api.WaitForJobAsync(reference, Deadline))["status"]!.GetValue<string>());
        Assert.Equal(await JobMetrics.TrainLossesAsync(scene.Api, reference), await JobMetrics.TrainLossesAsync(scene.Api, jobId));
        var resumeStep = int.Parse(ResumeStep().Match(resumeEvent).Groups[1].Value, CultureInfo.InvariantCulture);
        Report(total, string.Create(CultureInfo.InvariantCulture,
            $"A frozen at step {stepAtFreeze}; B took over {takeover:F1} s later and continued from step {resumeStep} ({stepAtFreeze - resumeStep} steps redone); A stopped on waking, no write of A after B's claim ({audit.Count(w => w.Program == "worker-a")} writes of A before it)"));
    }

    [Fact]
    public async Task Cancelling_a_job_whose_lease_lapsed_while_its_worker_still_trains_keeps_it_cancelled()
    {
        var total = Stopwatch.StartNew();
        using var scene = new FaultScene(postgres.CreateDatabase());
        await WriteAudit.InstallAsync(scene.Rows);
        var file = await scene.UploadAsync("sst2-sentiment-validation.jsonl");
        var jobId = await scene.CreateJobAsync(Job(file, epochs: 8, batchSize: 8, seed: 22, checkpointEvery: 4));

        var a = scene.StartWorker("worker-a");
        await JobMetrics.WaitForStepAsync(scene.Api, jobId, 10, Deadline);
        a.Suspend();
        var frozen = Stopwatch.StartNew();
        // The lease lapses by the database's clock; no other worker is running, so nobody takes the job.
        var lapsed = await scene.Rows.WaitUntilAsync(jobId, r => r.LeaseExpiresAt is { } until && until < scene.Rows.NowAsync().GetAwaiter().GetResult(),
            TimeSpan.FromSeconds(30), "the lease lapsing");
        var lapseSeconds = frozen.Elapsed.TotalSeconds;
        using var cancel = await scene.Api.Http.PostAsync($"/v1/fine_tuning/jobs/{jobId}/cancel", null);
        var cancelled = await ApiClient.JsonAsync(cancel);
        Assert.True(cancel.IsSuccessStatusCode, cancelled.ToJsonString());
        Assert.Equal("cancelled", cancelled["status"]!.GetValue<string>()); // direct: no live lease
        var atCancel = await WriteAudit.ReadAsync(scene.Rows, jobId);
        var metricsAtCancel = await scene.Rows.MetricsAsync(jobId);
        var checkpointFolders = Directory.GetDirectories(Path.Combine(scene.Factory.DataDir, "jobs", jobId)).Order().ToList();

        // The old worker wakes up mid-training, with writes queued and a step in flight.
        a.Continue();
        var statuses = new List<string>();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(15))
        {
            statuses.Add((await scene.Rows.ReadAsync(jobId)).Status);
            await Task.Delay(200);
        }
        Assert.All(statuses, s => Assert.Equal("cancelled", s));
        var job = await scene.Api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}");
        Assert.Equal("cancelled", job["status"]!.GetValue<string>());
        Assert.Null(job["fine_tuned_model"]?.GetValue<string>());
        Assert.Contains("this worker stopped and wrote nothing more", a.Output, StringComparison.Ordinal);
        Assert.False(a.HasExited, "the worker should go on serving other jobs");
        var lateWrites = (await WriteAudit.ReadAsync(scene.Rows, jobId)).Skip(atCancel.Count).ToList();
        Assert.True(lateWrites.All(w => w.Program != "worker-a"), $"the old worker wrote after the cancel: {string.Join("; ", lateWrites)}");
        Assert.Equal(metricsAtCancel, await scene.Rows.MetricsAsync(jobId));
        // Files: the old worker asks the database whether it still holds the job before it moves a finished checkpoint
        // folder into place (JobDatabase.StillHolds), so the folder it was writing when it froze is dropped. Only a
        // freeze between that check and the rename could still let one appear; such a folder gets no row, so no
        // resume or download ever uses it. Nothing else appears or disappears.
        var before = checkpointFolders.Select(f => Path.GetFileName(f)!).ToList();
        var inFlight = before.Select(f => InFlightCheckpoint().Match(f)).Where(m => m.Success).Select(m => $"step-{m.Groups[1].Value}").ToList();
        var after = Directory.GetDirectories(Path.Combine(scene.Factory.DataDir, "jobs", jobId)).Select(f => Path.GetFileName(f)!).ToList();
        var appeared = after.Except(before).ToList();
        Assert.True(before.Where(f => !f.StartsWith(".partial-", StringComparison.Ordinal)).All(after.Contains) && appeared.All(inFlight.Contains),
            $"at the cancel: {string.Join(", ", before)}; after: {string.Join(", ", after)}\n{a.Output}");
        var rowSteps = await scene.Rows.CheckpointStepsAsync(jobId);
        Assert.All(appeared, f => Assert.DoesNotContain(int.Parse(f["step-".Length..], CultureInfo.InvariantCulture), rowSteps));
        Report(total, string.Create(CultureInfo.InvariantCulture,
            $"lease lapsed {lapseSeconds:F1} s after the freeze (at step {lapsed.Step}); cancelled directly; {statuses.Count} polls over 15 s after waking all 'cancelled'; no write of the old worker after it; folders finished by it after the cancel: [{string.Join(", ", appeared)}] (no row)"));
    }

    [Theory]
    [InlineData("model.safetensors")]
    [InlineData("training_state/trainer_state.json")]
    public async Task A_damaged_newest_checkpoint_is_skipped_and_the_job_resumes_from_the_one_before(string damagedFile)
    {
        var total = Stopwatch.StartNew();
        using var scene = new FaultScene(postgres.CreateDatabase());
        var file = await scene.UploadAsync("sst2-sentiment-validation.jsonl");
        object Spec() => Job(file, epochs: 4, batchSize: 8, seed: 9, checkpointEvery: 4);
        var jobId = await scene.CreateJobAsync(Spec());

        using (var first = scene.StartWorker("worker-1"))
        {
            await JobMetrics.WaitForStepAsync(scene.Api, jobId, 10, Deadline);
            await scene.Rows.WaitUntilAsync(jobId, _ => scene.Rows.CheckpointStepsAsync(jobId).GetAwaiter().GetResult().Count >= 2,
                Deadline, "two checkpoints");
            first.Kill();
        }
        var stepAtKill = (await scene.Rows.ReadAsync(jobId)).Step;
        var steps = await scene.Rows.CheckpointStepsAsync(jobId);
        var (newest, before) = (steps[0], steps[1]);
        var path = Path.Combine(scene.Factory.DataDir, "jobs", jobId, $"step-{newest}", damagedFile);
        var length = new FileInfo(path).Length;
        await using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write)) stream.SetLength(length / 2);

        using var second = scene.StartWorker("worker-2");
        var restarted = Stopwatch.StartNew();
        var done = await scene.Api.WaitForJobAsync(jobId, Deadline);
        var toFinish = restarted.Elapsed.TotalSeconds;
        Assert.True(done["status"]!.GetValue<string>() == "succeeded", $"{done}\n{second.Output}");
        var messages = await scene.EventMessagesAsync(jobId);
        var damaged = messages.SingleOrDefault(m => m.StartsWith($"The checkpoint at step {newest} is damaged (", StringComparison.Ordinal));
        Assert.True(damaged is not null, string.Join("\n", messages));
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"{damagedFile} is {length / 2:N0} bytes, the manifest says {length:N0}"), damaged,
            StringComparison.Ordinal);
        Assert.Contains($"Continuing from the checkpoint at step {before}, the newest intact one.", messages);
        Assert.Contains(messages, m => m.StartsWith("Resuming from checkpoint", StringComparison.Ordinal) && m.Contains($"at step {before} ", StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(1, 28), (await scene.Rows.MetricsAsync(jobId)).Select(m => m.Step));

        var reference = await scene.CreateJobAsync(Spec());
        Assert.Equal("succeeded", (await scene.Api.WaitForJobAsync(reference, Deadline))["status"]!.GetValue<string>());
        Assert.Equal(await JobMetrics.TrainLossesAsync(scene.Api, reference), await JobMetrics.TrainLossesAsync(scene.Api, jobId));
        Report(total, string.Create(CultureInfo.InvariantCulture,
            $"killed at step {stepAtKill}; checkpoints {string.Join(",", steps)}; step-{newest}/{damagedFile} cut to {length / 2} of {length} bytes; resumed from step {before} ({stepAtKill - before} steps redone); finished {toFinish:F1} s after the restart"));
    }

    [Fact]
    public async Task A_job_whose_dispatch_was_lost_is_dispatched_again_by_the_reconciler()
    {
        var total = Stopwatch.StartNew();
        using var scene = new FaultScene(postgres.CreateDatabase());
        var file = await scene.UploadAsync("sst2-sentiment-validation.jsonl");
        var jobId = await scene.CreateJobAsync(Job(file, epochs: 1, batchSize: 8, seed: 31));
        // The API crashed between the job's row and its dispatch: nothing in Hangfire will ever run it.
        var dispatchId = await scene.Rows.ForgetDispatchAsync(jobId);
        Assert.Equal(0, await scene.Rows.HangfireJobCountAsync(dispatchId));
        Assert.Null((await scene.Rows.ReadAsync(jobId)).DispatchId);

        using var worker = scene.StartWorker("worker-1");
        var started = Stopwatch.StartNew();
        var redispatched = await scene.Rows.WaitUntilAsync(jobId, r => r.DispatchId is not null, TimeSpan.FromSeconds(60), "a new dispatch");
        var toDispatch = started.Elapsed.TotalSeconds;
        Assert.NotEqual(dispatchId, redispatched.DispatchId);
        var done = await scene.Api.WaitForJobAsync(jobId, Deadline);
        Assert.True(done["status"]!.GetValue<string>() == "succeeded", $"{done}\n{worker.Output}");
        Assert.Contains("The job was dispatched again: it was never handed to a worker.", await scene.EventMessagesAsync(jobId));
        Report(total, string.Create(CultureInfo.InvariantCulture,
            $"dispatched again {toDispatch:F1} s after the worker started; succeeded {started.Elapsed.TotalSeconds:F1} s after it started"));
    }

    [GeneratedRegex(@"^The worker shut down: a checkpoint was saved at step (\d+); the next worker continues from step (\d+)\.$")]
    private static partial Regex ShutdownEvent();

    [GeneratedRegex(@"^\.partial-step-(\d+)-")]
    private static partial Regex InFlightCheckpoint();

    [GeneratedRegex(@"continuing from step (\d+)")]
    private static partial Regex ResumeStep();
}
