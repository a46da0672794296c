using TorchSharp;
using TuningService.Core.Models;

namespace TuningService.Core.Lora;

/// <summary>PEFT's task_type values for the model kinds this service trains.</summary>
public static class PeftTaskTypes
{
    public const string CausalLm = "CAUSAL_LM";
    public const string Seq2SeqLm = "SEQ_2_SEQ_LM";

    /// <summary>The task type PEFT would record for <paramref name="model"/>.</summary>
    public static string For(torch.nn.Module model) =>
        TryFor(model) ?? throw new NotSupportedException($"No PEFT task type for a {model?.GetType().Name ?? "null"}.");

    /// <summary>As <see cref="For"/>, or null for a module that is neither kind of language model.</summary>
    public static string? TryFor(torch.nn.Module? model) => model switch
    {
        Seq2SeqLanguageModel => Seq2SeqLm,
        CausalLanguageModel => CausalLm,
        _ => null,
    };
}
