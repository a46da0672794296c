namespace TuningService.Core.Files;

/// <summary>The default rendering of an Alpaca record as a prompt/completion pair (when the job gives no template).</summary>
/// <remarks>
/// The template, in full: the prompt is "Instruction: {instruction} Input: {input} Response:", without the
/// " Input: {input}" part when input is missing or empty (whitespace only counts as empty); the completion is
/// " " + output. The parts are joined by single spaces, not the newlines of the original Alpaca prompt, because the
/// shipped model's tokenizer has no newline piece and maps "\n" to &lt;unk&gt; (see <see cref="PlainChatTemplate"/>).
/// As there, the space after the final colon belongs to the completion. Field contents are not altered.
/// Example: {"instruction": "Add the numbers.", "input": "2 and 3", "output": "5"} gives prompt
/// "Instruction: Add the numbers. Input: 2 and 3 Response:" and completion " 5".
/// </remarks>
public static class AlpacaTemplate
{
    public static TrainingExample Render(string instruction, string? input, string output, string? task = null)
    {
        ArgumentNullException.ThrowIfNull(instruction);
        ArgumentNullException.ThrowIfNull(output);
        string prompt = string.IsNullOrWhiteSpace(input)
            ? $"Instruction: {instruction} Response:"
            : $"Instruction: {instruction} Input: {input} Response:";
        return new TrainingExample(prompt, " " + output, task);
    }
}
