using TuningService.Core.Training;

namespace TuningService.Core.Datasets.Statistics;

/// <summary>
/// One record as training frames it. <see cref="Trained"/> is exactly what the trainer gets (truncated to the
/// limit); <see cref="PromptTokens"/> and <see cref="CompletionTokens"/> are the framed parts before any truncation,
/// so that statistics show how long the data really is. Decoder-only: prompt = [BOS] + prompt, completion =
/// completion + EOS. Encoder-decoder: prompt = prompt + EOS (the encoder input), completion = completion + EOS.
/// </summary>
/// <param name="LossTokens">Tokens of <see cref="Trained"/> the loss is taken on (what the trainer predicts).</param>
public sealed record FramedExample(TokenizedExample Trained, int PromptTokens, int CompletionTokens, int LossTokens)
{
    public int UntruncatedLength => PromptTokens + CompletionTokens;
}
