namespace TuningService.Core.Persistence;

/// <summary>
/// A fine-tuning job. The database row is the single source of truth for its state; Hangfire only dispatches
/// the job id to a worker.
/// </summary>
public sealed class FineTuningJob
{
    public required string Id { get; init; }
    public required string Owner { get; init; }
    public long CreatedAt { get; init; }
    public required string Model { get; init; }
    public required string TrainingFileId { get; init; }
    public string? ValidationFileId { get; init; }
    public string? Suffix { get; init; }
    public int Seed { get; init; }

    /// <summary>User metadata, a JSON object of strings.</summary>
    public string? MetadataJson { get; init; }

    /// <summary>Hyperparameters as requested: each a number or "auto" (JSON).</summary>
    public required string RequestedHyperparametersJson { get; init; }

    public int? NEpochs { get; set; }
    public int? BatchSize { get; set; }
    public double? LearningRateMultiplier { get; set; }
    public double? LearningRate { get; set; }

    public string? IdempotencyKey { get; init; }

    /// <summary>Multi-task jobs: the tasks (name, training file, validation file, weight) as JSON; null for one training file.</summary>
    public string? TasksJson { get; init; }

    /// <summary>Multi-task jobs: the mixing strategy, cap and temperature as JSON.</summary>
    public string? MixingJson { get; init; }

    /// <summary>Share of the training file held out for validation on the fly (instead of a validation file).</summary>
    public double? ValidationSplit { get; init; }

    /// <summary>Share of the training file held out as the test set on the fly (instead of a test file).</summary>
    public double? TestSplit { get; init; }

    /// <summary>The file evaluated before and after training (generated metrics, base vs fine-tuned).</summary>
    public string? TestFileId { get; init; }

    /// <summary>The prompt template applied to the training records: a library template's name or a user template (JSON).</summary>
    public string? TemplateJson { get; init; }

    /// <summary>The job's chat_template: a built-in name (chatml, llama3, plain) or a Jinja source; null for the model's own (else plain).</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>Files of general data the model should not lose, as a JSON array of file ids.</summary>
    public string? RetentionFileIdsJson { get; init; }

    /// <summary>Shots of the in-context-learning baseline (the base model prompted with k training examples); 0 or null: none.</summary>
    public int? IclShots { get; init; }

    /// <summary>One of FineTuning's JobStatus values; a new row is queued ("queued" is JobStatus.Queued, which
    /// FineTuning owns: this data layer imports no application folder).</summary>
    public string Status { get; set; } = "queued";
    public string? ErrorCode { get; set; }
    public string? ErrorMessage { get; set; }
    public string? ErrorParam { get; set; }
    public long? StartedAt { get; set; }
    public long? FinishedAt { get; set; }
    public string? FineTunedModel { get; set; }
    public long? TrainedTokens { get; set; }
    public string? ResultFileId { get; set; }

    // Progress, kept here so that it survives a page reload and a restart.
    public int Step { get; set; }
    public int TotalSteps { get; set; }
    public int Epoch { get; set; }
    public double? TokensPerSecond { get; set; }
    public long? EstimatedFinish { get; set; }

    /// <summary>What the job is doing now (one of FineTuning's JobPhase values), so progress says more than a step count.</summary>
    public string? Phase { get; set; }

    /// <summary>The checkpoint with the lowest validation loss so far (the last one when there is no validation data).</summary>
    public string? BestCheckpointId { get; set; }

    /// <summary>Set by POST .../pause; the worker saves a checkpoint and stops, leaving the job paused.</summary>
    public bool PauseRequested { get; set; }

    /// <summary>cpu or cuda: where the training ran.</summary>
    public string? Device { get; set; }

    public bool CancelRequested { get; set; }

    /// <summary>Which worker holds the job, and until when by the database's clock (renewed while it trains), so a job runs once.</summary>
    public string? LeaseOwner { get; set; }
    public long? LeaseExpiresAt { get; set; }

    /// <summary>
    /// Incremented by every claim (and by every takeover of a lapsed lease, such as a direct cancel): the fencing
    /// token. A worker's writes for the job are conditional on the generation it claimed, so a worker that lost
    /// the job — however long it took to notice — can no longer change it.
    /// </summary>
    public long LeaseGeneration { get; set; }

    /// <summary>Claims that have not ended cleanly (a worker that died holding the job); see Tuning:MaxJobAttempts.</summary>
    public int Attempts { get; set; }

    /// <summary>The id of the Hangfire job last dispatched for this job, and when (unix seconds): what the reconciler checks.</summary>
    public string? DispatchId { get; set; }
    public long? DispatchedAt { get; set; }
}
