using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Security;

/// <summary>
/// Keys rotated without a restart: the real API process reads its keys from Tuning:ApiKeysFile and reads them again
/// when the file changes. A new key works and the old one gets 401; a reload that is not valid (duplicates, broken
/// JSON, no keys left) keeps the keys in force with one error line; and no key, old, new or refused, appears in any
/// log line, at the most detailed level.
/// </summary>
public sealed class KeyRotationTests : IDisposable
{
    static readonly TimeSpan ReloadDeadline = TimeSpan.FromSeconds(60);

    readonly string dataDir = Directory.CreateTempSubdirectory("tuning-rotation-").FullName;
    readonly string keysDir = Directory.CreateTempSubdirectory("tuning-keys-").FullName;

    public void Dispose()
    {
        Directory.Delete(dataDir, recursive: true);
        Directory.Delete(keysDir, recursive: true);
    }

    [Fact]
    public async Task A_changed_keys_file_rotates_the_keys_and_an_invalid_one_keeps_them()
    {
        var oldKey = $"sk-old-{Guid.NewGuid():N}";
        var newKey = $"sk-new-{Guid.NewGuid():N}";
        var duplicate = $"sk-dup-{Guid.NewGuid():N}";
        var keysFile = Path.Combine(keysDir, "keys.json");
        Write(keysFile, Keys((oldKey, "alice")));
        var port = LoopbackPort.Free();
        using var api = new ApiProcess("", dataDir, new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
            ["Tuning__ApiKeysFile"] = keysFile,
            ["Logging__Console__FormatterName"] = "json",
            ["Logging__LogLevel__Default"] = "Trace",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Trace",
            ["Logging__LogLevel__Microsoft.Extensions"] = "Trace",
        });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            Assert.True(await WaitForAsync(async () => await StatusAsync(http, null) == HttpStatusCode.Unauthorized, api), api.Output);
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, oldKey));
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, newKey));

            // Rotation: the new key works, the old one is refused, the process is the same.
            var pid = api.ProcessId;
            Write(keysFile, Keys((newKey, "alice"), (duplicate, "bob")));
            Assert.True(await WaitForAsync(async () => await StatusAsync(http, newKey) == HttpStatusCode.OK, api), api.Output);
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, oldKey));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, duplicate));
            Assert.False(api.HasExited);
            Assert.Equal(pid, api.ProcessId);
            Assert.True(await api.WaitForOutputAsync("API keys reloaded: 2 keys, for alice, bob.", ReloadDeadline), api.Output);

            // Invalid reloads: each says why on one error line; the keys in force stay.
            await AssertRejectedAsync(api, http, keysFile, Keys((newKey, "alice"), (duplicate, "bob"), (duplicate, "carol")),
                "Tuning:ApiKeys:2:Key is the same key as Tuning:ApiKeys:1:Key, given for two owners ('bob' and 'carol')", newKey, duplicate);
            await AssertRejectedAsync(api, http, keysFile, "{\"Tuning\": {\"ApiKeys\": [ {\"Key\": \"" + oldKey,
                "keys.json could not be read: not valid JSON", newKey, duplicate);
            await AssertRejectedAsync(api, http, keysFile, "{\"Tuning\": {\"ApiKeys\": [{\"Key\": \"" + oldKey + "\", \"Owner\": \"alice\", \"Admin\": \"maybe\"}]}}",
                "Tuning:ApiKeys:0 cannot be read", newKey, duplicate);
            await AssertRejectedAsync(api, http, keysFile, Keys(),
                "it leaves no API keys at all", newKey, duplicate);
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, null));
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, oldKey));
        }
        finally
        {
            api.Terminate();
            Assert.True(await api.WaitForExitAsync(TimeSpan.FromMinutes(1)), "the API did not stop on SIGTERM");
        }

        var log = new JsonLogLines(api.Output);
        foreach (var key in new[] { oldKey, newKey, duplicate })
            Assert.DoesNotContain(log.Lines, l => l.Raw.Contains(key, StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => JsonLogLines.Message(l.Json).StartsWith("Security: API keys required (1 keys, for alice)", StringComparison.Ordinal));
    }

    /// <summary>Writes <paramref name="content"/> to the keys file; exactly one new error line says <paramref name="reason"/>; the keys still work.</summary>
    static async Task AssertRejectedAsync(ApiProcess api, HttpClient http, string keysFile, string content, string reason, params string[] keysInForce)
    {
        var before = ErrorLines(api, reason);
        Write(keysFile, content);
        Assert.True(await WaitForAsync(() => Task.FromResult(ErrorLines(api, reason) > before), api), $"no error line saying '{reason}':\n{api.Output}");
        // A second change event of the same save must not log it again, nor apply anything.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(before + 1, ErrorLines(api, reason));
        foreach (var key in keysInForce) Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, key));
    }

    static int ErrorLines(ApiProcess api, string reason) => new JsonLogLines(api.Output).Lines.Count(l =>
        l.Json["LogLevel"]?.ToString() == "Error" && JsonLogLines.Message(l.Json).StartsWith("API keys not reloaded", StringComparison.Ordinal)
        && JsonLogLines.Message(l.Json).Contains(reason, StringComparison.Ordinal));

    static string Keys(params (string Key, string Owner)[] keys) => JsonSerializer.Serialize(new
    {
        Tuning = new { ApiKeys = keys.Select(k => new { k.Key, k.Owner }).ToArray() },
    });

    /// <summary>Written whole, then moved over the file, as a secret mount or a careful operator replaces it.</summary>
    static void Write(string path, string content)
    {
        var temporary = path + ".new";
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }

    static async Task<HttpStatusCode?> StatusAsync(HttpClient http, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/files");
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        try
        {
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null; // not listening yet
        }
    }

    static async Task<bool> WaitForAsync(Func<Task<bool>> condition, ApiProcess api)
    {
        var deadline = DateTime.UtcNow + ReloadDeadline;
        while (DateTime.UtcNow < deadline && !api.HasExited)
        {
            if (await condition()) return true;
            await Task.Delay(250);
        }
        return false;
    }
}
