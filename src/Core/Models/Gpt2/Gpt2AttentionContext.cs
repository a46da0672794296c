using static TorchSharp.torch;

namespace TuningService.Core.Models.Gpt2;

/// <summary>What every layer's attention shares in one forward pass.</summary>
/// <param name="Mask">Boolean [T_new, past + T_new] (true = may attend) when a cache holds past positions;
/// or [B, 1, T, T] for packed rows (causal within each example);
/// null when there is no past, which means plain causal attention over the T_new positions.</param>
/// <param name="Cache">Keys and values of earlier positions, appended to by each layer; null without a cache.</param>
public sealed record Gpt2AttentionContext(Tensor? Mask, KeyValueCache? Cache);
