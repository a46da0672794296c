using TorchSharp;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Training;

/// <summary>Data, models and comparisons shared by the trainer's resume, cadence and precision tests.</summary>
internal static class TrainerTestKit
{
    public static readonly CharacterTokenizer Tokenizer = new();

    /// <summary>Six (prompt, completion) pairs: in batches of 2, three steps an epoch.</summary>
    public static readonly (string Prompt, string Completion)[] Fruit =
    [
        ("red?", "apple"), ("yellow?", "banana"), ("purple?", "grape"),
        ("orange?", "orange"), ("green?", "lime"), ("brown?", "kiwi"),
    ];

    /// <summary>Validation pairs the training pairs do not contain.</summary>
    public static readonly (string Prompt, string Completion)[] MoreFruit =
    [
        ("pink?", "peach"), ("black?", "plum"), ("blue?", "berry"),
    ];

    public static IReadOnlyList<TokenizedExample> Examples(params (string Prompt, string Completion)[] pairs) =>
        new ExampleTokenizer(Tokenizer, maxLength: 32).TokenizeAll(pairs).Examples;

    public static TinyCausalLm NewModel(int seed = 0, double dropoutRate = 0)
    {
        torch.manual_seed(seed);
        return new TinyCausalLm(Tokenizer.VocabSize, maxPositions: 32, dropoutRate: dropoutRate);
    }

    /// <summary>A copy of the weights that outlives later training (what a saved model holds).</summary>
    public static Dictionary<string, Tensor> Snapshot(nn.Module model) =>
        model.state_dict().ToDictionary(entry => entry.Key, entry => entry.Value.detach().clone());

    public static bool SameWeights(Dictionary<string, Tensor> a, Dictionary<string, Tensor> b) =>
        a.Count == b.Count && a.All(entry => entry.Value.dtype == b[entry.Key].dtype && entry.Value.equal(b[entry.Key]).all().item<bool>());

    /// <summary>A step's values without its throughput, which is a timing.</summary>
    public static (int, int, double, double, double, double) Values(StepMetrics s) =>
        (s.Step, s.Epoch, s.TrainLoss, s.TrainMeanTokenAccuracy, s.LearningRate, s.GradNorm);

    public static string NewTempFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "trainer-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }
}
