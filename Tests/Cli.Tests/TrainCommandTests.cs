using NeuralPipelines.Models.Checkpoints;
using System.Text.Json;
using NeuralPipelines.Cli;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Tests;
using static NeuralPipelines.Cli.Tests.ClassicCli;

namespace NeuralPipelines.Cli.Tests;

/// <summary><c>np train</c> and <c>np eval</c> end to end on the shipped MNIST split, in-process.</summary>
public class TrainCommandTests
{
    private static readonly AccuracyGate Gate = new(0.827, "np train mlp, 2 epochs on 3,000 digits, test accuracy");

    /// <summary>The gated command: a Nielsen-style sigmoid MLP, 2 epochs on 3,000 digits of <paramref name="data"/>.</summary>
    private static (int Code, string Out, string Err) TrainMlp(string data, string checkpoint) =>
        Np("train", "mlp", "--recipe", "nielsen", "--layers", "784,30,10", "--activation", "sigmoid", "--cost", "cross-entropy",
            "--init", "scaled", "--optimizer", "sgd", "--lr", "0.5", "--batch-size", "10", "--epochs", "2", "--data", data,
            "--seed", "1", "--train-limit", "3000", "--l2", "1.0", "--dropout", "0.1", "--augment", "--out", checkpoint, "--json");

    [Fact]
    public void Train_then_eval_then_resume_with_json_output()
    {
        using var folder = new TempFolder();
        var ckpt = folder.File("mlp.ckpt");
        var (code, stdout, stderr) = TrainMlp("mnist", ckpt);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        foreach (var key in new[] { "test_accuracy", "train_accuracy", "train_seconds", "images_per_second", "epochs", "per_epoch" })
            Assert.True(root.TryGetProperty(key, out _), $"missing key {key} in {stdout}");
        Gate.Check(root.GetProperty("test_accuracy").GetDouble());
        Assert.Equal(2, root.GetProperty("per_epoch").GetArrayLength());
        Assert.Contains("epoch 2/2", stderr);
        Assert.True(File.Exists(ckpt));
        Assert.True(File.Exists(folder.File("mlp.curves.png")));

        var eval = Np("eval", "--model", ckpt, "--data", "mnist", "--json");
        Assert.True(eval.Code == 0, eval.Err);
        using var evalJson = JsonDocument.Parse(eval.Out);
        Assert.Equal(root.GetProperty("test_accuracy").GetDouble(), evalJson.RootElement.GetProperty("accuracy").GetDouble(), 9);
        Assert.Equal(10, evalJson.RootElement.GetProperty("confusion").GetArrayLength());
        // Its confidence is np evaluate-generator's reading of a judge (ClassifierReadout, ClassShares) on the test images.
        var model = ClassifierCheckpoint.Load(ckpt).Model;
        var test = new NeuralPipelines.Data.Catalog.DatasetCatalog().LoadImages("mnist").Test;
        var expected = NeuralPipelines.Models.Generative.Evaluation.ClassShares.Of(NeuralPipelines.Models.Generative.Evaluation.ClassifierReadout.Of(model, test.Pixels));
        Assert.Equal(expected.MeanConfidence, evalJson.RootElement.GetProperty("mean_confidence").GetDouble(), 12);
        var perClass = evalJson.RootElement.GetProperty("class_confidence").EnumerateArray()
            .Select(v => v.ValueKind == JsonValueKind.Null ? (double?)null : v.GetDouble()).ToArray();
        Assert.Equal(expected.ClassConfidence, perClass);
        Assert.InRange(expected.MeanConfidence, 0.1, 1.0);
        Assert.Contains("top-class confidence: mean", eval.Err + eval.Out);

        var resumed = Np("train", "--resume", ckpt, "--epochs", "3", "--train-limit", "3000", "--json");
        Assert.True(resumed.Code == 0, resumed.Err);
        using var resumedJson = JsonDocument.Parse(resumed.Out);
        Assert.Equal(3, resumedJson.RootElement.GetProperty("epochs").GetInt32());
        Assert.Equal(3, ClassifierCheckpoint.Load(ckpt).Training!.CompletedEpochs);
    }

