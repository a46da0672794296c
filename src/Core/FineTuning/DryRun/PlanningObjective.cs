using TorchSharp;
using TuningService.Core.Datasets.Statistics;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Core.FineTuning.DryRun;

/// <summary>
/// The shape of a model's training objective without the model: what <see cref="SupervisedTrainer.PlannedSteps"/>
/// reads (the longest input, which packs rows; whether labels are shifted, which decides which examples have
/// something to learn), so a dry run counts steps with the trainer's own code and loads no weights.
/// </summary>
internal sealed class PlanningObjective(TrainingFraming framing) : ITrainingObjective
{
    public nn.Module Model => throw new NotSupportedException("A planning objective has no model.");

    /// <summary>
    /// As the real objectives: a causal LM's positions (CausalObjective: the model's context, not max_seq_length,
    /// so packed rows fill the whole context); a seq2seq model's limit (Seq2SeqObjective gets the setup's context).
    /// </summary>
    public int MaxInputLength => framing.IsEncoderDecoder ? framing.ContextLength : framing.ModelContext;

    public bool LabelsAreShifted => !framing.IsEncoderDecoder;

    /// <summary>Every decoder-only family here implements ForwardPacked (Llama, GPT-2, the Qwen/Mistral/Phi-3/Gemma decoder); encoder-decoder models cannot pack.</summary>
    public bool SupportsPacking => !framing.IsEncoderDecoder;

    public (Tensor Loss, Tensor Correct) Compute(Tensor inputIds, Tensor inputMask, Tensor labels, Tensor? segmentIds = null) =>
        throw new NotSupportedException("A planning objective only plans; it cannot compute a loss.");
}
