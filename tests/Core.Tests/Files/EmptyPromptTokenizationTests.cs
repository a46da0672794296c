using TuningService.Core.Tests.Models;
using TuningService.Core.Tokenization;
using TuningService.Core.Training;

namespace TuningService.Core.Tests.Files;

/// <summary>Text records train with an empty prompt; the tokenizer must still give BOS + text + EOS, all of the text learned.</summary>
public class EmptyPromptTokenizationTests
{
    [Fact]
    public void An_empty_prompt_gives_bos_then_the_text_with_every_token_labelled()
    {
        ITextTokenizer tokenizer = TokenizerLoader.FromModelFolder(TestPaths.BabyLlama);
        var examples = new ExampleTokenizer(tokenizer, maxLength: 256);
        const string text = "Tom had a red ball.";
        IReadOnlyList<int> textIds = tokenizer.Encode(text);
        int bos = tokenizer.BosId!.Value, eos = tokenizer.EosId!.Value;

        var example = examples.Tokenize("", text);

        Assert.True(tokenizer.AddBos);
        Assert.Equal([bos, .. textIds, eos], example.InputIds);
        Assert.Equal([CausalLmLoss.IgnoreIndex, .. textIds, eos], example.Labels);
        Assert.False(example.WasTruncated);
    }
}
