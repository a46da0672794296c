using Microsoft.EntityFrameworkCore;

namespace TuningService.Core.Persistence;

/// <summary>
/// The application's data. Provider-specific subclasses (<see cref="SqliteTuningDbContext"/>,
/// <see cref="PostgresTuningDbContext"/>) exist only so that each provider has its own migrations.
/// </summary>
public abstract class TuningDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<StoredFile> Files => Set<StoredFile>();
    public DbSet<FineTuningJob> Jobs => Set<FineTuningJob>();
    public DbSet<JobEvent> JobEvents => Set<JobEvent>();
    public DbSet<JobCheckpoint> Checkpoints => Set<JobCheckpoint>();
    public DbSet<MetricPoint> Metrics => Set<MetricPoint>();
    public DbSet<FineTunedModel> FineTunedModels => Set<FineTunedModel>();
    public DbSet<ModelImport> ModelImports => Set<ModelImport>();
    public DbSet<EvaluationResult> Evaluations => Set<EvaluationResult>();
    public DbSet<WebhookEndpoint> WebhookEndpoints => Set<WebhookEndpoint>();
    public DbSet<WebhookEvent> WebhookEvents => Set<WebhookEvent>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<WebhookAttempt> WebhookAttempts => Set<WebhookAttempt>();

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<StoredFile>(e =>
        {
            e.ToTable("files");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.Owner, x.CreatedAt });
            e.HasIndex(x => x.ParentFileId);
        });
        b.Entity<FineTuningJob>(e =>
        {
            e.ToTable("fine_tuning_jobs");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.Owner, x.CreatedAt });
            e.HasIndex(x => new { x.Owner, x.IdempotencyKey }).IsUnique();
            e.HasIndex(x => x.Status);
        });
        b.Entity<JobEvent>(e =>
        {
            e.ToTable("job_events");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.JobId, x.Id });
        });
        b.Entity<JobCheckpoint>(e =>
        {
            e.ToTable("job_checkpoints");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.JobId, x.StepNumber }).IsUnique();
        });
        b.Entity<MetricPoint>(e =>
        {
            e.ToTable("job_metrics");
            e.HasKey(x => new { x.JobId, x.Step });
        });
        b.Entity<FineTunedModel>(e =>
        {
            e.ToTable("fine_tuned_models");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.JobId).IsUnique();
        });
        b.Entity<ModelImport>(e =>
        {
            e.ToTable("model_imports");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.Name, x.Status });
        });
        b.Entity<EvaluationResult>(e =>
        {
            e.ToTable("evaluations");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.JobId);
            e.HasIndex(x => x.CacheKey);
        });
        b.Entity<WebhookEndpoint>(e =>
        {
            e.ToTable("webhook_endpoints");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.Owner, x.CreatedAt });
        });
        b.Entity<WebhookEvent>(e =>
        {
            e.ToTable("webhook_events");
            e.HasKey(x => x.Id);
            e.HasIndex(x => x.FannedOut);
        });
        b.Entity<WebhookDelivery>(e =>
        {
            e.ToTable("webhook_deliveries");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.Status, x.NextAttemptAt });
            e.HasIndex(x => new { x.EndpointId, x.CreatedAt });
            // Deleting an endpoint drops its deliveries and their log; a delivery in flight then finds nothing to send.
            e.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(x => x.EndpointId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<WebhookEvent>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<WebhookAttempt>(e =>
        {
            e.ToTable("webhook_attempts");
            e.HasKey(x => x.Id);
            e.HasIndex(x => new { x.DeliveryId, x.Number });
            e.HasOne<WebhookDelivery>().WithMany().HasForeignKey(x => x.DeliveryId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
