using System.Runtime.InteropServices;

namespace TuningService.Core.FineTuning.Checkpoints;

/// <summary>
/// Makes a directory's entries durable (fsync on the directory itself): a new file, or a rename inside the directory,
/// survives a power cut only once its directory has been synced, not merely the file.
/// </summary>
/// <remarks>
/// .NET has no API for this: <see cref="File.OpenHandle"/> refuses a directory (UnauthorizedAccessException), and
/// <see cref="RandomAccess.FlushToDisk"/> needs such a handle. POSIX systems allow <c>open(dir, O_RDONLY)</c> followed
/// by <c>fsync</c>, so that is called from libc. O_DIRECTORY is left out because its value differs between Linux
/// architectures and macOS, and the caller has just seen the directory. Windows has no equivalent (NTFS journals
/// renames, and a directory cannot be flushed without backup privileges), so there it does nothing.
/// On macOS fsync does not reach the drive's platter (that takes F_FULLFSYNC); it still orders the metadata.
/// </remarks>
internal static class DirectorySync
{
    const int ReadOnly = 0;     // O_RDONLY is 0 on every POSIX system .NET runs on
    const int InvalidArgument = 22; // EINVAL, the same number on Linux and macOS

    public static void Flush(string directory)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())) return;
        int fd = Open(directory, ReadOnly);
        if (fd < 0) throw Failure("open", directory);
        try
        {
            // Some file systems (certain network and FUSE mounts) do not implement fsync on a directory and say
            // EINVAL; there is nothing more this process can do for durability there, so it is not an error.
            if (Sync(fd) != 0 && Marshal.GetLastPInvokeError() != InvalidArgument) throw Failure("fsync", directory);
        }
        finally
        {
            Close(fd);
        }
    }

    static IOException Failure(string call, string directory)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call} of the directory '{directory}' failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}).");
    }

    // DllImport rather than LibraryImport: the generated marshalling needs unsafe code enabled for the whole project.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Sync(int fd);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
