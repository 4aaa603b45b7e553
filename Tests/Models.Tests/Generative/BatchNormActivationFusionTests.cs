using NeuralPipelines.Data;
using NeuralPipelines.Data.Images;
using NeuralPipelines.Models.Generative.Gan;
using NeuralPipelines.Models.Generative.Networks;
using NeuralPipelines.Models.Generative.Pix2Pix;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Tests.Gradients;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Models.Tests.Generative;

/// <summary>Training with each batch norm fused with the activation after it (<see cref="Sequential.FusesActivation"/>)
/// ends on the same bits as training with the two layers run one after the other: the DCGAN and ResNet-8 on shipped MNIST
/// digits and the colorizer (U-Net + PatchGAN, L1 + cGAN) on shipped photographs, every weight, running statistic and loss.</summary>
/// <remarks>The documented long-tier figures (docs/EXPERIMENTS.md) depend on the exact trajectory, so the fusion may not
/// move a single bit. Only this class switches the fusion; other tests running meanwhile get the same bits either way.</remarks>
public class BatchNormActivationFusionTests
{
    private static readonly Lazy<PhotoSet> Photos = new(() => ImageFolder.Load(Path.Combine(ShippedData.Photos, "train"), 32, limit: 12));

    private static T Unfused<T>(Func<T> run)
    {
        Sequential.FusesActivation = false;
        try { return run(); }
        finally { Sequential.FusesActivation = true; }
    }

    /// <summary>Fused on every plane, the small ones included (by default their backward pass runs the activation alone).</summary>
    private static T FusedOnEveryPlane<T>(Func<T> run)
    {
        int before = Models.Kernels.BatchNormChannels.FusedBackwardPlane;
        Models.Kernels.BatchNormChannels.FusedBackwardPlane = 0;
        try { return run(); }
        finally { Models.Kernels.BatchNormChannels.FusedBackwardPlane = before; }
    }

    internal static float[][] State(Layer network) =>
        network.AllParameters().Select(p => p.Value.Span.ToArray()).Concat(network.AllBuffers().Select(b => b.Span.ToArray())).ToArray();

