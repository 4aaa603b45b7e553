using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Tests;
using static NeuralPipelines.Cli.Tests.ClassicCli;

namespace NeuralPipelines.Cli.Tests;

/// <summary><c>np train --keep-epochs</c>: a copy of each epoch's checkpoint beside --out (NAME.epochE.ckpt) for the
/// classifiers, the generative models and the colorizer; each copy is what --out held after that epoch, so a --resume of
/// it goes on as the unbroken run did; copies are refused, not replaced, when they exist (without --force).</summary>
public sealed class EpochCopiesCommandTests
{
    private static float[] Weights(string path) =>
        ClassifierCheckpoint.Load(path).Model.Network.AllParameters().SelectMany(p => p.Value.Span.ToArray()).ToArray();

    private static readonly string[] Mlp = ["train", "mlp", "--layers", "784,20,10", "--lr", "0.05", "--train-limit", "600", "--no-train-eval", "--seed", "3"];

    [Fact]
    public void Each_epoch_of_a_classifier_is_kept_and_resuming_a_copy_goes_on_as_the_unbroken_run()
    {
        using var folder = new TempFolder();
        var run = Json([.. Mlp, "--epochs", "3", "--keep-epochs", "--out", folder.File("m.ckpt")]);
        Assert.Equal(3, run.GetProperty("epochs").GetInt32());
        Assert.Equal(["m.ckpt", "m.curves.png", "m.epoch1.ckpt", "m.epoch2.ckpt", "m.epoch3.ckpt"],
            Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(File.ReadAllBytes(folder.File("m.ckpt")), File.ReadAllBytes(folder.File("m.epoch3.ckpt")));
        Assert.NotEqual(Weights(folder.File("m.epoch1.ckpt")), Weights(folder.File("m.epoch2.ckpt")));

        var resumed = Json("train", "--resume", folder.File("m.epoch1.ckpt"), "--epochs", "3", "--train-limit", "600", "--keep-epochs", "--out", folder.File("r.ckpt"));
        Assert.Equal(run.GetProperty("test_accuracy").GetDouble(), resumed.GetProperty("test_accuracy").GetDouble());
        Assert.Equal(Weights(folder.File("m.epoch2.ckpt")), Weights(folder.File("r.epoch2.ckpt")));
        Assert.Equal(Weights(folder.File("m.ckpt")), Weights(folder.File("r.ckpt")));
        Assert.False(File.Exists(folder.File("r.epoch1.ckpt")), "a resumed run copies only the epochs it trains");
    }

    [Fact]
    public void An_existing_copy_is_refused_before_training_and_replaced_only_with_force()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("m.epoch2.ckpt"), "another run's epoch");
        AssertFailsWithOneLine("train", [.. Mlp, "--epochs", "2", "--keep-epochs", "--out", folder.File("m.ckpt")], "--keep-epochs", "m.epoch2.ckpt", "already exists", "--force");
        Assert.Equal(["m.epoch2.ckpt"], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
        Assert.Equal("another run's epoch", File.ReadAllText(folder.File("m.epoch2.ckpt")));

        Succeeds([.. Mlp, "--epochs", "2", "--keep-epochs", "--force", "--out", folder.File("m.ckpt")]);
        Assert.Equal(File.ReadAllBytes(folder.File("m.ckpt")), File.ReadAllBytes(folder.File("m.epoch2.ckpt")));
        // Without the option nothing is copied, and the copies of another run are not touched.
        Succeeds([.. Mlp, "--epochs", "1", "--force", "--out", folder.File("m.ckpt")]);
        Assert.NotEqual(File.ReadAllBytes(folder.File("m.ckpt")), File.ReadAllBytes(folder.File("m.epoch1.ckpt")));
    }

    [Fact]
    public void A_gan_and_a_colorizer_keep_their_epochs_too()
    {
        using var folder = new TempFolder();
        Succeeds("train", "gan", "--epochs", "2", "--batch-size", "32", "--train-limit", "64", "--keep-epochs", "--out", folder.File("g.ckpt"));
        Assert.Equal(File.ReadAllBytes(folder.File("g.ckpt")), File.ReadAllBytes(folder.File("g.epoch2.ckpt")));
        Assert.Equal(1, GenerativeCheckpoint.Load(folder.File("g.epoch1.ckpt")).Training!.CompletedEpochs);

        Succeeds("train", "colorize", "--data", "photos", "--size", "32", "--ngf", "2", "--ndf", "2", "--epochs", "2", "--batch-size", "8",
            "--train-limit", "16", "--keep-epochs", "--out", folder.File("c.ckpt"));
        Assert.Equal(File.ReadAllBytes(folder.File("c.ckpt")), File.ReadAllBytes(folder.File("c.epoch2.ckpt")));
        Assert.True(File.Exists(folder.File("c.epoch1.ckpt")));
    }
}
