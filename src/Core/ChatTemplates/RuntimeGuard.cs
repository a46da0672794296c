using System.Runtime.CompilerServices;

namespace TuningService.Core.ChatTemplates;

/// <summary>
/// Keeps deep recursion (nested data printed or dumped, macros calling macros) from overflowing the .NET stack, which
/// would kill the process instead of failing the request. Python raises RecursionError in the same places.
/// </summary>
internal static class RuntimeGuard
{
    public static void EnsureStack()
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw new TemplateRuntimeException("RecursionError: maximum recursion depth exceeded", ChatTemplateErrorKind.LimitExceeded);
    }
}
