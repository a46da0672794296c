using TorchSharp;
using TuningService.Core.Training;

namespace TuningService.Core.Tests.Training;

[Collection(TorchGlobalStateCollection.Name)]
public class SupervisedTrainerTests
{
    private static readonly (string Prompt, string Completion)[] Fruit =
    [
        ("red?", "apple"), ("yellow?", "banana"), ("purple?", "grape"),
        ("orange?", "orange"), ("green?", "lime"), ("brown?", "kiwi"),
    ];

    private static readonly CharacterTokenizer Tokenizer = new();

    private static IReadOnlyList<TokenizedExample> Examples() =>
        new ExampleTokenizer(Tokenizer, maxLength: 32).TokenizeAll(Fruit).Examples;

    private static TinyCausalLm NewModel(int seed = 0)
    {
        torch.manual_seed(seed);
        return new TinyCausalLm(Tokenizer.VocabSize, maxPositions: 32);
    }

    private static TrainingOptions Options(int epochs) => new()
    {
        Epochs = epochs, BatchSize = 2, LearningRate = 3e-3, WarmupRatio = 0.1, MetricsInterval = 4, Seed = 7,
    };

    private static TrainingResult Train(TinyCausalLm model, TrainingOptions options, ITrainingObserver observer,
        bool validate = true, CancellationToken cancellationToken = default) =>
        new SupervisedTrainer(model, options, observer)
            .Train(Examples(), validate ? Examples() : null, CharacterTokenizer.Pad, cancellationToken);

    [Fact]
    public void Loss_falls_until_the_completions_are_memorised()
    {
        using var model = NewModel();
        var observer = new RecordingObserver();

        IReadOnlyList<EpochSummary> epochs = Train(model, Options(epochs: 20) with { LearningRate = 1e-2 }, observer).Epochs;

        EpochSummary first = epochs[0], last = epochs[^1];
        Assert.True(last.TrainLoss < first.TrainLoss / 10, $"train loss {first.TrainLoss} -> {last.TrainLoss}");
        Assert.True(last.ValidationLoss < 0.1, $"validation loss {first.ValidationLoss} -> {last.ValidationLoss}");
        Assert.True(last.ValidationMeanTokenAccuracy == 1.0, string.Join("\n", epochs));
    }

    [Fact]
    public void Same_seed_and_weights_give_identical_losses_and_another_seed_does_not()
    {
        using var first = NewModel();
        using var second = NewModel();
        using var third = NewModel();
        second.load_state_dict(first.state_dict());
        third.load_state_dict(first.state_dict());
        var a = new RecordingObserver();
        var b = new RecordingObserver();
        var c = new RecordingObserver();

        Train(first, Options(epochs: 3), a);
        Train(second, Options(epochs: 3), b);
        Train(third, Options(epochs: 3) with { Seed = 8 }, c);

        Assert.Equal(a.Steps.Select(s => s.TrainLoss), b.Steps.Select(s => s.TrainLoss));
        Assert.Equal(a.Epochs.Select(e => e.ValidationLoss), b.Epochs.Select(e => e.ValidationLoss));
        Assert.NotEqual(a.Steps.Select(s => s.TrainLoss), c.Steps.Select(s => s.TrainLoss));
    }

    [Fact]
    public void Metrics_arrive_in_groups_and_at_each_epoch_end_with_the_scheduled_learning_rate()
    {
        using var model = NewModel();
        var observer = new RecordingObserver();

        // 6 examples in batches of 2: 3 steps an epoch, 6 in all; warmup ceil(0.6) = 1 step.
        Train(model, Options(epochs: 2) with { MetricsInterval = 2 }, observer, validate: false);

        Assert.Equal([2, 1, 2, 1], observer.MetricsCalls.Select(c => c.Count));
        Assert.Equal([1, 2, 3, 4, 5, 6], observer.Steps.Select(s => s.Step));
        Assert.Equal([1, 1, 1, 2, 2, 2], observer.Steps.Select(s => s.Epoch));
        double[] expectedRates = [0, 3e-3, 3e-3 * 4 / 5, 3e-3 * 3 / 5, 3e-3 * 2 / 5, 3e-3 * 1 / 5];
        Assert.Equal(expectedRates, observer.Steps.Select(s => s.LearningRate), (x, y) => Math.Abs(x - y) < 1e-12);
        Assert.All(observer.Steps, s =>
        {
            Assert.True(double.IsFinite(s.TrainLoss) && s.TrainLoss > 0);
            Assert.InRange(s.TrainMeanTokenAccuracy, 0, 1);
            Assert.True(s.GradNorm > 0 && s.TokensPerSecond > 0);
        });
        Assert.Equal([1, 2], observer.Epochs.Select(e => e.Epoch));
        Assert.Equal([3, 6], observer.Epochs.Select(e => e.Step));
        Assert.All(observer.Epochs, e => Assert.Null(e.ValidationLoss));
        Assert.Equal(observer.Steps.Take(3).Average(s => s.TrainLoss), observer.Epochs[0].TrainLoss, precision: 12);
    }

