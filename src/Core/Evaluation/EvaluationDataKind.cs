namespace TuningService.Core.Evaluation;

/// <summary>What a dataset's records are, which decides what can be measured on them.</summary>
public enum EvaluationDataKind
{
    /// <summary>Prompt and completion (or chat, alpaca): teacher-forced metrics on the completion, and generated metrics.</summary>
    Instruction,

    /// <summary>Plain text: language-model perplexity and token accuracy over all of it; nothing to generate.</summary>
    Text,
}
