using System.Diagnostics;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Benchmarks.Race;

/// <summary><c>race fusion-pairs</c>: each batch norm + activation pair of the DCGAN and PatchGAN (ngf 32) steps at its
/// shape, run fused (<see cref="Sequential.FusesActivation"/>) and as two layers, the two alternating call by
/// call; median process CPU-µs of a forward and of a backward pass (training mode). With <c>--ab NAME</c> (a
/// <see cref="GemmSwitches"/> switch) the pairs run fused throughout and the switch alternates instead.</summary>
public static class FusionPairs
{
    private const int Calls = 200;

    public static void Run(TextWriter output, string? switchName = null)
    {
        var load = MachineLoad.Start();
        var ab = switchName is null ? null : GemmSwitches.ByName[switchName];
        void Set(bool first)
        {
            if (ab is null) Sequential.FusesActivation = first;
            else ab.Set(first);
        }
        string first = ab?.On ?? "fused", second = ab?.Off ?? "apart";
        Pair(output, Set, first, second, "G BatchNorm1d(6272) + ReLU", new Sequential(new BatchNorm1d(6272), new ReLU()), [64, 6272]);
        Pair(output, Set, first, second, "G BatchNorm2d(64) + ReLU, 14×14", new Sequential(new BatchNorm2d(64), new ReLU()), [64, 64, 14, 14]);
        Pair(output, Set, first, second, "D BatchNorm2d(128) + leaky, 7×7", new Sequential(new BatchNorm2d(128), new LeakyReLU(0.2f)), [64, 128, 7, 7]);
        Pair(output, Set, first, second, "PatchGAN BN(64) + leaky, 16×16", new Sequential(new BatchNorm2d(64), new LeakyReLU(0.2f)), [16, 64, 16, 16]);
        Pair(output, Set, first, second, "PatchGAN BN(128) + leaky, 8×8", new Sequential(new BatchNorm2d(128), new LeakyReLU(0.2f)), [16, 128, 8, 8]);
        Pair(output, Set, first, second, "PatchGAN BN(256) + leaky, 7×7", new Sequential(new BatchNorm2d(256), new LeakyReLU(0.2f)), [16, 256, 7, 7]);
        output.WriteLine($"[other processes {load.OtherCores:F2} cores; {Calls} calls of each, alternating]");
    }

    private static void Pair(TextWriter output, Action<bool> set, string first, string second, string name, Sequential pair, int[] shape)
    {
        var rng = new Random(1);
        var x = new Tensor(shape); var dy = new Tensor(shape);
        for (int i = 0; i < x.Length; i++) { x[i] = (float)(rng.NextDouble() * 2 - 1); dy[i] = (float)(rng.NextDouble() - 0.5); }
        var forward = new[] { new List<double>(), new List<double>() };
        var backward = new[] { new List<double>(), new List<double>() };
        var forwardWall = new[] { new List<double>(), new List<double>() };
        var backwardWall = new[] { new List<double>(), new List<double>() };
        bool before = Sequential.FusesActivation;
        try
        {
            for (int c = 0; c < 2 * (Calls + 10); c++)
            {
                int v = c % 2;
                set(v == 0);
                var t0 = Process.GetCurrentProcess().TotalProcessorTime;
                long w0 = Stopwatch.GetTimestamp();
                pair.Forward(x, training: true);
                long w1 = Stopwatch.GetTimestamp();
                var t1 = Process.GetCurrentProcess().TotalProcessorTime;
                long w2 = Stopwatch.GetTimestamp();
                pair.Backward(dy);
                long w3 = Stopwatch.GetTimestamp();
                var t2 = Process.GetCurrentProcess().TotalProcessorTime;
                if (c < 20) continue;
                forwardWall[v].Add(Stopwatch.GetElapsedTime(w0, w1).TotalMicroseconds);
                backwardWall[v].Add(Stopwatch.GetElapsedTime(w2, w3).TotalMicroseconds);
                forward[v].Add((t1 - t0).TotalMicroseconds);
                backward[v].Add((t2 - t1).TotalMicroseconds);
            }
        }
        finally { Sequential.FusesActivation = before; set(true); }
        static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        output.WriteLine($"RESULT fusion-pairs {name,-34}: forward {Median(forward[0]),7:F0} vs {Median(forward[1]),7:F0}, " +
                         $"backward {Median(backward[0]),7:F0} vs {Median(backward[1]),7:F0} CPU-µs; wall forward {Median(forwardWall[0]),6:F0} vs " +
                         $"{Median(forwardWall[1]),6:F0}, backward {Median(backwardWall[0]),6:F0} vs {Median(backwardWall[1]),6:F0} µs (medians; {first} vs {second})");
    }
}
