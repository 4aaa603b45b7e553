using System.Text;
using System.Text.Json.Nodes;
using NeuralPipelines.Data.Datasets;
using NeuralPipelines.Data.IO;
using NeuralPipelines.Models.Checkpoints;
using NeuralPipelines.Models.Init;
using NeuralPipelines.Models.Layers;
using NeuralPipelines.Models.Losses;
using NeuralPipelines.Models.Optimizers;
using NeuralPipelines.Models.Training;
using NeuralPipelines.Models.Zoo;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Models.Tests.Training;

public class CheckpointTests
{
    private static ClassifierCheckpoint Sample()
    {
        var net = Mlp.Build(new MlpOptions([12, 5, 3], "tanh", Initializer.Xavier, 0.25f, CostKind.LogLikelihood, 4));
        var model = new ClassifierModel(net, "mlp", [1, 3, 4], ["cat", "dog", "emu"], CostKind.LogLikelihood, new Normalization([0.5f], [0.25f]),
            new Dictionary<string, string> { ["dataset"] = "toy" });
        var state = new TrainingState { Options = new TrainerOptions { Epochs = 7, Seed = 9, L2 = 0.5f }, CompletedEpochs = 2 };
        state.Optimizer = Optimizer.Create(new OptimizerSettings(OptimizerKind.Adam), net.AllParameters().ToArray());
        state.Optimizer.Steps = 17;
        var rng = new Random(1);
        foreach (var t in state.Optimizer.State)
            for (int i = 0; i < t.Length; i++) t[i] = (float)rng.NextDouble();
        return new ClassifierCheckpoint(model, state);
    }

    private static float[] Values(IEnumerable<Tensors.Tensor> tensors) => tensors.SelectMany(t => t.Span.ToArray()).ToArray();

    /// <summary>Sums a crafted file anew, as a writer that meant it would: the checks behind the checksum must hold on
    /// their own (a file can be well-formed and still lie, or hold NaN).</summary>
    private static byte[] Restamp(byte[] bytes)
    {
        BitConverter.TryWriteBytes(bytes.AsSpan(bytes.Length - 12), Crc32C.Compute(bytes.AsSpan(0, bytes.Length - 12)));
        return bytes;
    }

    [Fact]
    public void A_flipped_bit_in_the_header_a_weight_or_the_optimiser_state_is_refused_by_the_checksum()
    {
        using var folder = new TempFolder();
        var path = folder.File("f.ckpt");
        Sample().Save(path);
        var bytes = File.ReadAllBytes(path);
        int dataStart = 12 + BitConverter.ToInt32(bytes, 8);
        // A digit of the header (a value, still valid JSON), a weight's low mantissa bit (still finite, still plausible),
        // the last optimiser value, and the checksum itself.
        int digit = Encoding.UTF8.GetString(bytes, 12, dataStart - 12).IndexOf("\"epochs\":7", StringComparison.Ordinal) + 12 + 9;
        foreach (var (at, bit) in new[] { (digit, 1), (dataStart + 5 * 4, 0), (bytes.Length - 13, 0), (bytes.Length - 10, 3) })
        {
            var damaged = (byte[])bytes.Clone();
            damaged[at] ^= (byte)(1 << bit);
            File.WriteAllBytes(path, damaged);
            var e = Assert.Throws<InvalidDataException>(() => ClassifierCheckpoint.Load(path));
            Assert.StartsWith(path + ":", e.Message);
            Assert.Contains("CRC-32C", e.Message);
        }
    }

    /// <summary>Version 2 (before the checksum) still loads, with every other check; the decision is in docs/RELIABILITY.md.</summary>
    [Fact]
    public void A_version_2_file_without_a_checksum_still_loads()
    {
        using var folder = new TempFolder();
        var path = folder.File("v2.ckpt");
        var ck = Sample();
        ck.Save(path);
        var bytes = File.ReadAllBytes(path);
        int length = BitConverter.ToInt32(bytes, 8);
        var header = Encoding.UTF8.GetString(bytes, 12, length);
        Assert.Contains("\"version\":3", header);
        var v2 = Encoding.UTF8.GetBytes(header.Replace("\"version\":3", "\"version\":2"));
        File.WriteAllBytes(path, [.. bytes[..12], .. v2, .. bytes[(12 + length)..^12], .. bytes[^8..]]);
        var (back, _) = ClassifierCheckpoint.Load(path);
        Assert.Equal(Values(ck.Model.Network.AllParameters().Select(p => p.Value)), Values(back.Network.AllParameters().Select(p => p.Value)));
    }

