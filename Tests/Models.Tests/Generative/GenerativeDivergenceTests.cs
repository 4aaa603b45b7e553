using NeuralPipelines.Data;
using NeuralPipelines.Data.Images;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Generative;
using NeuralPipelines.Models.Generative.Pix2Pix;
using NeuralPipelines.Models.Generative.Training;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Tests.Training;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Models.Tests.Generative;

/// <summary>Divergence without a NaN (issue 13, point 4) in the generative and colorizer loops: an epoch 1 at the recipe's
/// learning rate is saved, then the rate is made to blow up (or a weight is planted past the bound); training stops with
/// <see cref="TrainingDivergedException"/> and the file still holds epoch 1, every weight in it within the bound.</summary>
public class GenerativeDivergenceTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly Lazy<PhotoSet> Photos = new(() => ImageFolder.Load(Path.Combine(ShippedData.Photos, "train"), 32, limit: 12));

    private static Data.Datasets.LabelledImages Digits(int n) => MnistTrainingTests.Mnist.Value.Train.Take(n);

    private static IEnumerable<float> Weights(params Layer?[] networks) =>
        networks.OfType<Layer>().SelectMany(n => n.AllParameters()).SelectMany(p => p.Value.Span.ToArray());

    /// <summary>Epoch 1 as given, saved (the run is interrupted after it); then <paramref name="change"/> (a blown-up rate, a planted weight) and more epochs,
    /// which must stop. Returns the exception and the file as it was left.</summary>
    private static (TrainingDivergedException Error, GenerativeCheckpoint Kept) Generative(GenerativeKind kind, GenerativeOptions options, int images,
        Action<GenerativeCheckpoint> change)
    {
        using var folder = new TempFolder();
        var path = folder.File("run.ckpt");
        var (model, state) = GenerativeSetup.Start(kind, Digits(images), options);
        var run = new GenerativeCheckpoint(model, state);
        using var stop = new CancellationTokenSource();
        var save = new GenerativeCallbacks
        {
            Save = () => run.Save(path),
            Epoch = new SynchronousProgress<GenerativeEpochReport>(r => { if (r.Epoch == 1) stop.Cancel(); }),
        };
        Assert.Throws<OperationCanceledException>(() => new GenerativeTrainer(model, state).Fit(Digits(images), save, stop.Token));
        change(run);
        var e = Assert.Throws<TrainingDivergedException>(() => new GenerativeTrainer(model, state).Fit(Digits(images), save));
        var kept = GenerativeCheckpoint.Load(path);
        Assert.Equal(1, kept.Training!.CompletedEpochs);
        Assert.Equal(1, e.GoodEpochs);
        Assert.All(Weights(kept.Model.Generator, kept.Model.Discriminator, kept.Model.Autoencoder), w => Assert.True(Math.Abs(w) <= DivergenceGuard.WeightBound));
        return (e, kept);
    }

    [Fact]
    public void A_gan_whose_learning_rate_blows_up_stops_and_keeps_the_last_good_epoch()
    {
        var options = GenerativeOptions.For(GenerativeKind.Gan) with { BatchSize = 32, Epochs = 4, Seed = 3 };
        var (e, _) = Generative(GenerativeKind.Gan, options, 96,
            run => run.Training!.Options = run.Training.Options with { LearningRate = 1e4f });
        Assert.Contains("diverged at epoch 2", e.Message);
        output.WriteLine(e.Message);
    }

    [Fact]
    public void A_gan_that_runs_away_from_its_first_epoch_stops_there_and_writes_no_checkpoint()
    {
        using var folder = new TempFolder();
        var path = folder.File("gan.ckpt");
        var options = GenerativeOptions.For(GenerativeKind.Gan) with { BatchSize = 32, Epochs = 3, Seed = 3, LearningRate = 1e4f };
        var (model, state) = GenerativeSetup.Start(GenerativeKind.Gan, Digits(96), options);
        var save = new GenerativeCallbacks { Save = () => new GenerativeCheckpoint(model, state).Save(path) };
        // No earlier epoch to compare with: the sum's least possible value, 2 ln 2, is the reference.
        var e = Assert.Throws<TrainingDivergedException>(() => new GenerativeTrainer(model, state).Fit(Digits(96), save));
        Assert.Contains("diverged at epoch 1", e.Message);
        Assert.Contains("times its least possible value of 1.386", e.Message);
        Assert.Equal(0, e.GoodEpochs);
        Assert.False(File.Exists(path));
        output.WriteLine(e.Message);
    }

    [Fact]
    public void A_discriminator_weight_past_the_bound_stops_a_gan_before_its_epoch_is_saved()
    {
        var options = GenerativeOptions.For(GenerativeKind.Gan) with { BatchSize = 32, Epochs = 3, Seed = 3 };
        var (e, _) = Generative(GenerativeKind.Gan, options, 96, run =>
        {
            run.Model.Discriminator!.AllParameters().First().Value.Span[0] = 3e6f;
        });
        Assert.Contains("the discriminator's parameter0.", e.Message);
        Assert.Contains("past the bound of ±1e6", e.Message);
    }

    public static TheoryData<string, string> Planted => new()
    {
        // kind, the network whose first weight is planted after epoch 1 (GMMN+AE: still in its auto-encoder's epochs)
        { "gmmn", "generator" },
        { "gmmn-ae", "auto-encoder" },
    };

    [Theory]
    [MemberData(nameof(Planted))]
    public void A_weight_past_the_bound_stops_moment_matching_before_its_epoch_is_saved(string name, string role)
    {
        var kind = Settings.SettingNames.Parse<GenerativeKind>(name, "kind");
        // The MMD of a sigmoid generator stays finite with a weight at 3e6 (a rate blown up to 1e6 instead gives NaN,
        // which the NaN guard already stops): only the weight bound can catch it.
        var options = GenerativeOptions.For(kind) with { BatchSize = 100, AutoencoderBatchSize = 100, Epochs = 2, AutoencoderEpochs = kind == GenerativeKind.GmmnAe ? 2 : 0, Seed = 3 };
        var (e, _) = Generative(kind, options, 300, run =>
        {
            var network = role == "generator" ? run.Model.Generator : run.Model.Autoencoder!;
            network.AllParameters().First().Value.Span[0] = 3e6f;
        });
        Assert.Contains($"diverged at epoch 2 (checked after its last batch): a value of the {role}'s parameter0.", e.Message);
        output.WriteLine(e.Message);
    }

    [Fact]
    public void A_healthy_gan_is_not_stopped_and_its_two_costs_sum_above_the_floor_the_cost_rule_relies_on()
    {
        var options = GenerativeOptions.For(GenerativeKind.Gan) with { BatchSize = 32, Epochs = 4, Seed = 5 };
        var (model, state) = GenerativeSetup.Start(GenerativeKind.Gan, Digits(192), options);
        var history = new GenerativeTrainer(model, state).Fit(Digits(192));
        Assert.Equal(4, history.Count);
        // Per image softplus(−l) + softplus(l) ≥ 2 ln 2 (G's step sees D's logits just after D's step, hence the margin).
        Assert.All(history, h => Assert.True(h.Losses["d_loss"] + h.Losses["g_loss"] >= 0.9 * GenerativeTrainer.GanLeastCost,
            string.Join(", ", history.Select(r => $"d {r.Losses["d_loss"]:F3} g {r.Losses["g_loss"]:F3}"))));
    }

    // With the cGAN, the adversarial costs run away first (the cost rule); with L1 alone, whose cost a tanh output bounds,
    // the generator's weights pass the bound.
    [Theory]
    [InlineData(ColorizerLoss.L1Gan, 1e4f)]
    [InlineData(ColorizerLoss.L1, 1e6f)]
    public void A_colorizer_whose_learning_rate_blows_up_stops_and_keeps_the_last_good_epoch(ColorizerLoss loss, float rate)
    {
        using var folder = new TempFolder();
        var path = folder.File("c.ckpt");
        var state = new ColorizerTrainingState { Options = new(loss, Size: 32, Ngf: 2, Ndf: 2, NLayers: 2, Epochs: 1, BatchSize: 5, Pad: 2, Seed: 7) };
        var model = ColorizerModel.Create(state.Options);
        var save = new ColorizerCallbacks { Save = () => new ColorizerCheckpoint(model, state).Save(path) };
        new ColorizerTrainer(model, state).Fit(Photos.Value, save);
        state.Options = state.Options with { Epochs = 4, LearningRate = rate };
        var e = Assert.Throws<TrainingDivergedException>(() => new ColorizerTrainer(model, state).Fit(Photos.Value, save));
        Assert.Contains("diverged at epoch 2", e.Message);
        output.WriteLine(e.Message);
        var kept = ColorizerCheckpoint.Load(path);
        Assert.Equal(1, kept.Training!.CompletedEpochs);
        Assert.Equal(1, e.GoodEpochs);
        Assert.All(Weights(kept.Model.Generator, kept.Model.Discriminator), w => Assert.True(Math.Abs(w) <= DivergenceGuard.WeightBound));
    }
}
