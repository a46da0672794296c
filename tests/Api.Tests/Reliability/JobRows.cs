using Npgsql;

namespace TuningService.Api.Tests.Reliability;

/// <summary>A job's row as the workers see it: status, lease and dispatch.</summary>
public sealed record JobRow(string Status, int Attempts, long LeaseGeneration, string? LeaseOwner, long? LeaseExpiresAt, string? DispatchId,
    int Step, string? ErrorCode, string? ErrorMessage);

/// <summary>A metric row with the id of the transaction that wrote it (PostgreSQL's xmin): a row rewritten later has another.</summary>
public sealed record MetricRow(int Step, long WrittenBy, double TrainLoss);

/// <summary>
/// Direct SQL on a test's database, for what the API does not show (leases, attempts, which transaction wrote a
/// metric row) and for the faults a test injects (a lost dispatch, a takeover).
/// </summary>
public sealed class JobRows(string connectionString)
{
    public async Task<JobRow> ReadAsync(string jobId)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT "Status", "Attempts", "LeaseGeneration", "LeaseOwner", "LeaseExpiresAt", "DispatchId", "Step", "ErrorCode", "ErrorMessage"
            FROM fine_tuning_jobs WHERE "Id" = @id
            """, connection);
        command.Parameters.AddWithValue("id", jobId);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) throw new InvalidOperationException($"No job {jobId}");
        return new JobRow(reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetInt64(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetInt32(6),
            reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8));
    }

    /// <summary>Polls the row until <paramref name="condition"/> holds; the row that satisfied it.</summary>
    public async Task<JobRow> WaitUntilAsync(string jobId, Func<JobRow, bool> condition, TimeSpan deadline, string what)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            var row = await ReadAsync(jobId);
            if (condition(row)) return row;
            if (DateTime.UtcNow > until) throw new TimeoutException($"Job {jobId}: {what} did not happen within {deadline}: {row}");
            await Task.Delay(100);
        }
    }

    /// <summary>The database's clock in whole Unix seconds, read as the service's DatabaseClock reads it (leases are timed by it).</summary>
    public async Task<long> NowAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("SELECT CAST(floor(extract(epoch FROM clock_timestamp())) AS bigint)", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task<IReadOnlyList<MetricRow>> MetricsAsync(string jobId)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            """SELECT "Step", CAST(CAST(xmin AS text) AS bigint), "TrainLoss" FROM job_metrics WHERE "JobId" = @id ORDER BY "Step" """, connection);
        command.Parameters.AddWithValue("id", jobId);
        var rows = new List<MetricRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(new MetricRow(reader.GetInt32(0), reader.GetInt64(1), reader.GetDouble(2)));
        return rows;
    }

    /// <summary>The steps of the job's checkpoint rows, newest first.</summary>
    public async Task<IReadOnlyList<int>> CheckpointStepsAsync(string jobId)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            """SELECT "StepNumber" FROM job_checkpoints WHERE "JobId" = @id ORDER BY "StepNumber" DESC""", connection);
        command.Parameters.AddWithValue("id", jobId);
        var steps = new List<int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) steps.Add(reader.GetInt32(0));
        return steps;
    }

    /// <summary>
    /// As if the API had died between writing the job's row and dispatching it: the Hangfire job named by the row's
    /// DispatchId is removed from Hangfire's storage (queue entry, states, parameters, job) and the row's dispatch
    /// columns are cleared. Returns the Hangfire job id that was removed.
    /// </summary>
    public async Task<string> ForgetDispatchAsync(string jobId)
    {
        var dispatchId = (await ReadAsync(jobId)).DispatchId ?? throw new InvalidOperationException($"Job {jobId} was never dispatched.");
        await using var connection = await OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var sql in new[]
                 {
                     "DELETE FROM hangfire.jobqueue WHERE jobid = @hangfire",
                     "DELETE FROM hangfire.state WHERE jobid = @hangfire",
                     "DELETE FROM hangfire.jobparameter WHERE jobid = @hangfire",
                     "DELETE FROM hangfire.job WHERE id = @hangfire",
                     """UPDATE fine_tuning_jobs SET "DispatchId" = NULL, "DispatchedAt" = NULL WHERE "Id" = @id""",
                 })
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            command.Parameters.AddWithValue("hangfire", long.Parse(dispatchId, System.Globalization.CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("id", jobId);
            await command.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
        return dispatchId;
    }

    /// <summary>How many Hangfire jobs exist with the given id (0 once it was removed).</summary>
    public async Task<long> HangfireJobCountAsync(string dispatchId)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM hangfire.job WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", long.Parse(dispatchId, System.Globalization.CultureInfo.InvariantCulture));
        return (long)(await command.ExecuteScalarAsync())!;
    }

    internal async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }
}
