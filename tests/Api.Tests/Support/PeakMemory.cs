namespace TuningService.Api.Tests.Support;

/// <summary>
/// A process's peak resident memory from Linux's /proc: the mark (VmHWM) is reset when the operations start
/// (clear_refs 5) so it holds the peak of their time alone; where that is not allowed, the samples' largest VmRSS.
/// </summary>
public sealed class PeakMemory
{
    readonly int pid;
    readonly bool marked;
    long sampled;

    public PeakMemory(int pid)
    {
        this.pid = pid;
        BaselineBytes = Read("VmRSS");
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            marked = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            marked = false;
        }
        sampled = BaselineBytes;
    }

    public long BaselineBytes { get; }

    public void Sample() => sampled = Math.Max(sampled, Read("VmRSS"));

    public long Growth() => Math.Max(marked ? Read("VmHWM") : 0, sampled) - BaselineBytes;

    long Read(string field) => File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith(field + ":", StringComparison.Ordinal))
        .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024).Single();
}
