namespace TuningService.Core.Files;

/// <summary>The record schema of a dataset file. A file holds one format only.</summary>
public enum FineTuneFormat
{
    /// <summary><c>{"prompt": "...", "completion": "..."}</c>; wire name <c>prompt_completion</c>. CSV/TSV rows are
    /// read as this format through their templates.</summary>
    PromptCompletion,

    /// <summary><c>{"messages": [{"role": ..., "content": ..., "weight": 0|1}]}</c>; wire name <c>chat</c>.</summary>
    Chat,

    /// <summary><c>{"instruction": "...", "input": "...", "output": "..."}</c> (input optional); wire name <c>alpaca</c>.</summary>
    Alpaca,

    /// <summary><c>{"text": "..."}</c>: plain text for language modelling (retention data); wire name <c>text</c>.</summary>
    Text,

    /// <summary>OpenAI's preference format for DPO: <c>{"input": {"messages": [...], "tools"?: [...]}, "preferred_output":
    /// [{"role": "assistant", "content": ...}], "non_preferred_output": [...]}</c>; wire name <c>preference</c>.</summary>
    Preference,
}
