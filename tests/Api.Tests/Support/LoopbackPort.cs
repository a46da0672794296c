using System.Net;
using System.Net.Sockets;

namespace TuningService.Api.Tests.Support;

/// <summary>Ports on 127.0.0.1 that nothing listens on (at the moment of asking).</summary>
public static class LoopbackPort
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
