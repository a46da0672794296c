using System.Net;
using System.Net.Sockets;

namespace TuningService.Bench.ServiceHarness;

/// <summary>A TCP port on 127.0.0.1 that nothing listens on right now.</summary>
public static class LoopbackPort
{
    public static int Free()
    {
        // Port 0 makes the kernel pick a free one; it is released at once and the service binds it moments later.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
