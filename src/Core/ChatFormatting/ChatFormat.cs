using System.Text.Json.Nodes;
using TuningService.Core.ChatTemplates;
using TuningService.Core.Files;

namespace TuningService.Core.ChatFormatting;

/// <summary>
/// How one model writes a conversation: its chat template (the model's own, a built-in one or the job's) or, for a
/// model with none, the plain "System: … User: … Assistant:" layout. Training, chat completions, /tokenize and
/// preference jobs all render through this one type, so a model is trained in the format it is later asked in.
/// Built by <see cref="ChatFormats.For"/>.
/// </summary>
public sealed class ChatFormat : IChatExampleRenderer
{
    readonly ChatTemplate? template;
    readonly IReadOnlyDictionary<string, string?> specialTokens;
    readonly IReadOnlyList<string> endOfTurnTexts;

    internal ChatFormat(string name, string description, ChatTemplate? template, IReadOnlyDictionary<string, string?> specialTokens,
        IReadOnlyList<int> stopTokenIds, IReadOnlyList<string> stopTexts, IReadOnlyList<string> endOfTurnTexts)
    {
        Name = name;
        Description = description;
        this.template = template;
        this.specialTokens = specialTokens;
        StopTokenIds = stopTokenIds;
        StopTexts = stopTexts;
        this.endOfTurnTexts = endOfTurnTexts;
        Fingerprint = template is null ? BuiltInChatTemplates.Plain
            : $"{name}:{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(template.Source)))}";
    }

    /// <summary>Where the template came from: <c>model</c> (the model folder's own), <c>chatml</c>, <c>llama3</c>, <c>job</c> (the job's own source) or <c>plain</c>.</summary>
    public string Name { get; }

    /// <summary>The same in words, for job events and responses.</summary>
    public string Description { get; }

    /// <summary>True for the plain layout, which keeps the service's original framing: BOS added, the answer after "Assistant:" and EOS.</summary>
    public bool IsPlain => template is null;

    public string Fingerprint { get; }

    /// <summary>Token ids that end an assistant turn: generation_config.json's eos_token_id (one or a list), the tokenizer's EOS, and the template's end-of-turn token when it is one.</summary>
    public IReadOnlyList<int> StopTokenIds { get; }

    /// <summary>End-of-turn texts the tokenizer has no single token for (a built-in template on a base model's tokenizer): generation stops at these strings.</summary>
    public IReadOnlyList<string> StopTexts { get; }

    /// <summary>
    /// The text a model is given to answer <paramref name="messages"/> (a JSON array of {role, content, ...}, passed to the
    /// template as they are), with the assistant's opening when <paramref name="addGenerationPrompt"/>.
    /// </summary>
    /// <exception cref="ChatTemplateException">The template failed or refused the conversation (its own raise_exception).</exception>
    public string RenderPrompt(JsonArray messages, JsonNode? tools = null, bool addGenerationPrompt = true,
        IReadOnlyDictionary<string, JsonNode?>? variables = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (template is null) return PlainChatTemplate.RenderPrompt(PlainMessages(messages));
        return template.Render(new ChatTemplateInput
        {
            Messages = messages, Tools = tools, AddGenerationPrompt = addGenerationPrompt, SpecialTokens = specialTokens,
            Variables = variables ?? new Dictionary<string, JsonNode?>(),
        }, cancellationToken: ct);
    }