    internal static void SameBits(float[][] expected, float[][] actual, string network)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int t = 0; t < expected.Length; t++)
            Assert.True(expected[t].AsSpan().SequenceEqual(actual[t]), $"{network}: tensor {t} differs between the two runs");
    }

    /// <summary>The fused pairs' backward passes against central finite differences (input, γ, β), training and inference.
    /// The leaky slope keeps a gradient on both sides; the steps cross no kink at these seeds (inference's fixed statistics
    /// leave more values near one, so it takes the smaller step).</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_fused_pairs_pass_the_finite_difference_check(bool training) => FusedOnEveryPlane(() =>
    {
        float step = training ? 1e-2f : 1e-3f;
        var conv = new Sequential(GradientCases.WithRealValues(new BatchNorm2d(3), 23), new LeakyReLU(0.2f));
        var r2 = GradientCheck.Layer(conv, GradientCheck.Random(24, 2f, 0.05f, 4, 3, 3, 5), training, step);
        Assert.True(r2.Error <= GradientCheck.Tolerance, $"BatchNorm2d + LeakyReLU: {r2}");
        var dense = new Sequential(GradientCases.WithRealValues(new BatchNorm1d(5), 12), new LeakyReLU(0.1f));
        var r1 = GradientCheck.Layer(dense, GradientCheck.Random(11, 2f, 0.05f, 6, 5), training, step);
        Assert.True(r1.Error <= GradientCheck.Tolerance, $"BatchNorm1d + LeakyReLU: {r1}");
        var relu = new Sequential(GradientCases.WithRealValues(new BatchNorm1d(5), 13), new ReLU());
        var r0 = GradientCheck.Layer(relu, GradientCheck.Random(14, 2f, 0.05f, 6, 5), training, step: 1e-3f);
        Assert.True(r0.Error <= GradientCheck.Tolerance, $"BatchNorm1d + ReLU: {r0}");
        return 0;
    });

    internal sealed record GanRun(float[][] G, float[][] D, double[] Losses, float[] Samples);

    internal static GanRun TrainDcgan() => TrainDcgan(16);

    /// <summary>3 DCGAN steps at <paramref name="batch"/> (64 takes the layers' batch-sized routes, e.g. the chunks).</summary>
    internal static GanRun TrainDcgan(int batch)
    {
        var train = Training.MnistTrainingTests.Mnist.Value.Train;
        var g = Dcgan.Generator(seed: 42); var d = Dcgan.Discriminator(seed: 43);
        var step = GanStep.Dcgan(g, d, seed: 42);
        int length = train.Channels * train.Height * train.Width;
        var real = new Tensor(batch, train.Channels, train.Height, train.Width);
        var losses = new List<double>();
        for (int s = 0; s < 3; s++)
        {
            // Pixels in [0, 1] mapped to tanh's [−1, 1], as the trainer does.
            for (int i = 0; i < real.Length; i++) real[i] = train.Pixels[(s * batch * length + i) % train.Pixels.Length] * 2f - 1f;
            var r = step.Run(real);
            losses.Add(r.DiscriminatorLoss); losses.Add(r.GeneratorLoss);
        }
        var z = new Tensor(batch, 64);
        Init.Initializers.FillNormal(z.Span, 1.0, new Random(5));
        var samples = g.Forward(z, training: false).Span.ToArray();
        return new GanRun(State(g), State(d), losses.ToArray(), samples);
    }

    [Fact]
    public void Dcgan_steps_on_mnist_end_on_the_same_bits_fused_and_unfused()
    {
        var apart = Unfused(TrainDcgan);
        foreach (var fused in new[] { TrainDcgan(), FusedOnEveryPlane(TrainDcgan) })
        {
            Assert.Equal(apart.Losses, fused.Losses);
            SameBits(apart.G, fused.G, "generator");
            SameBits(apart.D, fused.D, "discriminator");
            // Inference (running statistics) too.
            Assert.True(apart.Samples.AsSpan().SequenceEqual(fused.Samples), "generator samples in inference differ");
        }
    }

    /// <summary>Five SGD steps of the zoo's ResNet-8 on MNIST digits at batch 64, its batch norms fused with the ReLU
    /// after them or not.</summary>
    internal static (float[][] State, float[] Outputs) TrainResNet()
    {
        var data = Training.MnistTrainingTests.Mnist.Value.Train.Take(320);
        var net = Models.Zoo.ModelZoo.Build("resnet", new Models.Zoo.ZooOptions(data.Channels, data.Height, data.Width, data.Classes, Seed: 3));
        var step = new Models.Training.TrainingStep(net, new Models.Losses.LogLikelihoodCost(),
            Models.Optimizers.Optimizer.Create(new Models.Optimizers.OptimizerSettings(Models.Optimizers.OptimizerKind.Sgd, Momentum: 0.9f), net.AllParameters().ToList()), regularizer: null);
        var batches = new Models.Training.BatchAssembler(data);
        var order = Enumerable.Range(0, data.Count).ToArray();
        for (int at = 0; at < data.Count; at += 64)
        {
            batches.Fill(order, at, 64, null);
            step.Run(batches.Images, batches.Targets, 0.05f);
        }
        return (State(net), net.Forward(batches.Images, training: false).Span.ToArray());
    }

    [Fact]
    public void Resnet_steps_on_mnist_end_on_the_same_bits_fused_and_unfused()
    {
        var apart = Unfused(TrainResNet);
        var fused = TrainResNet();
        SameBits(apart.State, fused.State, "ResNet-8");
        Assert.True(apart.Outputs.AsSpan().SequenceEqual(fused.Outputs), "ResNet-8's outputs in inference differ");
    }

    internal sealed record ColorizerRun(float[][] G, float[][] D, double[] L1, double[] DLoss, float[] Colorized);

    internal static ColorizerRun TrainColorizer()
    {
        var state = new ColorizerTrainingState
        {
            Options = new ColorizerOptions(ColorizerLoss.L1Gan, Size: 32, Ngf: 4, Ndf: 4, NLayers: 3, Epochs: 2, BatchSize: 5, Pad: 2, Seed: 7),
        };
        var model = ColorizerModel.Create(state.Options);
        var history = new ColorizerTrainer(model, state).Fit(Photos.Value);
        var colorized = new Colorizer(model).ColorizeBatch(Photos.Value.Take(3));
        return new ColorizerRun(State(model.Generator), State(model.Discriminator!), history.Select(h => h.Losses["l1"]).ToArray(),
            history.Select(h => h.Losses["d_loss"]).ToArray(), colorized);
    }

    [Fact]
    public void Colorizer_training_on_photos_ends_on_the_same_bits_fused_and_unfused()
    {
        var apart = Unfused(TrainColorizer);
        foreach (var fused in new[] { TrainColorizer(), FusedOnEveryPlane(TrainColorizer) })
        {
            Assert.Equal(apart.L1, fused.L1);
            Assert.Equal(apart.DLoss, fused.DLoss);
            SameBits(apart.G, fused.G, "U-Net");
            SameBits(apart.D, fused.D, "PatchGAN");
            Assert.True(apart.Colorized.AsSpan().SequenceEqual(fused.Colorized), "colorized photos differ");
        }
    }
}
