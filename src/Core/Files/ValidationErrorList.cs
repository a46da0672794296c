namespace TuningService.Core.Files;

/// <summary>The errors a validator found: all counted, the first <c>maxErrors</c> kept with their messages.</summary>
internal sealed class ValidationErrorList(int maxErrors)
{
    private readonly List<FileValidationError> _kept = [];

    public long Count { get; private set; }

    public IReadOnlyList<FileValidationError> Kept => _kept.AsReadOnly();

    public void Add(long? position, string message)
    {
        Count++;
        if (_kept.Count < maxErrors)
            _kept.Add(new FileValidationError(position, message));
    }

    public FineTuneValidationResult ToResult(FineTuneFormat? format, long recordCount, DatasetContainer container) =>
        new(format, recordCount, Kept, Count) { Container = container };
}
