using System.Globalization;
using TuningService.Core.Common;

namespace TuningService.Core.Tests.Common;

public sealed class ComputeThreadTests
{
    [Fact]
    public async Task Work_runs_at_lower_priority_and_threads_it_starts_inherit_it()
    {
        if (!OperatingSystem.IsLinux())
        {
            // Thread niceness is a Linux feature: elsewhere the work still runs, at normal priority, and says so.
            Assert.False(await ComputeThread.Run(ComputeThread.LowerCurrentThread, CancellationToken.None));
            return;
        }
        int callerNice = NiceOfCurrentThread();
        Assert.NotEqual(ComputeThread.Niceness, callerNice);

        var (workerNice, childNice) = await ComputeThread.Run(() =>
        {
            // LibTorch's OpenMP threads are started by the thread that runs the first parallel region: a child thread here.
            int child = 0;
            var thread = new Thread(() => child = NiceOfCurrentThread());
            thread.Start();
            thread.Join();
            return (NiceOfCurrentThread(), child);
        }, CancellationToken.None);

        Assert.Equal(ComputeThread.Niceness, workerNice);
        Assert.Equal(ComputeThread.Niceness, childNice);
    }

    // Field 19 of /proc/thread-self/stat is the thread's nice value (proc(5)); the fields after the command
    // name, which is in parentheses and may hold spaces, start at field 3.
    static int NiceOfCurrentThread()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[19 - 3], CultureInfo.InvariantCulture);
    }
}
