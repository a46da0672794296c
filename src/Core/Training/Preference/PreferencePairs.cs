namespace TuningService.Core.Training.Preference;

/// <summary>Tokenizes preference pairs: the prompt with each answer, framed as any training example (the answer
/// ends with EOS and carries the labels), the non-preferred sequence in <see cref="TokenizedExample.Rejected"/>.</summary>
public static class PreferencePairs
{
    /// <summary>Pairs as read from a preference file (<see cref="Files.TrainingExample.Rejected"/> set): plain ones framed as
    /// prompt + answer + EOS, chat-template ones from their segments.</summary>
    public static TokenizedDataset Tokenize(IExampleTokenizer tokenizer, IEnumerable<Files.TrainingExample> pairs)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        List<TokenizedExample> examples = [.. pairs.Select(p =>
        {
            var (c, r) = (tokenizer.Tokenize(p), tokenizer.Tokenize(p.RejectedExample));
            return c with { Rejected = r, WasTruncated = c.WasTruncated || r.WasTruncated };
        })];
        return new TokenizedDataset(examples, examples.Count(e => e.WasTruncated));
    }

    public static TokenizedDataset Tokenize(IExampleTokenizer tokenizer, IEnumerable<(string Prompt, string Chosen, string Rejected)> pairs)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(pairs);
        var list = pairs.ToList();
        var chosen = tokenizer.TokenizeAll(list.Select(p => (p.Prompt, p.Chosen))).Examples;
        var rejected = tokenizer.TokenizeAll(list.Select(p => (p.Prompt, p.Rejected))).Examples;
        List<TokenizedExample> examples = [.. chosen.Zip(rejected, (c, r) => c with { Rejected = r, WasTruncated = c.WasTruncated || r.WasTruncated })];
        return new TokenizedDataset(examples, examples.Count(e => e.WasTruncated));
    }
}
