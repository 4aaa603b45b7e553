namespace NeuralPipelines.Models.Kernels;

/// <summary>
/// The one way the kernels share a loop of independent pieces (chunks of a batch) between threads: on the GEMM's
/// persistent team, each index handed to the first thread that asks.
/// </summary>
/// <remarks>
/// Why not <c>Parallel.For</c>: its pool workers are other threads than the GEMM team's, each sleeping between calls, so
/// a DCGAN step kept waking two sets of helpers (tens of microseconds each in a virtual machine) and the second core
/// was often late to a loop of four chunks. One team, with one idle spin (<see cref="Gemm.IdleSpin"/>), keeps one
/// helper warm for both. The same rules as the GEMM: when another caller holds the team, when the team is backing off
/// after waiting for a descheduled partner (<see cref="Gemm.AdaptToLoad"/>), or with one thread, the caller runs the
/// loop alone. The bits never depend on it: every index is computed the same way on whichever thread takes it.
/// </remarks>
public static class KernelLoop
{
    /// <summary>Set to false to share loops through <c>Parallel.For</c> as before (for A/B timing; same bits).</summary>
    public static bool OnTeam { get; set; } = true;

    /// <summary>Runs <paramref name="body"/>(i) for i in [0, <paramref name="count"/>), on up to
    /// <paramref name="maxThreads"/> threads.</summary>
    public static void For(int count, int maxThreads, Action<int> body)
    {
        if (count <= 0) return;
        if (count == 1 || maxThreads <= 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        if (!OnTeam)
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = maxThreads }, body);
            return;
        }
        // Not from inside a loop already on the team (the caller's thread holds its gate, and Monitor would let it in again).
        if (Gemm.Threads > 1 && Gemm.Team() is { } team && !Monitor.IsEntered(team.Gate) && Monitor.TryEnter(team.Gate))
        {
            try
            {
                if (team.Usable && !Gemm.BackingOff(team))
                {
                    team.For(count, body);
                    return;
                }
            }
            finally { Monitor.Exit(team.Gate); }
        }
        for (int i = 0; i < count; i++) body(i);
    }
}
