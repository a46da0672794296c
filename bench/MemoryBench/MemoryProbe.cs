using System.Globalization;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace TuningService.Bench.MemoryBench;

/// <summary>
/// Where a step's memory goes (MB_PROBE=1): a thread samples the process every 10 ms (VmRSS, RssAnon, RssFile, and
/// glibc's heap from mallinfo2: bytes in use, free bytes the arenas retain, mmapped blocks) and keeps each field's
/// largest value per phase; phases end at each checkpointed block's backward (the blocks' GradientsReady hook, which
/// the trainer leaves alone unless the optimizer steps in the backward pass) and at each step's end. Every second the
/// latest sample is also printed, so the forward pass and the loss can be told apart by time.
/// </summary>
public sealed class MemoryProbe : IDisposable
{
    readonly Thread _sampler;
    readonly List<(string Phase, double StartSeconds, Sample Start, Sample Max)> _phases = [];
    readonly object _gate = new();
    readonly long _t0 = System.Diagnostics.Stopwatch.GetTimestamp();
    volatile bool _stop;
    string _phase = "setup, forward, loss, last block";
    double _startSeconds;
    Sample _start;
    Sample _max;

    public MemoryProbe(nn.Module model)
    {
        if (model is Core.Models.Checkpointing.IBlockCheckpointedModel checkpointed && checkpointed.Checkpointing.GradientsReady is null)
        {
            var names = model.named_modules().ToDictionary(m => (object)m.module, m => m.name, ReferenceEqualityComparer.Instance);
            checkpointed.Checkpointing.GradientsReady = block => Enter($"after backward of {names.GetValueOrDefault(block, "?")}");
        }
        _start = _max = Sample.Now();
        _sampler = new Thread(Run) { IsBackground = true, Name = "memory probe" };
        _sampler.Start();
    }

    double Seconds => System.Diagnostics.Stopwatch.GetElapsedTime(_t0).TotalSeconds;

    public void Enter(string phase)
    {
        var now = Sample.Now();
        lock (_gate)
        {
            _phases.Add((_phase, _startSeconds, _start, Sample.Max(_max, now)));
            _phase = phase;
            _startSeconds = Seconds;
            _start = _max = now;
        }
    }

    public void Print()
    {
        Enter("after step: optimizer, next forward");
        lock (_gate)
        {
            const double mib = 1 << 20;
            Console.WriteLine("| phase (ends at) | start s | RSS at start | peak RSS | RssAnon peak | heap in use at start | heap in use peak | heap free (retained) peak | mmapped peak |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var (phase, seconds, start, max) in _phases)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {phase} | {seconds:F1} | {start.Rss / mib:F0} | {max.Rss / mib:F0} | {max.Anon / mib:F0} | {start.HeapInUse / mib:F0} | {max.HeapInUse / mib:F0} | {max.HeapFree / mib:F0} | {max.Mmapped / mib:F0} |"));
            _phases.Clear();
        }
    }

    void Run()
    {
        var lastPrint = 0.0;
        while (!_stop)
        {
            var now = Sample.Now();
            lock (_gate)
                _max = Sample.Max(_max, now);
            if (Seconds - lastPrint >= 1)
            {
                lastPrint = Seconds;
                const double mib = 1 << 20;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"probe {lastPrint:F1} s: RSS {now.Rss / mib:F0}, anon {now.Anon / mib:F0}, heap in use {now.HeapInUse / mib:F0}, free {now.HeapFree / mib:F0}, mmapped {now.Mmapped / mib:F0} MiB"));
            }
            Thread.Sleep(10);
        }
    }

    public void Dispose()
    {
        _stop = true;
        _sampler.Join();
    }

    /// <summary>One reading; Max keeps each field's largest value.</summary>
    readonly record struct Sample(long Rss, long Anon, long File, long HeapInUse, long HeapFree, long Mmapped)
    {
        public static Sample Max(Sample a, Sample b) => new(Math.Max(a.Rss, b.Rss), Math.Max(a.Anon, b.Anon), Math.Max(a.File, b.File),
            Math.Max(a.HeapInUse, b.HeapInUse), Math.Max(a.HeapFree, b.HeapFree), Math.Max(a.Mmapped, b.Mmapped));

        public static Sample Now()
        {
            long rss = 0, anon = 0, file = 0;
            foreach (var line in System.IO.File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kib(line);
                else if (line.StartsWith("RssAnon:", StringComparison.Ordinal)) anon = Kib(line);
                else if (line.StartsWith("RssFile:", StringComparison.Ordinal)) file = Kib(line);
            }
            var info = MallInfo2();
            return new Sample(rss, anon, file, (long)info.uordblks, (long)info.fordblks, (long)info.hblkhd);
        }

        static long Kib(string line) => 1024 * long.Parse(line.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    [StructLayout(LayoutKind.Sequential)]
    struct MallInfo2Struct
    {
        public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    static extern MallInfo2Struct MallInfo2();
}
