using System.Text;
using TuningService.Core.Files;

namespace TuningService.Core.Tests.Files;

public class FineTuneUploadTests
{
    [Fact]
    public async Task Copies_hashes_and_validates_in_one_pass()
    {
        byte[] file = Encoding.UTF8.GetBytes("{\"prompt\": \"Hi\", \"completion\": \" there\"}\n");
        using var destination = new MemoryStream();

        var result = await FineTuneUpload.CopyAndValidateAsync(new MemoryStream(file), destination);

        Assert.Equal(file, destination.ToArray());
        Assert.Equal(file.Length, result.Bytes);
        // sha256sum of the same 42 bytes, computed outside this code.
        Assert.Equal("956de847fc102dce585cbde5be32bc1b6e9b38ca8e685720aa3557cbd175d75d", result.Sha256);
        Assert.True(result.Validation.IsValid);
        Assert.Equal(1, result.Validation.RecordCount);
    }

    [Fact]
    public async Task Invalid_file_is_still_copied_whole()
    {
        var text = new StringBuilder();
        for (int i = 0; i < 20_000; i++)
            text.Append(i == 15_000 ? "{\"prompt\": \"p\"}\n" : $"{{\"prompt\": \"{i}\", \"completion\": \" c\"}}\n");
        byte[] file = Encoding.UTF8.GetBytes(text.ToString());
        using var destination = new MemoryStream();

        var result = await FineTuneUpload.CopyAndValidateAsync(new MemoryStream(file), destination);

        Assert.Equal(file, destination.ToArray());
        Assert.Equal(file.Length, result.Bytes);
        Assert.Equal("line 15001: missing key 'completion'", Assert.Single(result.Validation.Errors).Message);
        Assert.Equal(19_999, result.Validation.RecordCount);
    }

    [Fact]
    public async Task Options_reach_the_validator()
    {
        byte[] file = Encoding.UTF8.GetBytes("{\"prompt\": \"long enough\", \"completion\": \" c\"}\n");

        var result = await FineTuneUpload.CopyAndValidateAsync(
            new MemoryStream(file), Stream.Null, new FineTuneValidationOptions { MaxLineBytes = 10 });

        Assert.StartsWith("line 1: line is ", Assert.Single(result.Validation.Errors).Message);
    }
}
