using System.Diagnostics;

namespace NeuralPipelines.Benchmarks.Race;

/// <summary>Training images/s of <see cref="MlpWorkload"/>, timed as the libtorch peer times its <c>mlp</c> mode.</summary>
/// <remarks>A throwaway model trains one warm-up epoch; the measured model trains N epochs; images/s is the median.</remarks>
public static class MlpRace
{
    public static void Run(TextWriter output, int epochs)
    {
        var data = MlpWorkload.LoadMnist();
        new MlpWorkload(data, seed: 43).Epoch();
        var model = new MlpWorkload(data, seed: 42);
        var rates = new List<double>();
        var whole = MachineLoad.Start();
        for (int e = 1; e <= epochs; e++)
        {
            var load = MachineLoad.Start();
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            var sw = Stopwatch.StartNew();
            double cost = model.Epoch();
            double seconds = sw.Elapsed.TotalSeconds;
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            rates.Add(model.TrainCount / seconds);
            output.WriteLine($"  mlp epoch {e}: {seconds:F3} s, {rates[^1]:F0} img/s, mean cost {cost:F4}, " +
                             $"allocated {allocated} B [other processes {load.OtherCores:F2} cores]");
        }
        double accuracy = model.TestAccuracy();
        var sorted = rates.Order().ToArray();
        output.WriteLine($"RESULT mlp: train median {sorted[sorted.Length / 2]:F0} img/s over {epochs} timed epochs " +
                         $"(min {sorted[0]:F0}, max {sorted[^1]:F0}); test acc {100 * accuracy:F2}% " +
                         $"[other processes {whole.OtherCores:F2} cores]");
    }
}
