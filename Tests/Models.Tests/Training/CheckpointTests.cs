using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Models.Zoo;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Models.Tests.Training;

public class CheckpointTests
{
    private static Checkpoint Sample()
    {
        var net = Mlp.Build(new MlpOptions([12, 5, 3], "tanh", Initializer.Xavier, 0.25f, "log-likelihood", 4));
        var ck = new Checkpoint(net, "mlp", [1, 3, 4], ["cat", "dog", "emu"], "log-likelihood", new Normalization([0.5f], [0.25f]),
            new Dictionary<string, string> { ["dataset"] = "toy" })
        {
            Training = new TrainingState { Options = new TrainerOptions { Epochs = 7, Seed = 9, L2 = 0.5f }, CompletedEpochs = 2 },
        };
        ck.Optimizer = Optimizer.Create(new OptimizerSettings("adam"), net.AllParameters().ToArray());
        ck.Optimizer.Steps = 17;
        var rng = new Random(1);
        foreach (var t in ck.Optimizer.State)
            for (int i = 0; i < t.Length; i++) t[i] = (float)rng.NextDouble();
        return ck;
    }

    [Fact]
    public void Save_and_load_round_trip_everything()
    {
        using var folder = new TempFolder();
        var ck = Sample();
        var path = folder.File("a.ckpt");
        ck.Save(path);
        var back = Checkpoint.Load(path);
        Assert.Equal(ck.Network.Spec.ToJson(), back.Network.Spec.ToJson());
        Assert.Equal(ck.Network.AllParameters().SelectMany(p => p.Value.Span.ToArray()), back.Network.AllParameters().SelectMany(p => p.Value.Span.ToArray()));
        Assert.Equal("mlp", back.Architecture);
        Assert.Equal([1, 3, 4], back.InputShape);
        Assert.Equal(["cat", "dog", "emu"], back.ClassLabels);
        Assert.Equal("softmax", back.OutputActivation);
        Assert.Equal([0.5f], back.Normalization!.Mean);
        Assert.Equal("toy", back.Metadata["dataset"]);
        Assert.Equal(9, back.Training!.Options.Seed);
        Assert.Equal(2, back.Training.CompletedEpochs);
        Assert.Equal(17, back.Optimizer!.Steps);
        Assert.Equal(ck.Optimizer!.State.SelectMany(t => t.Span.ToArray()), back.Optimizer.State.SelectMany(t => t.Span.ToArray()));
        Assert.Single(Directory.GetFiles(folder.Path)); // no temporary file left behind
    }

    [Fact]
    public void A_truncated_file_is_named_in_the_error()
    {
        using var folder = new TempFolder();
        var path = folder.File("t.ckpt");
        Sample().Save(path);
        var bytes = File.ReadAllBytes(path);
        foreach (int keep in new[] { 5, 20, bytes.Length / 2, bytes.Length - 3 })
        {
            File.WriteAllBytes(path, bytes[..keep]);
            var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path));
            Assert.Contains(path, e.Message);
        }
    }

    [Fact]
    public void A_file_that_is_not_a_checkpoint_is_named_in_the_error()
    {
        using var folder = new TempFolder();
        var path = folder.Write("notes.txt", "hello, I am not a model");
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("not a NeuralPipelines checkpoint", e.Message);
        Assert.Throws<FileNotFoundException>(() => Checkpoint.Load(folder.File("missing.ckpt")));
    }

    [Fact]
    public void Another_architecture_or_input_shape_is_an_error_naming_both()
    {
        var ck = Sample();
        var e1 = Assert.Throws<ArgumentException>(() => ck.EnsureMatches("lenet5", [1, 3, 4]));
        Assert.Contains("mlp", e1.Message); Assert.Contains("lenet5", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => ck.EnsureMatches(null, [3, 32, 32]));
        Assert.Contains("[1×3×4]", e2.Message); Assert.Contains("[3×32×32]", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => new Checkpoint(new Dense(12, 4), "mlp", [1, 3, 4], ["a", "b"], "quadratic"));
        Assert.Contains("2 class labels", e3.Message);
    }

    [Fact]
    public void Images_with_another_class_count_are_an_error_naming_the_data_and_both_counts()
    {
        var ck = Sample();
        var images = new LabelledImages("four.idx", new float[2 * 12], [0, 3], 1, 3, 4, classes: 4);
        var e = Assert.Throws<ArgumentException>(() => ck.EnsureFits(images));
        Assert.Contains("four.idx has 4 classes", e.Message);
        Assert.Contains($"{ck.ClassLabels.Length} outputs", e.Message);
    }
}
