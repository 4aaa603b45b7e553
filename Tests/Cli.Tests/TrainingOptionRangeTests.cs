using NeuralPipelines.Tests;
using static NeuralPipelines.Cli.Tests.ClassicCli;

namespace NeuralPipelines.Cli.Tests;

/// <summary>Values of np train's options that would train nothing or poison the checkpoint are refused with one line before
/// anything is trained or written, for every kind of training (classifier, generative model, colorizer).</summary>
public sealed class TrainingOptionRangeTests
{
    /// <summary>Audit M5: --epochs 0 reported a test accuracy of NaN and named a checkpoint that was never written.</summary>
    [Theory]
    [InlineData("mlp")]
    [InlineData("gan")]
    [InlineData("colorize")]
    public void Zero_epochs_are_refused_like_negative_ones(string kind)
    {
        using var temp = new TempFolder();
        var ckpt = temp.File("e0.ckpt");
        string[] run = kind == "colorize" ? ["train", "colorize", "--size", "32", "--ngf", "2"] : ["train", kind, "--train-limit", "64"];
        foreach (var epochs in new[] { "0", "-1" })
            AssertFailsWithOneLine(kind == "colorize" ? "train colorize" : "train", [.. run, "--epochs", epochs, "--out", ckpt, "--json"], $"--epochs must be at least 1, got {epochs}.");
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    /// <summary>Audit L2: NaN for --l2, --l1 and --dropout was taken and saved in the checkpoint as "NaN", as --lr NaN is not;
    /// ∞ is no value for them either, nor for the colorizer's --lr and --lambda, nor for an augmentation's parts.</summary>
    [Theory]
    [InlineData("--l2", "NaN", "--l2 (regularisation λ) must be a finite number ≥ 0, got NaN.")]
    [InlineData("--l2", "Infinity", "--l2 (regularisation λ) must be a finite number ≥ 0")]
    [InlineData("--l1", "NaN", "--l1 (regularisation λ) must be a finite number ≥ 0, got NaN.")]
    [InlineData("--dropout", "NaN", "--dropout must be in [0, 1), got NaN")]
    [InlineData("--dropout", "-0.5", "--dropout must be in [0, 1), got -0.5")]
    [InlineData("--augment", "rotate=NaN", "is out of range")]
    [InlineData("--augment", "blur=NaN", "is out of range")]
    public void Non_finite_values_of_a_classifiers_options_are_refused(string option, string value, string words)
    {
        using var temp = new TempFolder();
        var ckpt = temp.File("n.ckpt");
        AssertFailsWithOneLine("train", ["train", "mlp", option, value, "--epochs", "1", "--train-limit", "64", "--out", ckpt], words);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Theory]
    [InlineData("--lr", "Infinity", "--lr must be a positive number, got")]
    [InlineData("--lr", "NaN", "--lr must be a positive number, got NaN")]
    [InlineData("--lambda", "Infinity", "--lambda must be a finite number ≥ 0, got")]
    public void Non_finite_values_of_the_colorizers_options_are_refused(string option, string value, string words)
    {
        using var temp = new TempFolder();
        AssertFailsWithOneLine("train colorize", ["train", "colorize", "--size", "32", "--ngf", "2", option, value, "--epochs", "1", "--out", temp.File("c.ckpt")], words);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    /// <summary>Audit H2: a GAN with --batch-size 1 (or one image) printed its header and failed in the first step inside
    /// a batch-norm layer, naming no option.</summary>
    [Theory]
    [InlineData("--batch-size", "1", "--batch-size 1: a GAN trains on batches of at least 2 images")]
    [InlineData("--train-limit", "1", "at least 2 training images")]
    public void A_gan_with_batches_of_one_image_is_refused_before_training(string option, string value, string words)
    {
        using var temp = new TempFolder();
        string[] run = ["train", "gan", "--epochs", "1", "--features", "2", "--out", temp.File("g.ckpt")];
        string[] limit = option == "--train-limit" ? [] : ["--train-limit", "64"];
        AssertFailsWithOneLine("train", [.. run, .. limit, option, value], words);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    /// <summary>Audit H5 and H7: --n-layers deeper than the photo size allows failed in the first step inside a
    /// convolution, and --train-limit 0 got as far as blaming the photo folder for an empty training set.</summary>
    [Theory]
    [InlineData("--n-layers", "4", "--n-layers 4: a PatchGAN on 32×32 photos is at most 3 layers deep")]
    [InlineData("--train-limit", "0", "--train-limit must be at least 1, got 0.")]
    public void The_colorizers_depth_and_training_limit_are_checked_before_training(string option, string value, string words)
    {
        using var temp = new TempFolder();
        AssertFailsWithOneLine("train colorize", ["train", "colorize", "--size", "32", "--ngf", "2", "--ndf", "2", option, value, "--epochs", "1", "--out", temp.File("c.ckpt")], words);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    /// <summary>Audit H9: a GAN's --batch-size 0 was reported as "Batch size must be positive, got 0 (auto-encoder 100)".</summary>
    [Fact]
    public void A_gans_batch_size_of_0_is_named_without_an_auto_encoder()
    {
        using var temp = new TempFolder();
        var line = AssertFailsWithOneLine("train", ["train", "gan", "--batch-size", "0", "--epochs", "1", "--train-limit", "64", "--out", temp.File("g.ckpt")],
            "--batch-size must be positive, got 0.");
        Assert.DoesNotContain("auto-encoder", line);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    /// <summary>Audit H6: --features, --ngf or --ndf 100000 asked for a tensor of more elements than an array holds and
    /// failed with "Shape [...] has more than 2147483647 elements", naming no option.</summary>
    [Theory]
    [InlineData("gan", "--features", "100000", "--features: The DCGAN networks take 1 to 1,024 feature channels, got 100000.")]
    [InlineData("colorize", "--ngf", "100000", "--ngf and --ndf must be 1 to 512, got 100000 and 2.")]
    [InlineData("colorize", "--ndf", "100000", "--ngf and --ndf must be 1 to 512, got 2 and 100000.")]
    public void A_network_width_too_large_to_build_is_refused_naming_the_option(string kind, string option, string value, string words)
    {
        using var temp = new TempFolder();
        string[] run = kind == "gan" ? ["train", "gan", "--train-limit", "64"] : ["train", "colorize", "--size", "32", "--ngf", "2", "--ndf", "2"];
        string[] args = [.. run.Where((a, i) => a != option && (i == 0 || run[i - 1] != option)), option, value, "--epochs", "1", "--out", temp.File("w.ckpt")];
        AssertFailsWithOneLine(kind == "gan" ? "train" : "train colorize", args, words);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }
}
