namespace TuningService.Core.Training;

/// <summary>Turns (prompt, completion) pairs into training sequences for one kind of model.</summary>
public interface IExampleTokenizer
{
    /// <summary>The id batches pad inputs with.</summary>
    int PaddingId { get; }

    TokenizedExample Tokenize(string prompt, string completion);

    TokenizedDataset TokenizeAll(IEnumerable<(string Prompt, string Completion)> pairs);
}
