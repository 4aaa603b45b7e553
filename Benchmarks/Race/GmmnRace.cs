using System.Diagnostics;
using NeuralPipelines.Data.Catalog;
using NeuralPipelines.Models.Generative;
using NeuralPipelines.Models.Generative.Networks;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Benchmarks.Race;

/// <summary>
/// <c>race gmmn</c>: one step of generative moment matching as Li, Swersky and Zemel train it, the same work as
/// <c>Benchmarks/peers/gmmn_torch.py</c>: 1,000 uniform noise vectors (10-d) through 10 → 64 → 256 → 256 → 1024 → 784
/// (ReLU, sigmoid out), C = √MMD² against 1,000 real digits with Gaussian kernels σ = 2, 5, 10, 20, 40, 80, backward,
/// Adam 10⁻³. 3 warm-up and 20 timed steps; median.
/// </summary>
public static class GmmnRace
{
    private const int Batch = 1000, Noise = 10, WarmUp = 3, Steps = 20, Seed = 42;

    public static void Run(TextWriter output)
    {
        var train = new DatasetCatalog().LoadImages("mnist").Train;
        var generator = Gmmn.Generator(Noise, train.ImageLength, Seed);
        var parameters = generator.AllParameters().ToArray();
        var adam = Optimizer.Create(new OptimizerSettings(OptimizerKind.Adam), parameters);
        var cost = new MmdCost(Mmd.DefaultSigmas);
        var rng = new Random(Seed);
        var z = new Tensor(Batch, Noise);
        var real = new Tensor(Batch, train.ImageLength);
        Tensor? gradient = null;
        var times = new List<double>();
        double last = 0;
        MachineLoad? load = null;
        var whole = Stopwatch.StartNew();
        for (int s = 0; s < WarmUp + Steps; s++)
        {
            if (s == WarmUp) { load = MachineLoad.Start(); whole.Restart(); }
            long t0 = Stopwatch.GetTimestamp();
            int start = s * Batch % (train.Count - Batch);
            train.Pixels.AsSpan(start * train.ImageLength, Batch * train.ImageLength).CopyTo(real.Span);
            NoiseSampler.Draw(NoiseKind.Uniform, rng, z.Span, Noise);
            var fake = generator.Forward(z, training: true);
            gradient = Tensor.Ensure(ref gradient, fake.Shape);
            last = cost.Compute(fake, real, gradient);
            foreach (var p in parameters) p.ZeroGradient();
            generator.Backward(gradient);
            adam.Step(1e-3f);
            if (s >= WarmUp) times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
        double seconds = whole.Elapsed.TotalSeconds;
        var sorted = times.Order().ToArray();
        double median = sorted[sorted.Length / 2];
        output.WriteLine($"RESULT gmmn step: median {1e3 * median:F1} ms/step (min {1e3 * sorted[0]:F1}, max {1e3 * sorted[^1]:F1}; " +
                         $"{Steps} steps after {WarmUp} warm-up), batch {Batch}; last √MMD² {last:F4} [other processes {load!.OtherCores:F2} cores over {seconds:F1} s]");
    }
}
