using NeuralPipelines.Models.Generative.Gan;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tensors;

namespace NeuralPipelines.Models.Tests.Generative;

/// <summary>One adversarial step: both networks move, the costs are finite, the G half leaves D's parameters alone, and
/// the D half leaves G's alone.</summary>
public class GanStepTests
{
    /// <summary>A tiny GAN on 4×4 images: G noise 8 → 16 → 1×4×4 (tanh), D conv → leaky ReLU → dense logit. No batch norm
    /// or dropout in D, so its logits on a batch do not depend on the mode it runs in.</summary>
    internal static (Sequential G, Sequential D) Tiny()
    {
        var rng = new Random(1);
        var g = new Sequential(new Dense(8, 16, Initializer.He, rng), new BatchNorm1d(16), new ReLU(),
            new Dense(16, 16, Initializer.Xavier, rng), new Reshape(1, 4, 4), new Tanh());
        var d = new Sequential(new Conv2d(1, 3, 3, padding: 1, rng: rng), new LeakyReLU(0.2f), new Flatten(),
            new Dense(48, 1, Initializer.Xavier, rng));
        return (g, d);
    }

    internal static Tensor RealBatch(int n, int seed)
    {
        // "Real" images: a bright diagonal on a dark background, with a little noise; pixels in [0, 1].
        var rng = new Random(seed);
        var x = new Tensor(n, 1, 4, 4);
        for (int i = 0; i < n; i++)
            for (int p = 0; p < 16; p++)
                x[i * 16 + p] = (p / 4 == p % 4 ? 0.9f : 0.1f) + 0.05f * (float)rng.NextDouble();
        return x;
    }

    private static float[][] Snapshot(Layer net) => net.AllParameters().Select(p => p.Value.Span.ToArray()).ToArray();

    [Fact]
    public void A_few_steps_move_both_networks_and_keep_the_costs_finite()
    {
        var (g, d) = Tiny();
        var step = GanStep.Dcgan(g, d, noise: 8, seed: 3);
        var g0 = Snapshot(g); var d0 = Snapshot(d);
        for (int s = 0; s < 5; s++)
        {
            var r = step.Run(RealBatch(6, s));
            Assert.True(double.IsFinite(r.DiscriminatorLoss) && double.IsFinite(r.GeneratorLoss), $"step {s}: {r}");
            Assert.InRange(r.RealProbability, 0, 1);
            Assert.InRange(r.FakeProbability, 0, 1);
            Assert.True(r.DiscriminatorLoss > 0 && r.GeneratorLoss > 0);
        }
        Assert.NotEqual(g0.SelectMany(a => a), Snapshot(g).SelectMany(a => a));
        Assert.NotEqual(d0.SelectMany(a => a), Snapshot(d).SelectMany(a => a));
        Assert.Equal(5, step.GeneratorOptimizer.Steps);
        Assert.Equal(5, step.DiscriminatorOptimizer.Steps);
    }

    [Fact]
    public void The_generator_half_leaves_the_discriminators_parameters_unchanged_and_the_discriminator_half_the_generators()
    {
        var (g, d) = Tiny();
        var step = GanStep.Dcgan(g, d, noise: 8, seed: 4);
        step.Run(RealBatch(6, 1)); // Adam moments non-zero, so a stray step would show
        step.Generate(6);
        var gBefore = Snapshot(g);
        step.StepDiscriminator(RealBatch(6, 2));
        Assert.Equal(gBefore.SelectMany(a => a), Snapshot(g).SelectMany(a => a));

        var dBefore = Snapshot(d);
        var dGradients = d.AllParameters().Select(p => p.Gradient.Span.ToArray()).ToArray();
        step.StepGenerator();
        Assert.Equal(dBefore.SelectMany(a => a), Snapshot(d).SelectMany(a => a));
        Assert.NotEqual(gBefore.SelectMany(a => a), Snapshot(g).SelectMany(a => a));
        // And it leaves D's first layer computing ∂C/∂x again for the next G half.
        Assert.True(((Conv2d)d.Children[0]).InputGradient);
        // The G half never computes ∂C_G/∂θ_D: D's gradients are still the D half's, and D computes them again next time.
        Assert.Contains(dGradients.SelectMany(a => a), v => v != 0f);
        Assert.Equal(dGradients.SelectMany(a => a), d.AllParameters().SelectMany(p => p.Gradient.Span.ToArray()));
        Assert.All(d.Children, l => Assert.True(l.ParameterGradients));
    }

    [Fact]
    public void The_discriminator_cost_is_the_sum_of_its_two_bce_terms_and_the_same_seed_gives_the_same_run()
    {
        GanStepResult Run()
        {
            var (g, d) = Tiny();
            var step = GanStep.Dcgan(g, d, noise: 8, seed: 5);
            GanStepResult r = default;
            for (int s = 0; s < 3; s++) r = step.Run(RealBatch(4, s));
            return r;
        }
        Assert.Equal(Run(), Run());
        // At the first step of untrained networks D is unsure: each term is near ln 2.
        var (g0, d0) = Tiny();
        var first = GanStep.Dcgan(g0, d0, noise: 8, seed: 5).Run(RealBatch(4, 0));
        Assert.InRange(first.DiscriminatorLoss, 2 * Math.Log(2) - 0.7, 2 * Math.Log(2) + 0.7);
    }

    [Fact]
    public void A_step_allocates_nothing_after_warm_up()
    {
        // Dense-only networks run every kernel on this thread: the step itself, BatchNorm1d and Reshape allocate nothing.
        // (The DCGAN's convolutional step, whose kernels share work with the team, is CnnAllocationTests'.)
        var rng = new Random(2);
        var g = new Sequential(new Dense(8, 16, Initializer.He, rng), new BatchNorm1d(16), new ReLU(),
            new Dense(16, 16, Initializer.Xavier, rng), new Reshape(1, 4, 4), new Tanh());
        var d = new Sequential(new Dense(16, 8, Initializer.He, rng), new LeakyReLU(0.2f), new Dense(8, 1, Initializer.Xavier, rng));
        Assert.Equal(0, AllocatedByWarmStep(GanStep.Dcgan(g, d, noise: 8, seed: 1), RealBatch(6, 1)));
    }

    /// <summary>The least any of five warm steps allocated on this thread. The chunked convolution route hands chunks to
    /// whichever thread asks first, and a thread's grow-only scratch grows the first time it takes a larger chunk; which
    /// step that happens in depends on scheduling, so one measured step could catch it. Steady state is the least.</summary>
    private static long AllocatedByWarmStep(GanStep step, Tensor real)
    {
        for (int i = 0; i < 3; i++) step.Run(real);
        long least = long.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            step.Run(real);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }
}