    [Theory]
    [InlineData(1.0, false)] // one step, all warmup: the schedule's step 0 has learning rate 0
    [InlineData(0.0, true)]
    public void The_scheduled_learning_rate_is_the_one_the_optimizer_uses(double warmupRatio, bool weightsChange)
    {
        using var model = NewModel();
        float[] before = model.LmHeadWeight.data<float>().ToArray();

        Train(model, Options(epochs: 1) with { BatchSize = Fruit.Length, WarmupRatio = warmupRatio }, new RecordingObserver());

        Assert.Equal(weightsChange, !before.SequenceEqual(model.LmHeadWeight.data<float>().ToArray()));
    }

    [Fact]
    public void Cancellation_stops_at_the_next_step()
    {
        using var model = NewModel();
        using var cancellation = new CancellationTokenSource();
        var observer = new RecordingObserver(onMetrics: _ => cancellation.Cancel());

        TrainingResult result = Train(model, Options(epochs: 5) with { MetricsInterval = 1 }, observer, cancellationToken: cancellation.Token);

        Assert.Equal(TrainingStopReason.Cancelled, result.StopReason);
        Assert.Equal(1, result.Step);
        Assert.Equal(1, model.ForwardCount);
        Assert.Single(observer.Steps);
        Assert.Empty(observer.Epochs);
        CheckpointRequest checkpoint = Assert.Single(observer.Checkpoints);
        Assert.Equal((CheckpointReason.Cancelled, 1, TrainingStopReason.Cancelled), (checkpoint.Reason, checkpoint.Step, checkpoint.StopReason));
    }

    [Fact]
    public void A_token_cancelled_before_the_start_runs_no_step()
    {
        using var model = NewModel();
        var observer = new RecordingObserver();

        TrainingResult result = Train(model, Options(epochs: 1), observer, cancellationToken: new CancellationToken(canceled: true));

        Assert.Equal((TrainingStopReason.Cancelled, 0), (result.StopReason, result.Step));
        Assert.Equal(0, model.ForwardCount);
        Assert.Empty(observer.MetricsCalls);
        Assert.Empty(observer.Checkpoints); // no step, nothing new to save
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Each_epoch_reports_the_padding_share_of_its_batches(bool lengthBucketing)
    {
        using var model = NewModel();
        var observer = new RecordingObserver();

        // One batch of all six: BOS + prompt + completion + EOS gives lengths 11, 15, 14, 15, 12, 12 (79 tokens),
        // padded to 6 x 15 = 90 positions.
        IReadOnlyList<EpochSummary> epochs = Train(model, Options(epochs: 2) with { BatchSize = Fruit.Length, LengthBucketing = lengthBucketing },
            observer, validate: false).Epochs;

        Assert.All(epochs, e => Assert.Equal(11.0 / 90, e.PaddingShare, precision: 12));
        Assert.Equal(epochs, observer.Epochs);
    }

    [Fact]
    public void Length_bucketing_lowers_the_padding_share_of_mixed_lengths()
    {
        // Prompts of 1..24 characters: sequences of 4..27 tokens.
        var pairs = Enumerable.Range(0, 48).Select(i => (new string('a', 1 + (i * 7 % 24)), "b")).ToList();
        IReadOnlyList<TokenizedExample> examples = new ExampleTokenizer(Tokenizer, maxLength: 32).TokenizeAll(pairs).Examples;
        TrainingOptions options = Options(epochs: 1) with { BatchSize = 4 };

        double ShareWith(bool lengthBucketing)
        {
            using var model = NewModel();
            return new SupervisedTrainer(model, options with { LengthBucketing = lengthBucketing }, new RecordingObserver())
                .Train(examples, null, CharacterTokenizer.Pad, CancellationToken.None).Epochs[0].PaddingShare;
        }

        double grouped = ShareWith(true), random = ShareWith(false);
        Assert.True(grouped < random, $"grouped {grouped:P1}, random {random:P1}");
    }
}
