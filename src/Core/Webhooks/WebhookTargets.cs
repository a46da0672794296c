using System.Net;
using System.Net.Sockets;

namespace TuningService.Core.Webhooks;

/// <summary>
/// Which addresses a webhook may be sent to. Loopback, private, link-local, carrier-grade NAT, multicast and
/// reserved ranges (IPv4 and IPv6, IPv4 inside IPv6 too) are refused unless
/// <see cref="WebhookOptions.AllowPrivateTargets"/>: at registration (every address the host resolves to) and at
/// each delivery, on the very address the connection is made to (<see cref="ConnectAsync"/>), so a name that
/// resolves differently later (DNS rebinding) cannot reach the service's network either.
/// </summary>
public static class WebhookTargets
{
    static readonly IPNetwork[] NonPublic =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.0.2.0/24"),
        IPNetwork.Parse("192.88.99.0/24"), IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"),
        IPNetwork.Parse("198.51.100.0/24"), IPNetwork.Parse("203.0.113.0/24"), IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
        // IPv6: unspecified, loopback and the old IPv4-compatible form; discard; Teredo; documentation; unique local;
        // link-local; site-local; multicast; local-use NAT64.
        IPNetwork.Parse("::/96"), IPNetwork.Parse("100::/64"), IPNetwork.Parse("2001::/32"), IPNetwork.Parse("2001:db8::/32"),
        IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("fec0::/10"), IPNetwork.Parse("ff00::/8"),
        IPNetwork.Parse("64:ff9b:1::/48"),
    ];

    static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            // An IPv4 address carried inside IPv6 is judged as that IPv4 address.
            if (Nat64.Contains(address)) return IsPublic(new IPAddress(bytes[12..16]));
            if (SixToFour.Contains(address)) return IsPublic(new IPAddress(bytes[2..6]));
        }
        return !NonPublic.Any(n => n.Contains(address));
    }

    /// <summary>Why a URL cannot be registered as an endpoint, or null when it can.</summary>
    public static async Task<string?> RefusalAsync(string url, bool allowPrivate, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return $"url must be an absolute http or https URL, got '{url}'.";
        if (!string.IsNullOrEmpty(uri.UserInfo)) return "url must not carry a user name or password; authenticate the webhook by its signature.";
        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(uri.IdnHost, ct);
        }
        catch (SocketException e)
        {
            return $"The host '{uri.Host}' of url could not be resolved ({e.SocketErrorCode}).";
        }
        if (addresses.Length == 0) return $"The host '{uri.Host}' of url has no address.";
        if (!allowPrivate && addresses.FirstOrDefault(a => !IsPublic(a)) is { } refused)
            return Refused(uri.Host, refused);
        return null;
    }

    /// <summary>
    /// The connection of one delivery (for <see cref="SocketsHttpHandler.ConnectCallback"/>): resolves the host,
    /// refuses a non-public address unless allowed, and connects to exactly the addresses that were checked.
    /// </summary>
    public static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, bool allowPrivate, CancellationToken ct)
    {
        var addresses = await ResolveAsync(endpoint.Host, ct);
        if (!allowPrivate && addresses.FirstOrDefault(a => !IsPublic(a)) is { } refused)
            throw new WebhookTargetRefusedException(Refused(endpoint.Host, refused));
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endpoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
    {
        var bare = host.TrimStart('[').TrimEnd(']');
        return IPAddress.TryParse(bare, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(bare, ct);
    }

    static string Refused(string host, IPAddress address) =>
        $"The webhook target '{host}' is {address}, a loopback, private, link-local or reserved address; such targets are refused " +
        "unless the service is configured with Tuning:Webhooks:AllowPrivateTargets=true.";
}
