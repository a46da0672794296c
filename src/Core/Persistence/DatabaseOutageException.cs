namespace TuningService.Core.Persistence;

/// <summary>The database stayed unreachable for longer than the caller tolerates (see <see cref="DatabaseRetry"/>).</summary>
public sealed class DatabaseOutageException(string message, Exception inner) : Exception(message, inner);
