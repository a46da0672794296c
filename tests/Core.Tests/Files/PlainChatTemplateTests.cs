using TuningService.Core.Files;

namespace TuningService.Core.Tests.Files;

public class PlainChatTemplateTests
{
    [Fact]
    public void Renders_system_user_assistant()
    {
        var example = PlainChatTemplate.Render(
        [
            new ChatMessage("system", "Be brief."),
            new ChatMessage("user", "Hi"),
            new ChatMessage("assistant", "Hello!"),
        ], task: "greeting");

        Assert.Equal(new TrainingExample("System: Be brief. User: Hi Assistant:", " Hello!", "greeting"), example);
    }

    [Fact]
    public void Target_is_the_last_assistant_message_with_nonzero_weight()
    {
        var example = PlainChatTemplate.Render(
        [
            new ChatMessage("user", "One?"),
            new ChatMessage("assistant", "1", Weight: 0),
            new ChatMessage("user", "Two?"),
            new ChatMessage("assistant", "2", Weight: 1),
            new ChatMessage("user", "Three?"),
            new ChatMessage("assistant", "3", Weight: 0),
        ]);

        Assert.Equal("User: One? Assistant: 1 User: Two? Assistant:", example.Prompt);
        Assert.Equal(" 2", example.Completion);
        Assert.Null(example.Task);
    }

    [Fact]
    public void Earlier_trainable_assistant_messages_are_context()
    {
        var example = PlainChatTemplate.Render(
        [
            new ChatMessage("assistant", "Hi, ask me."),
            new ChatMessage("user", "Why?"),
            new ChatMessage("assistant", "Because."),
        ]);

        Assert.Equal("Assistant: Hi, ask me. User: Why? Assistant:", example.Prompt);
        Assert.Equal(" Because.", example.Completion);
        Assert.DoesNotContain('\n', example.Prompt);
    }

    [Fact]
    public void Lone_assistant_message_gets_the_bare_cue()
    {
        var example = PlainChatTemplate.Render([new ChatMessage("assistant", "Once upon a time")]);

        Assert.Equal(new TrainingExample("Assistant:", " Once upon a time"), example);
    }

    [Fact]
    public void Conversation_without_a_trainable_assistant_message_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => PlainChatTemplate.Render(
            [new ChatMessage("user", "Hi"), new ChatMessage("assistant", "Hello", Weight: 0)]));
    }
}
