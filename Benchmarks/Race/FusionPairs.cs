using System.Diagnostics;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Benchmarks.Race;

/// <summary><c>race fusion-pairs</c>: each batch norm + activation pair of the DCGAN and PatchGAN (ngf 32) steps at its
/// shape, run fused (<see cref="Sequential.FusesBatchNormActivation"/>) and as two layers, the two alternating call by
/// call; median process CPU-µs of a forward and of a backward pass (training mode).</summary>
public static class FusionPairs
{
    private const int Calls = 200;

    public static void Run(TextWriter output)
    {
        var load = MachineLoad.Start();
        Pair(output, "G BatchNorm1d(6272) + ReLU", new Sequential(new BatchNorm1d(6272), new ReLU()), [64, 6272]);
        Pair(output, "G BatchNorm2d(64) + ReLU, 14×14", new Sequential(new BatchNorm2d(64), new ReLU()), [64, 64, 14, 14]);
        Pair(output, "D BatchNorm2d(128) + leaky, 7×7", new Sequential(new BatchNorm2d(128), new LeakyReLU(0.2f)), [64, 128, 7, 7]);
        Pair(output, "PatchGAN BN(64) + leaky, 16×16", new Sequential(new BatchNorm2d(64), new LeakyReLU(0.2f)), [16, 64, 16, 16]);
        Pair(output, "PatchGAN BN(128) + leaky, 8×8", new Sequential(new BatchNorm2d(128), new LeakyReLU(0.2f)), [16, 128, 8, 8]);
        Pair(output, "PatchGAN BN(256) + leaky, 7×7", new Sequential(new BatchNorm2d(256), new LeakyReLU(0.2f)), [16, 256, 7, 7]);
        output.WriteLine($"[other processes {load.OtherCores:F2} cores; {Calls} calls of each, alternating]");
    }

    private static void Pair(TextWriter output, string name, Sequential pair, int[] shape)
    {
        var rng = new Random(1);
        var x = new Tensor(shape); var dy = new Tensor(shape);
        for (int i = 0; i < x.Length; i++) { x[i] = (float)(rng.NextDouble() * 2 - 1); dy[i] = (float)(rng.NextDouble() - 0.5); }
        var forward = new[] { new List<double>(), new List<double>() };
        var backward = new[] { new List<double>(), new List<double>() };
        bool before = Sequential.FusesBatchNormActivation;
        try
        {
            for (int c = 0; c < 2 * (Calls + 10); c++)
            {
                int v = c % 2;
                Sequential.FusesBatchNormActivation = v == 0;
                var t0 = Process.GetCurrentProcess().TotalProcessorTime;
                pair.Forward(x, training: true);
                var t1 = Process.GetCurrentProcess().TotalProcessorTime;
                pair.Backward(dy);
                var t2 = Process.GetCurrentProcess().TotalProcessorTime;
                if (c < 20) continue;
                forward[v].Add((t1 - t0).TotalMicroseconds);
                backward[v].Add((t2 - t1).TotalMicroseconds);
            }
        }
        finally { Sequential.FusesBatchNormActivation = before; }
        static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
        output.WriteLine($"RESULT fusion-pairs {name,-34}: forward {Median(forward[0]),7:F0} fused vs {Median(forward[1]),7:F0} apart, " +
                         $"backward {Median(backward[0]),7:F0} fused vs {Median(backward[1]),7:F0} apart (CPU-µs, median)");
    }
}
