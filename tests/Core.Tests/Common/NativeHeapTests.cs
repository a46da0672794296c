using System.Runtime.InteropServices;
using TuningService.Core.Common;

namespace TuningService.Core.Tests.Common;

public class NativeHeapTests
{
    [Fact]
    public void On_glibc_both_settings_are_taken_and_free_memory_is_given_back()
    {
        // CI and the Docker images run Debian/Ubuntu (glibc); elsewhere the calls must refuse, not throw.
        bool glibc = OperatingSystem.IsLinux() && Directory.Exists("/lib")
            && Directory.EnumerateFiles("/lib", "libc.so.6", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true }).Any();
        Assert.Equal(glibc, NativeHeap.KeepLargeBlocks());

        // With mmap off, a 64 MiB block comes from the heap and stays there when freed: there is something to release.
        IntPtr block = Marshal.AllocHGlobal(64 * 1024 * 1024);
        Marshal.WriteByte(block, 0, 1);
        Marshal.FreeHGlobal(block);
        Assert.Equal(glibc, NativeHeap.ReleaseFreeMemory());
    }
}