    /// <summary>The gate refuses the same command on a copy of the shipped MNIST folder whose training labels are shuffled
    /// (the test split is the shipped one, untouched).</summary>
    [Fact]
    public void The_gate_refuses_the_same_command_on_shuffled_training_labels()
    {
        using var folder = new TempFolder();
        var data = Directory.CreateDirectory(folder.File("mnist-shuffled")).FullName;
        foreach (var stem in new[] { "train-images-idx3-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" })
            File.Copy(Path.Combine(NeuralPipelines.Data.ShippedData.Mnist, stem + ".gz"), Path.Combine(data, stem + ".gz"));
        using (var gz = new System.IO.Compression.GZipStream(File.OpenRead(Path.Combine(NeuralPipelines.Data.ShippedData.Mnist, "train-labels-idx1-ubyte.gz")),
                   System.IO.Compression.CompressionMode.Decompress))
        using (var raw = new MemoryStream())
        {
            gz.CopyTo(raw);
            var bytes = raw.ToArray();
            new Random(7).Shuffle(bytes.AsSpan(8)); // after the IDX header: magic number and count
            File.WriteAllBytes(Path.Combine(data, "train-labels-idx1-ubyte"), bytes);
        }
        var (code, stdout, stderr) = TrainMlp(data, folder.File("wrong.ckpt"));
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Gate.Refuses(json.RootElement.GetProperty("test_accuracy").GetDouble(), "shuffled training labels");
    }

    [Fact]
    public void A_run_resumed_from_the_command_line_ends_with_the_same_weights_as_an_uninterrupted_one()
    {
        using var folder = new TempFolder();
        string[] common = ["--layers", "784,20,10", "--activation", "relu", "--init", "he", "--dropout", "0.2", "--augment",
                           "--momentum", "0.9", "--lr", "0.05", "--train-limit", "1000", "--no-train-eval", "--seed", "4"];
        Assert.Equal(0, Np(["train", "mlp", .. common, "--epochs", "2", "--out", folder.File("straight.ckpt")]).Code);
        Assert.Equal(0, Np(["train", "mlp", .. common, "--epochs", "1", "--out", folder.File("split.ckpt")]).Code);
        var resumed = Np("train", "--resume", folder.File("split.ckpt"), "--epochs", "2", "--train-limit", "1000");
        Assert.True(resumed.Code == 0, resumed.Err);
        static float[] Weights(string path) => ClassifierCheckpoint.Load(path).Model.Network.AllParameters().SelectMany(p => p.Value.Span.ToArray()).ToArray();
        Assert.Equal(Weights(folder.File("straight.ckpt")), Weights(folder.File("split.ckpt")));
    }

    [Fact]
    public void The_issue_command_line_is_accepted_and_prints_per_epoch_accuracy()
    {
        using var folder = new TempFolder();
        var (code, stdout, stderr) = Np("train", "mlp", "--recipe", "nielsen", "--layers", "784,30,10", "--activation", "sigmoid", "--cost", "quadratic",
            "--init", "normal", "--optimizer", "sgd", "--lr", "3.0", "--batch-size", "10", "--epochs", "1", "--data", "mnist",
            "--seed", "1", "--train-limit", "1000", "--out", folder.File("mlp.ckpt"));
        Assert.True(code == 0, stderr);
        Assert.Contains("epoch 1/1", stdout);
        Assert.Contains("test", stdout);
    }

    [Theory]
    [InlineData("no-such-net", "Unknown architecture 'no-such-net'")]
    [InlineData("mlp --layers 100,10", "--layers starts with 100 inputs")]
    [InlineData("mlp --cost hinge", "Unknown cost 'hinge'")]
    [InlineData("mlp --init zeros", "Unknown initialisation 'zeros'")]
    [InlineData("mlp --data /no/such/folder", "/no/such/folder")]
    [InlineData("mlp --augment zoom=3", "Unknown augmentation 'zoom'")]
    [InlineData("mlp --optimizer rmsprop", "Unknown optimizer 'rmsprop'")]
    [InlineData("mlp --lr -1", "--lr must be a positive number, got -1.")]
    [InlineData("mlp --batch-size 0", "--batch-size must be positive, got 0.")]
    [InlineData("mlp --schedule exponential", "Unknown learning-rate schedule 'exponential'")]
    [InlineData("mlp --momentum 1.5", "--momentum (SGD) must be in [0, 1), got 1.5.")]
    // Audit L6: each of these named a description ("Patience", "Layer sizes", "Shape [...]") rather than the option.
    [InlineData("mlp --patience -1", "--patience must be ≥ 0, got -1.")]
    [InlineData("mlp --layers 784,0,10", "--layers sizes must be positive, got 784,0,10.")]
    [InlineData("mlp --layers 784,100000000,10", "--layers 784,100000000,10: 784×100,000,000 weights between two layers are more than one array holds")]
    [InlineData("mlp --schedule step:0:0.5", "'step:0:0.5': in step:EVERY:FACTOR, EVERY must be a whole number ≥ 1")]
    // Audit L5: options of another kind of model were silently ignored.
    [InlineData("lenet5 --layers 784,10", "--layers is an MLP option; lenet5 builds its own layers, so it cannot take it.")]
    [InlineData("resnet --activation sigmoid --init normal", "--activation, --init are MLP options; resnet builds its own layers")]
    [InlineData("mlp --autoencoder-epochs 4", "--autoencoder-epochs: only gmmn-ae trains an auto-encoder.")]
    [InlineData("mlp --train-limit 0", "--train-limit must be at least 1")]
    [InlineData("mlp --train-limit -5", "--train-limit must be at least 1, got -5")]
    public void Bad_options_fail_with_one_clear_line(string args, string expected)
    {
        using var folder = new TempFolder();
        var (code, stdout, stderr) = Np(["train", .. args.Split(' '), "--epochs", "1", "--out", folder.File("x.ckpt")]);
        Assert.NotEqual(0, code);
        Assert.Contains(expected, stderr);
        Assert.StartsWith("np train: error:", stderr.Trim());
        Assert.Equal("", stdout); // checked before the header line is printed
        Assert.False(File.Exists(folder.File("x.ckpt")));
    }

