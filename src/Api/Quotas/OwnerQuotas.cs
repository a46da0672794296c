using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TuningService.Api.Infrastructure;
using TuningService.Core.Configuration;
using TuningService.Core.FineTuning;
using TuningService.Core.Persistence;

namespace TuningService.Api.Quotas;

/// <summary>
/// What one owner may hold: active jobs, queued jobs and stored file bytes (Tuning:Quotas, raised or lowered by the
/// owner's keys). The check and the insert it allows run as one step per owner: under an advisory transaction lock
/// of the owner (PostgreSQL: every API process) and a semaphore (this process; embedded SQLite has only one), so two
/// creates at once cannot both pass a quota with room for one. A process that dies inside the step leaves nothing:
/// the transaction never committed and the lock went with its session.
/// </summary>
public sealed class OwnerQuotas(IOptionsMonitor<TuningOptions> options)
{
    // One gate for every owner: the step is a count and an insert, short enough not to need one per owner.
    readonly SemaphoreSlim gate = new(1, 1);

    public QuotaLimits LimitsOf(string owner)
    {
        var current = options.CurrentValue;
        var keys = current.ApiKeys.Where(k => k.Owner == owner).ToList();
        return new QuotaLimits(
            keys.Max(k => k.MaxActiveJobs) ?? current.Quotas.MaxActiveJobs,
            keys.Max(k => k.MaxQueuedJobs) ?? current.Quotas.MaxQueuedJobs,
            keys.Max(k => k.MaxStoredBytes) ?? current.Quotas.MaxStoredBytes);
    }

    /// <summary>
    /// Records a new queued job (<paramref name="add"/> adds its rows to the context) if the owner has room for one
    /// more active and queued job; 429 naming the quota otherwise. Jobs leave the counts as they finish.
    /// </summary>
    public Task AddJobAsync(TuningDbContext db, string owner, Action add, CancellationToken ct) =>
        UnderOwnerLockAsync(db, owner, async c =>
        {
            var limits = LimitsOf(owner);
            var unfinished = db.Jobs.Where(j => j.Owner == owner && j.Status != JobStatus.Succeeded && j.Status != JobStatus.Failed && j.Status != JobStatus.Cancelled);
            var queued = await unfinished.CountAsync(j => j.Status == JobStatus.Queued || j.Status == JobStatus.ValidatingFiles, c);
            if (queued >= limits.MaxQueuedJobs)
                throw JobQuotaExceeded("queued jobs", queued, limits.MaxQueuedJobs, "MaxQueuedJobs", "Wait for one to start, or cancel one");
            var active = await unfinished.CountAsync(c);
            if (active >= limits.MaxActiveJobs)
                throw JobQuotaExceeded("active jobs (queued, running or paused)", active, limits.MaxActiveJobs, "MaxActiveJobs",
                    "Wait for one to finish, or cancel one");
            add();
            await db.SaveChangesAsync(c);
        }, ct);

    /// <summary>
    /// 403 at once when the owner's files already fill the stored-bytes quota: an upload is refused before its bytes
    /// are read. (Whether the file itself fits is known once it is read: <see cref="AddFilesAsync"/>.)
    /// </summary>
    public async Task EnsureStorageLeftAsync(TuningDbContext db, string owner, CancellationToken ct)
    {
        var limit = LimitsOf(owner).MaxStoredBytes;
        var used = await StoredBytesAsync(db, owner, ct);
        if (used >= limit) throw StorageQuotaExceeded(used, 0, limit);
    }

    /// <summary>Records new files of the owner if their bytes fit the stored-bytes quota; 403 naming it otherwise.</summary>
    public Task AddFilesAsync(TuningDbContext db, string owner, IReadOnlyList<StoredFile> files, CancellationToken ct) =>
        UnderOwnerLockAsync(db, owner, async c =>
        {
            var limit = LimitsOf(owner).MaxStoredBytes;
            var used = await StoredBytesAsync(db, owner, c);
            var adding = files.Sum(f => f.Bytes);
            if (used + adding > limit) throw StorageQuotaExceeded(used, adding, limit);
            db.Files.AddRange(files);
            await db.SaveChangesAsync(c);
        }, ct);

    static async Task<long> StoredBytesAsync(TuningDbContext db, string owner, CancellationToken ct) =>
        await db.Files.Where(f => f.Owner == owner).SumAsync(f => (long?)f.Bytes, ct) ?? 0;

    async Task UnderOwnerLockAsync(TuningDbContext db, string owner, Func<CancellationToken, Task> step, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            // A retrying execution strategy (PostgreSQL) allows a transaction of ours only inside it, and re-runs the
            // whole step on a broken connection: each try starts from a clean context (the step adds its rows again).
            await db.Database.CreateExecutionStrategy().ExecuteAsync(async c =>
            {
                db.ChangeTracker.Clear();
                await using var transaction = await db.Database.BeginTransactionAsync(c);
                if (db.Database.IsNpgsql())
                    await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock(hashtext({"owner-quota:" + owner}))", c);
                await step(c);
                await transaction.CommitAsync(c);
            }, ct);
        }
        finally
        {
            gate.Release();
        }
    }

    // 429: jobs leave the counts by themselves, so trying again later can succeed (OpenAI's clients retry a 429).
    static ApiException JobQuotaExceeded(string what, int current, int limit, string setting, string advice) =>
        new(429, $"Quota exceeded: you have {current} {what} and the limit is {limit} (Tuning:Quotas:{setting} or the key's {setting}). {advice}, then try again.",
            null, "quota_exceeded", "insufficient_quota");

    // 403, not 429: stored bytes only go down when the owner deletes files, so a client's automatic retry of the
    // upload could never succeed.
    static ApiException StorageQuotaExceeded(long used, long adding, long limit) =>
        new(403, $"Quota exceeded: your files take {used:N0} bytes" + (adding > 0 ? $", these would add {adding:N0}," : "") +
            $" and the limit is {limit:N0} bytes (Tuning:Quotas:MaxStoredBytes or the key's MaxStoredBytes). Delete files you no longer need (DELETE /v1/files/{{file_id}}).",
            null, "storage_quota_exceeded", "insufficient_quota");
}
