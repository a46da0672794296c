using System.Text.Json.Nodes;
using TorchSharp;

namespace TuningService.Core.Models.HuggingFace;

/// <summary>
/// One Hugging Face model family (config `model_type`): how to read its config.json and build its module.
/// Adding a family (T5, GPT-2) means implementing this and listing it in <see cref="ModelFamilies"/>.
/// </summary>
public interface IModelFamily
{
    /// <summary>config.json `model_type`, e.g. "llama".</summary>
    string ModelType { get; }

    /// <summary>config.json `architectures` entries this family can build, e.g. "LlamaForCausalLM".</summary>
    IReadOnlyList<string> Architectures { get; }

    PretrainedConfig ParseConfig(JsonObject json);

    /// <summary>A module whose state_dict() keys are the checkpoint's tensor names (weights not yet loaded).</summary>
    torch.nn.Module CreateModel(PretrainedConfig config);

    /// <summary>
    /// Checkpoint tensors the module legitimately does not own and that HF also ignores on load (old buffers,
    /// duplicates of tied weights). Any other key the module lacks is an error.
    /// </summary>
    bool IsIgnorableCheckpointKey(string key, PretrainedConfig config);

    /// <summary>
    /// The module's name for a tensor stored under <paramref name="key"/>, for checkpoints that spell names another
    /// way HF also accepts (GPT-2 saved without its `transformer.` prefix). Applied before matching and before
    /// <see cref="IsIgnorableCheckpointKey"/>. Default: the key as stored.
    /// </summary>
    string CanonicalCheckpointKey(string key) => key;
}
