using System.Text;
using TuningService.Core.Files;
using static TuningService.Core.Tests.Files.ValidatorHarness;

namespace TuningService.Core.Tests.Files;

public class LongLineValidationTests
{
    private const string ValidLine = """{"prompt": "a", "completion": "b"}""";

    /// <summary>A valid prompt/completion line of exactly <paramref name="bytes"/> bytes (ASCII, so chars = bytes).</summary>
    private static string LineOfBytes(int bytes)
    {
        string line = $"{{\"prompt\": \"{new string('x', bytes - ValidLine.Length)}a\", \"completion\": \"b\"}}";
        Assert.Equal(bytes, Encoding.UTF8.GetByteCount(line));
        return line;
    }

    [Fact]
    public void Line_at_the_limit_is_accepted_and_one_byte_more_is_not()
    {
        var options = new FineTuneValidationOptions { MaxLineBytes = 1024 };

        var result = Validate($"{LineOfBytes(1024)}\n{LineOfBytes(1025)}\n{ValidLine}\n", options, chunkBytes: 100);

        var error = SingleError(result);
        Assert.Equal(2, error.Position);
        Assert.Equal("line 2: line is 1025 bytes long, over the limit of 1024 bytes; shorten or split this example", error.Message);
        Assert.Equal(2, result.RecordCount);
    }

    [Fact]
    public void Oversized_last_line_without_newline_is_reported()
    {
        var options = new FineTuneValidationOptions { MaxLineBytes = 100 };

        var error = SingleError(Validate($"{ValidLine}\n{new string(' ', 5000)}", options, chunkBytes: 64));

        Assert.Equal("line 2: line is 5000 bytes long, over the limit of 100 bytes; shorten or split this example", error.Message);
    }

    [Fact]
    public void Default_limit_accepts_a_three_mebibyte_record()
    {
        var result = Validate(LineOfBytes(3 * 1024 * 1024) + "\n", chunkBytes: 81920);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
    }

    [Fact]
    public void Line_far_over_the_default_limit_is_skipped_without_being_buffered()
    {
        const int chunkBytes = 64 * 1024;
        const int chunks = 1024; // a 64 MiB line, sixteen times the default limit
        byte[] filler = new byte[chunkBytes];
        Array.Fill(filler, (byte)'x');
        byte[] head = Encoding.UTF8.GetBytes("{\"prompt\": \"");
        byte[] tail = Encoding.UTF8.GetBytes($"\", \"completion\": \"b\"}}\n{ValidLine}\n");
        var validator = new FineTuneFileValidator();

        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        validator.Feed(head);
        for (int i = 0; i < chunks; i++)
            validator.Feed(filler);
        validator.Feed(tail);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var result = validator.Complete();

        long lineBytes = head.Length + (long)chunkBytes * chunks + tail.Length - ValidLine.Length - 2;
        Assert.Equal($"line 1: line is {lineBytes} bytes long, over the limit of 4194304 bytes; shorten or split this example",
            SingleError(result).Message);
        Assert.Equal(1, result.RecordCount);
        // Growing the line buffer up to the limit allocates at most about twice the limit; holding the whole
        // 64 MiB line would allocate far more.
        Assert.True(allocated < 3L * FineTuneValidationOptions.DefaultMaxLineBytes, $"allocated {allocated} bytes");
    }
}
