using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Files;

/// <summary>Uploads with the read-option fields of POST /v1/files, and checks that a refused upload left nothing behind.</summary>
internal static class DatasetUploads
{
    public static string Fixture(params string[] relative) => Path.Combine([RepoPaths.Root, "tests", "fixtures", .. relative]);

    /// <summary>Posts <paramref name="content"/> as 'file' with purpose=fine-tune and <paramref name="fields"/>, sent
    /// before the file unless <paramref name="fieldsAfterFile"/>.</summary>
    public static async Task<HttpResponseMessage> UploadAsync(HttpClient http, byte[] content, string filename,
        IReadOnlyDictionary<string, string>? fields = null, bool fieldsAfterFile = false)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent("fine-tune"), "purpose");
        if (!fieldsAfterFile) AddFields(form, fields);
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", filename);
        if (fieldsAfterFile) AddFields(form, fields);
        return await http.PostAsync("/v1/files", form);
    }

    /// <summary>A multipart body written byte for byte, for a file name HttpClient would encode.</summary>
    public static async Task<HttpResponseMessage> UploadRawAsync(HttpClient http, byte[] content, string rawFilename)
    {
        const string boundary = "----test-boundary";
        var body = new MemoryStream();
        void Text(string s) => body.Write(Encoding.UTF8.GetBytes(s));
        Text($"--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n");
        Text($"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{rawFilename}\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        body.Write(content);
        Text($"\r\n--{boundary}--\r\n");
        var request = new ByteArrayContent(body.ToArray());
        request.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={boundary}");
        return await http.PostAsync("/v1/files", request);
    }

    static void AddFields(MultipartFormDataContent form, IReadOnlyDictionary<string, string>? fields)
    {
        foreach (var (name, value) in fields ?? new Dictionary<string, string>())
            form.Add(new StringContent(value), name);
    }

    /// <summary>No file row, no stored bytes, no temporary file.</summary>
    public static async Task AssertNothingStoredAsync(ApiClient api, string dataDir)
    {
        Assert.Empty((await api.GetJsonAsync("/v1/files"))["data"]!.AsArray());
        string files = Path.Combine(dataDir, "files"), temp = Path.Combine(dataDir, "tmp");
        Assert.False(Directory.Exists(files) && Directory.EnumerateFileSystemEntries(files).Any(), "bytes were stored under files/");
        Assert.False(Directory.Exists(temp) && Directory.EnumerateFileSystemEntries(temp).Any(), "a temporary file was left in tmp/");
    }

    public static string ErrorMessage(JsonObject body) => body["error"]!["message"]!.GetValue<string>();
}
