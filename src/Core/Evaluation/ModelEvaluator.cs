using TuningService.Core.Files;
using TuningService.Core.MultiTask;
using TuningService.Core.Tokenization;
using TuningService.Core.Training;

namespace TuningService.Core.Evaluation;

/// <summary>
/// Evaluates one model on datasets: teacher-forced metrics on every example (the trainer's tokens, labels and loss),
/// and for instruction data greedy generations on up to <see cref="EvaluationSettings.MaxGeneratedExamples"/> of
/// them, scored against the references; per task and overall, with a few generations kept per task. Works for any
/// model a <see cref="TrainingSetup"/> fits, LoRA-adapted ones included.
/// </summary>
public sealed class ModelEvaluator(TrainingSetup setup, ITextTokenizer tokenizer, EvaluationSettings settings)
{
    /// <param name="generate">Also generate (instruction data only); false: teacher-forced metrics alone.</param>
    public DatasetEvaluation Evaluate(EvaluationDataset dataset, bool generate, CancellationToken ct) =>
        Run(dataset, dataset.Examples, generate, [], null, ct);

    /// <summary>
    /// The in-context-learning baseline: each test prompt preceded by <paramref name="shots"/> examples of
    /// <paramref name="pool"/> (see <see cref="IclPrompts"/>), then evaluated as <see cref="Evaluate"/> does.
    /// </summary>
    public DatasetEvaluation EvaluateInContext(EvaluationDataset dataset, IReadOnlyList<TrainingExample> pool, int shots, int seed, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Kind != EvaluationDataKind.Instruction)
            throw new ArgumentException("In-context examples need instruction data (prompts to put them before).", nameof(dataset));
        var budgets = ByTask(dataset).ToDictionary(t => t.Task, t => MaxNewTokens(t.Items.Select(i => i.Example.Completion)));
        var separator = IclPrompts.SeparatorFor(tokenizer);
        var (examples, summary) = IclPrompts.Build(dataset.Examples, pool, shots, seed,
            e => Fits(e, budgets[TaskOf(e, dataset.DefaultTask)]), separator);
        return Run(dataset, examples, true, separator == IclPrompts.Separator ? [separator] : [], summary, ct);
    }

    DatasetEvaluation Run(EvaluationDataset dataset, IReadOnlyList<TrainingExample> examples, bool generate,
        IReadOnlyList<string> stopSequences, IclSummary? icl, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var tasks = ByTask(dataset with { Examples = examples });
        var tokenized = tasks.Select(t => new TaskExamples<TokenizedExample>(t.Task, Tokenize(dataset.Kind, t.Items.Select(i => i.Example)))).ToList();
        var (overall, perTask) = TeacherForcedEvaluator.Evaluate(setup, tokenized, settings.BatchSize, ct);

        var generated = new Dictionary<string, GeneratedMetrics>();
        var samples = new List<GeneratedSample>();
        GeneratedMetrics? overallGenerated = null;
        if (generate && dataset.Kind == EvaluationDataKind.Instruction)
        {
            var selected = RoundRobin(tasks, settings.MaxGeneratedExamples);
            List<string> allPredictions = [], allReferences = [];
            int longest = 0, truncated = 0;
            foreach (var (task, items) in selected)
            {
                var references = items.Select(i => i.Example.Completion).ToList();
                var completions = GreedyCompletions.Generate(setup, tokenizer, items.Select(i => i.Example.Prompt).ToList(),
                    MaxNewTokens(references), settings.BatchSize, stopSequences, ct, settings.StopTokenIds);
                generated[task] = GeneratedMetricsCalculator.Compute(completions.Texts, references, completions.MaxNewTokens, completions.PromptsTruncated);
                samples.AddRange(items.Take(settings.SamplesPerTask).Select((item, j) =>
                    new GeneratedSample(item.Index, task, item.Example.Prompt, item.Example.Completion, completions.Texts[j])));
                allPredictions.AddRange(completions.Texts);
                allReferences.AddRange(references);
                longest = Math.Max(longest, completions.MaxNewTokens);
                truncated += completions.PromptsTruncated;
            }
            if (allPredictions.Count > 0)
                overallGenerated = GeneratedMetricsCalculator.Compute(allPredictions, allReferences, longest, truncated);
        }
        // Preference pairs (DPO data): how the model ranks each pair's answers, per task and overall.
        var preference = tasks.ToDictionary(t => t.Task, t => PreferenceScorer.Evaluate(setup, [.. t.Items.Select(i => i.Example)], settings.BatchSize, ct));
        var taskResults = perTask.Select(t => new TaskEvaluation(t.Task, t.Metrics, generated.GetValueOrDefault(t.Task), preference.GetValueOrDefault(t.Task))).ToList();
        var overallPreference = tasks.Count == 1 ? preference[tasks[0].Task] : PreferenceScorer.Evaluate(setup, examples, settings.BatchSize, ct);
        return new DatasetEvaluation(dataset.Id, dataset.Name, dataset.Kind, examples.Count,
            new TaskEvaluation("overall", overall, overallGenerated, overallPreference), taskResults, samples, icl);
    }

    IReadOnlyList<TokenizedExample> Tokenize(EvaluationDataKind kind, IEnumerable<TrainingExample> examples) => kind == EvaluationDataKind.Text
        ? [.. examples.SelectMany(e => PlainTextSequences.Tokenize(setup, tokenizer, e.Completion))]
        : setup.Examples.TokenizeAll(examples.Select(e => (e.Prompt, e.Completion))).Examples;

    /// <summary>A task's budget: its longest reference plus EOS (so a model must stop to match), capped.</summary>
    int MaxNewTokens(IEnumerable<string> references) =>
        Math.Min(settings.MaxNewTokensCap, references.Select(r => tokenizer.Encode(r).Count + 1).DefaultIfEmpty(1).Max());

    /// <summary>Whether the prompt fits the context with room for the completion being scored and the generation budget.</summary>
    bool Fits(TrainingExample example, int budget)
    {
        int prompt = tokenizer.Encode(example.Prompt).Count;
        if (!setup.Objective.LabelsAreShifted) return prompt + 1 <= setup.ContextLength; // the encoder's input: prompt + EOS
        int bos = tokenizer.AddBos ? 1 : 0;
        int completion = tokenizer.Encode(example.Completion).Count + 1;
        return bos + prompt + Math.Max(completion, budget) <= setup.ContextLength;
    }

    static string TaskOf(TrainingExample example, string defaultTask) => string.IsNullOrWhiteSpace(example.Task) ? defaultTask : example.Task!;

    /// <summary>The examples by task (in order of first appearance), each with its index in the dataset.</summary>
    static List<(string Task, List<(int Index, TrainingExample Example)> Items)> ByTask(EvaluationDataset dataset) =>
        dataset.Examples.Select((e, i) => (Index: i, Example: e)).GroupBy(x => TaskOf(x.Example, dataset.DefaultTask), StringComparer.Ordinal)
            .Select(g => (g.Key, g.ToList())).ToList();

    /// <summary>Up to <paramref name="limit"/> examples taken from the tasks in turn, so every task is generated for.</summary>
    static List<(string Task, List<(int Index, TrainingExample Example)> Items)> RoundRobin(
        List<(string Task, List<(int Index, TrainingExample Example)> Items)> tasks, int limit)
    {
        var taken = new int[tasks.Count];
        for (int total = 0, before = -1; total < limit && total != before;)
        {
            before = total;
            for (int t = 0; t < tasks.Count && total < limit; t++)
                if (taken[t] < tasks[t].Items.Count)
                {
                    taken[t]++;
                    total++;
                }
        }
        return tasks.Select((t, i) => (t.Task, t.Items.Take(taken[i]).ToList())).Where(t => t.Item2.Count > 0).ToList();
    }
}
