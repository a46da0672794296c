namespace TuningService.Core.FineTuning;

/// <summary>The phases a running job goes through, shown in its progress.</summary>
public static class JobPhase
{
    public const string Validating = "validating";
    public const string LoadingModel = "loading_model";
    public const string Tokenizing = "tokenizing";
    public const string Training = "training";
    public const string Evaluating = "evaluating";
    public const string Saving = "saving";
}
