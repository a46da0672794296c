namespace TuningService.Core.Training;

/// <summary>What the learning rate does after warmup (the job's `lr_scheduler`).</summary>
public enum ScheduleShape
{
    Linear,
    Cosine,
    Constant,
}
