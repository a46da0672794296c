using TorchSharp;
using TuningService.Core.Datasets.Statistics;
using TuningService.Core.FineTuning;
using TuningService.Core.FineTuning.DryRun;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tests.Models;
using TuningService.Core.Tests.Training;
using TuningService.Core.Training;

namespace TuningService.Core.Tests.FineTuning.DryRun;

/// <summary>A dry run counts steps with the trainer's code on a model-less objective: the counts must equal the real objective's.</summary>
public sealed class PlanningObjectiveTests
{
    [Theory]
    [InlineData(3, 1, false, 1)]
    [InlineData(4, 3, false, 2)]
    [InlineData(2, 1, true, 3)]
    [InlineData(3, 2, true, 2)]
    public void Planned_steps_equal_those_of_the_loaded_models_objective(int batchSize, int accumulation, bool packing, int epochs)
    {
        var folder = TestPaths.LlamaTiny;
        using var loaded = PretrainedModelLoader.Load(folder, torch.CPU);
        var tokenizer = new CharacterTokenizer(addBos: false);
        var setup = TrainingSetup.For(loaded, tokenizer, maxSeqLength: 24);
        var framing = TrainingFraming.ForConfig(loaded.Config, tokenizer, maxSeqLength: 24);
        // Lengths from 1 to well past the limit; the empty pair has nothing to predict (its only label is at position 0).
        var examples = Enumerable.Range(0, 23).Select(i => framing.Examples.Tokenize(new string('p', (i * 5) % 31), new string('c', i % 4)))
            .Append(framing.Examples.Tokenize("", "")).ToList();
        var options = new TrainingOptions { Epochs = epochs, BatchSize = batchSize, GradientAccumulationSteps = accumulation, Packing = packing, Seed = 9 };

        var planned = new SupervisedTrainer(new PlanningObjective(framing), options, NoObserver.Instance).PlannedSteps(examples, framing.Examples.PaddingId);
        var real = new SupervisedTrainer(setup.Objective, options, NoObserver.Instance).PlannedSteps(examples, setup.Examples.PaddingId);

        Assert.Equal(real, planned);
        Assert.True(planned > 0);
    }

    [Fact]
    public void The_objective_shapes_match_for_an_encoder_decoder_model()
    {
        using var loaded = PretrainedModelLoader.Load(TestPaths.Fixture("models", "flan-t5-tiny"), torch.CPU);
        var tokenizer = new CharacterTokenizer();
        var setup = TrainingSetup.For(loaded, tokenizer, maxSeqLength: 20);
        var planning = new PlanningObjective(TrainingFraming.ForConfig(loaded.Config, tokenizer, maxSeqLength: 20));

        Assert.Equal(setup.Objective.MaxInputLength, planning.MaxInputLength);
        Assert.Equal(setup.Objective.LabelsAreShifted, planning.LabelsAreShifted);
        Assert.Equal(setup.Objective.SupportsPacking, planning.SupportsPacking);
    }
}
