namespace TuningService.Core.Configuration;

/// <summary>
/// A reason the service cannot start that the operator can fix (a setting, an unreachable database). Its message
/// is written for them, whole, on one line: what failed, where, and what to do; no stack trace goes with it.
/// </summary>
public sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