    /// <summary>
    /// A chat record as a training example. With a template, the conversation up to its last trained assistant message
    /// is rendered once, and each trained assistant message is located by rendering the conversation before it (with
    /// the generation prompt) and up to it: what lies between is the answer, trained through its end-of-turn marker;
    /// everything else (system, user, markup, untrained answers) is context, as TRL's assistant-only loss masks it.
    /// An earlier answer that a template renders differently once later turns follow (Qwen3 drops earlier reasoning)
    /// cannot be located and stays context; the last one always can, or the template is refused with a message.
    /// </summary>
    public TrainingExample Render(IReadOnlyList<ChatMessage> messages, string? task)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (template is null) return PlainChatTemplate.Render(messages, task);
        var target = LastTrainable(messages);
        var conversation = messages.Take(target + 1).ToList();
        var full = Render(conversation, addGenerationPrompt: false);
        var segments = new List<TextSegment>();
        var position = 0;
        string? targetPrompt = null;
        for (var i = 0; i <= target; i++)
        {
            if (!conversation[i].IsTrainable) continue;
            var before = Render(conversation.Take(i).ToList(), addGenerationPrompt: true);
            var through = i == target ? full : Render(conversation.Take(i + 1).ToList(), addGenerationPrompt: false);
            var answerStart = AnswerStart(conversation.Take(i).ToList(), before, full);
            // Templates that end a conversation with EOS (Phi-3) write an answer followed by EOS alone, but by the next
            // turn once one follows: the answer then ends where the two part.
            var throughEnd = full.StartsWith(through, StringComparison.Ordinal) ? through.Length : full.AsSpan().CommonPrefixLength(through);
            var located = answerStart >= position && throughEnd > answerStart
                          && (i == target || full.AsSpan(answerStart, throughEnd - answerStart).Contains(conversation[i].Content.Trim(), StringComparison.Ordinal));
            if (!located)
            {
                if (i < target) continue;
                throw new ChatTemplateException(
                    $"The chat template ({Description}) does not write the conversation before the last assistant message as the start of the " +
                    "whole conversation, so the answer to learn cannot be found in it. Choose another template with the job's chat_template.",
                    ChatTemplateErrorKind.Runtime);
            }
            var answerEnd = answerStart + TrainedLength(full.AsSpan(answerStart, throughEnd - answerStart));
            if (answerStart > position) segments.Add(new TextSegment(full[position..answerStart], Trained: false));
            segments.Add(new TextSegment(full[answerStart..answerEnd], Trained: true));
            position = answerEnd;
            if (i == target) targetPrompt = before;
        }
        if (position < full.Length) segments.Add(new TextSegment(full[position..], Trained: false));
        return new TrainingExample(targetPrompt!, conversation[target].Content, task) { Segments = segments };
    }

    /// <summary>
    /// A preference pair's answer as the template writes it after <paramref name="prompt"/>'s generation prompt, through
    /// its end-of-turn marker (the plain layout: " " + the answer; EOS is then added by the caller's tokenization, as
    /// for supervised plain examples). Returns the prompt text too, so both answers of a pair share it exactly.
    /// </summary>
    public (string Prompt, string Answer) RenderAnswer(IReadOnlyList<ChatMessage> prompt, string answer)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(answer);
        if (template is null) return (PlainChatTemplate.RenderPrompt(prompt), " " + answer);
        var example = Render([.. prompt, new ChatMessage(ChatRoles.Assistant, answer)], task: null);
        var trained = example.Segments!.Last(s => s.Trained);
        return (example.Prompt, trained.Text);
    }

    /// <summary>
    /// A preference pair: each answer rendered after the same prompt through its end-of-turn marker, trained; the plain
    /// layout gives <see cref="PreferenceTemplate"/>'s rendering (EOS added by tokenization).
    /// </summary>
    public TrainingExample RenderPreference(IReadOnlyList<ChatMessage> messages, string preferred, string nonPreferred, string? task)
    {
        if (template is null) return PreferenceTemplate.Render(messages, preferred, nonPreferred, task);
        var (prompt, chosen) = RenderAnswer(messages, preferred);
        var (rejectedPrompt, rejected) = RenderAnswer(messages, nonPreferred);
        if (rejectedPrompt != prompt)
            throw new ChatTemplateException($"The chat template ({Description}) writes the prompt differently depending on the answer; a preference pair needs one prompt.",
                ChatTemplateErrorKind.Runtime);
        return new TrainingExample(prompt, preferred, task)
        {
            Rejected = nonPreferred,
            Segments = [new TextSegment(prompt, false), new TextSegment(chosen, true)],
            RejectedSegments = [new TextSegment(prompt, false), new TextSegment(rejected, true)],
        };
    }

    string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt) =>
        RenderPrompt(new JsonArray([.. messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content })]), null, addGenerationPrompt);

    /// <summary>
    /// Where the answer after <paramref name="earlier"/> begins in <paramref name="full"/>: after the generation prompt
    /// (<paramref name="prompt"/>) when the whole conversation starts with it, as most templates write it. Some
    /// generation prompts open what the answer would write differently (DeepSeek-R1's think tag): then the
    /// conversation without the generation prompt must still be the start, and the answer begins where the prompt and
    /// the whole conversation part. -1 when neither holds.
    /// </summary>
    int AnswerStart(IReadOnlyList<ChatMessage> earlier, string prompt, string full)
    {
        if (full.StartsWith(prompt, StringComparison.Ordinal)) return prompt.Length;
        var withoutPrompt = earlier.Count == 0 ? "" : Render(earlier, addGenerationPrompt: false);
        if (!full.StartsWith(withoutPrompt, StringComparison.Ordinal)) return -1;
        var common = full.AsSpan().CommonPrefixLength(prompt);
        return common >= withoutPrompt.Length ? common : -1;
    }

    /// <summary>How much of an answer's rendering is learned: through the last end-of-turn marker in it (what follows, a newline before the next turn, is context), else all of it.</summary>
    int TrainedLength(ReadOnlySpan<char> answer)
    {
        var end = -1;
        foreach (var marker in endOfTurnTexts)
        {
            var at = answer.LastIndexOf(marker, StringComparison.Ordinal);
            if (at >= 0) end = Math.Max(end, at + marker.Length);
        }
        return end > 0 ? end : answer.Length;
    }

    static int LastTrainable(IReadOnlyList<ChatMessage> messages)
    {
        for (var i = messages.Count - 1; i >= 0; i--)
            if (messages[i].IsTrainable) return i;
        throw new ArgumentException("A chat example needs an assistant message with weight other than 0.", nameof(messages));
    }

    /// <summary>Request messages in the plain layout's terms: system (and developer), user and assistant with text content.</summary>
    static List<ChatMessage> PlainMessages(JsonArray messages) => [.. messages.Select((node, i) =>
    {
        var role = node?["role"]?.GetValue<string>() switch
        {
            "system" or "developer" => ChatRoles.System,
            "user" => ChatRoles.User,
            "assistant" => ChatRoles.Assistant,
            var other => throw new ChatTemplateException(
                $"messages[{i}].role '{other}' has no place in the plain layout (system, user, assistant); this model has no chat template of its own.",
                ChatTemplateErrorKind.Runtime),
        };
        return new ChatMessage(role, ChatContent.Text(node!["content"], i));
    })];
}
