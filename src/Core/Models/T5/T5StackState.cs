using static TorchSharp.torch;

namespace TuningService.Core.Models.T5;

/// <summary>What every block of a stack shares in one forward pass.</summary>
/// <param name="SelfAttentionBias">Block 0's relative-position bias with the padding (encoder) or causal
/// (decoder) mask added: [1 or B, heads, queries, keys]. Reused by every block, as HF passes position_bias on.</param>
/// <param name="EncoderHidden">Decoder only: the encoder's output [B, S, D].</param>
/// <param name="CrossAttentionMask">Decoder only: the encoder padding mask as an additive [B, 1, 1, S] bias, or null.</param>
/// <param name="Cache">Decoder only: self-attention keys/values in slots 0..L-1, cross-attention ones in L..2L-1.</param>
public sealed record T5StackState(Tensor SelfAttentionBias, Tensor? EncoderHidden, Tensor? CrossAttentionMask, KeyValueCache? Cache);
