using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using TuningService.Core.Files;

namespace TuningService.Core.Tests.Files;

/// <summary>
/// FastRecordCheck may leave any record to the full check, but a record it accepts must be one the full check
/// (JsonDocument + RecordFormatTracker, the rules every message comes from) accepts, in the same format. Checked on
/// hand-written records for every rule, and on thousands of random mutations of valid ones.
/// </summary>
public class FastRecordCheckTests
{
    private static readonly FineTuneFormat?[] RequiredFormats =
        [null, FineTuneFormat.PromptCompletion, FineTuneFormat.Chat, FineTuneFormat.Alpaca, FineTuneFormat.Text];

    // Plain records as datasets hold them: the fast check must accept these, or uploads fall back to the slow path.
    public static readonly TheoryData<string, FineTuneFormat> Plain = new()
    {
        { """{"prompt": "Review: a quiet triumph Sentiment:", "completion": " positive"}""", FineTuneFormat.PromptCompletion },
        { """{"prompt":"","completion":"x","task":"sst2","id":3}""", FineTuneFormat.PromptCompletion },
        { """{"prompt": "a\nb \"q\" \u00e9 \\", "completion": "\t\u0041", "id": null, "task": null}""", FineTuneFormat.PromptCompletion },
        { """{"prompt": "caf\u00e9 😀", "completion": "\ud83d\ude00", "extra": {"nested": [1, {"k": [true, false, null]}]}}""", FineTuneFormat.PromptCompletion },
        { """{"messages": [{"role": "system", "content": ""}, {"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello", "weight": 1}]}""", FineTuneFormat.Chat },
        { """{"messages": [{"role": "assistant", "content": "a", "weight": 0}, {"role": "assistant", "content": "b", "name": "x"}], "id": "c-1"}""", FineTuneFormat.Chat },
        { """{"instruction": "Name a colour.", "input": "", "output": "Blue", "meta": {"tags": ["a", {"b": null}]}}""", FineTuneFormat.Alpaca },
        { """{"instruction": "x", "input": null, "output": "y"}""", FineTuneFormat.Alpaca },
        { """{"instruction": "x", "output": "y", "task": "t"}""", FineTuneFormat.Alpaca },
        { """  {"text": "plain text"}  """, FineTuneFormat.Text },
    };

    // Each breaks one rule (or is valid in a way the fast check leaves to the full one).
    private static readonly string[] Unusual =
    [
        """{"prompt": "a"}""", """{"completion": "b"}""", """{"prompt": 1, "completion": "b"}""", """{"prompt": "a", "completion": ""}""",
        """{"prompt": "a", "completion": " \t"}""", """{"prompt": "a", "completion": "\u00a0\u3000"}""", """{"prompt": "a", "completion": "\n"}""",
        """{"prompt": "a", "completion": "\u0085"}""", """{"prompt": "a", "completion": null}""", """{"prompt": "a", "completion": ["b"]}""",
        """{"prompt": "a", "completion": "b", "task": 1}""", """{"prompt": "a", "completion": "b", "id": true}""", """{"prompt": "a", "completion": "b", "id": {}}""",
        """{"prompt": "a", "completion": "b", "text": "c"}""", """{"prompt": "a", "messages": []}""", """{"instruction": "a", "text": "b"}""",
        """{"prompt": "a", "completion": "b", "prompt": "c"}""", """{"text": "a", "meta": {"k": 1, "k": 2}}""", """{"text": "a", "m": [{"k": 1, "k": 2}]}""",
        """{"text": "a", "meta": {"k": 1}, "k": {"k": 1}}""", """{"pr\u006fmpt": "a", "completion": "b"}""", """{"prompt": "a", "completion": "b", "c\u006fmpletion": "c"}""",
        """{"prompt": "\ud800", "completion": "b"}""", """{"prompt": "a", "completion": "b\udc00"}""", """{"text": "\ud800"}""", """{"input": "\ud800", "instruction": "a", "output": "b"}""",
        """{"prompt": "a", "completion": "b"} x""", """{"prompt": "a", "completion": "b"}{}""", """{"prompt": "a", "completion": "b",}""", """{"prompt": "a" "completion": "b"}""",
        """{"prompt": "a", /* c */ "completion": "b"}""", """{"prompt": 'a', "completion": "b"}""", """[{"text": "a"}]""", "\"text\"", "42", "null", "{}", "{",
        """{"messages": []}""", """{"messages": {}}""", """{"messages": "hi"}""", """{"messages": [{"role": "user", "content": "hi"}]}""",
        """{"messages": [{"role": "assistant", "content": " "}]}""", """{"messages": [{"role": "assistant", "content": "a", "weight": 0}]}""",
        """{"messages": [{"role": "assistant", "content": "a", "weight": 0.5}]}""", """{"messages": [{"role": "assistant", "content": "a", "weight": 1.0}]}""",
        """{"messages": [{"role": "assistant", "content": "a", "weight": 1e0}]}""", """{"messages": [{"role": "assistant", "content": "a", "weight": "1"}]}""",
        """{"messages": [{"role": "assistant", "content": "a", "weight": -0}]}""", """{"messages": [{"role": "user", "content": "a", "weight": 1}, {"role": "assistant", "content": "b"}]}""",
        """{"messages": [{"role": "tool", "content": "a"}, {"role": "assistant", "content": "b"}]}""", """{"messages": [{"role": "assistant"}]}""",
        """{"messages": [{"content": "a"}, {"role": "assistant", "content": "b"}]}""", """{"messages": [{"role": "assistant", "content": 1}]}""",
        """{"messages": [{"role": "\u0061ssistant", "content": "a"}]}""", """{"messages": [{"role": "assistant", "content": "a", "role": "user"}]}""",
        """{"messages": ["hi", {"role": "assistant", "content": "a"}]}""", """{"messages": [{"role": "assistant", "content": "\ud800"}]}""",
        """{"messages": [{"role": "user", "content": "\udc00"}, {"role": "assistant", "content": "a"}]}""", """{"messages": [{"role": null, "content": "a"}]}""",
        """{"instruction": "a", "output": "b", "input": 3}""", """{"instruction": "", "output": "b"}""", """{"instruction": "a", "output": " "}""", """{"input": "a", "output": "b"}""",
        """{"text": ""}""", """{"text": 1}""", """{"text": "a", "messages": [{"role": "assistant", "content": "x"}]}""",
        "{" + string.Concat(Enumerable.Range(0, 40).Select(i => $"\"k{i}\": {i}, ")) + "\"text\": \"many keys\"}",
        "{\"text\": \"deep\", \"d\": " + new string('[', 70) + new string(']', 70) + "}",
        "{\"text\": \"deep\", \"d\": " + new string('[', 62) + new string(']', 62) + "}",
    ];

