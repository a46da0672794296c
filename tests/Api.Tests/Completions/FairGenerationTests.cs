using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using TuningService.Api.Tests.Support;
using TuningService.Core.Inference;

namespace TuningService.Api.Tests.Completions;

/// <summary>
/// One generation slot, owner A's burst waiting for it, then owner B's single request: B is served before A's backlog
/// drains. Asserted by the order the answers come back in, never by how long anything took.
/// </summary>
public sealed class FairGenerationTests
{
    [Fact]
    public async Task Another_owners_request_is_served_before_one_owners_burst_drains()
    {
        using var factory = new TuningApiFactory(settings: new Dictionary<string, string>
        {
            ["Tuning:RunWorkerInProcess"] = "false", ["Tuning:MaxConcurrentGenerations"] = "1", ["Tuning:MaxQueuedGenerations"] = "16",
            ["Tuning:ApiKeys:0:Key"] = "key-alice", ["Tuning:ApiKeys:0:Owner"] = "alice",
            ["Tuning:ApiKeys:1:Key"] = "key-bob", ["Tuning:ApiKeys:1:Owner"] = "bob",
        });
        var gate = factory.Services.GetRequiredService<GenerationGate>();
        var finished = new ConcurrentQueue<string>();
        var request = new { model = "babyllama-tinystories", prompt = "Once upon a time", max_tokens = 120, temperature = 0 };

        async Task<HttpStatusCode> Send(string name, string key)
        {
            var http = factory.CreateClient();
            http.Timeout = TimeSpan.FromMinutes(5);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            var response = await http.PostAsJsonAsync("/v1/completions", request);
            finished.Enqueue(name);
            return response.StatusCode;
        }

        // The test holds the one slot, so every request below waits, in a known order: Alice's burst of five, then Bob's.
        var held = await gate.TryEnterAsync("test", CancellationToken.None);
        var alice = new List<Task<HttpStatusCode>>();
        for (var i = 0; i < 5; i++)
        {
            alice.Add(Send($"alice-{i}", "key-alice"));
            var waiting = i + 1;
            await WaitUntil(() => gate.Waiting().GetValueOrDefault("alice") == waiting, $"Alice's request {i} waiting");
        }
        var bob = Send("bob", "key-bob");
        await WaitUntil(() => gate.Waiting().GetValueOrDefault("bob") == 1, "Bob's request waiting");
        held!.Dispose();

        Assert.All(await Task.WhenAll([.. alice, bob]), status => Assert.Equal(HttpStatusCode.OK, status));
        var order = finished.ToList();
        // In turn: Alice's first request, then Bob's, then the rest of her burst. Bob's answer is written while her
        // next one generates, so only its place before the last three is asserted.
        Assert.True(order.IndexOf("bob") <= 2, $"Bob was served after Alice's backlog: {string.Join(", ", order)}");
    }

    /// <summary>Polls the gate while requests arrive; the deadline only bounds a broken run.</summary>
    static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Gave up waiting for: {what}.");
            await Task.Delay(20);
        }
    }
}
