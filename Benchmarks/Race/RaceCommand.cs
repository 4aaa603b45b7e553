namespace NeuralPipelines.Benchmarks.Race;

/// <summary>
/// <c>race sgemm|shapes [--threads N]</c>: quick timings in the peer's method (warm-up, then the median of 7 repetitions
/// of an inner loop sized to last ≥ 0.25 s), for side-by-side runs with <c>../shared/peers/libtorch/run.sh</c>.
/// </summary>
public static class RaceCommand
{
    public static int Run(string[] args, TextWriter output)
    {
        string mode = args.Length > 0 ? args[0] : "sgemm";
        int at = Array.IndexOf(args, "--threads");
        if (at >= 0) Models.Kernels.Gemm.Threads = int.Parse(args[at + 1]);
        output.WriteLine($"threads {Models.Kernels.Gemm.Threads}, processors {Environment.ProcessorCount}");
        if (Array.IndexOf(args, "--no-wait") < 0)
            output.WriteLine($"waited for quiet: other processes {MachineLoad.WaitForQuiet():F2} cores");
        switch (mode)
        {
            case "sgemm": SgemmRace.Square(output); return 0;
            case "shapes": SgemmRace.MlpShapes(output); return 0;
            default: Console.Error.WriteLine($"race: unknown mode {mode} (sgemm | shapes)"); return 2;
        }
    }
}