    [Fact]
    public void Eval_names_a_file_that_is_not_a_checkpoint()
    {
        using var folder = new TempFolder();
        var path = folder.Write("model.ckpt", "not a model");
        var (code, _, stderr) = Np("eval", "--model", path);
        Assert.Equal(1, code);
        Assert.Contains(path, stderr);
    }

    [Fact]
    public void Resuming_refuses_options_the_checkpoint_fixes_rather_than_ignoring_them()
    {
        using var folder = new TempFolder();
        var ckpt = folder.File("m.ckpt");
        Assert.Equal(0, Np("train", "mlp", "--epochs", "1", "--train-limit", "200", "--out", ckpt).Code);
        var (code, stdout, stderr) = Np("train", "--resume", ckpt, "--epochs", "2", "--train-limit", "200", "--lr", "0.01", "--seed", "3");
        Assert.NotEqual(0, code);
        Assert.Equal("", stdout);
        Assert.Contains("--lr, --seed: a resumed run keeps the options saved in", stderr);
        // A new total no larger than the epochs done would train nothing (audit L1: it printed "epochs 2..1" and rewrote the curves).
        var curves = File.ReadAllBytes(folder.File("m.curves.png"));
        foreach (var total in new[] { "0", "1" })
            AssertFailsWithOneLine("train", ["train", "--resume", ckpt, "--epochs", total, "--train-limit", "200"],
                $"--epochs {total}: {ckpt} already has 1 epochs; with --resume, --epochs is the new total, so give more than 1.");
        AssertFailsWithOneLine("train", ["train", "--resume", ckpt, "--train-limit", "200"], $"{ckpt} already has all 1 of its epochs; give --epochs");
        Assert.Equal(curves, File.ReadAllBytes(folder.File("m.curves.png")));
    }

    [Fact]
    public void Resuming_as_another_architecture_names_both()
    {
        using var folder = new TempFolder();
        var ckpt = folder.File("m.ckpt");
        Assert.Equal(0, Np("train", "mlp", "--epochs", "1", "--train-limit", "200", "--out", ckpt).Code);
        var (code, _, stderr) = Np("train", "lenet5", "--resume", ckpt);
        Assert.NotEqual(0, code);
        Assert.Contains("mlp", stderr);
        Assert.Contains("lenet5", stderr);
    }

    [Fact]
    public void With_no_options_an_architecture_trains_with_its_recipe_and_help_shows_the_recipes()
    {
        using var folder = new TempFolder();
        var (code, stdout, stderr) = Np("train", "lenet5", "--epochs", "1", "--train-limit", "256", "--out", folder.File("l.ckpt"), "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("lenet5/mnist", json.RootElement.GetProperty("recipe").GetString());
        Assert.Contains("sgd η=0.05, batch 64, cosine, epochs 1..1", stderr);
        var (_, stored) = ClassifierCheckpoint.Load(folder.File("l.ckpt"));
        Assert.Equal((0.9f, 64, "cosine"), (stored!.Optimizer!.Settings.Momentum, stored.Options.BatchSize, stored.Options.Schedule.ToString()));
        Assert.NotNull(stored.Options.Augmentation);

        var help = Np("train", "--help");
        Assert.Contains("lenet5/fashion-mnist", help.Out);
        Assert.Contains("adam η=0.002", help.Out);
        Assert.Contains("--recipe", help.Out);
    }

    [Fact]
    public void A_diverging_run_names_the_checkpoint_that_keeps_the_last_good_state()
    {
        using var folder = new TempFolder();
        var ckpt = folder.File("diverge.ckpt");
        var (code, _, stderr) = Np("train", "mlp", "--cost", "quadratic", "--lr", "1e30", "--epochs", "2", "--train-limit", "200", "--out", ckpt);
        Assert.NotEqual(0, code);
        Assert.Contains("diverged at epoch 1", stderr);
        // Untrained weights are never saved: a run that diverges in its first epoch writes nothing, and says so.
        Assert.Contains("No checkpoint was written (no epoch ended in good health).", stderr);
        Assert.False(File.Exists(ckpt));
    }
}
