using System.Diagnostics;

namespace NeuralPipelines.Benchmarks.Race;

/// <summary>Training images/s of <see cref="MlpWorkload"/>, timed as the libtorch peer times its <c>mlp</c> mode.</summary>
/// <remarks>A throwaway model trains one warm-up epoch; the measured model trains N epochs; images/s is the median.
/// With <c>--cold</c> there is no warm-up epoch: the curve from the first step, as <c>np train mlp</c> sees it (issue 14
/// point 6), each epoch also in CPU-ms of the calling thread (load-proof with <c>--threads 1</c>), and the whole run's
/// images/s (all epochs, the first included) as the figure to race.</remarks>
public static class MlpRace
{
    public static void Run(TextWriter output, int epochs, bool cold = false)
    {
        var start = Stopwatch.StartNew();
        var data = MlpWorkload.LoadMnist();
        if (!cold) new MlpWorkload(data, seed: 43).Epoch();
        var model = new MlpWorkload(data, seed: 42);
        var rates = new List<double>();
        var whole = MachineLoad.Start();
        double training = 0;
        for (int e = 1; e <= epochs; e++)
        {
            var load = MachineLoad.Start();
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            var sw = Stopwatch.StartNew();
            double cpu = ThreadCpu.Nanoseconds;
            double cost = model.Epoch();
            double seconds = sw.Elapsed.TotalSeconds;
            cpu = (ThreadCpu.Nanoseconds - cpu) / 1e6;
            training += seconds;
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            rates.Add(model.TrainCount / seconds);
            output.WriteLine($"  mlp epoch {e}: {seconds:F3} s, {rates[^1]:F0} img/s, {cpu:F1} CPU-ms on this thread, mean cost {cost:F4}, " +
                             $"allocated {allocated} B [other processes {load.OtherCores:F2} cores]");
        }
        double accuracy = model.TestAccuracy();
        var sorted = rates.Order().ToArray();
        output.WriteLine($"RESULT mlp: train median {sorted[sorted.Length / 2]:F0} img/s over {epochs} timed epochs " +
                         $"(min {sorted[0]:F0}, max {sorted[^1]:F0}); test acc {100 * accuracy:F2}% " +
                         $"[other processes {whole.OtherCores:F2} cores]");
        if (cold)
            output.WriteLine($"RESULT mlp cold: whole run {model.TrainCount * epochs / training:F0} img/s over {epochs} epochs from the first " +
                             $"step ({training:F3} s training, {start.Elapsed.TotalSeconds:F3} s with data loading and evaluation)");
    }
}
