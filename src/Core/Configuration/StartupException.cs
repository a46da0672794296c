namespace TuningService.Core.Configuration;

/// <summary>
/// A reason the service cannot start that the operator can fix (a setting, an unreachable database). Its message
/// is written for them, whole: what failed, where, and what to do; no stack trace goes with it. One line, or one line
/// per problem where there are several (every invalid setting is listed at once, so one restart fixes them all).
/// </summary>
public sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
