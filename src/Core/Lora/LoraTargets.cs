using TorchSharp;
using TorchSharp.Modules;
using TuningService.Core.Models.Gpt2;
using static TorchSharp.torch;

namespace TuningService.Core.Lora;

/// <summary>Which layers of a model LoRA wraps: family defaults and PEFT's name matching.</summary>
public static class LoraTargets
{
    /// <summary>The output projection, which "all-linear" leaves alone (PEFT excludes the output embedding).</summary>
    public const string OutputHead = "lm_head";

    /// <summary>
    /// PEFT's defaults (TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING): the attention query and value
    /// projections, as in the LoRA paper. GPT-2 fuses q, k and v into c_attn, so the whole of it is wrapped; Phi-3,
    /// which PEFT does not list, likewise gets its fused qkv_proj.
    /// </summary>
    public static IReadOnlyList<string> DefaultFor(string modelType) => modelType switch
    {
        "t5" => ["q", "v"],
        "llama" => ["q_proj", "v_proj"],
        "gpt2" => ["c_attn"],
        "qwen2" or "qwen3" or "mistral" or "gemma2" or "gemma3_text" => ["q_proj", "v_proj"],
        // PEFT has no phi3 entry (it asks for target_modules). Phi-3 fuses q, k and v into qkv_proj, so, as for
        // GPT-2's c_attn, the fused projection is the default: it holds the query and value projections.
        "phi3" => ["qkv_proj"],
        _ => throw new NotSupportedException($"No default LoRA target modules for model type '{modelType}'; name them in target_modules."),
    };

    /// <summary>PEFT's check_target_module_exists for a list: the path equals a name or ends with "." + name.</summary>
    public static bool Matches(string modulePath, IReadOnlyList<string> targetModules)
    {
        ArgumentNullException.ThrowIfNull(modulePath);
        ArgumentNullException.ThrowIfNull(targetModules);
        return targetModules.Any(t => modulePath == t || modulePath.EndsWith("." + t, StringComparison.Ordinal));
    }

    /// <summary>Layers LoRA can wrap: nn.Linear and GPT-2's Conv1D.</summary>
    public static bool IsLinear(nn.Module module) => module is Linear or Conv1D or Models.QuantizedLinear;

    /// <summary>
    /// Paths of the modules <paramref name="targetModules"/> selects, in module order. Throws when none matches
    /// (as PEFT does) or when a match is not a linear layer.
    /// </summary>
    internal static IReadOnlyList<string> Select(nn.Module model, IReadOnlyList<string> targetModules)
    {
        var allLinear = targetModules is [LoraConfig.AllLinear];
        var selected = new List<string>();
        foreach (var (path, module) in DepthFirst(model))
        {
            var hit = allLinear ? IsLinear(module) && LastName(path) != OutputHead : Matches(path, targetModules);
            if (!hit)
                continue;
            if (!IsLinear(module))
                throw new NotSupportedException(
                    $"Target module '{path}' is a {module.GetType().Name}; LoRA wraps linear layers (nn.Linear, GPT-2 Conv1D) only.");
            selected.Add(path);
        }
        if (selected.Count == 0)
            throw new ArgumentException($"None of the target modules [{string.Join(", ", targetModules)}] is in the model.");
        return selected;
    }

    /// <summary>Every submodule with its dotted path, parents before children in registration order (PyTorch's named_modules order).</summary>
    internal static IEnumerable<(string Path, nn.Module Module)> DepthFirst(nn.Module module, string prefix = "")
    {
        foreach (var (name, child) in module.named_children())
        {
            var path = prefix.Length == 0 ? name : $"{prefix}.{name}";
            yield return (path, child);
            foreach (var descendant in DepthFirst(child, path))
                yield return descendant;
        }
    }

    internal static string LastName(string path) => path[(path.LastIndexOf('.') + 1)..];
}
