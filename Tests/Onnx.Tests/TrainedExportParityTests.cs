using NeuralPipelines.Data;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Generative;
using NeuralPipelines.Models.Generative.Training;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Layers.Conv;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Models.Training.Recipes;
using NeuralPipelines.Onnx.Metadata;
using NeuralPipelines.Onnx.Tests.Support;

namespace NeuralPipelines.Onnx.Tests;

/// <summary>One trained network of each family, trained here for a few steps on the shipped MNIST split or photos and
/// exported as <c>np export</c> exports it: ONNX Runtime agrees with our forward pass to 1e-4. Training moves every bias,
/// γ, β and running statistic off its starting value, which the parity cases on fresh networks only imitate.</summary>
public sealed class TrainedExportParityTests
{
    private static readonly Lazy<TrainTestSplit> Mnist = new(() =>
    {
        var split = IdxImageFolder.Load(ShippedData.Mnist, "mnist");
        return split with { Train = split.Train.Take(96), Test = split.Test.Take(32) };
    });

    /// <summary>One epoch (three steps) of the architecture's own recipe on 96 digits, with the normalisation measured from them.</summary>
    private static (ClassifierModel Model, TrainingState State) TrainClassifier(string architecture)
    {
        var split = Mnist.Value;
        var recipe = TrainingRecipes.For(architecture, "mnist");
        var (model, state) = ClassifierSetup.Start(architecture, split.Train, recipe, new TrainingChoices { Epochs = 1, BatchSize = 32, Normalize = true, EvaluateTrainingSet = false, Seed = 3 });
        var result = new Trainer(model, state).Fit(split);
        Assert.True(double.IsFinite(result.History[^1].TrainLoss), $"{architecture}: training diverged");
        return (model, state);
    }

    /// <summary>Training moved every bias and β off the zero it starts from, so a dropped or misplaced one shows in the parity.</summary>
    private static void AssertTrainedBiases(Layer network, string name)
    {
        var biases = network.AllParameters().Where(p => p.Name is "bias" or "beta").ToArray();
        Assert.NotEmpty(biases);
        Assert.All(biases, b => Assert.True(b.Value.Span.ContainsAnyExcept(0f), $"{name}: a {b.Name} of {b.Value.Length} values is still all zero"));
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("lenet5")]
    [InlineData("resnet")]
    public void A_trained_classifier_exports_with_parity(string architecture)
    {
        var (model, state) = TrainClassifier(architecture);
        AssertTrainedBiases(model.Network, architecture);
        var card = ModelCard.FromModel(model, state);
        Assert.NotNull(card.Normalization);
        ExportHarness.AssertParity(model.Network, card);
    }

    /// <summary>The GAN recipe keeps a moving average of the generator, which samples and is exported by default; both it
    /// (with its standing batch-norm statistics) and the raw generator export with parity.</summary>
    [Theory]
    [InlineData(GeneratorWeights.Ema)]
    [InlineData(GeneratorWeights.Raw)]
    public void A_trained_gan_generator_exports_with_parity(GeneratorWeights weights)
    {
        var digits = IdxImageFolder.Load(ShippedData.Mnist, "mnist").Train.Take(64);
        var options = GenerativeOptions.For(GenerativeKind.Gan) with { Epochs = 1, BatchSize = 32, Seed = 4 };
        var (model, state) = GenerativeSetup.Start(GenerativeKind.Gan, digits, options);
        new GenerativeTrainer(model, state).Fit(digits);

        var sampler = model.Sampler(weights);
        Assert.Same(weights == GeneratorWeights.Ema ? model.AverageGenerator : model.Generator, sampler.Children[0]);
        if (weights == GeneratorWeights.Ema) Assert.Same(model.AverageGenerator, model.Sampler().Children[0]);
        // The generator's last transposed convolution keeps its bias (as PyTorch's DCGAN does), and training moved it.
        var last = RealValues.Walk(sampler).OfType<ConvTranspose2d>().Last();
        Assert.True(last.Bias!.Value.Span.ContainsAnyExcept(0f), "the GAN generator's output bias is still zero");
        Assert.Contains(RealValues.Walk(sampler).OfType<BatchNorm2d>(), bn => bn.RunningMean.Span.ContainsAnyExcept(0f));
        var card = ModelCard.FromGenerator(model, weights: weights);
        Assert.Equal(weights == GeneratorWeights.Ema ? "ema" : "raw", card.Training![ModelCard.GeneratorWeightsKey]);
        ExportHarness.AssertParity(sampler, card);
    }

    [Fact]
    public void The_trained_pix2pix_unet_exports_with_parity()
    {
        var model = TinyColorizer.Model;
        var up = RealValues.Walk(model.Generator).OfType<ConvTranspose2d>().Where(c => c.Bias is not null).ToArray();
        Assert.NotEmpty(up);
        Assert.All(up, c => Assert.True(c.Bias!.Value.Span.ContainsAnyExcept(0f), "a U-Net output bias is still zero"));
        ExportHarness.AssertParity(model.Generator, ModelCard.FromColorizer(model, "l1"));
    }
}
