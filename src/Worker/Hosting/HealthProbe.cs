namespace TuningService.Worker.Hosting;

/// <summary>
/// <c>dotnet TuningService.Api.dll --probe URL</c> (or the worker's dll): GET the URL, exit 0 on a 2xx answer and 1
/// otherwise. The containers' HEALTHCHECK: the .NET runtime images have neither curl nor wget, and the app's own
/// runtime is there anyway. It returns before the host is built, so a probe starts nothing else.
/// </summary>
public static class HealthProbe
{
    const string Argument = "--probe";
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static bool IsRequested(string[] args) => args.Length == 2 && args[0] == Argument;

    public static async Task<int> RunAsync(string[] args)
    {
        using var http = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await http.GetAsync(args[1]);
            Console.WriteLine($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException or UriFormatException)
        {
            Console.WriteLine($"{args[1]}: {e.Message}");
            return 1;
        }
    }
}
