using TuningService.Core.Generation;
using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tests.Models;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Generation;

public sealed class GreedyGeneratorTests : IDisposable
{
    // llama-tiny golden: prompt [1, 87, 10, 217, 19, 146, 111, 84, 3] continues with 81, 43, 43, 245, 43, ...
    private static readonly int[] Prompt = [1, 87, 10, 217, 19, 146, 111, 84, 3];
    private readonly LoadedModel loaded = PretrainedModelLoader.Load(TestPaths.LlamaTiny, CPU);

    [Fact]
    public void Stops_at_the_stop_token_without_returning_it()
    {
        var result = GreedyGenerator.Generate(loaded.AsCausalLanguageModel(), Prompt, maxNewTokens: 8, stopTokenId: 245);

        Assert.Equal([81, 43, 43], result.TokenIds);
        Assert.True(result.StoppedAtStopToken);
    }

    [Fact]
    public void Leaves_the_model_in_the_mode_it_found_it()
    {
        var model = loaded.AsCausalLanguageModel();
        model.train();

        GreedyGenerator.Generate(model, Prompt, maxNewTokens: 1, stopTokenId: null);

        Assert.True(model.training);
    }

    [Fact]
    public void Refuses_to_run_past_the_context()
    {
        var model = loaded.AsCausalLanguageModel(); // max_position_embeddings 128

        Assert.Throws<ArgumentException>(() => GreedyGenerator.Generate(model, Prompt, maxNewTokens: 120, stopTokenId: null));
        Assert.Throws<ArgumentException>(() => GreedyGenerator.Generate(model, [], maxNewTokens: 1, stopTokenId: null));
    }

    public void Dispose() => loaded.Dispose();
}