    [Fact]
    public void Save_and_load_round_trip_everything()
    {
        using var folder = new TempFolder();
        var ck = Sample();
        var path = folder.File("a.ckpt");
        ck.Save(path);
        var (back, state) = ClassifierCheckpoint.Load(path);
        Assert.Equal(ck.Model.Network.Spec.ToJson(), back.Network.Spec.ToJson());
        Assert.Equal(ck.Weights(), new ClassifierCheckpoint(back, state).Weights());
        Assert.Equal("mlp", back.Architecture);
        Assert.Equal([1, 3, 4], back.InputShape);
        Assert.Equal(["cat", "dog", "emu"], back.ClassLabels);
        Assert.Equal(CostKind.LogLikelihood, back.Cost);
        Assert.Equal(OutputActivation.Softmax, back.OutputActivation);
        Assert.Equal([0.5f], back.Normalization!.Mean);
        Assert.Equal("toy", back.Metadata["dataset"]);
        Assert.Equal(9, state!.Options.Seed);
        Assert.Equal(2, state.CompletedEpochs);
        Assert.Equal(OptimizerKind.Adam, state.Optimizer!.Settings.Kind);
        Assert.Equal(17, state.Optimizer.Steps);
        Assert.Equal(Values(ck.Training!.Optimizer!.State), Values(state.Optimizer.State));
        Assert.Single(Directory.GetFiles(folder.Path)); // no temporary file left behind
    }

    [Fact]
    public void The_header_spells_typed_settings_by_their_names()
    {
        using var folder = new TempFolder();
        var path = folder.File("a.ckpt");
        Sample().Save(path);
        string header = Encoding.UTF8.GetString(File.ReadAllBytes(path));
        Assert.Contains("\"cost\":\"log-likelihood\"", header);
        Assert.Contains("\"kind\":\"adam\"", header);
        Assert.Contains("\"kind\":\"constant\"", header);
        Assert.Contains("\"output_activation\":\"softmax\"", header);
    }

    /// <summary>A GAN's file: two named networks and two optimisers, each bound to its network, round trip exactly.</summary>
    [Fact]
    public void Several_named_networks_and_optimisers_round_trip()
    {
        using var folder = new TempFolder();
        var g = new Sequential(new Dense(4, 6, Initializer.He, new Random(1)), new ReLU(), new Dense(6, 3, Initializer.He, new Random(2)));
        var d = new Sequential(new Dense(3, 5, Initializer.He, new Random(3)), new Dense(5, 1, Initializer.He, new Random(4)));
        var gOpt = Optimizer.Create(new OptimizerSettings(OptimizerKind.Adam, Beta1: 0.5f), g.AllParameters().ToArray());
        var dOpt = Optimizer.Create(new OptimizerSettings(OptimizerKind.Sgd, 0.9f), d.AllParameters().ToArray());
        foreach (var (t, i) in gOpt.State.Concat(dOpt.State).Select((t, i) => (t, i))) t.Span.Fill(i + 0.5f);
        gOpt.Steps = 3; dOpt.Steps = 5;
        var content = new CheckpointContent
        {
            Kind = "gan",
            Networks = [new NamedNetwork("generator", "toy-g", g, [4]), new NamedNetwork("discriminator", "toy-d", d, [3])],
            Optimizers = [new NamedOptimizer("generator", "generator", gOpt), new NamedOptimizer("discriminator", "discriminator", dOpt)],
            Sections = { ["training"] = new JsonObject { ["epoch"] = 4 } },
        };
        var path = folder.File("gan.ckpt");
        CheckpointFile.Save(path, content);

        var back = CheckpointFile.Load(path);
        Assert.Equal("gan", back.Kind);
        Assert.Equal(["generator", "discriminator"], back.Networks.Select(n => n.Name));
        Assert.Equal(Values(g.AllParameters().Select(p => p.Value)), Values(back.Network("generator").Network.AllParameters().Select(p => p.Value)));
        Assert.Equal(Values(d.AllParameters().Select(p => p.Value)), Values(back.Network("discriminator").Network.AllParameters().Select(p => p.Value)));
        Assert.Equal([3], back.Network("discriminator").InputShape);
        Assert.Equal(0.5f, back.OptimizerFor("generator")!.Settings.Beta1);
        Assert.Equal((3L, 5L), (back.OptimizerFor("generator")!.Steps, back.OptimizerFor("discriminator")!.Steps));
        Assert.Equal(Values(dOpt.State), Values(back.OptimizerFor("discriminator")!.State));
        Assert.Equal(4, back.Sections["training"]!["epoch"]!.GetValue<int>());

        var e = Assert.Throws<InvalidDataException>(() => ClassifierCheckpoint.Load(path));
        Assert.Contains("holds a gan model, not a classifier", e.Message);
        Assert.Contains(path, e.Message);
    }

