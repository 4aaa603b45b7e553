using System.Text.Json;
using System.Text.Json.Nodes;
using NeuralPipelines.Data.Images;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Generative.Pix2Pix;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Models.Tests.Generative;

/// <summary>The colorizer's linear learning-rate decay (<see cref="ColorizerOptions.LearningRateDecayEpochs"/>, the
/// paper's schedule): its rates, a run on real photos that matches one without decay until the decay starts and moves
/// less after, a resume inside the decay that ends bit for bit as the whole run, files from before it existed, and
/// options that refuse a decay longer than the training.</summary>
public class ColorizerDecayTests
{
    private static Lazy<PhotoSet> Photos => Pix2PixTrainingTests.Photos;

    private static ColorizerOptions Tiny(int epochs, int decay) =>
        Pix2PixTrainingTests.Tiny(ColorizerLoss.L1Gan, epochs) with { LearningRateDecayEpochs = decay };

    [Fact]
    public void The_rate_is_constant_until_the_last_k_epochs_then_falls_linearly_to_zero()
    {
        var o = new ColorizerOptions(Epochs: 8, LearningRateDecayEpochs: 4);
        Assert.Equal(o.LearningRate, o.LearningRateAt(3, 310, 311));
        Assert.Equal(o.LearningRate, o.LearningRateAt(4, 0, 100));
        Assert.Equal(o.LearningRate * 0.5f, o.LearningRateAt(6, 0, 100), 1e-10f);
        Assert.Equal(o.LearningRate / 400, o.LearningRateAt(7, 99, 100), 1e-12f);
        Assert.Equal(o.LearningRate, (o with { LearningRateDecayEpochs = 0 }).LearningRateAt(7, 99, 100));
    }

    [Fact]
    public void Only_the_decayed_epochs_change_the_networks_and_they_move_them_less()
    {
        var decayed = Train(Tiny(2, 1), out var decayedFirst);
        var plain = Train(Tiny(2, 0), out var plainFirst);
        Assert.Equal(plainFirst, decayedFirst);
        Assert.NotEqual(plain, decayed);
        // Adam moves each weight by about η a step whatever its gradient: a rate falling from η to η/3 over the second
        // epoch's three steps moves the networks by about two thirds as much.
        double Moved(float[] from, float[] to) => from.Zip(to, (a, b) => Math.Abs(a - b)).Sum();
        Assert.True(Moved(decayedFirst, decayed) < 0.8 * Moved(plainFirst, plain));
    }

    [Fact]
    public void A_run_resumed_inside_the_decay_ends_bit_for_bit_as_the_whole_run()
    {
        using var dir = new TempFolder();
        string path = dir.File("c.ckpt");
        var whole = new ColorizerTrainingState { Options = Tiny(3, 2) };
        var model = ColorizerModel.Create(whole.Options);
        new ColorizerTrainer(model, whole).Fit(Photos.Value, new ColorizerCallbacks
        {
            Save = () => { if (whole.CompletedEpochs == 2) new ColorizerCheckpoint(model, whole).Save(path); },
        });

        var loaded = ColorizerCheckpoint.Load(path);
        Assert.Equal(2, loaded.Training!.Options.LearningRateDecayEpochs);
        new ColorizerTrainer(loaded.Model, loaded.Training).Fit(Photos.Value);
        Assert.Equal(Weights(model), Weights(loaded.Model));
    }

    [Fact]
    public void A_checkpoint_written_before_the_decay_existed_loads_with_a_constant_rate()
    {
        var saved = JsonSerializer.SerializeToNode(new ColorizerTrainingState { Options = Tiny(2, 1) }, CheckpointFile.Json)!.AsObject();
        var options = saved["options"]!.AsObject();
        Assert.True(options.Remove("learning_rate_decay_epochs"), string.Join(", ", options.Select(p => p.Key)));
        var loaded = saved.Deserialize<ColorizerTrainingState>(CheckpointFile.Json)!;
        Assert.Equal(0, loaded.Options.LearningRateDecayEpochs);
        Assert.Equal(Tiny(2, 0), loaded.Options);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    public void A_decay_longer_than_the_training_or_negative_is_refused(int k)
    {
        var e = Assert.Throws<OptionRangeException>(Tiny(2, k).Validate);
        Assert.StartsWith("LearningRateDecayEpochs must be between 0 and the 2 epochs", e.Message);   // the property a caller set
        Assert.StartsWith("--lr-decay-epochs must be between 0 and the 2 epochs", e.CommandLineMessage);
    }

    private static float[] Train(ColorizerOptions options, out float[] afterFirstEpoch)
    {
        var state = new ColorizerTrainingState { Options = options };
        var model = ColorizerModel.Create(options);
        float[] first = [];
        new ColorizerTrainer(model, state).Fit(Photos.Value, new ColorizerCallbacks { Save = () => { if (state.CompletedEpochs == 1) first = Weights(model); } });
        afterFirstEpoch = first;
        return Weights(model);
    }

    private static float[] Weights(ColorizerModel m) =>
        new[] { m.Generator, m.Discriminator! }.SelectMany(n => n.AllParameters()).SelectMany(p => p.Value.Span.ToArray()).ToArray();
}
