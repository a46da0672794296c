using System.Diagnostics;
using System.Text;

namespace TuningService.Core.ChatTemplates;

/// <summary>
/// The state of one render: the output being written (a stack, for macro calls and <c>set</c> blocks that capture
/// their output), the position being evaluated (for error messages), and the budget of steps, size, depth and time
/// that keeps a hostile or buggy template from hanging a request.
/// </summary>
internal sealed class RenderContext
{
    readonly ChatTemplateLimits limits;
    readonly CancellationToken cancellationToken;
    readonly long startTimestamp = Stopwatch.GetTimestamp();
    readonly Stack<StringBuilder> captures = new();
    long steps;

    public RenderContext(ChatTemplateLimits limits, DateTime now, CancellationToken cancellationToken)
    {
        this.limits = limits;
        this.cancellationToken = cancellationToken;
        Now = now;
        Output = new StringBuilder();
    }

    public StringBuilder Output { get; private set; }

    /// <summary>What <c>strftime_now</c> formats.</summary>
    public DateTime Now { get; }

    public int CallDepth { get; set; }

    public int MaxCallDepth => limits.MaxCallDepth;

    /// <summary>The node being evaluated (1-based line and column), for error messages.</summary>
    public int Line { get; private set; }

    public int Column { get; private set; }

    public void At(int line, int column)
    {
        Line = line;
        Column = column;
    }

    public void PushCapture()
    {
        captures.Push(Output);
        Output = new StringBuilder();
    }

    public string PopCapture()
    {
        var text = Output.ToString();
        Output = captures.Pop();
        return text;
    }

    /// <summary>Counts one loop iteration or macro call; fails past the step limit, the time limit or cancellation.</summary>
    public void Step()
    {
        if (++steps > limits.MaxSteps)
            throw new TemplateRuntimeException(
                $"the template ran more than {limits.MaxSteps} loop iterations and macro calls, the limit for one render",
                ChatTemplateErrorKind.LimitExceeded);
        if ((steps & 255) == 0) CheckTime();
    }

    public void CheckTime()
    {
        if (cancellationToken.IsCancellationRequested)
            throw new TemplateRuntimeException("rendering was cancelled", ChatTemplateErrorKind.LimitExceeded);
        if (Stopwatch.GetElapsedTime(startTimestamp) > limits.MaxTime)
            throw new TemplateRuntimeException(
                $"rendering took longer than {limits.MaxTime.TotalSeconds:0.###} s, the limit for one render",
                ChatTemplateErrorKind.LimitExceeded);
    }

    /// <summary>Fails if a string or list of <paramref name="length"/> would exceed the size limit.</summary>
    public void CheckLength(long length)
    {
        if (length > limits.MaxOutputLength)
            throw new TemplateRuntimeException(
                $"the template built a value of {length} characters or items, more than the limit of {limits.MaxOutputLength}",
                ChatTemplateErrorKind.LimitExceeded);
    }

    /// <summary>Fails if the output written so far exceeds the size limit.</summary>
    public void CheckOutput()
    {
        if (Output.Length > limits.MaxOutputLength)
            throw new TemplateRuntimeException(
                $"the rendered text is longer than {limits.MaxOutputLength} characters, the limit for one render",
                ChatTemplateErrorKind.LimitExceeded);
    }
}