    /// <summary>Files written before the model, training state and file format were separate types (header version 1,
    /// one network, its fields at the top level) still load: this one is written byte for byte as that writer did.</summary>
    [Fact]
    public void A_version_1_file_still_loads()
    {
        using var folder = new TempFolder();
        var net = new Dense(4, 3, Initializer.He, new Random(7));
        var weights = Values(net.AllParameters().Select(p => p.Value));
        float[] momentum = Enumerable.Range(0, weights.Length).Select(i => i * 0.25f).ToArray();
        string header = $$"""
            {"format":"neuralpipelines-checkpoint","version":1,"architecture":"mlp","network":{{System.Text.Json.JsonSerializer.Serialize(net.Spec.ToJson())}},
             "input_shape":[1,2,2],"class_labels":["a","b","c"],"normalization":null,"cost":"cross-entropy","output_activation":"sigmoid",
             "metadata":{"seed":"3"},"training":{"options":{"epochs":4,"batch_size":8,"learning_rate":0.5,"schedule":{"kind":"cosine","step_every":10,"step_factor":0.5},
             "optimizer":{"kind":"sgd","momentum":0.9,"beta1":0.9,"beta2":0.999,"epsilon":1E-08},"l2":0,"l1":0,"seed":3,"patience":0,"checkpoint_path":"old.ckpt",
             "augmentation":null,"evaluate_training_set":true},"completed_epochs":2,"history":[],"best_test_accuracy":0.5,"best_epoch":2,"stop_reason":null,
             "train_seconds":1.5,"images_seen":100},"optimizer":{"kind":"sgd","momentum":0.9,"beta1":0.9,"beta2":0.999,"epsilon":1E-08},"optimizer_steps":25,
             "tensors":[{"name":"parameter0.weight","shape":[3,4]},{"name":"parameter1.bias","shape":[3]},{"name":"optimizer0","shape":[3,4]},{"name":"optimizer1","shape":[3]}]}
            """;
        var bytes = new List<byte>("NPCKPT01"u8.ToArray());
        var json = Encoding.UTF8.GetBytes(header);
        bytes.AddRange(BitConverter.GetBytes(json.Length));
        bytes.AddRange(json);
        foreach (float v in weights.Concat(momentum)) bytes.AddRange(BitConverter.GetBytes(v));
        bytes.AddRange("NPCKEND!"u8.ToArray());
        var path = folder.File("v1.ckpt");
        File.WriteAllBytes(path, bytes.ToArray());

        var (model, state) = ClassifierCheckpoint.Load(path);
        Assert.Equal(("mlp", CostKind.CrossEntropy, OutputActivation.Sigmoid), (model.Architecture, model.Cost, model.OutputActivation));
        Assert.Equal(["a", "b", "c"], model.ClassLabels);
        Assert.Equal(weights, Values(model.Network.AllParameters().Select(p => p.Value)));
        Assert.Equal((2, 4, ScheduleKind.Cosine), (state!.CompletedEpochs, state.Options.Epochs, state.Options.Schedule.Kind));
        Assert.Equal((OptimizerKind.Sgd, 25L), (state.Optimizer!.Settings.Kind, state.Optimizer.Steps));
        Assert.Equal(momentum, Values(state.Optimizer.State));
    }

    [Fact]
    public void A_newer_version_is_refused_by_name()
    {
        using var folder = new TempFolder();
        var json = Encoding.UTF8.GetBytes("""{"format":"neuralpipelines-checkpoint","version":9,"kind":"classifier"}""");
        var path = folder.File("future.ckpt");
        File.WriteAllBytes(path, [.. "NPCKPT01"u8.ToArray(), .. BitConverter.GetBytes(json.Length), .. json, .. "NPCKEND!"u8.ToArray()]);
        var e = Assert.Throws<InvalidDataException>(() => CheckpointFile.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("version 9 is not supported", e.Message);
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
            var e = Assert.Throws<InvalidDataException>(() => ClassifierCheckpoint.Load(path));
            Assert.Contains(path, e.Message);
        }
    }

