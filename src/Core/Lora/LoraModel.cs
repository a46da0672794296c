using TorchSharp;
using TuningService.Core.Models.HuggingFace;

namespace TuningService.Core.Lora;

/// <summary>
/// A loaded base model with LoRA adapters in it (PEFT's PeftModel): what a LoRA fine-tuning run trains and saves.
/// The adapters live inside <see cref="Base"/>'s module, so training, generation and saving use that module as usual.
/// </summary>
public sealed class LoraModel
{
    private LoraModel(LoadedModel loaded, LoraConfig config, IReadOnlyList<string> wrappedModules)
    {
        Base = loaded;
        Config = config;
        WrappedModules = wrappedModules;
    }

    /// <summary>
    /// Wraps the target layers of <paramref name="loaded"/>'s model in place (<see cref="LoraInjector.Apply"/>) and
    /// freezes everything else.
    /// </summary>
    /// <param name="seed">Seeds the draw of the A matrices, so a rerun starts from the same adapter; null uses
    /// torch's global generator.</param>
    public static LoraModel Apply(LoadedModel loaded, LoraConfig config, long? seed = null)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(config);
        using var generator = seed is { } s ? new torch.Generator(unchecked((ulong)s), torch.CPU) : null;
        var wrapped = LoraInjector.Apply(loaded.Model, config, loaded.Config.ModelType, generator);
        return new LoraModel(loaded, config, wrapped);
    }

    public LoadedModel Base { get; }

    public LoraConfig Config { get; }

    /// <summary>Module paths that carry an adapter, in module order.</summary>
    public IReadOnlyList<string> WrappedModules { get; }

    /// <summary>Elements the optimizer trains: the adapters' A and B.</summary>
    public long TrainableParameterCount => LoraLayers.TrainableParameterCount(Base.Model);

    /// <summary>PEFT task_type of the base model (CAUSAL_LM or SEQ_2_SEQ_LM).</summary>
    public string TaskType => PeftTaskTypes.For(Base.Model);

    /// <summary>Writes a PEFT adapter folder (<see cref="PeftAdapterWriter.Save"/>).</summary>
    /// <param name="baseModelName">base_model_name_or_path to record: the Hub id or folder of the base model.</param>
    public void SaveAdapter(string folder, string baseModelName) =>
        PeftAdapterWriter.Save(Base.Model, Config, folder, baseModelName, TaskType);

    /// <summary>
    /// Writes the merged model, W + (alpha / r)·B A in every wrapped layer, as an ordinary Hugging Face folder under
    /// the base model's tensor names (<see cref="PretrainedModelWriter.Save"/>); the model in memory is not changed.
    /// </summary>
    public void SaveMerged(string folder, IEnumerable<string>? extraFiles = null) =>
        PretrainedModelWriter.Save(Base.Model, Base.Config, folder, extraFiles);
}