    /// <summary>What the full check says of one record alone: its format, or null when it refuses it.</summary>
    private static FineTuneFormat? FullCheck(byte[] json, FineTuneFormat? required)
    {
        try
        {
            using var document = JsonDocument.Parse(json, FineTuneRecordValidator.JsonOptions);
            return new RecordFormatTracker(required, "line").Check(document.RootElement, 1, "line 1", out _);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null; // a lone surrogate: GetString throws
        }
    }

    [Theory]
    [MemberData(nameof(Plain))]
    public void Plain_records_are_accepted_in_one_pass_as_the_full_check_accepts_them(string record, FineTuneFormat format)
    {
        byte[] json = Encoding.UTF8.GetBytes(record);

        Assert.Equal(format, new FastRecordCheck().Check(json, null));
        Assert.Equal(format, FullCheck(json, null));
        Assert.Equal(format, new FastRecordCheck().Check(json, format));
    }

    [Fact]
    public void Every_record_it_accepts_the_full_check_accepts_in_the_same_format()
    {
        var check = new FastRecordCheck();
        var wrong = new List<string>();
        foreach (string record in Unusual.Concat(Plain.Select(row => (string)row[0])))
        {
            byte[] json = Encoding.UTF8.GetBytes(record);
            foreach (var required in RequiredFormats)
            {
                if (check.Check(json, required) is { } fast && fast != FullCheck(json, required))
                    wrong.Add($"{record} (format {required?.ToString() ?? "auto"}): fast {fast}, full {FullCheck(json, required)?.ToString() ?? "refused"}");
            }
        }
        Assert.Empty(wrong);
    }

    [Fact]
    public void Random_mutations_of_valid_records_are_never_accepted_when_the_full_check_refuses_them()
    {
        string[] insertions = ["\"", "\\", "{", "}", "[", "]", ",", ":", " ", "\\u0020", "\\ud800", "\\u00a0", "null", "1", "0.5", "\"prompt\"", "\"text\": ",
            "\"role\": \"assistant\", ", "\"weight\": 1, ", "\"content\": \" \", ", "\"completion\": \"x\", ", "\"id\": [], ", "\"task\": 2, "];
        var random = new Random(20261130);
        var check = new FastRecordCheck();
        var wrong = new List<string>();
        int accepted = 0;
        string[] seeds = [.. Plain.Select(row => (string)row[0])];
        for (int i = 0; i < 50_000; i++)
        {
            var text = new StringBuilder(seeds[random.Next(seeds.Length)]);
            for (int m = random.Next(1, 3); m > 0; m--)
            {
                int at = random.Next(text.Length + 1);
                switch (random.Next(3))
                {
                    case 0 when at < text.Length:
                        text.Remove(at, Math.Min(random.Next(1, 8), text.Length - at));
                        break;
                    case 1 when at < text.Length:
                        int length = Math.Min(random.Next(1, 24), text.Length - at);
                        text.Insert(random.Next(text.Length + 1), text.ToString(at, length));
                        break;
                    default:
                        text.Insert(at, insertions[random.Next(insertions.Length)]);
                        break;
                }
            }
            byte[] json = Encoding.UTF8.GetBytes(text.ToString());
            if (!Utf8.IsValid(json))
                continue;
            var required = RequiredFormats[random.Next(RequiredFormats.Length)];
            if (check.Check(json, required) is not { } fast)
                continue;
            accepted++;
            if (fast != FullCheck(json, required))
                wrong.Add($"{text} (format {required?.ToString() ?? "auto"}): fast {fast}, full {FullCheck(json, required)?.ToString() ?? "refused"}");
        }
        Assert.Empty(wrong);
        Assert.True(accepted > 1_000, $"only {accepted} mutants were accepted; the comparison says little");
    }
}
