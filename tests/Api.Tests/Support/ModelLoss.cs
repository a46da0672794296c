using TorchSharp;
using TuningService.Core.Files;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tokenization;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Api.Tests.Support;

/// <summary>Mean completion-token loss of a Hugging Face model folder on a prompt/completion file (teacher-forced).</summary>
public static class ModelLoss
{
    public static double OnFile(string modelFolder, string jsonlPath)
    {
        using var loaded = PretrainedModelLoader.Load(modelFolder, torch.CPU);
        var model = loaded.AsCausalLanguageModel();
        var tokenizer = TokenizerLoader.FromModelFolder(modelFolder);
        var examples = new ExampleTokenizer(tokenizer, model.MaxPositions);
        using var noGrad = no_grad();
        double lossSum = 0;
        long tokens = 0;
        foreach (var e in TrainingExampleReader.Read(jsonlPath))
        {
            using var scope = NewDisposeScope();
            var t = examples.Tokenize(e.Prompt, e.Completion);
            var ids = tensor(t.InputIds.Select(x => (long)x).ToArray()).unsqueeze(0);
            var labels = tensor(t.Labels.Select(x => (long)x).ToArray()).unsqueeze(0);
            var predicted = t.Labels.Skip(1).Count(l => l != CausalLmLoss.IgnoreIndex);
            lossSum += CausalLmLoss.Compute(model.call(ids), labels).item<float>() * predicted;
            tokens += predicted;
        }
        return lossSum / tokens;
    }
}
