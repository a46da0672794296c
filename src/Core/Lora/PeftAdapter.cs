namespace TuningService.Core.Lora;

/// <summary>A PEFT LoRA adapter applied to a model by <see cref="PeftAdapterLoader"/>.</summary>
/// <param name="Config">r, lora_alpha, lora_dropout, target_modules, use_rslora from adapter_config.json.</param>
/// <param name="TaskType">task_type ("CAUSAL_LM", "SEQ_2_SEQ_LM"), or null when the file has none.</param>
/// <param name="BaseModelNameOrPath">base_model_name_or_path as recorded, or null.</param>
/// <param name="WrappedModules">Module paths that received an adapter, in module order.</param>
public sealed record PeftAdapter(LoraConfig Config, string? TaskType, string? BaseModelNameOrPath, IReadOnlyList<string> WrappedModules);
