namespace TuningService.Core.Files;

/// <summary>The record format of a fine-tune JSONL file. A file holds one format only.</summary>
public enum FineTuneFormat
{
    /// <summary><c>{"prompt": "...", "completion": "..."}</c>; wire name <c>prompt_completion</c>.</summary>
    PromptCompletion,

    /// <summary><c>{"messages": [{"role": ..., "content": ..., "weight": 0|1}]}</c>; wire name <c>chat</c>.</summary>
    Chat,
}
