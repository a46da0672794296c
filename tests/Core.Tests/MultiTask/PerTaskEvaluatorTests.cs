using TorchSharp;
using TuningService.Core.MultiTask;
using TuningService.Core.Tests.Training;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.MultiTask;

[Collection(TorchGlobalStateCollection.Name)]
public class PerTaskEvaluatorTests
{
    private static readonly CharacterTokenizer Tokenizer = new();
    private static readonly ExampleTokenizer Tokenize = new(Tokenizer, maxLength: 32);

    // Predicted tokens per task (BOS first, so every completion token and EOS is predicted): completion length + 1.
    private static readonly (string Name, (string Prompt, string Completion)[] Pairs, int PredictedTokens)[] Tasks =
    [
        ("fruit", [("red?", "apple"), ("yellow?", "banana"), ("purple?", "grape")], 6 + 7 + 6),
        ("sums", [("1+1=", "2"), ("2+3=", "5"), ("4+4=", "8"), ("9+1=", "10"), ("7+7=", "14")], 2 + 2 + 2 + 3 + 3),
        ("echo", [("say hi:", " hi"), ("say more:", " the quick brown fox")], 4 + 21),
    ];

    private static List<TaskExamples<TokenizedExample>> TaskExamples() =>
        Tasks.Select(t => new TaskExamples<TokenizedExample>(t.Name, Tokenize.TokenizeAll(t.Pairs).Examples)).ToList();

    private static TinyCausalLm NewModel()
    {
        torch.manual_seed(11);
        return new TinyCausalLm(Tokenizer.VocabSize, maxPositions: 32);
    }

    private static PerTaskEvaluation Evaluate(TinyCausalLm model, IReadOnlyList<TaskExamples<TokenizedExample>> tasks) =>
        new PerTaskEvaluator(new CausalObjective(model), batchSize: 2, paddingId: CharacterTokenizer.Pad).Evaluate(tasks);

    [Fact]
    public void Overall_loss_and_accuracy_are_the_token_weighted_means_of_the_tasks()
    {
        using var model = NewModel();

        PerTaskEvaluation result = Evaluate(model, TaskExamples());

        Assert.Equal(Tasks.Select(t => (t.Name, t.Pairs.Length, (long)t.PredictedTokens)),
            result.Tasks.Select(t => (t.Task, t.ExampleCount, t.PredictedTokenCount)));
        Assert.Equal((10, 19L + 12 + 25), (result.ExampleCount, result.PredictedTokenCount));
        double weightedLoss = result.Tasks.Sum(t => t.Loss * t.PredictedTokenCount) / result.PredictedTokenCount;
        double weightedAccuracy = result.Tasks.Sum(t => t.TokenAccuracy * t.PredictedTokenCount) / result.PredictedTokenCount;
        Assert.Equal(weightedLoss, result.Loss, 1e-12);
        Assert.Equal(weightedAccuracy, result.TokenAccuracy, 1e-12);
        // An untrained model over 99 ids: near ln 99 = 4.6.
        Assert.InRange(result.Loss, 3.5, 6.0);
    }

    [Fact]
    public void Each_task_matches_the_loss_of_all_its_examples_in_one_batch()
    {
        using var model = NewModel();
        List<TaskExamples<TokenizedExample>> tasks = TaskExamples();

        PerTaskEvaluation result = Evaluate(model, tasks);

        model.eval();
        using var noGrad = no_grad();
        foreach (TaskExamples<TokenizedExample> task in tasks)
        {
            using var scope = NewDisposeScope();
            // A single padded batch: the mean over its labelled tokens needs no weighting across batches.
            PaddedBatch all = new Batcher(batchSize: 100, CharacterTokenizer.Pad).Batches(task.Examples)[0];
            (Tensor ids, Tensor labels) = all.ToTensors(CPU);
            Tensor logits = model.call(ids);
            double loss = CausalLmLoss.Compute(logits, labels).item<float>();
            long correct = CausalLmLoss.CountCorrect(logits, labels).item<long>();

            TaskMetrics metrics = result.For(task.Name)!;
            Assert.True(Math.Abs(metrics.Loss - loss) <= 1e-5 * Math.Abs(loss), $"{task.Name}: {metrics.Loss} vs {loss}");
            Assert.Equal((double)correct / all.PredictedTokenCount, metrics.TokenAccuracy, 1e-12);
        }
    }

    [Fact]
    public void The_model_is_left_in_its_mode_without_gradients()
    {
        using var model = NewModel();
        model.train();
        Evaluate(model, TaskExamples());
        Assert.True(model.training);
        Assert.All(model.parameters(), p => Assert.True(p.grad is null));

        model.eval();
        Evaluate(model, TaskExamples());
        Assert.False(model.training);
    }

    [Fact]
    public void A_task_without_labelled_tokens_reports_NaN_and_does_not_count_overall()
    {
        using var model = NewModel();
        List<TaskExamples<TokenizedExample>> tasks = TaskExamples();
        PerTaskEvaluation without = Evaluate(model, tasks);
        int ignore = CausalLmLoss.IgnoreIndex;
        tasks.Add(new TaskExamples<TokenizedExample>("unlabelled", [new TokenizedExample([1, 70, 71], [ignore, ignore, ignore])]));

        PerTaskEvaluation with = Evaluate(model, tasks);

        TaskMetrics unlabelled = with.For("unlabelled")!;
        Assert.Equal(0, unlabelled.PredictedTokenCount);
        Assert.True(double.IsNaN(unlabelled.Loss) && double.IsNaN(unlabelled.TokenAccuracy));
        Assert.Equal(without.Loss, with.Loss, 1e-12);
        Assert.Equal(without.ExampleCount + 1, with.ExampleCount);
    }
}
