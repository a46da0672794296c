using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using TuningService.Core.Configuration;

namespace TuningService.Api.Security;

/// <summary>
/// Who may call the API without a key. With no API keys, anonymous callers (each the local admin) are served on
/// loopback only, unless <c>Tuning:AllowAnonymous</c>: a service that a network can reach is never open to it by accident.
/// </summary>
/// <remarks>
/// A keyless service configured to listen on another interface refuses to start, rather than being moved to loopback:
/// an operator who wrote <c>http://+:8080</c> and got a loopback listener would see a healthy service (its health check
/// probes 127.0.0.1, in the images too) that nobody can reach. Refusing says what to change, once, at deploy time.
/// </remarks>
public static class AnonymousAccess
{
    /// <summary>
    /// Whether a keyless request may be served: always with <c>AllowAnonymous</c>, else only from this machine. Kestrel
    /// listening on loopback alone makes this hold already; it is checked per request too, for the moment between
    /// binding and <see cref="EnsureLoopbackOnlyAsync"/> and for any listener added later.
    /// </summary>
    public static bool Allows(ConnectionInfo connection, bool allowAnonymous)
    {
        if (allowAnonymous) return true;
        // No address: the in-memory test server, or a Unix socket; neither is reachable from another machine.
        if (connection.RemoteIpAddress is not { } remote) return true;
        return IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote);
    }

    /// <summary>
    /// After the server has bound its addresses: with no keys and no <c>AllowAnonymous</c>, an address other than
    /// loopback stops the application and fails the start with a line that says what to do.
    /// </summary>
    public static async Task EnsureLoopbackOnlyAsync(WebApplication app, TuningOptions options, ActiveApiKeys keys)
    {
        if (options.AllowAnonymous || keys.Current.Count > 0) return;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var exposed = addresses.Where(a => !IsLoopback(a)).ToList();
        if (exposed.Count == 0) return;
        await app.StopAsync();
        throw new StartupException($"No API keys are configured (Tuning:ApiKeys) and the service would listen on {string.Join(", ", exposed)}, " +
            "not only on loopback: anyone who can reach it would be an admin. Configure API keys (Tuning__ApiKeys__0__Key, " +
            "Tuning__ApiKeys__0__Owner), or listen on loopback only (--urls http://127.0.0.1:5000), or set Tuning__AllowAnonymous=true " +
            "to serve anonymous callers on every interface.");
    }

    /// <summary>A bound address (Kestrel's form: <c>http://[::]:8080</c>, <c>http://localhost:5000</c>, <c>http://unix:/path</c>) reachable only from this machine.</summary>
    public static bool IsLoopback(string address)
    {
        var binding = BindingAddress.Parse(address);
        if (binding.IsUnixPipe || binding.IsNamedPipe) return true;
        if (string.Equals(binding.Host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(binding.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
    }
}
