namespace TuningService.Core.Templates;

/// <summary>
/// The built-in instruction templates, one per task kind, each worded five ways as FLAN words its tasks (FLAN has
/// about ten per task; five keep the list readable while still spreading the model over wordings).
/// </summary>
/// <remarks>
/// Every phrasing is one line: parts are joined with spaces, never newlines. The shipped babyllama tokenizer has no
/// "\n" piece and turns each newline into &lt;unk&gt; (see PlainChatTemplate), so FLAN's "\n\n" layout would put
/// unknown tokens into every example. A job's own template may contain newlines (other tokenizers have them); the
/// file preview shows them as &lt;unk&gt; where the model does not know them.
/// Each prompt ends where the answer starts and each completion begins with a space, as in the SST-2 sample
/// (" positive"), so the space belongs to the learned answer. Every phrasing uses exactly the template's fields, so
/// whether a record can be rendered never depends on the phrasing it gets. {options} need not be a column: for
/// classification it is derived from the file's labels (see <see cref="TemplateRenderer"/>).
/// </remarks>
public static class TemplateLibrary
{
    public static IReadOnlyList<InstructionTemplate> All { get; } =
    [
        Define("classification", TemplateTasks.Classification,
            "Pick one label for a text. Fields: text, label; options (the choices) defaults to the file's distinct labels.",
            ["text", "options", "label"],
            ("Text: {text} Options: {options}. Which option fits the text best? Answer:", " {label}"),
            ("Classify this text into one of the following categories: {options}. Text: {text} Category:", " {label}"),
            ("{text} Which category does this belong to? Options: {options}. Answer:", " {label}"),
            ("Choose the label that fits: {options}. Input: {text} Label:", " {label}"),
            ("Read the text and pick one of {options}. {text} Answer:", " {label}")),
        Define("sentiment", TemplateTasks.Sentiment,
            "The sentiment of a text. Fields: text, label (e.g. positive, negative); options defaults to the file's distinct labels.",
            ["text", "options", "label"],
            ("Review: {text} What is the sentiment of this review? Options: {options}. Sentiment:", " {label}"),
            ("{text} How does the writer feel? Choose one of: {options}. Answer:", " {label}"),
            ("Classify the sentiment of the following text as one of {options}. Text: {text} Sentiment:", " {label}"),
            ("Text: {text} Options: {options}. The sentiment of this text is", " {label}"),
            ("Which of {options} describes the tone of this text? {text} Answer:", " {label}")),
        Define("extractive_qa", TemplateTasks.ExtractiveQuestionAnswering,
            "Answer a question with a span of a given passage (SQuAD-style). Fields: context, question, answer.",
            ["context", "question", "answer"],
            ("Context: {context} Question: {question} Answer:", " {answer}"),
            ("Read the passage and answer the question with words from it. Passage: {context} Question: {question} Answer:", " {answer}"),
            ("{context} Q: {question} A:", " {answer}"),
            ("Answer the question using the text. Question: {question} Text: {context} Answer:", " {answer}"),
            ("Extract the answer to \"{question}\" from this passage: {context} Answer:", " {answer}")),
        Define("open_qa", TemplateTasks.OpenQuestionAnswering,
            "Answer a question from what the model knows, without a passage. Fields: question, answer.",
            ["question", "answer"],
            ("Question: {question} Answer:", " {answer}"),
            ("Answer the following question. {question} Answer:", " {answer}"),
            ("Q: {question} A:", " {answer}"),
            ("{question} The answer is:", " {answer}"),
            ("Please answer this question: {question} Answer:", " {answer}")),
        Define("summarization", TemplateTasks.Summarization,
            "Write a short summary of a document. Fields: document, summary.",
            ["document", "summary"],
            ("Summarize this text: {document} Summary:", " {summary}"),
            ("{document} TL;DR:", " {summary}"),
            ("Write a short summary of the following. {document} Summary:", " {summary}"),
            ("Article: {document} What is a brief summary of this article? Summary:", " {summary}"),
            ("Text: {document} Summarize the text above in a few words. Summary:", " {summary}")),
        Define("translation", TemplateTasks.Translation,
            "Translate a text. Fields: source, target, source_language, target_language (the languages usually come as job " +
            "values, e.g. {\"name\": \"translation\", \"values\": {\"source_language\": \"English\", \"target_language\": \"German\"}}).",
            ["source_language", "target_language", "source", "target"],
            ("Translate from {source_language} to {target_language}: {source} Translation:", " {target}"),
            ("{source_language}: {source} {target_language}:", " {target}"),
            ("Translate this {source_language} sentence into {target_language}. {source} Translation:", " {target}"),
            ("Here is a sentence in {source_language}: {source} Say it in {target_language}:", " {target}"),
            ("{source} Translate the {source_language} text above to {target_language}. Answer:", " {target}")),
    ];

    /// <summary>The library template called <paramref name="name"/>, or null.</summary>
    public static InstructionTemplate? Find(string name) => All.FirstOrDefault(t => t.Name == name);

    static InstructionTemplate Define(string name, string task, string description, string[] fields,
        params (string Prompt, string Completion)[] phrasings) =>
        new(name, task, description, fields, [.. phrasings.Select(p => TemplatePhrasing.Parse(p.Prompt, p.Completion))]);
}
