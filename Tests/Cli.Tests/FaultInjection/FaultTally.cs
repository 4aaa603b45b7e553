namespace NeuralPipelines.Cli.Tests.FaultInjection;

/// <summary>What a run of damaged files came to: each case is a clean error (one line naming the file) or the original's
/// exact answer; anything else is a defect, described in <see cref="Defects"/>.</summary>
public sealed class FaultTally(string format)
{
    public string Format { get; } = format;
    public int Cases { get; private set; }
    public int CleanErrors { get; private set; }
    public int SameAnswers { get; private set; }

    /// <summary>Clean errors that came from a checksum (ours or the zip's CRC-32): before those checks, these files loaded.</summary>
    public int ByChecksum { get; private set; }
    public long MostAllocated { get; private set; }
    public List<string> Defects { get; } = [];

    /// <summary>Loads <paramref name="path"/> (holding <paramref name="damage"/>) with <paramref name="load"/> and judges
    /// the outcome against <paramref name="expected"/>, the undamaged file's answer.</summary>
    public void Run(Damage damage, string path, Func<string, double[]> load, double[] expected, long memoryBound)
    {
        Cases++;
        File.WriteAllBytes(path, damage.Bytes);
        // This thread's allocations only: the test run loads other models on other threads at the same time.
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            var answer = load(path);
            if (answer.AsSpan().SequenceEqual(expected)) SameAnswers++;
            else Defects.Add($"{Format}, {damage.What}: loaded without an error but answers differently ({string.Join(", ", answer.Take(3))}… instead of {string.Join(", ", expected.Take(3))}…)");
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException)
        {
            if (e.Message.Contains('\n') || e.Message.Contains('\r'))
                Defects.Add($"{Format}, {damage.What}: the error has several lines: {e.Message}");
            else if (!e.Message.Contains(path))
                Defects.Add($"{Format}, {damage.What}: the error does not name the file: {e.Message}");
            else if (e.Message.Length > 600)
                Defects.Add($"{Format}, {damage.What}: the error is {e.Message.Length} characters long");
            else
            {
                CleanErrors++;
                if (e.Message.Contains("CRC-32")) ByChecksum++;
            }
        }
        catch (Exception e)
        {
            Defects.Add($"{Format}, {damage.What}: {e.GetType().Name} instead of a clean error: {e.Message.ReplaceLineEndings(" ")}");
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        MostAllocated = Math.Max(MostAllocated, allocated);
        if (allocated > memoryBound)
            Defects.Add($"{Format}, {damage.What}: allocated {allocated:N0} bytes (bound {memoryBound:N0})");
    }

    public override string ToString() =>
        $"{Format}: {Cases} cases, {CleanErrors} clean errors ({ByChecksum} by a checksum), {SameAnswers} same answers, {Defects.Count} defects, at most {MostAllocated:N0} bytes allocated by one load";
}
