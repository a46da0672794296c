using TorchSharp;
using TuningService.Core.Files;
using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tokenization;
using TuningService.Core.Training;
using TuningService.Core.Training.Preference;
using static TorchSharp.torch;

namespace TuningService.Api.Tests.Support;

/// <summary>The share of pairs whose preferred answer a model gives the higher summed log-prob, scored independently of the job.</summary>
public static class PreferenceAccuracy
{
    public static double OnPairs(string modelFolder, IReadOnlyList<StoryPreferences.Pair> pairs)
    {
        using var loaded = PretrainedModelLoader.Load(modelFolder, torch.CPU);
        var setup = TrainingSetup.For(loaded, TokenizerLoader.FromModelFolder(modelFolder));
        var objective = new PreferenceObjective((CausalLanguageModel)loaded.Model, new PreferenceLossOptions(), PreferenceReference.Precomputed);
        var rendered = pairs.Select(p => PreferenceTemplate.Render([new ChatMessage("user", $"{p.Story} Who is this story about?")], p.Preferred, p.NonPreferred));
        var tokenized = PreferencePairs.Tokenize(setup.Examples, rendered.Select(e => (e.Prompt, e.Completion, e.Rejected!)));
        loaded.Model.eval();
        var right = 0;
        foreach (var batch in new Batcher(8, setup.Examples.PaddingId).Batches(tokenized.Examples))
        {
            using var scope = NewDisposeScope();
            var (ids, labels) = batch.ToTensors(torch.CPU);
            var scores = objective.Score(ids, labels, asReference: false).data<float>().ToArray();
            right += Enumerable.Range(0, batch.PairCount).Count(i => scores[i] > scores[batch.PairCount + i]);
        }
        return (double)right / pairs.Count;
    }
}
