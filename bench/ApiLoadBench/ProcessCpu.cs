using System.Globalization;

namespace TuningService.Bench.ApiLoadBench;

/// <summary>
/// CPU time a process has used (Linux /proc), split by nice value: the API's training threads run at nice 10
/// (src/Core/Common/ComputeThread.cs, and the OpenMP threads they create inherit it), everything that serves requests
/// at 0. So the API's own cost per request can be told apart from the trainer's while both run in one process.
/// </summary>
/// <param name="TotalSeconds">utime + stime of the whole process (threads that have exited included).</param>
/// <param name="NicedSeconds">utime + stime of the threads alive now whose nice value is above 0 (the trainer's).</param>
/// <param name="NicedThreads">How many threads alive now have a nice value above 0.</param>
/// <param name="NormalWaitNs">
/// Per thread alive now at nice 0: how long it has been runnable but waiting for a core (run_delay in
/// /proc/PID/task/TID/schedstat), in ns. What CPU contention, from the trainer or anything else on the machine, adds
/// to a request's latency.
/// </param>
public sealed record ProcessCpu(double TotalSeconds, double NicedSeconds, int NicedThreads, IReadOnlyDictionary<int, long> NormalWaitNs)
{
    // USER_HZ: the unit of /proc's CPU times; 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)).
    private const double TicksPerSecond = 100;

    /// <summary>CPU time of threads at nice 0 (request handling, GC, timers) since <paramref name="before"/>.</summary>
    public double NormalSecondsSince(ProcessCpu before)
    {
        ArgumentNullException.ThrowIfNull(before);
        return TotalSeconds - before.TotalSeconds - NicedSecondsSince(before);
    }

    /// <summary>CPU time of the niced (training) threads since <paramref name="before"/>.</summary>
    public double NicedSecondsSince(ProcessCpu before)
    {
        ArgumentNullException.ThrowIfNull(before);
        return Math.Max(0, NicedSeconds - before.NicedSeconds);
    }

    /// <summary>
    /// Run-queue wait of nice-0 threads since <paramref name="before"/>: threads alive at both readings count their
    /// difference, threads started since count all of theirs; threads that exited meanwhile are missing.
    /// </summary>
    public double NormalWaitSecondsSince(ProcessCpu before)
    {
        ArgumentNullException.ThrowIfNull(before);
        long ns = 0;
        foreach (var (tid, wait) in NormalWaitNs) ns += wait - before.NormalWaitNs.GetValueOrDefault(tid);
        return ns / 1e9;
    }

    public static ProcessCpu Read(int pid)
    {
        var total = CpuTicks(Fields($"/proc/{pid}/stat"));
        long niced = 0;
        var nicedThreads = 0;
        var waits = new Dictionary<int, long>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            string[] fields, schedstat;
            try
            {
                fields = Fields(Path.Combine(task, "stat"));
                schedstat = File.ReadAllText(Path.Combine(task, "schedstat")).Split(' '); // "cpu-ns run-delay-ns timeslices"
            }
            catch (IOException)
            {
                continue; // the thread exited meanwhile
            }
            if (int.Parse(fields[NiceField], CultureInfo.InvariantCulture) <= 0)
            {
                waits[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = long.Parse(schedstat[1], CultureInfo.InvariantCulture);
                continue;
            }
            niced += CpuTicks(fields);
            nicedThreads++;
        }
        return new ProcessCpu(total / TicksPerSecond, niced / TicksPerSecond, nicedThreads, waits);
    }

    // Fields after "pid (comm) ", so field n of proc(5)'s stat (1-based) is index n - 3; comm may hold spaces.
    private const int UtimeField = 14 - 3, StimeField = 15 - 3, NiceField = 19 - 3;

    private static string[] Fields(string statPath)
    {
        var stat = File.ReadAllText(statPath);
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }

    private static long CpuTicks(string[] fields) =>
        long.Parse(fields[UtimeField], CultureInfo.InvariantCulture) + long.Parse(fields[StimeField], CultureInfo.InvariantCulture);
}
