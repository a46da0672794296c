using TuningService.Core.Models.Checkpointing;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Models.T5;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Training;

/// <summary>
/// One training batch's loss, correct count and every parameter gradient, computed through an objective with
/// checkpointing and loss chunks set as asked, to compare the memory savers with the plain computation.
/// </summary>
internal sealed class ObjectiveGradients : IDisposable
{
    // fp32 on the CPU: the recomputation is bit-identical, and what differs is only the order in which gradients are
    // summed (a tied embedding's chunk by chunk, a T5 encoder output's block by block) and the loss's reduction order:
    // a few float32 roundings (eps 1.2e-7) of the summed terms. Those scale with the terms, not with the sum, so the
    // absolute tolerance is relative to the tensor's largest gradient: 1e-6 of it (at least 1e-6), plus 1e-5 of each
    // element. That is an order of magnitude above the rounding seen and far below any real mistake (a missing chunk,
    // a replayed dropout mask that differs: O(1) changes). The fp64 test in BlockCheckpointingTests shows the T5
    // differences (the largest) vanish to 1e-15 in double precision.
    public const double Relative = 1e-5, Absolute = 1e-6;

    private ObjectiveGradients(float loss, long correct, Dictionary<string, Tensor> gradients)
    {
        Loss = loss;
        Correct = correct;
        Gradients = gradients;
    }

    public float Loss { get; }
    public long Correct { get; }
    public Dictionary<string, Tensor> Gradients { get; }

    /// <summary>The objective's batch: for a causal model ids [2, 13] with a 4-token prompt and a padded row end; for
    /// T5 inputs [2, 9] (the second row padded) and labels [2, 11]. 13 - 1 = 12 and 11 positions per row: chunks of
    /// 7 never divide the 24 or 22 scored positions.</summary>
    public static (Tensor Ids, Tensor Mask, Tensor Labels) Batch(LoadedModel loaded)
    {
        using var generator = new Generator(5, CPU);
        if (loaded.Model is T5ForConditionalGeneration)
        {
            Tensor inputs = randint(3, 256, [2, 9], generator: generator);
            Tensor mask = ones(2, 9, ScalarType.Int64);
            mask[1, 6..] = 0;
            Tensor targets = randint(3, 256, [2, 11], generator: generator);
            targets[1, 9..] = CausalLmLoss.IgnoreIndex;
            return (inputs, mask, targets);
        }
        Tensor ids = randint(3, 256, [2, 13], generator: generator);
        Tensor labels = ids.clone();
        labels[.., ..4] = CausalLmLoss.IgnoreIndex;
        labels[1, 11..] = CausalLmLoss.IgnoreIndex;
        return (ids, ones(2, 13, ScalarType.Int64), labels);
    }

    /// <summary>The objective for <paramref name="loaded"/>'s model: next-token or encoder-decoder.</summary>
    public static ITrainingObjective ObjectiveFor(LoadedModel loaded) => loaded.Model switch
    {
        Core.Models.CausalLanguageModel causal => new CausalObjective(causal),
        Core.Models.Seq2SeqLanguageModel seq2seq => new Seq2SeqObjective(seq2seq, 512, 0),
        _ => throw new NotSupportedException(loaded.Model.GetType().Name),
    };

    /// <summary>Loss and gradients in train mode, torch's generator seeded with <paramref name="seed"/> (dropout).</summary>
    public static ObjectiveGradients Measure(LoadedModel loaded, ITrainingObjective objective, bool checkpointing, int lossChunkPositions, long seed = 11)
    {
        var model = objective.Model;
        var blocks = ((IBlockCheckpointedModel)model).Checkpointing;
        blocks.Enabled = checkpointing;
        objective.UseLossChunks(lossChunkPositions);
        try
        {
            model.train();
            model.zero_grad();
            using var scope = NewDisposeScope();
            var (ids, mask, labels) = Batch(loaded);
            manual_seed(seed);
            var (loss, correct) = objective.Compute(ids, mask, labels);
            loss.backward();
            var gradients = model.named_parameters()
                .Where(p => p.parameter.grad is not null)
                .ToDictionary(p => p.name, p => p.parameter.grad!.detach().clone().MoveToOuterDisposeScope(), StringComparer.Ordinal);
            return new ObjectiveGradients(loss.item<float>(), correct.item<long>(), gradients);
        }
        finally
        {
            blocks.Enabled = false;
            objective.UseLossChunks(0);
            model.zero_grad();
            model.eval();
        }
    }

    /// <summary>Same loss, correct count, set of parameters with a gradient, and every gradient within
    /// <paramref name="relative"/> of each element plus <paramref name="absolute"/> of the tensor's largest one.</summary>
    public void AssertSameAs(ObjectiveGradients expected, string what, double relative = Relative, double absolute = Absolute)
    {
        Assert.True(Math.Abs(expected.Loss - Loss) <= Absolute + Relative * Math.Abs(expected.Loss), $"{what}: loss {Loss} vs {expected.Loss}");
        Assert.Equal(expected.Correct, Correct);
        Assert.Equal(expected.Gradients.Keys.Order(StringComparer.Ordinal), Gradients.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, gradient) in expected.Gradients)
        {
            Tensor actual = Gradients[name];
            double largest = gradient.abs().max().to_type(ScalarType.Float64).item<double>();
            Assert.True(largest > 0, $"{what}: {name} has an all-zero gradient, which compares nothing");
            Assert.True(actual.allclose(gradient, relative, absolute * Math.Max(1, largest)),
                $"{what}: {name} differs by up to {(actual - gradient).abs().max().to_type(ScalarType.Float64).item<double>()} (max |grad| {largest})");
        }
    }

    public void Dispose()
    {
        foreach (var gradient in Gradients.Values)
            gradient.Dispose();
    }
}
