using TorchSharp;
using TuningService.Core.Files;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tokenization;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Api.Tests.Support;

/// <summary>
/// Mean completion-token loss of a Hugging Face model folder on a prompt/completion file (teacher-forced), through
/// the same objective the trainer uses for the model's family.
/// </summary>
public static class ModelLoss
{
    public static double OnFile(string modelFolder, string jsonlPath)
    {
        using var loaded = PretrainedModelLoader.Load(modelFolder, torch.CPU);
        var setup = TrainingSetup.For(loaded, TokenizerLoader.FromModelFolder(modelFolder));
        var examples = setup.Examples.TokenizeAll(TrainingExampleReader.Read(jsonlPath).Select(e => (e.Prompt, e.Completion)));
        var batcher = new Batcher(1, setup.Examples.PaddingId, setup.Objective.LabelsAreShifted);
        using var noGrad = no_grad();
        double lossSum = 0;
        long tokens = 0;
        foreach (var batch in batcher.Batches(examples.Examples))
        {
            using var scope = NewDisposeScope();
            var (ids, labels) = batch.ToTensors(torch.CPU);
            var (loss, _) = setup.Objective.Compute(ids, batch.MaskTensor(torch.CPU), labels);
            lossSum += loss.item<float>() * batch.PredictedTokenCount;
            tokens += batch.PredictedTokenCount;
        }
        return lossSum / tokens;
    }
}
