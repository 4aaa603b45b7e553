using NeuralPipelines.Data;
using NeuralPipelines.Data.Images;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Generative.Pix2Pix;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Tensors;
using NeuralPipelines.Models.Tests.Gradients;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Models.Tests.Generative;

public class Pix2PixTrainingTests
{
    /// <summary>12 shipped photos at 32×32, shared with <see cref="ColorizerDecayTests"/>.</summary>
    internal static readonly Lazy<PhotoSet> Photos = new(() => ImageFolder.Load(Path.Combine(ShippedData.Photos, "train"), 32, limit: 12));

    internal static ColorizerOptions Tiny(ColorizerLoss loss, int epochs) =>
        new(loss, Size: 32, Ngf: 2, Ndf: 2, NLayers: 2, Epochs: epochs, BatchSize: 5, Pad: 2, Seed: 7);

    [Fact]
    public void L1_cost_is_the_mean_absolute_error_and_its_gradient_matches_finite_differences()
    {
        var a = new Tensor([0.5f, -1f, 2f, 0f], 2, 2);
        var y = new Tensor([0f, 0f, 0f, 1f], 2, 2);
        var g = new Tensor(2, 2);
        Assert.Equal((0.5 + 1 + 2 + 1) / 4, new L1Cost().Compute(a, y, g), 6);
        Assert.Equal([0.25f, -0.25f, 0.25f, -0.25f], g.Span.ToArray());
        var output = GradientCheck.Random(3, 1f, 0.05f, 3, 4);
        var target = GradientCheck.Random(4, 1f, 0f, 3, 4);
        Assert.True(GradientCheck.Loss(new L1Cost(), output, target, step: 1e-3f) <= GradientCheck.Tolerance);
    }

    [Fact]
    public void A_pix2pix_step_lowers_both_players_costs_on_a_fixed_batch()
    {
        var g = UNet.Build(8, ngf: 2, seed: 1);
        var d = PatchGan.Build(ndf: 2, nLayers: 1, seed: 2);
        var adam = new OptimizerSettings(OptimizerKind.Adam, Beta1: 0.5f);
        var step = new Pix2PixStep(g, Optimizer.Create(adam, g.AllParameters().ToArray()), d, Optimizer.Create(adam, d.AllParameters().ToArray()), learningRate: 2e-3f);
        var l = GradientCheck.Random(new Random(3), 4, 1, 8, 8);
        var ab = GradientCheck.Random(new Random(4), 4, 2, 8, 8);
        for (int i = 0; i < ab.Length; i++) ab[i] *= 0.5f;
        var first = step.Run(l, ab);
        Pix2PixStepResult last = first;
        for (int k = 0; k < 30; k++) last = step.Run(l, ab);
        Assert.True(last.L1Loss < first.L1Loss, $"L1 {first.L1Loss} → {last.L1Loss}");
        Assert.InRange(first.DiscriminatorLoss, 0.5 * Math.Log(2) * 2 * 0.8, 0.5 * Math.Log(2) * 2 * 1.2); // ½(ln 2 + ln 2) at the start
        Assert.All(d.AllParameters(), p => Assert.All(p.Gradient.Span.ToArray(), v => Assert.Equal(0f, v)));
    }

    [Fact]
    public void A_resumed_run_ends_bit_for_bit_as_an_uninterrupted_one()
    {
        using var dir = new TempFolder();
        var whole = new ColorizerTrainingState { Options = Tiny(ColorizerLoss.L1Gan, 2) };
        var model = ColorizerModel.Create(whole.Options);
        new ColorizerTrainer(model, whole).Fit(Photos.Value);

        var half = new ColorizerTrainingState { Options = Tiny(ColorizerLoss.L1Gan, 1) };
        var first = ColorizerModel.Create(half.Options);
        string path = dir.File("c.ckpt");
        new ColorizerTrainer(first, half).Fit(Photos.Value, new ColorizerCallbacks { Save = () => new ColorizerCheckpoint(first, half).Save(path) });
        var loaded = ColorizerCheckpoint.Load(path);
        loaded.Training!.Options = loaded.Training.Options with { Epochs = 2 };
        new ColorizerTrainer(loaded.Model, loaded.Training).Fit(Photos.Value);

        Assert.Equal(whole.History.Select(h => h.Losses["l1"]), loaded.Training.History.Select(h => h.Losses["l1"]));
        foreach (var (a, b) in model.Generator.AllParameters().Zip(loaded.Model.Generator.AllParameters()))
            Assert.Equal(a.Value.Span.ToArray(), b.Value.Span.ToArray());
        foreach (var (a, b) in model.Discriminator!.AllParameters().Zip(loaded.Model.Discriminator!.AllParameters()))
            Assert.Equal(a.Value.Span.ToArray(), b.Value.Span.ToArray());
        Assert.Equal(["discriminator", "generator"], loaded.Training.Optimizers.Keys.Order());
    }

    [Fact]
    public void The_L1_baseline_learns_and_the_colorizer_keeps_the_photos_lightness_at_any_size()
    {
        var state = new ColorizerTrainingState { Options = Tiny(ColorizerLoss.L1, 3) with { Ngf = 4 } };
        var model = ColorizerModel.Create(state.Options);
        Assert.Null(model.Discriminator);
        var history = new ColorizerTrainer(model, state).Fit(Photos.Value);
        Assert.True(history[^1].Losses["l1"] < history[0].Losses["l1"], string.Join(", ", history.Select(h => h.Losses["l1"])));
        Assert.False(history[0].Losses.ContainsKey("d_loss"));

        var colorizer = new Colorizer(model);
        var photo = ImageFile.Read(Path.Combine(ShippedData.Photos, "test", "00000.png"));
        var wide = new RgbImage(ImageFile.ResizePlanes(photo.Pixels, 3, 64, 64, 40, 90).Select(v => Math.Clamp(v, 0f, 1f)).ToArray(), 40, 90);
        var result = colorizer.Colorize(wide);
        Assert.Equal((40, 90), (result.Height, result.Width));
        float[] labIn = new float[wide.Pixels.Length], labOut = new float[wide.Pixels.Length];
        CieLab.FromSrgb(wide.Pixels, labIn); CieLab.FromSrgb(result.Pixels, labOut);
        // L* is the photo's own except where the predicted chroma is out of gamut and clipping moves it a little.
        double meanDiff = 0;
        for (int i = 0; i < 40 * 90; i++) meanDiff += Math.Abs(labIn[i] - labOut[i]);
        Assert.True(meanDiff / (40 * 90) < 2, $"mean |ΔL*| {meanDiff / (40 * 90)}");
        Assert.Equal(Photos.Value.Take(2).Pixels.Length, colorizer.ColorizeBatch(Photos.Value.Take(2)).Length);
    }

    [Fact]
    public void A_checkpoint_of_another_kind_is_not_a_colorizer()
    {
        using var dir = new TempFolder();
        var content = new CheckpointContent { Kind = "gan", Networks = [new NamedNetwork("generator", "x", PatchGan.Build(ndf: 1), [3, 64, 64])] };
        CheckpointFile.Save(dir.File("g.ckpt"), content);
        var e = Assert.Throws<InvalidDataException>(() => ColorizerCheckpoint.Load(dir.File("g.ckpt")));
        Assert.Contains("not a colorizer", e.Message);
    }
}