    [Fact]
    public void A_header_that_declares_a_huge_layer_is_refused_before_anything_is_built()
    {
        // Issue 13's crafted file: a few kilobytes whose header makes the hidden layer a million units wide, with a tensor
        // list that agrees with it. The file holds the bytes of the 5-unit layer only.
        using var folder = new TempFolder();
        var path = folder.File("liar.ckpt");
        Sample().Save(path);
        var bytes = File.ReadAllBytes(path);
        int length = BitConverter.ToInt32(bytes, 8);
        var root = JsonNode.Parse(bytes.AsSpan(12, length))!.AsObject();
        var network = root["networks"]![0]!;
        network["spec"] = network["spec"]!.GetValue<string>().Replace("\"outputs\":\"5\"", "\"outputs\":\"1000000\"").Replace("\"inputs\":\"5\"", "\"inputs\":\"1000000\"");
        foreach (var t in root["tensors"]!.AsArray())
        {
            var shape = t!["shape"]!.AsArray();
            for (int i = 0; i < shape.Count; i++) if (shape[i]!.GetValue<int>() == 5) shape[i] = 1_000_000;
        }
        var json = Encoding.UTF8.GetBytes(root.ToJsonString());
        File.WriteAllBytes(path, Restamp([.. bytes[..8], .. BitConverter.GetBytes(json.Length), .. json, .. bytes[(12 + length)..]]));

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => ClassifierCheckpoint.Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.StartsWith(path + ":", e.Message);
        Assert.Contains("but only", e.Message);
        Assert.True(allocated < 16 << 20, $"loading a {new FileInfo(path).Length:N0}-byte checkpoint allocated {allocated:N0} bytes");
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void A_non_finite_weight_is_refused_naming_the_file_and_tensor(float value)
    {
        using var folder = new TempFolder();
        var path = folder.File("nan.ckpt");
        Sample().Save(path);
        var bytes = File.ReadAllBytes(path);
        int dataStart = 12 + BitConverter.ToInt32(bytes, 8);
        BitConverter.TryWriteBytes(bytes.AsSpan(dataStart + 4 * 7), value); // the first weight matrix's eighth value
        File.WriteAllBytes(path, Restamp(bytes));
        var e = Assert.Throws<InvalidDataException>(() => ClassifierCheckpoint.Load(path));
        Assert.StartsWith(path + ":", e.Message);
        Assert.Contains("at index 7", e.Message);
        Assert.Contains("must be finite", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_checkpoint_is_named_in_the_error()
    {
        using var folder = new TempFolder();
        var path = folder.Write("notes.txt", "hello, I am not a model");
        var e = Assert.Throws<InvalidDataException>(() => ClassifierCheckpoint.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("not a NeuralPipelines checkpoint", e.Message);
        Assert.Throws<FileNotFoundException>(() => ClassifierCheckpoint.Load(folder.File("missing.ckpt")));
    }

    [Fact]
    public void Another_architecture_or_input_shape_is_an_error_naming_both()
    {
        var ck = Sample().Model;
        var e1 = Assert.Throws<ArgumentException>(() => ck.EnsureMatches("lenet5", [1, 3, 4]));
        Assert.Contains("mlp", e1.Message); Assert.Contains("lenet5", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => ck.EnsureMatches(null, [3, 32, 32]));
        Assert.Contains("[1×3×4]", e2.Message); Assert.Contains("[3×32×32]", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => new ClassifierModel(new Dense(12, 4), "mlp", [1, 3, 4], ["a", "b"], CostKind.Quadratic));
        Assert.Contains("2 class labels", e3.Message);
    }

    [Fact]
    public void Images_with_another_class_count_are_an_error_naming_the_data_and_both_counts()
    {
        var ck = Sample().Model;
        // Every label has an output, but the data declares more classes than the network has.
        var images = new LabelledImages("four.idx", new float[2 * 12], [0, 1], 1, 3, 4, classes: 4);
        var e = Assert.Throws<ArgumentException>(() => ck.EnsureFits(images));
        Assert.Contains("four.idx has 4 classes", e.Message);
        Assert.Contains($"{ck.ClassLabels.Length} outputs", e.Message);
    }

    [Fact]
    public void A_label_the_network_has_no_output_for_is_an_error_naming_the_image_and_the_label()
    {
        var ck = Sample().Model;
        var images = new LabelledImages("four.idx", new float[2 * 12], [0, 3], 1, 3, 4, classes: 4);
        var e = Assert.Throws<ArgumentException>(() => ck.EnsureFits(images));
        Assert.Contains("four.idx: image 1 has label 3", e.Message);
        Assert.Contains($"{ck.ClassLabels.Length} outputs", e.Message);
    }
}
