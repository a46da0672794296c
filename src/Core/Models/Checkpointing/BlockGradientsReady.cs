using static TorchSharp.torch;

namespace TuningService.Core.Models.Checkpointing;

/// <summary>
/// Called by a checkpointed block's backward pass right after it has run, with the block (a decoder layer, a GPT-2
/// block, a T5 block): every gradient of that block's own parameters (LoRA adapters included) is then final, since no
/// block shares weights with another, so an optimizer may step them and free them before the next block's backward.
/// Only checkpointed blocks call it (<see cref="BlockCheckpointing.Enabled"/>).
/// </summary>
/// <remarks>
/// Parameters used outside the block loop are not covered: embeddings, final norms, the output head, and T5's
/// relative_attention_bias, which sits in block 0 but feeds the position bias shared by every block of its stack
/// (computed before the loop), so its gradient is final only when the whole backward pass has ended.
/// </remarks>
public delegate void BlockGradientsReady(nn.Module block);
