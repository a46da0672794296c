using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tests.Models;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Training;

/// <summary>Training on packed rows: the same loss as the examples unpacked, and a run that learns.</summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class PackedTrainingTests
{
    private static CausalLanguageModel LlamaTiny() => (CausalLanguageModel)PretrainedModelLoader.Load(TestPaths.LlamaTiny, CPU).Model;

    /// <summary>Random sequences of different lengths over llama-tiny's ids (below 3 are special), a 3-token unlabelled prompt.</summary>
    private static List<TokenizedExample> Examples(int count)
    {
        var random = new Random(11);
        return Enumerable.Range(0, count).Select(i =>
        {
            int[] ids = Enumerable.Range(0, 5 + (i * 7 % 11)).Select(_ => random.Next(3, 256)).ToArray();
            return new TokenizedExample(ids, ids.Select((id, t) => t < 3 ? CausalLmLoss.IgnoreIndex : id).ToArray());
        }).ToList();
    }

    [Fact]
    public void Packed_loss_equals_the_token_weighted_loss_of_the_examples_unpacked()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var objective = new CausalObjective(LlamaTiny());
        objective.Model.eval();
        var examples = Examples(7);

        var packed = new SequencePacker(rowLength: 40, rowsPerBatch: 8, paddingId: 0).PackedBatches(examples, seed: 1, epoch: 1).Single();
        Assert.True(packed.Rows < examples.Count);
        var (ids, labels) = packed.ToTensors(CPU);
        var packedLoss = objective.Compute(ids, packed.MaskTensor(CPU), labels, packed.SegmentTensor(CPU)).Loss.item<float>();

        double weighted = 0;
        int predicted = 0;
        foreach (var batch in new Batcher(1, 0).Batches(examples))
        {
            var (one, oneLabels) = batch.ToTensors(CPU);
            weighted += objective.Compute(one, batch.MaskTensor(CPU), oneLabels).Loss.item<float>() * batch.PredictedTokenCount;
            predicted += batch.PredictedTokenCount;
        }
        Assert.Equal(predicted, packed.PredictedTokenCount);
        Golden.AssertLossClose(weighted / predicted, packedLoss, "packed loss");
    }

    [Fact]
    public void A_packed_run_takes_fewer_steps_and_its_loss_falls()
    {
        manual_seed(0);
        var observer = new RecordingObserver();
        var options = new TrainingOptions
        {
            Epochs = 6, BatchSize = 2, LearningRate = 3e-3, WarmupRatio = 0, MetricsInterval = 1, Seed = 3, Packing = true,
        };
        var examples = Examples(12);
        var result = new SupervisedTrainer(LlamaTiny(), options, observer).Train(examples, null, 0, CancellationToken.None);

        Assert.Equal(TrainingStopReason.Completed, result.StopReason);
        // Unpacked, 12 examples in batches of 2 take 6 steps an epoch; packed into llama-tiny's 128 positions they fill one or two rows.
        Assert.True(result.Step < options.Epochs * options.StepsPerEpoch(examples.Count));
        Assert.True(observer.Epochs[^1].TrainLoss < observer.Epochs[0].TrainLoss * 0.9,
            $"loss {observer.Epochs[0].TrainLoss} -> {observer.Epochs[^1].TrainLoss}");
    }

    [Fact]
    public void A_seq2seq_objective_refuses_packing()
    {
        var model = (Seq2SeqLanguageModel)PretrainedModelLoader.Load(TestPaths.Fixture("models", "flan-t5-tiny"), CPU).Model;
        var objective = new Seq2SeqObjective(model, maxInputLength: 64, padTokenId: 0);
        var error = Assert.Throws<ArgumentException>(() => new SupervisedTrainer(objective, new TrainingOptions { Packing = true }, new RecordingObserver()));
        Assert.Contains("decoder-only", error.Message);
    }
}
