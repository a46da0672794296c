using Npgsql;

namespace TuningService.Api.Tests.Reliability;

/// <summary>One row written, updated or deleted in a job table, and by which program (its connection's application_name).</summary>
public sealed record AuditedWrite(long Id, string Table, string Operation, string Program, string? JobId, long? LeaseGeneration, string? LeaseOwner);

/// <summary>
/// Triggers that record every row a program changes in the job tables (jobs, metrics, events, checkpoints) with the
/// application_name of its connection: each worker connects under a name of its own, so a test can tell exactly
/// which process wrote what, and in which order (the ids come from a sequence; a fenced write holds the job's row
/// lock, so a claim that takes the job over is audited after every write committed before it).
/// </summary>
public static class WriteAudit
{
    static readonly string[] Tables = ["fine_tuning_jobs", "job_metrics", "job_events", "job_checkpoints"];

    /// <summary>Installs the audit; the tables must exist (the API has started and migrated the database).</summary>
    public static async Task InstallAsync(JobRows rows)
    {
        await using var connection = await rows.OpenAsync();
        var sql = """
            CREATE TABLE test_write_audit (
                id bigserial PRIMARY KEY, tbl text NOT NULL, op text NOT NULL, program text NOT NULL,
                job_id text, lease_generation bigint, lease_owner text);
            CREATE FUNCTION test_audit_write() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE r jsonb;
            BEGIN
                IF TG_OP = 'DELETE' THEN r := to_jsonb(OLD); ELSE r := to_jsonb(NEW); END IF;
                INSERT INTO test_write_audit (tbl, op, program, job_id, lease_generation, lease_owner)
                VALUES (TG_TABLE_NAME, TG_OP, current_setting('application_name'), coalesce(r->>'JobId', r->>'Id'),
                        CAST(r->>'LeaseGeneration' AS bigint), r->>'LeaseOwner');
                RETURN NULL;
            END $$;
            """ + string.Concat(Tables.Select(t =>
            $"CREATE TRIGGER test_audit_{t} AFTER INSERT OR UPDATE OR DELETE ON {t} FOR EACH ROW EXECUTE FUNCTION test_audit_write();\n"));
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<IReadOnlyList<AuditedWrite>> ReadAsync(JobRows rows, string jobId)
    {
        await using var connection = await rows.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT id, tbl, op, program, job_id, lease_generation, lease_owner FROM test_write_audit WHERE job_id = @id ORDER BY id", connection);
        command.Parameters.AddWithValue("id", jobId);
        var writes = new List<AuditedWrite>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            writes.Add(new AuditedWrite(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetInt64(5),
                reader.IsDBNull(6) ? null : reader.GetString(6)));
        return writes;
    }
}
